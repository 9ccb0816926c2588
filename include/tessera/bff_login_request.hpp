// tessera/bff_login_request.hpp (implemented in src/bff/): the secrets of one BFF sign-in (docs/bff.md): the OAuth `state`
// (binds the callback to the browser that started it), the OIDC `nonce` (binds the ID token to
// it) and the PKCE code verifier with its S256 challenge (RFC 7636 §4.1-4.2). The BFF keeps the
// whole record server-side; only state, nonce and the challenge go to the issuer.
// Thread safety: free functions, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/error.hpp"
#include "tessera/paseto.hpp"

namespace tessera::bff {

struct LoginRequest {
  std::string state;           // 32 random bytes, base64url (43 characters)
  std::string nonce;           // 32 random bytes, base64url
  std::string code_verifier;   // 32 random bytes, base64url: 43 characters of [A-Za-z0-9-_]
  std::string code_challenge;  // BASE64URL(SHA256(code_verifier))
};

// A fresh record from the CSPRNG.
LoginRequest new_login_request();
// The S256 code challenge of a verifier.
std::string s256_challenge(std::string_view code_verifier);
// The record between /bff/login and /bff/callback travels in an HttpOnly cookie, sealed:
// PASETO v4.local under the server key (implicit assertion "tessera-bff-login"), so the browser
// can neither read the verifier and nonce nor change them; the seal carries its own expiry.
inline constexpr std::int64_t kLoginRequestTtlSeconds = 600;
Result<std::string> seal_login_request(const LoginRequest& request, const paseto::LocalKey& key, std::int64_t now,
                                       std::int64_t ttl = kLoginRequestTtlSeconds);
// bad_signature (wrong key, tampered), token_expired (older than its ttl), malformed (not a
// sealed login record), wrong_key_type (not a v4.local token).
Result<LoginRequest> open_login_request(std::string_view sealed, const paseto::LocalKey& key, std::int64_t now);

// Whether the state the callback carries is the record's (constant time; an empty one never is).
bool state_matches(const LoginRequest& request, std::string_view returned_state);

}  // namespace tessera::bff
