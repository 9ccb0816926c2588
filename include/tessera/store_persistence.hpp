// What a Redis store keeps across a restart (docs/redis.md, "Persistence"): its persistence
// settings as CONFIG GET reports them, for `tessera doctor`. A Redis that loses its data on a
// restart loses every revocation with it (the store epoch notices, docs/server.md).
// Thread safety: a plain function; each call opens and closes its own connections.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tessera/error.hpp"

namespace tessera {

struct RedisPersistence {
  std::string node;          // HOST:PORT asked
  bool appendonly = false;   // CONFIG GET appendonly
  std::string appendfsync;   // always, everysec, no
  std::string save;          // RDB snapshot rules; "" = none
};

// For a redis:// URI its server, for redis-cluster:// each seed node listed (not the nodes
// discovered from them). Errors: invalid_argument (not a Redis store URI), store_unavailable (a
// node cannot be reached, or refuses CONFIG GET — e.g. a managed Redis that renames it).
Result<std::vector<RedisPersistence>> redis_persistence(std::string_view store_uri);

}  // namespace tessera
