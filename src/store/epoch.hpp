// Internal: the EpochStore backends (tessera/store_epoch.hpp), dispatched by open_epoch_store()
// from the store URI syntax (parse_store_uri), and the marker's text form, which the Redis value
// and the SQLite row share.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/stores.hpp"
#include "tessera/store_epoch.hpp"

namespace tessera::store {

// "ID" or "ID OLD1 OLD2 ...", then " @CREATED_AT" (Unix seconds) when created_at is set (single
// spaces; the superseded epochs most recent first). A marker written before created_at existed
// has no "@" part and reads as created_at 0.
std::string encode_epoch_marker(const EpochMarker& m);
// The inverse; store_unavailable for anything else (bad ids, empty, too many superseded).
Result<EpochMarker> decode_epoch_marker(std::string_view text);

// A private in-process marker (epoch_memory.cpp).
std::unique_ptr<EpochStore> make_memory_epoch_store();
// A one-row table (store_epoch, migration 4) in the SQLite file at path, on a connection of its
// own (epoch_sqlite.cpp).
Result<std::unique_ptr<EpochStore>> make_sqlite_epoch_store(const std::string& path);
// The key `<key_prefix>epoch` on one Redis server or a cluster (epoch_redis.cpp).
Result<std::unique_ptr<EpochStore>> make_redis_epoch_store(std::string host, int port, RedisOptions options = {});
Result<std::unique_ptr<EpochStore>> make_redis_cluster_epoch_store(std::vector<std::pair<std::string, int>> seeds,
                                                                   RedisOptions options = {});

}  // namespace tessera::store
