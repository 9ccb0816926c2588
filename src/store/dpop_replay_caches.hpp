// Internal: the store-backed DPoP replay caches (tessera/dpop.hpp DpopReplayCache), dispatched
// by open_dpop_replay_cache() from the store URI syntax (parse_store_uri, stores.hpp). Each
// keeps a jti's hash, base64url(SHA-256(jti)) (dpop_jti_key), never the jti itself, so an
// entry's size is bounded whatever the jti. A cache lives beside the other stores of the same
// URI: the same SQLite file (table dpop_jti, migration 8), the same Redis (keys
// "<prefix>dpop:<hash>").
// Thread safety: every cache made here is safe for concurrent use.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/stores.hpp"
#include "tessera/clock.hpp"
#include "tessera/dpop.hpp"

namespace tessera::store {

// The stored form of a jti: base64url (no padding) of its SHA-256, 43 characters.
std::string dpop_jti_key(std::string_view jti);

// SQLite: one row per jti hash on a connection of its own; a row past expires_at (by clock)
// no longer counts and is replaced by a new use; each insert also deletes a bounded batch of
// expired rows, so the table holds about as many rows as there are live proofs. clock must
// outlive the cache.
Result<std::unique_ptr<DpopReplayCache>> make_sqlite_dpop_replay_cache(const std::string& path, const Clock& clock);

// Redis: SET key 1 NX EXAT expires_at (Redis's clock expires it), one key per jti hash.
Result<std::unique_ptr<DpopReplayCache>> make_redis_dpop_replay_cache(std::string host, int port,
                                                                      RedisOptions options = {});
Result<std::unique_ptr<DpopReplayCache>> make_redis_cluster_dpop_replay_cache(
    std::vector<std::pair<std::string, int>> seeds, RedisOptions options = {});

// The in-memory cache open_dpop_replay_cache("memory:") gives: this many live jtis at most.
inline constexpr std::size_t kMemoryDpopReplayEntries = 100'000;

}  // namespace tessera::store
