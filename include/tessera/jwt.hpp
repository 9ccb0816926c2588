// JWT (RFC 7519) over JWS compact: a fluent builder to issue, a strict verifier to accept.
//
// A VerifiedJwt can only come out of JwtVerifier::verify(): verify-and-decode is one call.
// decode_unverified_for_debugging() exists for tooling and says so in its name.
// Thread safety: JwtBuilder is a plain value; JwtVerifier is immutable and thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "tessera/claims.hpp"
#include "tessera/claims_builder.hpp"
#include "tessera/clock.hpp"
#include "tessera/jws.hpp"
#include "tessera/keys.hpp"
#include "tessera/validator.hpp"

namespace tessera {

// Registered claims (iss, sub, aud, jti, iat, nbf, exp as NumericDate, expires_in, claim,
// claims) come from ClaimsBuilder.
class JwtBuilder : public ClaimsBuilder<JwtBuilder, TimeEncoding::numeric_date> {
 public:
  JwtBuilder& type(std::string typ);    // header typ, e.g. "JWT" or "at+jwt"
  JwtBuilder& algorithm(Algorithm alg); // default: the key's default algorithm
  JwtBuilder& key_id(std::string kid);  // default: the key's kid

  // wrong_type if a registered claim set via claim()/claims() has the wrong type.
  Result<std::string> sign(const Key& key) const;
  // Signs with the key set's primary key.
  Result<std::string> sign(const KeySet& keys) const;

 private:
  std::optional<std::string> typ_;
  std::optional<Algorithm> alg_;
  std::optional<std::string> kid_;
};

class VerifiedJwt {
 public:
  const boost::json::object& header() const noexcept { return *header_; }
  const Claims& claims() const noexcept { return claims_; }
  Algorithm algorithm() const noexcept { return alg_; }
  const std::string& key_id() const noexcept { return kid_; }  // of the key that verified

 private:
  friend class JwtVerifier;
  VerifiedJwt(std::shared_ptr<const boost::json::object> header, Claims claims, Algorithm alg, std::string kid)
      : header_(std::move(header)), claims_(std::move(claims)), alg_(alg), kid_(std::move(kid)) {}
  std::shared_ptr<const boost::json::object> header_;  // shared with the verifier's header cache
  Claims claims_;
  Algorithm alg_;
  std::string kid_;
};

class JwtVerifier {
 public:
  class Builder {
   public:
    Builder(KeySet keys, ClaimsValidator validator);
    Builder& allow_algorithms(std::vector<Algorithm> algs);
    // Header typ must equal this (case-insensitive; an "application/" prefix is ignored).
    Builder& expect_type(std::string typ);
    Builder& max_token_bytes(std::size_t n);
    // invalid_argument for an empty key set (a verifier that can accept nothing is a mistake).
    Result<JwtVerifier> build() const;

   private:
    friend class JwtVerifier;
    KeySet keys_;
    ClaimsValidator validator_;
    std::vector<Algorithm> algs_;
    std::optional<std::string> typ_;
    std::size_t max_bytes_ = kDefaultMaxTokenBytes;
  };

  // Signature first, then header typ, then claims types, then the claims policy.
  Result<VerifiedJwt> verify(std::string_view token) const;

 private:
  explicit JwtVerifier(const Builder& b);
  JwsVerifier jws_;
  ClaimsValidator validator_;
  std::optional<std::string> typ_;
};

struct UnverifiedJwt {
  boost::json::object header;
  boost::json::value payload;  // the parsed JSON, or the raw string if the payload is not JSON
};
// NOT verified: for debugging and tooling only. Never base a decision on its output.
Result<UnverifiedJwt> decode_unverified_for_debugging(std::string_view token,
                                                      std::size_t max_token_bytes = kDefaultMaxTokenBytes);

}  // namespace tessera
