// Verifying self-contained access tokens with keys from VerificationKeys: JWT (RFC 9068) and
// PASETO v4.public as Tessera issues them (docs/oauth.md). The token names its key (JWT header
// kid, PASETO footer kid) and that is the only thing read before verification; jku, x5u, jwk and
// x5c are never used (JwsVerifier ignores them). Then:
//  - JWT: the JwsVerifier's rules (alg from the key's allow-list intersected with `algorithms`,
//    none never, crit refused, size bound), typ "at+jwt" (or "application/at+jwt"), then the
//    ClaimsValidator (iss exact, aud one of ours, exp required, nbf/iat with leeway, the
//    required claims);
//  - PASETO: v4.public only (v4.local, v3, v2 refused: wrong_key_type); the kid selects an
//    Ed25519 key of the set that may verify EdDSA; without a kid the set's Ed25519 keys are
//    tried in order; then the same ClaimsValidator.
// Errors: whatever the verifier says (bad_signature, token_expired, invalid_audience, ...),
// key_not_found / store_unavailable from VerificationKeys, invalid_token for a bad claim shape.
// Thread safety: pure functions; keys must be thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "tessera/authenticator.hpp"
#include "tessera/validator.hpp"

namespace tessera::resource {

// The largest access token accepted (the Authorization header bound is larger).
inline constexpr std::size_t kMaxAccessTokenBytes = 12 * 1024;

// Three base64url parts: what a JWS compact JWT looks like (nothing checked).
bool looks_like_jwt(std::string_view token) noexcept;
// "v<digit>.local." or "v<digit>.public.": a PASETO token of any version and purpose.
bool looks_like_paseto(std::string_view token) noexcept;

Result<Principal> verify_jwt_access(std::string_view token, VerificationKeys& keys, const ClaimsValidator& claims,
                                    std::span<const Algorithm> algorithms);
Result<Principal> verify_paseto_access(std::string_view token, VerificationKeys& keys, const ClaimsValidator& claims);

}  // namespace tessera::resource
