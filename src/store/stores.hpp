// Internal: constructors of the SessionStore and UserStore backends, dispatched by
// open_session_store() and open_user_store() from one URI syntax (parse_store_uri).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/session_store.hpp"
#include "tessera/user_store.hpp"

namespace tessera::store {

namespace redis {
class Router;
}

// A store URI taken apart (open_store.cpp): "memory:", "sqlite:PATH", "redis://HOST:PORT",
// "redis-cluster://HOST:PORT[,HOST:PORT...]" (a trailing '/' allowed on the Redis forms).
// Anything else is invalid_argument. No credentials are parsed from URIs.
struct StoreUri {
  enum class Kind { memory, sqlite, redis, redis_cluster };
  Kind kind = Kind::memory;
  std::string path;                                // sqlite
  std::vector<std::pair<std::string, int>> nodes;  // redis: one; redis_cluster: the seeds
};
Result<StoreUri> parse_store_uri(std::string_view uri);

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

// Routers with validated options and endpoints (redis_store.cpp), shared by the Redis stores.
Result<std::shared_ptr<redis::Router>> make_redis_router(std::string host, int port, const RedisOptions& options);
Result<std::shared_ptr<redis::Router>> make_redis_cluster_router(std::vector<std::pair<std::string, int>> seeds,
                                                                 const RedisOptions& options);

// UserStore backends (same URIs and files as the session stores above).
std::unique_ptr<UserStore> make_memory_user_store();
// The same file as make_sqlite_store (one more migration), on a connection of its own.
Result<std::unique_ptr<UserStore>> make_sqlite_user_store(const std::string& path);
Result<std::unique_ptr<UserStore>> make_redis_user_store(std::string host, int port, RedisOptions options = {});
Result<std::unique_ptr<UserStore>> make_redis_cluster_user_store(std::vector<std::pair<std::string, int>> seeds,
                                                                 RedisOptions options = {});

// The four backend constructors of one store interface, for open_by_uri().
template <class Store>
struct Backends {
  std::unique_ptr<Store> (*memory)();
  Result<std::unique_ptr<Store>> (*sqlite)(const std::string& path);
  Result<std::unique_ptr<Store>> (*redis)(std::string host, int port, RedisOptions options);
  Result<std::unique_ptr<Store>> (*redis_cluster)(std::vector<std::pair<std::string, int>> seeds,
                                                  RedisOptions options);
};

// open_session_store() and open_user_store(): parse_store_uri, then the backend it names.
template <class Store>
Result<std::unique_ptr<Store>> open_by_uri(std::string_view uri, const Backends<Store>& backends) {
  auto u = parse_store_uri(uri);
  if (!u) return std::unexpected(std::move(u.error()));
  switch (u->kind) {
    case StoreUri::Kind::memory: return backends.memory();
    case StoreUri::Kind::sqlite: return backends.sqlite(u->path);
    case StoreUri::Kind::redis: return backends.redis(std::move(u->nodes[0].first), u->nodes[0].second, {});
    case StoreUri::Kind::redis_cluster: return backends.redis_cluster(std::move(u->nodes), {});
  }
  return fail(Errc::internal, "store URI: unknown kind");
}

}  // namespace tessera::store
