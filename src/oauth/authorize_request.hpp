// The authorization request (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8707, OIDC Core §3.1.2.1),
// read in two steps because of where its errors may go:
//  1. authorize_target: client_id and redirect_uri, each present exactly once. Until the
//     client is known and the redirect URI is one it registered, an error can only be shown
//     (an error page), never redirected.
//  2. read_authorize_request: everything else, checked against the client; its errors are
//     redirected to the (now trusted) redirect URI with `state` and `iss`.
// Step 2's rules: no parameter repeated (invalid_request); response_type "code"
// (unsupported_response_type; missing: invalid_request); the client has the
// authorization_code grant (unauthorized_client); code_challenge present and well formed and
// code_challenge_method "S256" — a missing method means "plain" (RFC 7636 §4.3) and is refused
// like "plain" (invalid_request); scope within the client's scopes (invalid_scope; absent: the
// client's scopes); resource, if given, one of the client's audiences (invalid_target); prompt
// "none" alone; max_age a decimal number of seconds (invalid_request); dpop_jkt, if given, a
// JWK SHA-256 thumbprint: 43 base64url characters (invalid_request; RFC 9449 §10).
// Re-authentication (OIDC Core §3.1.2.1): prompt=login asks for a login at most
// kFreshLoginSeconds old (the one the login page just made), max_age=N for one at most N
// seconds old; login_age_limit is the smaller of the two.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "oauth/scope.hpp"
#include "tessera/authorization_server.hpp"

namespace tessera::oauth {

inline constexpr std::int64_t kFreshLoginSeconds = 60;

struct AuthorizeTarget {
  std::string client_id;
  std::string redirect_uri;
};

struct AuthorizeRequest {
  AuthorizeTarget target;
  ScopeSet scopes;
  std::string state;           // empty: none
  std::string nonce;           // empty: none
  std::string code_challenge;
  std::string audience;        // the resource requested, else the client's first audience, else empty
  std::string dpop_jkt;        // RFC 9449 §10: the code may only be exchanged with this key; empty: none
  bool prompt_none = false;
  bool prompt_consent = false;
  std::optional<std::int64_t> login_age_limit;  // seconds; nullopt: any live session will do
};

// invalid_request (missing or repeated client_id / redirect_uri).
Result<AuthorizeTarget> authorize_target(const Params& query);
// The state parameter when it occurs exactly once (for error redirects), else empty.
std::string authorize_state(const Params& query);
Result<AuthorizeRequest> read_authorize_request(const Params& query, AuthorizeTarget target,
                                                const ClientSettings& client);

// The redirect URI with an error (RFC 6749 §4.1.2.1, RFC 9207 iss).
std::string error_redirect(std::string_view redirect_uri, const Error& e, std::string_view state,
                           std::string_view issuer);

}  // namespace tessera::oauth
