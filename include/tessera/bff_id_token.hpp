// tessera/bff_id_token.hpp (implemented in src/bff/): the BFF's check of the ID token it got
// from the issuer's token endpoint (OIDC Core §3.1.3.7), before any session exists:
//  - signature against the issuer's JWKS (asymmetric algorithms only: RS*, PS*, ES*, EdDSA);
//  - iss is the configured issuer, aud contains the BFF's client id, and when aud names more
//    than one audience, azp is the client id;
//  - exp required and in the future, iat not in the future (60 s leeway), sub present;
//  - nonce equals the sign-in's nonce (compared in constant time).
// Thread safety: a free function, thread-safe.
#pragma once

#include <string_view>

#include "tessera/claims.hpp"
#include "tessera/clock.hpp"
#include "tessera/error.hpp"

namespace tessera::bff {

struct IdTokenExpectations {
  std::string_view issuer;
  std::string_view client_id;
  std::string_view nonce;
};

// The verified claims; errors: the JWT verifier's (bad_signature, key_not_found, malformed,
// token_expired, invalid_issuer, invalid_audience, missing_claim, ...), invalid_argument for a
// JWKS that does not parse, invalid_token for a nonce or azp that does not match.
Result<Claims> verify_id_token(std::string_view id_token, std::string_view issuer_jwks_json,
                               const IdTokenExpectations& expect, const Clock& clock = SystemClock::instance());

}  // namespace tessera::bff
