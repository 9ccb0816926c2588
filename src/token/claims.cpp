// Claims: type-checking and extraction of the registered claims (see claims.hpp).
#include "tessera/claims.hpp"

#include "codec/json.hpp"

namespace tessera {

Result<Claims> Claims::from_jwt(boost::json::object claims) {
  Claims c;
  c.json_ = std::move(claims);
  if (auto r = c.extract(); !r) return std::unexpected(std::move(r.error()));
  return c;
}

Claims::Claims(const Claims& other) : json_(other.json_) { (void)extract(); }

Claims& Claims::operator=(const Claims& other) {
  if (this != &other) {
    json_ = other.json_;
    (void)extract();
  }
  return *this;
}

Result<void> Claims::extract() {
  aud_.clear();
  has_aud_ = false;
  auto iss = codec::get_string(json_, "iss");
  if (!iss) return std::unexpected(std::move(iss.error()));
  auto sub = codec::get_string(json_, "sub");
  if (!sub) return std::unexpected(std::move(sub.error()));
  auto jti = codec::get_string(json_, "jti");
  if (!jti) return std::unexpected(std::move(jti.error()));
  auto exp = codec::get_int(json_, "exp");
  if (!exp) return std::unexpected(std::move(exp.error()));
  auto nbf = codec::get_int(json_, "nbf");
  if (!nbf) return std::unexpected(std::move(nbf.error()));
  auto iat = codec::get_int(json_, "iat");
  if (!iat) return std::unexpected(std::move(iat.error()));
  iss_ = *iss;
  sub_ = *sub;
  jti_ = *jti;
  exp_ = *exp;
  nbf_ = *nbf;
  iat_ = *iat;

  if (const auto* aud = json_.if_contains("aud")) {
    has_aud_ = true;
    if (aud->is_string()) {
      aud_.emplace_back(aud->get_string().data(), aud->get_string().size());
    } else if (aud->is_array()) {
      for (const auto& a : aud->get_array()) {
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
