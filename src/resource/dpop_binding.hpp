// DPoP-bound tokens at the resource server (RFC 9449 §7): which scheme a token may come under,
// and the proof a bound token needs.
//  - a bound token (cnf.jkt) only under the DPoP scheme: as Bearer it is refused;
//  - an unbound token never under DPoP; with require_dpop an unbound token is refused whatever
//    the scheme;
//  - under DPoP the proof must pass the DpopVerifier with htm = the method, htu = the URL,
//    ath = the token's hash and the token's jkt (nonce and replay as the verifier is set up).
// Errors: invalid_token (binding), the verifier's (invalid_dpop_proof, use_dpop_nonce,
// store_unavailable from its replay cache).
// Thread safety: pure functions; DpopVerifier is thread-safe.
#pragma once

#include "resource/request_credentials.hpp"
#include "tessera/authenticator.hpp"
#include "tessera/dpop.hpp"

namespace tessera::resource {

Result<void> check_binding(const Principal& p, Scheme scheme, bool require_dpop);
// Only for a bound token under the DPoP scheme (check_binding passed).
Result<void> check_proof(const DpopVerifier& verifier, const AuthRequest& request, const RequestCredentials& creds,
                         const Principal& p);

}  // namespace tessera::resource
