// Internal: GrantRecord::access as the JSON text the SQLite row and the Redis hash keep:
// [{"jti":"...","exp":1700000000}, ...] (newest last). The Redis Lua scripts write the same
// shape (redis_oauth_scripts.hpp), and "[]" for an empty list.
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tessera/oauth_store.hpp"

namespace tessera::store::oauth {

std::string encode_access(const std::vector<IssuedAccess>& access);
// The inverse; store_unavailable for anything else (a record that does not parse).
Result<std::vector<IssuedAccess>> decode_access(std::string_view text);

}  // namespace tessera::store::oauth
