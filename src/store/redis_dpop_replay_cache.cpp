// The Redis DPoP replay cache ("redis://", "redis-cluster://"): one key per accepted proof,
// "<prefix>dpop:<base64url SHA-256 of the jti>" (dpop_jti_key: 43 characters whatever the jti),
// set with SET key 1 NX EXAT expires_at: atomic on the key's node, expired by Redis (an
// expires_at already past stores nothing, so the jti may be used again). On a cluster the key
// is routed by its own slot (redis_cluster.hpp: MOVED/ASK followed). OK: first use; nil: a
// replay; anything else, or no answer: store_unavailable.
// Thread safety: the cache holds only the router (thread-safe) and an immutable prefix.
#include <algorithm>
#include <string>
#include <utility>

#include "store/dpop_replay_caches.hpp"
#include "store/redis_cluster.hpp"
#include "store/redis_conn.hpp"

namespace tessera::store {
namespace {

class RedisDpopReplayCache final : public DpopReplayCache {
 public:
  RedisDpopReplayCache(std::shared_ptr<redis::Router> router, const RedisOptions& options)
      : router_(std::move(router)), prefix_(options.key_prefix + "dpop:") {}

  Result<bool> first_use(std::string_view jti, std::int64_t expires_at) override {
    const auto key = prefix_ + dpop_jti_key(jti);
    // EXAT must be positive; any instant in the past means "already expired" to Redis.
    const auto at = std::to_string(std::max<std::int64_t>(expires_at, 1));
    auto r = router_->run(key, redis::command_op({"SET", key, "1", "NX", "EXAT", at}));
    if (!r) return std::unexpected(std::move(r.error()));
    const redisReply& rep = **r;
    if (redis::is_nil(rep)) return false;
    if (rep.type == REDIS_REPLY_STATUS && redis::text(rep) == "OK") return true;
    return redis::bad_reply("SET NX EXAT", rep);
  }

 private:
  std::shared_ptr<redis::Router> router_;
  const std::string prefix_;
};

}  // namespace

Result<std::unique_ptr<DpopReplayCache>> make_redis_dpop_replay_cache(std::string host, int port, RedisOptions options) {
  auto router = make_redis_router(std::move(host), port, options);
  if (!router) return std::unexpected(std::move(router.error()));
  return std::make_unique<RedisDpopReplayCache>(std::move(*router), options);
}

Result<std::unique_ptr<DpopReplayCache>> make_redis_cluster_dpop_replay_cache(
    std::vector<std::pair<std::string, int>> seeds, RedisOptions options) {
  auto router = make_redis_cluster_router(std::move(seeds), options);
  if (!router) return std::unexpected(std::move(router.error()));
  return std::make_unique<RedisDpopReplayCache>(std::move(*router), options);
}

}  // namespace tessera::store
