// Claims: a token's claims set, with the registered claims (iss, sub, aud, exp, nbf, iat, jti)
// type-checked and extracted once. The same model serves JWT and PASETO.
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
  // Takes the object with its storage (a move between different storages would copy).
  explicit Claims(boost::json::object&& json) : json_(std::move(json)) {}
  Claims() = default;
  Result<void> extract() { return extract_from(json_); }
  Result<void> extract_from(const boost::json::object& o);  // fills the views below from o

  boost::json::object json_;
  std::optional<std::string_view> iss_, sub_, jti_;  // views into json_
  std::vector<std::string_view> aud_;
  bool has_aud_ = false;
  std::optional<std::int64_t> exp_, nbf_, iat_;
};

}  // namespace tessera
