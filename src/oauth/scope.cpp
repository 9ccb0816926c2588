// Scope parsing and set operations (scope.hpp).
#include "oauth/scope.hpp"

#include <algorithm>
#include <iterator>

namespace tessera::oauth {

bool valid_scope_token(std::string_view token) noexcept {
  if (token.empty()) return false;
  for (unsigned char c : token) {
    if (c < 0x21 || c > 0x7E || c == 0x22 || c == 0x5C) return false;
  }
  return true;
}

Result<ScopeSet> parse_scope(std::string_view text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const auto sp = text.find(' ', start);
    const auto token = text.substr(start, sp == std::string_view::npos ? std::string_view::npos : sp - start);
    if (!valid_scope_token(token)) return fail(Errc::invalid_scope, "scope is not a list of scope tokens");
    out.emplace_back(token);
    if (sp == std::string_view::npos) break;
    start = sp + 1;
  }
  return scope_set(std::move(out));
}

ScopeSet scope_set(std::vector<std::string> scopes) {
  std::sort(scopes.begin(), scopes.end());
  scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
  return scopes;
}

std::string join_scope(const ScopeSet& s) {
  std::string out;
  for (const auto& t : s) {
    if (!out.empty()) out += ' ';
    out += t;
  }
  return out;
}

bool scope_subset(const ScopeSet& inner, const ScopeSet& outer) {
  return std::includes(outer.begin(), outer.end(), inner.begin(), inner.end());
}

bool has_scope(const ScopeSet& s, std::string_view token) {
  return std::binary_search(s.begin(), s.end(), token, std::less<>());
}

ScopeSet scope_union(const ScopeSet& a, const ScopeSet& b) {
  ScopeSet out;
  std::set_union(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

bool is_oidc_scope(std::string_view token) noexcept {
  return token == "openid" || token == "profile" || token == "email" || token == "address" || token == "phone" ||
         token == "offline_access";
}

}  // namespace tessera::oauth
