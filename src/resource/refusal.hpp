// Turning a reason into a Refusal: the status and the WWW-Authenticate value (RFC 6750 §3,
// RFC 9449 §7.1). The reason (an Error) is kept for the log; the client sees only the
// protocol's error value and a fixed description, never the reason's message.
//
//   status  when                                             challenge error
//   400     a malformed request (invalid_request)            invalid_request
//   401     no credentials of ours                           (none: RFC 6750 §3.1)
//   401     any token or session failure                     invalid_token
//   401     a DPoP proof failed / the nonce is missing        invalid_dpop_proof / use_dpop_nonce
//   403     a scope is missing                               insufficient_scope, scope="..."
//   503     keys, introspection, revocation state or store    no challenge (fail closed)
//           could not be had (store_unavailable, io_error)
//
// Challenges: `Bearer` alone without DPoP; `Bearer` and `DPoP algs="..."` when a DpopVerifier
// is configured (the error on the scheme the request used); `DPoP` alone with require_dpop.
// Thread safety: pure functions over immutable settings.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "resource/request_credentials.hpp"
#include "tessera/authenticator.hpp"

namespace tessera::resource {

struct ChallengeSettings {
  std::string realm;      // empty: no realm parameter
  bool dpop = false;      // a DpopVerifier is configured
  bool require_dpop = false;
  std::string dpop_algs;  // "ES256 EdDSA ..." for the algs parameter
};

// The Refusal for reason, the request having used scheme: a 401 under none/other (a session
// cookie) carries no error parameter; otherwise the error goes on the scheme used (DPoP proof
// errors always on DPoP). dpop_nonce is copied into the Refusal.
Refusal refuse(const ChallengeSettings& s, Error reason, Scheme scheme, std::string dpop_nonce = {});
// A request without credentials of ours (the reason is for the log).
Refusal refuse_no_credentials(const ChallengeSettings& s, Error reason);
// 403 insufficient_scope naming the scopes needed, under the principal's scheme.
Refusal refuse_scope(const ChallengeSettings& s, std::span<const std::string> scopes, bool dpop_bound);

// The status a reason's code gets (table above).
unsigned status_for(Errc code) noexcept;

}  // namespace tessera::resource
