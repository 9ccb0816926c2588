// Internal: constructors of the SessionStore backends, dispatched by open_session_store().
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tessera/session_store.hpp"

namespace tessera::store {

std::unique_ptr<SessionStore> make_memory_store();

// SQLite file at path (created if missing): WAL, schema migrations, see sqlite_store.cpp.
Result<std::unique_ptr<SessionStore>> make_sqlite_store(const std::string& path);

struct RedisOptions {
  std::chrono::milliseconds connect_timeout{500};
  std::chrono::milliseconds command_timeout{500};
  std::size_t pool_size = 8;
  std::string key_prefix = "tessera:";
};
// One Redis server. Connects lazily; reconnects on failure.
Result<std::unique_ptr<SessionStore>> make_redis_store(std::string host, int port, RedisOptions options = {});
// A Redis Cluster, from one or more seed nodes.
Result<std::unique_ptr<SessionStore>> make_redis_cluster_store(std::vector<std::pair<std::string, int>> seeds,
                                                               RedisOptions options = {});

}  // namespace tessera::store
