// ClaimsBuilder: the registered-claims setters shared by JwtBuilder and PasetoBuilder, written
// once. The only difference between the two token formats here is how times are written:
// NumericDate (JWT) or RFC 3339 (PASETO). Derived builders add their header/footer options and
// their sign/encrypt calls.
// Thread safety: a plain value; not for concurrent mutation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "tessera/clock.hpp"
#include "tessera/error.hpp"

namespace tessera {

enum class TimeEncoding { numeric_date, rfc3339 };

namespace detail {
// Writes claims[name] = t in the given encoding; on failure (a time RFC 3339 cannot express)
// records the first error in error.
void set_claim_time(boost::json::object& claims, std::string_view name, std::int64_t t, TimeEncoding enc,
                    std::optional<Error>& error);
}  // namespace detail

template <class Derived, TimeEncoding Enc>
class ClaimsBuilder {
 public:
  Derived& issuer(std::string iss) { return set("iss", boost::json::value(iss)); }
  Derived& subject(std::string sub) { return set("sub", boost::json::value(sub)); }
  Derived& jwt_id(std::string jti) { return set("jti", boost::json::value(jti)); }
  // Call again for an array.
  Derived& audience(std::string aud) {
    audiences_.emplace_back(aud);
    if (audiences_.size() == 1) {
      claims_["aud"] = audiences_.front();
    } else {
      claims_["aud"] = audiences_;
    }
    return self();
  }
  Derived& issued_at(std::int64_t t) { return time("iat", t); }
  Derived& not_before(std::int64_t t) { return time("nbf", t); }
  Derived& expires_at(std::int64_t t) { return time("exp", t); }
  // iat = now, exp = now + seconds (clock: SystemClock unless given).
  Derived& expires_in(std::int64_t seconds, const Clock& clock = SystemClock::instance()) {
    const auto now = clock.now();
    time("iat", now);
    return time("exp", now + seconds);
  }
  Derived& claim(std::string name, boost::json::value value) { return set(name, std::move(value)); }
  // Replaces all claims, aud included, with the members of claims (then the setters above
  // may add more).
  Derived& claims(boost::json::object claims) {
    claims_ = std::move(claims);
    audiences_.clear();
    return self();
  }

 protected:
  boost::json::object claims_;
  boost::json::array audiences_;
  std::optional<Error> error_;  // the first setter error, reported when the token is made

 private:
  Derived& self() { return static_cast<Derived&>(*this); }
  Derived& set(std::string_view name, boost::json::value v) {
    claims_[name] = std::move(v);
    return self();
  }
  Derived& time(std::string_view name, std::int64_t t) {
    detail::set_claim_time(claims_, name, t, Enc, error_);
    return self();
  }
};

}  // namespace tessera
