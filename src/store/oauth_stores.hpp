// Internal: constructors of the OAuthStore backends, dispatched by open_oauth_store() from the
// store URI syntax (parse_store_uri, stores.hpp). An OAuthStore lives beside the account store
// of the same URI: the same SQLite file (more tables, its own connection), the same Redis
// (its own keys under the same prefix, the user's grant index in the user's slot).
// Thread safety: every store made here is safe for concurrent use (oauth_store.hpp).
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "store/stores.hpp"
#include "tessera/oauth_store.hpp"

namespace tessera::store {

std::unique_ptr<OAuthStore> make_memory_oauth_store();
// The oauth_* tables (migration 6) of the SQLite file at path, on a connection of its own.
Result<std::unique_ptr<OAuthStore>> make_sqlite_oauth_store(const std::string& path);
// On one Redis server or a cluster (redis_oauth_store.cpp: key layout), or over a router a
// test keeps a handle on.
Result<std::unique_ptr<OAuthStore>> make_redis_oauth_store(std::string host, int port, RedisOptions options = {});
Result<std::unique_ptr<OAuthStore>> make_redis_cluster_oauth_store(std::vector<std::pair<std::string, int>> seeds,
                                                                   RedisOptions options = {});
std::unique_ptr<OAuthStore> make_redis_oauth_store_on(std::shared_ptr<redis::Router> router,
                                                      const RedisOptions& options);

}  // namespace tessera::store
