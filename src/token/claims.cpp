// Claims: type-checking and extraction of the registered claims (see claims.hpp).
#include "tessera/claims.hpp"

#include "codec/json.hpp"
#include "token/rfc3339.hpp"

namespace tessera {
namespace {

// A PASETO time claim: an RFC 3339 string; anything else is the claim's wrong type.
Result<std::int64_t> rfc3339_date(const boost::json::value& v, std::string_view name) {
  if (!v.is_string()) return fail(Errc::wrong_type, std::string(name) + " is not an RFC 3339 string");
  const auto& s = v.get_string();
  auto t = token::parse_rfc3339(std::string_view(s.data(), s.size()));
  if (!t) return fail(Errc::wrong_type, std::string(name) + ": " + t.error().message);
  return *t;
}

}  // namespace

Result<Claims> Claims::make(boost::json::object&& json, TimeFormat f) {
  Claims c(std::move(json), f);
  if (auto r = c.extract(); !r) return std::unexpected(std::move(r.error()));
  return c;
}

Result<Claims> Claims::from_jwt(boost::json::object claims) { return make(std::move(claims), TimeFormat::numeric_date); }
Result<Claims> Claims::from_paseto(boost::json::object claims) { return make(std::move(claims), TimeFormat::rfc3339); }

Claims::Claims(const Claims& other) : json_(other.json_), format_(other.format_) { (void)extract(); }

Claims& Claims::operator=(const Claims& other) {
  if (this != &other) {
    json_ = other.json_;
    format_ = other.format_;
    (void)extract();
  }
  return *this;
}

// One pass over the members (small objects have no index, so seven lookups would be seven
// scans).
Result<void> Claims::check_jwt(const boost::json::object& claims) {
  Claims scratch(TimeFormat::numeric_date);
  return scratch.extract_from(claims);
}
Result<void> Claims::check_paseto(const boost::json::object& claims) {
  Claims scratch(TimeFormat::rfc3339);
  return scratch.extract_from(claims);
}

Result<void> Claims::extract_from(const boost::json::object& o) {
  iss_.reset();
  sub_.reset();
  jti_.reset();
  exp_.reset();
  nbf_.reset();
  iat_.reset();
  aud_.clear();
  has_aud_ = false;
  auto text = [](const boost::json::value& v, std::string_view name) -> Result<std::string_view> {
    if (!v.is_string()) return fail(Errc::wrong_type, std::string(name) + " is not a string");
    return std::string_view(v.get_string().data(), v.get_string().size());
  };
  for (const auto& m : o) {
    const std::string_view k(m.key().data(), m.key().size());
    const boost::json::value& v = m.value();
    if (k.size() != 3) continue;
    std::optional<std::string_view>* s = k == "iss" ? &iss_ : k == "sub" ? &sub_ : k == "jti" ? &jti_ : nullptr;
    if (s) {
      auto t = text(v, k);
      if (!t) return std::unexpected(std::move(t.error()));
      *s = *t;
      continue;
    }
    std::optional<std::int64_t>* n = k == "exp" ? &exp_ : k == "nbf" ? &nbf_ : k == "iat" ? &iat_ : nullptr;
    if (n) {
      auto t = format_ == TimeFormat::rfc3339 ? rfc3339_date(v, k) : codec::numeric_date(v, k);
      if (!t) return std::unexpected(std::move(t.error()));
      *n = *t;
      continue;
    }
    if (k != "aud") continue;
    has_aud_ = true;
    if (v.is_string()) {
      aud_.emplace_back(v.get_string().data(), v.get_string().size());
    } else if (v.is_array()) {
      for (const auto& a : v.get_array()) {
        if (!a.is_string()) return fail(Errc::wrong_type, "aud array holds a non-string");
        aud_.emplace_back(a.get_string().data(), a.get_string().size());
      }
    } else {
      return fail(Errc::wrong_type, "aud is neither a string nor an array of strings");
    }
  }
  return {};
}

}  // namespace tessera
