// GrantRecord::access as JSON text (oauth_access_json.hpp), strict both ways.
#include "store/oauth_access_json.hpp"

#include <cmath>
#include <cstdint>

#include <boost/json.hpp>

#include "codec/json.hpp"

namespace tessera::store::oauth {

std::string encode_access(const std::vector<IssuedAccess>& access) {
  boost::json::array a;
  for (const auto& x : access) a.push_back(boost::json::object{{"jti", x.jti}, {"exp", x.expires_at}});
  return codec::to_json(a);
}

Result<std::vector<IssuedAccess>> decode_access(std::string_view text) {
  const auto bad = [] { return fail(Errc::store_unavailable, "oauth store: a grant's access list does not parse"); };
  auto v = codec::parse_json(text, codec::JsonLimits{.max_bytes = 1 << 20, .max_depth = 3});
  if (!v || !v->is_array()) return bad();
  std::vector<IssuedAccess> out;
  for (const auto& e : v->as_array()) {
    const auto* o = e.if_object();
    if (!o || o->size() != 2) return bad();
    const auto* jti = o->if_contains("jti");
    const auto* exp = o->if_contains("exp");
    if (!jti || !jti->is_string() || !exp) return bad();
    std::int64_t t = 0;
    if (exp->is_int64()) t = exp->as_int64();
    else if (exp->is_uint64() && exp->as_uint64() <= INT64_MAX) t = static_cast<std::int64_t>(exp->as_uint64());
    else if (exp->is_double() && std::abs(exp->as_double()) < 9e15 && exp->as_double() == std::floor(exp->as_double()))
      t = static_cast<std::int64_t>(exp->as_double());  // Lua's cjson may write 1e+15-style numbers
    else return bad();
    out.push_back({std::string(jti->as_string()), t});
  }
  return out;
}

}  // namespace tessera::store::oauth
