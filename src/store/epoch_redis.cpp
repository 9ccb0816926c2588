// The EpochStore on Redis and Redis Cluster: one string key, `<key_prefix>epoch` (no TTL), whose
// value is the marker's text form (encode_epoch_marker). One key, so one slot on a cluster.
// create_if_absent is SET NX (atomic: of two instances starting at once one wins and both read
// its marker back); replace is a plain SET. Errors: store_unavailable (redis_conn.hpp).
// Thread safety: the Router's.
#include "store/epoch.hpp"
#include "store/redis_conn.hpp"

namespace tessera::store {
namespace {

using redis::Reply;

class RedisEpochStore final : public EpochStore {
 public:
  RedisEpochStore(std::shared_ptr<redis::Router> router, const RedisOptions& options)
      : router_(std::move(router)), key_(options.key_prefix + "epoch") {}

  Result<std::optional<EpochMarker>> read() override {
    auto reply = router_->run(key_, redis::command_op({"GET", key_}));
    if (!reply) return std::unexpected(std::move(reply.error()));
    const redisReply& r = **reply;
    if (redis::is_nil(r)) return std::optional<EpochMarker>{};
    if (r.type != REDIS_REPLY_STRING) return redis::bad_reply("GET of the epoch marker", r);
    auto m = decode_epoch_marker(redis::text(r));
    if (!m) return std::unexpected(std::move(m.error()));
    return std::optional<EpochMarker>(std::move(*m));
  }

  Result<EpochMarker> create_if_absent(const EpochMarker& fresh) override {
    auto reply = router_->run(key_, redis::command_op({"SET", key_, encode_epoch_marker(fresh), "NX"}));
    if (!reply) return std::unexpected(std::move(reply.error()));
    const redisReply& r = **reply;
    if (r.type == REDIS_REPLY_STATUS && redis::text(r) == "OK") return fresh;
    if (!redis::is_nil(r)) return redis::bad_reply("SET NX of the epoch marker", r);
    // Another instance created it first: theirs is the epoch.
    auto held = read();
    if (!held) return std::unexpected(std::move(held.error()));
    if (!*held) return fail(Errc::store_unavailable, "store epoch: the marker vanished right after SET NX");
    return std::move(**held);
  }

  Result<void> replace(const EpochMarker& m) override {
    auto reply = router_->run(key_, redis::command_op({"SET", key_, encode_epoch_marker(m)}));
    if (!reply) return std::unexpected(std::move(reply.error()));
    if ((*reply)->type != REDIS_REPLY_STATUS || redis::text(**reply) != "OK")
      return redis::bad_reply("SET of the epoch marker", **reply);
    return {};
  }

 private:
  std::shared_ptr<redis::Router> router_;
  std::string key_;
};

Result<std::unique_ptr<EpochStore>> on_router(Result<std::shared_ptr<redis::Router>> router,
                                              const RedisOptions& options) {
  if (!router) return std::unexpected(std::move(router.error()));
  return std::make_unique<RedisEpochStore>(std::move(*router), options);
}

}  // namespace

Result<std::unique_ptr<EpochStore>> make_redis_epoch_store(std::string host, int port, RedisOptions options) {
  return on_router(make_redis_router(std::move(host), port, options), options);
}

Result<std::unique_ptr<EpochStore>> make_redis_cluster_epoch_store(std::vector<std::pair<std::string, int>> seeds,
                                                                   RedisOptions options) {
  return on_router(make_redis_cluster_router(std::move(seeds), options), options);
}

}  // namespace tessera::store
