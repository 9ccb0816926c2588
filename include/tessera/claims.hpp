// Claims: a token's claims set, with the registered claims (iss, sub, aud, exp, nbf, iat, jti)
// type-checked and extracted once. The same model serves JWT and PASETO: only the encoding of
// the times differs (JWT: NumericDate numbers; PASETO: RFC 3339 strings), and the accessors
// below give Unix seconds either way, so one ClaimsValidator serves both.
// Thread safety: immutable value.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "tessera/error.hpp"

namespace tessera {

class Claims {
 public:
  // Type-checks the registered claims of a JWT claims set (times as NumericDate).
  // Errc::wrong_type for e.g. exp as a string, aud as an object or an array with a non-string.
  static Result<Claims> from_jwt(boost::json::object claims);
  // The same type checks without taking a copy (for issuers).
  static Result<void> check_jwt(const boost::json::object& claims);
  // The same for a PASETO claims set: exp, nbf and iat must be RFC 3339 date-time strings
  // (Errc::wrong_type for a number, or for a string that is not a valid date-time).
  static Result<Claims> from_paseto(boost::json::object claims);
  static Result<void> check_paseto(const boost::json::object& claims);

  const boost::json::object& json() const noexcept { return json_; }
  std::optional<std::string_view> issuer() const noexcept { return iss_; }
  std::optional<std::string_view> subject() const noexcept { return sub_; }
  std::optional<std::string_view> jwt_id() const noexcept { return jti_; }
  // aud as a list: a string aud is a one-element list; empty when absent.
  std::span<const std::string_view> audience() const noexcept { return aud_; }
  bool has_audience() const noexcept { return has_aud_; }
  std::optional<std::int64_t> expires_at() const noexcept { return exp_; }
  std::optional<std::int64_t> not_before() const noexcept { return nbf_; }
  std::optional<std::int64_t> issued_at() const noexcept { return iat_; }
  bool contains(std::string_view name) const noexcept { return json_.contains(name); }

  Claims(const Claims& other);
  Claims& operator=(const Claims& other);
  Claims(Claims&&) noexcept = default;
  Claims& operator=(Claims&&) noexcept = default;

 private:
  enum class TimeFormat { numeric_date, rfc3339 };
  // Takes the object with its storage (a move between different storages would copy).
  Claims(boost::json::object&& json, TimeFormat f) : json_(std::move(json)), format_(f) {}
  explicit Claims(TimeFormat f) : format_(f) {}
  static Result<Claims> make(boost::json::object&& json, TimeFormat f);
  Result<void> extract() { return extract_from(json_); }
  // Fills the views below from o, reading times as format_.
  Result<void> extract_from(const boost::json::object& o);

  boost::json::object json_;
  TimeFormat format_ = TimeFormat::numeric_date;
  std::optional<std::string_view> iss_, sub_, jti_;  // views into json_
  std::vector<std::string_view> aud_;
  bool has_aud_ = false;
  std::optional<std::int64_t> exp_, nbf_, iat_;
};

}  // namespace tessera
