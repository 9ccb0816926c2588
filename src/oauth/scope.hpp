// Scopes (RFC 6749 §3.3): a space-separated list of scope tokens, each 1+ characters of
// %x21 / %x23-5B / %x5D-7E. Kept as a sorted set without repeats; compared as sets.
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tessera/error.hpp"

namespace tessera::oauth {

using ScopeSet = std::vector<std::string>;  // sorted, unique

bool valid_scope_token(std::string_view token) noexcept;
// invalid_scope for an empty token (two spaces, leading or trailing space) or a bad character.
// The empty string is the empty set.
Result<ScopeSet> parse_scope(std::string_view text);
// Sorts and removes repeats.
ScopeSet scope_set(std::vector<std::string> scopes);
std::string join_scope(const ScopeSet& s);
bool scope_subset(const ScopeSet& inner, const ScopeSet& outer);
bool has_scope(const ScopeSet& s, std::string_view token);
ScopeSet scope_union(const ScopeSet& a, const ScopeSet& b);

// The OpenID Connect scopes, which only the authorization-code flow grants.
bool is_oidc_scope(std::string_view token) noexcept;

}  // namespace tessera::oauth
