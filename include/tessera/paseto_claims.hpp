// PASETO claims: a fluent builder to issue, a strict verifier to accept, footer kid and key sets.
//
// Claims are the shared Claims model with times as RFC 3339 strings (exp, nbf, iat), and they
// are checked by the shared ClaimsValidator: exp is required unless the validator says
// otherwise, the issuer policy must be chosen, and so on (see validator.hpp).
//
// Footers. A footer is authenticated but not encrypted. It is often JSON such as {"kid":"..."};
// JSON footers are bounded in size and depth BEFORE they are parsed, and parsed strictly
// (duplicate member names rejected).
//
// ********************************************************************************************
// * BEFORE verification, the ONLY thing that may be read from a token is the footer's kid,    *
// * and ONLY to choose which of YOUR keys to try (e.g. during key rotation). Nothing else in   *
// * the footer or the payload is trustworthy until decrypt()/verify() has succeeded. A kid   *
// * that matches none of your keys fails closed (Errc::key_not_found): it never falls back   *
// * to another key.                                                                          *
// ********************************************************************************************
//
// A VerifiedPaseto can only come out of PasetoVerifier: verify-and-decode is one call.
// Namespaces: the key sets and footer_kid() sit in tessera::paseto next to the keys; the
// builder, verifier and result are tessera::Paseto* like tessera::Jwt*.
// Thread safety: key sets and PasetoBuilder are plain values; PasetoVerifier is immutable
// and thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "tessera/claims.hpp"
#include "tessera/claims_builder.hpp"
#include "tessera/clock.hpp"
#include "tessera/error.hpp"
#include "tessera/paseto.hpp"
#include "tessera/validator.hpp"

namespace tessera::paseto {

inline constexpr std::size_t kDefaultMaxFooterBytes = 2048;
// Nesting allowed in a JSON footer: the top-level object and one level below it.
inline constexpr std::size_t kMaxFooterDepth = 2;

// The footer's kid, read WITHOUT verification, to choose a key. Use nothing else from it.
//  - no footer                          -> nullopt
//  - a footer that does not start with '{' (not JSON) -> nullopt
//  - a footer that starts with '{' must be a JSON object of at most max_footer_bytes
//    (else token_too_large) and depth 2 (else json_too_deep), without repeated member names
//    (else duplicate_member), otherwise malformed; its kid, if present, must be a string
//    (else wrong_type).
// The token itself is refused over max_token_bytes (token_too_large) or if it is not a PASETO
// token (malformed).
Result<std::optional<std::string>> footer_kid(std::string_view token,
                                              std::size_t max_footer_bytes = kDefaultMaxFooterBytes,
                                              std::size_t max_token_bytes = kDefaultMaxTokenBytes);

namespace detail {
// Keys by kid, in insertion order. The kid is any non-empty string, typically a PASERK
// lid/pid; add() refuses an empty or repeated kid with invalid_argument.
template <class K>
class KidMap {
 public:
  Result<void> add(K key, std::string kid) {
    if (kid.empty()) return fail(Errc::invalid_argument, "empty kid");
    if (find(kid)) return fail(Errc::invalid_argument, "kid already in the key set");
    entries_.emplace_back(std::move(kid), std::move(key));
    return {};
  }
  // nullptr when no key has this kid.
  const K* find(std::string_view kid) const noexcept {
    for (const auto& e : entries_)
      if (e.first == kid) return &e.second;
    return nullptr;
  }
  std::size_t size() const noexcept { return entries_.size(); }
  bool empty() const noexcept { return entries_.empty(); }
  // The only key and its kid when the set holds exactly one, else nullptr.
  const std::pair<std::string, K>* only() const noexcept { return entries_.size() == 1 ? &entries_.front() : nullptr; }

 private:
  std::vector<std::pair<std::string, K>> entries_;
};
}  // namespace detail

// Keys for vN.local tokens, chosen by the footer kid. Versions may be mixed (v3 and v4 during
// a migration): the key a kid selects must still fit the token, else wrong_key_type.
class LocalKeySet : public detail::KidMap<LocalKey> {};
// Keys for vN.public tokens, chosen by the footer kid.
class PublicKeySet : public detail::KidMap<PublicKey> {};

}  // namespace tessera::paseto

namespace tessera {

// Registered claims (iss, sub, aud, jti, iat, nbf, exp, expires_in, claim, claims) come from
// ClaimsBuilder. Times are Unix seconds written as RFC 3339 ("2024-01-01T00:00:00+00:00"); a
// time outside the years 0000..9999 makes encrypt()/sign() fail with invalid_argument.
class PasetoBuilder : public ClaimsBuilder<PasetoBuilder, TimeEncoding::rfc3339> {
 public:
  // The footer, verbatim. footer() and footer_kid() replace each other: the last call wins.
  PasetoBuilder& footer(std::string footer);
  // The footer {"kid":"<kid>"}.
  PasetoBuilder& footer_kid(std::string kid);
  // The implicit assertion (v3/v4 only; authenticated, never in the token).
  PasetoBuilder& implicit(std::string implicit);

  // wrong_type if a registered claim has the wrong type (e.g. exp not an RFC 3339 string);
  // wrong_key_type / invalid_argument from the byte layer (e.g. an implicit assertion for v2).
  Result<std::string> encrypt(const paseto::LocalKey& key) const;
  Result<std::string> sign(const paseto::SecretKey& key) const;

 private:
  Result<std::string> payload() const;

  std::string footer_;
  std::string implicit_;
};

class VerifiedPaseto {
 public:
  const Claims& claims() const noexcept { return claims_; }
  // The authenticated footer (empty when the token has none).
  const std::string& footer() const noexcept { return footer_; }
  paseto::Version version() const noexcept { return version_; }
  paseto::Purpose purpose() const noexcept { return purpose_; }
  // The kid under which the key was found in a key set; nullopt when a single key was given.
  const std::optional<std::string>& key_id() const noexcept { return kid_; }

 private:
  friend class PasetoVerifier;
  VerifiedPaseto(Claims claims, std::string footer, paseto::Version v, paseto::Purpose p,
                 std::optional<std::string> kid)
      : claims_(std::move(claims)), footer_(std::move(footer)), version_(v), purpose_(p), kid_(std::move(kid)) {}
  Claims claims_;
  std::string footer_;
  paseto::Version version_;
  paseto::Purpose purpose_;
  std::optional<std::string> kid_;
};

class PasetoVerifier {
 public:
  class Builder {
   public:
    explicit Builder(ClaimsValidator validator);
    // The implicit assertion the tokens were made with (v3/v4).
    Builder& implicit(std::string implicit);
    Builder& max_token_bytes(std::size_t n);
    // Bound on a JSON footer read for its kid (default 2048).
    Builder& max_footer_bytes(std::size_t n);
    // The authenticated footer must equal this exactly (else bad_signature).
    Builder& expect_footer(std::string footer);
    PasetoVerifier build() const;

   private:
    friend class PasetoVerifier;
    ClaimsValidator validator_;
    std::string implicit_;
    std::size_t max_token_bytes_ = paseto::kDefaultMaxTokenBytes;
    std::size_t max_footer_bytes_ = paseto::kDefaultMaxFooterBytes;
    std::optional<std::string> footer_;
  };

  // Authentication first (wrong_key_type, malformed, token_too_large, bad_signature), then the
  // expected footer, then the payload (a strict JSON object), the claims types, and the policy.
  Result<VerifiedPaseto> decrypt(const paseto::LocalKey& key, std::string_view token) const;
  Result<VerifiedPaseto> verify(const paseto::PublicKey& key, std::string_view token) const;
  // Key sets: the footer kid selects the key (no match: key_not_found, fail closed); without a
  // kid, a set of exactly one key uses it, and any other set is key_not_found.
  Result<VerifiedPaseto> decrypt(const paseto::LocalKeySet& keys, std::string_view token) const;
  Result<VerifiedPaseto> verify(const paseto::PublicKeySet& keys, std::string_view token) const;

 private:
  explicit PasetoVerifier(const Builder& b);
  Result<VerifiedPaseto> finish(Result<std::string> payload, std::string_view token, paseto::Version v,
                                paseto::Purpose p, std::optional<std::string> kid) const;

  ClaimsValidator validator_;
  std::string implicit_;
  std::size_t max_token_bytes_;
  std::size_t max_footer_bytes_;
  std::optional<std::string> footer_;
};

}  // namespace tessera
