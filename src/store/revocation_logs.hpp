// Internal: the RevocationLog backends (tessera/revocation_log.hpp), dispatched by
// open_revocation_log() from the store URI syntax (parse_store_uri), and the checks they share.
// Thread safety: constructors only; each backend is safe for concurrent use.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/stores.hpp"
#include "tessera/revocation_log.hpp"

namespace tessera::store {

// A sequence-number cursor (memory, SQLite): canonical decimal, 0 = before the first event.
// nullopt when it is not one (the caller answers invalid_argument).
std::optional<std::int64_t> parse_seq_cursor(std::string_view cursor) noexcept;
// invalid_argument for a retention below 1 s or a limit of 0.
Result<void> check_retention(std::int64_t retention);
Result<void> check_limit(std::size_t limit);
// A read's arguments on a sequence-number log: the limit checked, and since as a sequence
// number (nullopt for an empty since: the current end); invalid_argument otherwise.
Result<std::optional<std::int64_t>> seq_read_args(std::string_view since, std::size_t limit);
// Unix milliseconds by the system clock.
std::int64_t now_millis();

// One process, a mutex and a condition variable (revocation_memory.cpp).
std::unique_ptr<RevocationLog> make_memory_revocation_log(std::int64_t retention);
// The table revocation_events (migration 9) of the SQLite file at path (revocation_sqlite.cpp).
Result<std::unique_ptr<RevocationLog>> make_sqlite_revocation_log(const std::string& path, std::int64_t retention);
// The stream `<key_prefix>revocations` on one Redis server or a cluster (revocation_redis.cpp).
Result<std::unique_ptr<RevocationLog>> make_redis_revocation_log(std::string host, int port, std::int64_t retention,
                                                                 RedisOptions options = {});
Result<std::unique_ptr<RevocationLog>> make_redis_cluster_revocation_log(std::vector<std::pair<std::string, int>> seeds,
                                                                         std::int64_t retention,
                                                                         RedisOptions options = {});

}  // namespace tessera::store
