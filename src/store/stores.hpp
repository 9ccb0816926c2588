// Internal: constructors of the store backends, dispatched by open_account_store() (and
// open_session_store() / open_user_store(), which are views of it) from one URI syntax
// (parse_store_uri). Each backend is an AccountStore: its SessionStore half (AccountSessions,
// which reads user generations and runs change_credentials) and its UserStore half over the
// same data, put together by combine().
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tessera/account_store.hpp"
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

// The session half of a backend: reads each user's generation from the user half's data
// (same SQLite file, same Redis slot, same memory state) and changes credentials atomically.
class AccountSessions : public SessionStore {
 public:
  virtual Result<CredentialChangeResult> change_credentials(const CredentialChange& change) = 0;
};

// A backend's two halves over shared data, and the AccountStore they make.
struct Halves {
  std::unique_ptr<AccountSessions> sessions;
  std::unique_ptr<UserStore> users;
};
std::unique_ptr<AccountStore> combine(Halves halves);
// The halves a store URI names (parse_store_uri, then the backend).
Result<Halves> open_halves(std::string_view uri);

// The checks of a CredentialChange that need no data (invalid_argument): a replacement needs
// keep_id_hash and the same user.
Result<void> check_change(const CredentialChange& c);

// Unix milliseconds now, and whether a change's deadline has passed at that instant.
std::int64_t unix_millis();
inline bool past_deadline(const CredentialChange& c, std::int64_t now_ms) noexcept {
  return c.deadline_ms > 0 && now_ms > c.deadline_ms;
}

struct RedisOptions {
  std::chrono::milliseconds connect_timeout{500};
  std::chrono::milliseconds command_timeout{500};
  std::size_t pool_size = 8;
  std::string key_prefix = "tessera:";
};

// Backends. Memory: one process, nothing persists. SQLite: the file at path (created if
// missing): WAL, schema migrations (sqlite_schema.cpp), sessions and users on a connection
// each. Redis: one server, or a cluster from seed nodes; connects lazily, reconnects.
Halves make_memory_halves();
Result<Halves> make_sqlite_halves(const std::string& path);
Result<Halves> make_redis_halves(std::string host, int port, RedisOptions options = {});
Result<Halves> make_redis_cluster_halves(std::vector<std::pair<std::string, int>> seeds, RedisOptions options = {});

// Routers with validated options and endpoints (redis_store.cpp), shared by both Redis halves.
Result<std::shared_ptr<redis::Router>> make_redis_router(std::string host, int port, const RedisOptions& options);
Result<std::shared_ptr<redis::Router>> make_redis_cluster_router(std::vector<std::pair<std::string, int>> seeds,
                                                                 const RedisOptions& options);

// One half of a backend (tests and tools that need only one).
template <class Half>
Result<std::unique_ptr<Half>> half(Result<Halves> h) {
  if (!h) return std::unexpected(std::move(h.error()));
  if constexpr (std::is_same_v<Half, UserStore>) return std::move(h->users);
  else return std::unique_ptr<SessionStore>(std::move(h->sessions));
}
inline std::unique_ptr<SessionStore> make_memory_store() { return std::move(make_memory_halves().sessions); }
inline std::unique_ptr<UserStore> make_memory_user_store() { return std::move(make_memory_halves().users); }
inline Result<std::unique_ptr<SessionStore>> make_sqlite_store(const std::string& path) {
  return half<SessionStore>(make_sqlite_halves(path));
}
inline Result<std::unique_ptr<UserStore>> make_sqlite_user_store(const std::string& path) {
  return half<UserStore>(make_sqlite_halves(path));
}
inline Result<std::unique_ptr<SessionStore>> make_redis_store(std::string host, int port, RedisOptions options = {}) {
  return half<SessionStore>(make_redis_halves(std::move(host), port, std::move(options)));
}
inline Result<std::unique_ptr<UserStore>> make_redis_user_store(std::string host, int port, RedisOptions options = {}) {
  return half<UserStore>(make_redis_halves(std::move(host), port, std::move(options)));
}
inline Result<std::unique_ptr<SessionStore>> make_redis_cluster_store(std::vector<std::pair<std::string, int>> seeds,
                                                                      RedisOptions options = {}) {
  return half<SessionStore>(make_redis_cluster_halves(std::move(seeds), std::move(options)));
}
inline Result<std::unique_ptr<UserStore>> make_redis_cluster_user_store(std::vector<std::pair<std::string, int>> seeds,
                                                                        RedisOptions options = {}) {
  return half<UserStore>(make_redis_cluster_halves(std::move(seeds), std::move(options)));
}

}  // namespace tessera::store
