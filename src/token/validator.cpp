// ClaimsValidator: the shared claims policy (see validator.hpp).
#include "tessera/validator.hpp"

#include <algorithm>
#include <chrono>

namespace tessera {

std::int64_t SystemClock::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

const SystemClock& SystemClock::instance() {
  static const SystemClock clock;
  return clock;
}

using Builder = ClaimsValidator::Builder;

Builder& Builder::expect_issuer(std::string iss) {
  issuers_.push_back(std::move(iss));
  return *this;
}
Builder& Builder::expect_issuers(std::vector<std::string> issuers) {
  for (auto& i : issuers) issuers_.push_back(std::move(i));
  return *this;
}
Builder& Builder::ignore_issuer() {
  ignore_issuer_ = true;
  return *this;
}
Builder& Builder::expect_audience(std::string aud) {
  audiences_.push_back(std::move(aud));
  return *this;
}
Builder& Builder::ignore_audience() {
  ignore_audience_ = true;
  return *this;
}
Builder& Builder::leeway(std::int64_t seconds) {
  leeway_ = seconds;
  return *this;
}
Builder& Builder::max_age(std::int64_t seconds) {
  max_age_ = seconds;
  return *this;
}
Builder& Builder::require_claim(std::string name) {
  required_.push_back(std::move(name));
  return *this;
}
Builder& Builder::allow_missing_expiration() {
  allow_missing_exp_ = true;
  return *this;
}
Builder& Builder::clock(const Clock& c) {
  clock_ = &c;
  return *this;
}

Result<ClaimsValidator> Builder::build() const {
  if (issuers_.empty() && !ignore_issuer_)
    return fail(Errc::invalid_argument, "issuer policy unset: call expect_issuer() or ignore_issuer()");
  if (!issuers_.empty() && ignore_issuer_)
    return fail(Errc::invalid_argument, "expect_issuer() and ignore_issuer() both set");
  if (!audiences_.empty() && ignore_audience_)
    return fail(Errc::invalid_argument, "expect_audience() and ignore_audience() both set");
  if (leeway_ < 0 || leeway_ > 86400) return fail(Errc::invalid_argument, "leeway must be 0..86400 seconds");
  if (max_age_ && *max_age_ < 0) return fail(Errc::invalid_argument, "max_age must not be negative");
  return ClaimsValidator(*this);
}

ClaimsValidator::ClaimsValidator(const Builder& b)
    : policy_(b), clock_(b.clock_ ? b.clock_ : &SystemClock::instance()) {}

Result<void> ClaimsValidator::validate(const Claims& c) const {
  const std::int64_t now = clock_->now();
  const std::int64_t leeway = policy_.leeway_;

  if (auto exp = c.expires_at()) {
    if (now - leeway >= *exp) return fail(Errc::token_expired, "token expired");
  } else if (!policy_.allow_missing_exp_) {
    return fail(Errc::missing_claim, "exp is required");
  }
  if (auto nbf = c.not_before(); nbf && now + leeway < *nbf)
    return fail(Errc::token_not_yet_valid, "token not valid yet (nbf)");
  if (auto iat = c.issued_at(); iat && *iat > now + leeway)
    return fail(Errc::token_issued_in_future, "iat is in the future");
  if (policy_.max_age_) {
    auto iat = c.issued_at();
    if (!iat) return fail(Errc::missing_claim, "iat is required by max_age");
    if (now - leeway > *iat + *policy_.max_age_) return fail(Errc::token_too_old, "token older than max_age");
  }

  if (!policy_.ignore_issuer_) {
    auto iss = c.issuer();
    if (!iss) return fail(Errc::missing_claim, "iss is required");
    if (std::find(policy_.issuers_.begin(), policy_.issuers_.end(), *iss) == policy_.issuers_.end())
      return fail(Errc::invalid_issuer, "unexpected issuer");
  }

  if (!policy_.ignore_audience_) {
    if (!policy_.audiences_.empty()) {
      if (!c.has_audience()) return fail(Errc::missing_claim, "aud is required");
      bool match = false;
      for (auto a : c.audience())
        for (const auto& want : policy_.audiences_)
          if (a == want) match = true;
      if (!match) return fail(Errc::invalid_audience, "audience does not match");
    } else if (c.has_audience()) {
      return fail(Errc::invalid_audience, "token has aud but no audience is expected");
    }
  }

  for (const auto& name : policy_.required_)
    if (!c.contains(name)) return fail(Errc::missing_claim, "required claim missing: " + name);
  return {};
}

}  // namespace tessera
