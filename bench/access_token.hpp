// The claims of a typical access token (iss, sub, aud, exp, iat, nbf, jti, scope, roles), used by
// every token benchmark so JWT and PASETO carry the same payload.
#pragma once

#include <cstdint>

#include <boost/json/array.hpp>

#include "tessera/clock.hpp"

namespace tessera::bench {

inline constexpr std::int64_t kNow = 1'700'000'000;

// The clock every benchmark validates against: kNow, inside every token's validity.
inline const FixedClock& fixed_clock() {
  static const FixedClock c(kNow);
  return c;
}

// Builder is JwtBuilder or PasetoBuilder (both ClaimsBuilder).
template <class Builder>
Builder access_token() {
  Builder b;
  b.issuer("https://auth.tessera.example")
      .subject("user-7f3c9a2e-41d8-4c0b-9e55-1b2d3c4e5f60")
      .audience("https://api.tessera.example")
      .expires_at(kNow + 900)
      .issued_at(kNow)
      .not_before(kNow)
      .jwt_id("01JD2Q7W9XK4M8N3P5R6S7T8V9")
      .claim("scope", "openid profile email orders:read orders:write")
      .claim("roles", boost::json::array{"customer", "beta-tester"});
  return b;
}

}  // namespace tessera::bench
