// ClaimsValidator: the validation policy for a token's claims, shared by JWT and PASETO.
//
// Strict by default; every leniency is a named opt-in on the Builder:
//  - exp is required (allow_missing_expiration() to accept tokens without it);
//  - the issuer must be configured: expect_issuer()/expect_issuers(), or ignore_issuer();
//  - a token carrying aud is rejected unless expect_audience() names one of its values
//    (RFC 7519 §4.1.3), or ignore_audience() is called; expect_audience() makes aud required;
//  - nbf and iat are checked when present (iat not in the future), with leeway (default 60 s);
//  - max_age(s) requires iat and rejects tokens issued more than s seconds ago;
//  - require_claim(name) makes any claim mandatory.
// Thread safety: an immutable value once built; validate() is const and thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tessera/claims.hpp"
#include "tessera/clock.hpp"
#include "tessera/error.hpp"

namespace tessera {

class ClaimsValidator {
 public:
  class Builder {
   public:
    Builder& expect_issuer(std::string iss);
    Builder& expect_issuers(std::vector<std::string> issuers);
    Builder& ignore_issuer();
    Builder& expect_audience(std::string aud);
    Builder& ignore_audience();
    Builder& leeway(std::int64_t seconds);
    Builder& max_age(std::int64_t seconds);
    Builder& require_claim(std::string name);
    Builder& allow_missing_expiration();
    // The clock must outlive the validator. Default: SystemClock.
    Builder& clock(const Clock& clock);
    // invalid_argument when the issuer policy is unset, or leeway / max_age is negative.
    Result<ClaimsValidator> build() const;

   private:
    friend class ClaimsValidator;
    std::vector<std::string> issuers_;
    bool ignore_issuer_ = false;
    std::vector<std::string> audiences_;
    bool ignore_audience_ = false;
    std::int64_t leeway_ = 60;
    std::optional<std::int64_t> max_age_;
    std::vector<std::string> required_;
    bool allow_missing_exp_ = false;
    const Clock* clock_ = nullptr;
  };

  // Errors: token_expired, token_not_yet_valid, token_issued_in_future, token_too_old,
  // missing_claim, invalid_issuer, invalid_audience.
  Result<void> validate(const Claims& claims) const;

  std::int64_t now() const { return clock_->now(); }

 private:
  explicit ClaimsValidator(const Builder& b);
  Builder policy_;
  const Clock* clock_;
};

}  // namespace tessera
