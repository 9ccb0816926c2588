// The RevocationLog on Redis and Redis Cluster: one stream, `<key_prefix>revocations` (one key,
// so one slot on a cluster), each entry one field `e` holding the event's JSON; the cursor is
// the entry id ("MS-SEQ", Redis's own clock). An append is a script: XADD with MINID (now -
// retention) by the server's TIME, so trimming needs no clock agreement between instances, and
// XSETID MAXDELETEDID with the newest id it trimmed.
// A read is XRANGE after the cursor, then XINFO STREAM: a cursor below max-deleted-entry-id
// (events after it were trimmed) or above last-generated-id (not of this stream: another
// store, or a Redis that lost its data) is a resync. Read in that order, a trim racing the
// XRANGE still shows. wait() is XREAD BLOCK on a connection of its own (its command timeout
// is the wait plus the store's), re-opened after any failure or redirect.
// Thread safety: the Router's; the waiting connection behind its own mutex.
#include <charconv>

#include "common/mutex.hpp"
#include "store/redis_conn.hpp"
#include "store/revocation_logs.hpp"

namespace tessera::store {
namespace {

using redis::Connection;
using redis::Reply;

// A canonical stream id, as {ms, seq}; nullopt otherwise.
std::optional<std::pair<std::uint64_t, std::uint64_t>> parse_stream_id(std::string_view id) noexcept {
  const auto dash = id.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto part = [](std::string_view p) -> std::optional<std::uint64_t> {
    if (p.empty() || p.size() > 20 || (p.size() > 1 && p[0] == '0')) return std::nullopt;
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), v);
    if (ec != std::errc{} || end != p.data() + p.size()) return std::nullopt;
    return v;
  };
  auto ms = part(id.substr(0, dash));
  auto seq = part(id.substr(dash + 1));
  if (!ms || !seq) return std::nullopt;
  return std::pair{*ms, *seq};
}

// Trims exactly (MINID, not ~), and records the newest trimmed id as the stream's
// max-deleted-entry-id (XSETID): Redis itself updates that only for XDEL, not for trimming.
const char* const kAppend = R"lua(
local t = redis.call('TIME')
local now_ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local min_id = tostring(now_ms - tonumber(ARGV[2]) * 1000) .. '-0'
local old = redis.call('XREVRANGE', KEYS[1], '(' .. min_id, '-', 'COUNT', 1)
local id = redis.call('XADD', KEYS[1], 'MINID', min_id, '*', 'e', ARGV[1])
if #old > 0 then redis.call('XSETID', KEYS[1], id, 'MAXDELETEDID', old[1][1]) end
return id
)lua";

class RedisRevocationLog final : public RevocationLog {
 public:
  RedisRevocationLog(std::shared_ptr<redis::Router> router, const RedisOptions& options, std::int64_t retention)
      : router_(std::move(router)),
        options_(options),
        key_(options.key_prefix + "revocations"),
        retention_(retention),
        append_(kAppend) {}

  Result<std::string> append(const RevocationEvent& e) override {
    const std::array<std::string, 1> keys{key_};
    const std::vector<std::string> args{to_json(e), std::to_string(retention_)};
    auto r = router_->run(key_, [&](Connection& c, bool asking) { return append_.eval(c, asking, keys, args); });
    if (!r) return std::unexpected(std::move(r.error()));
    if ((*r)->type != REDIS_REPLY_STRING || !parse_stream_id(redis::text(**r)))
      return redis::bad_reply("XADD of a revocation event", **r);
    return std::string(redis::text(**r));
  }

  Result<RevocationRead> read(std::string_view since, std::size_t limit) override {
    if (auto ok = check_limit(limit); !ok) return std::unexpected(std::move(ok.error()));
    std::optional<std::pair<std::uint64_t, std::uint64_t>> s;
    if (!since.empty()) {
      s = parse_stream_id(since);
      if (!s) return fail(Errc::invalid_argument, "revocation log: not a cursor of this log");
    }
    RevocationRead out;
    if (s) {
      auto r = router_->run(key_, redis::command_op({"XRANGE", key_, "(" + std::string(since), "+", "COUNT",
                                                     std::to_string(limit)}));
      if (!r) return std::unexpected(std::move(r.error()));
      if (auto ok = entries(**r, out.events); !ok) return std::unexpected(std::move(ok.error()));
    }
    auto info = bounds();
    if (!info) return std::unexpected(std::move(info.error()));
    const auto& [max_deleted, last] = *info;
    if (!s) {
      out.cursor = last;
      return out;
    }
    if (*s < *parse_stream_id(max_deleted) || *s > *parse_stream_id(last)) {
      out.events.clear();
      out.resync = true;
      out.cursor = last;
      return out;
    }
    out.cursor = out.events.empty() ? std::string(since) : out.events.back().cursor;
    return out;
  }

  Result<void> wait(std::string_view since, std::chrono::milliseconds timeout) override {
    if (!parse_stream_id(since)) return {};
    MutexLock lock(wait_mu_);
    if (!waiter_ || !waiter_->healthy() || wait_timeout_ != timeout) {
      waiter_.reset();
      auto at = router_->endpoint_for(key_);
      if (!at) {  // a cluster that has not learnt its map yet: any call through it does
        (void)router_->run(key_, redis::command_op({"EXISTS", key_}));
        at = router_->endpoint_for(key_);
        if (!at) return fail(Errc::store_unavailable, "redis: no node known for the revocation stream");
      }
      auto c = Connection::open(*at, options_.connect_timeout, timeout + options_.command_timeout);
      if (!c) return std::unexpected(std::move(c.error()));
      waiter_ = std::move(*c);
      wait_timeout_ = timeout;
    }
    const std::string block = std::to_string(std::max<std::int64_t>(1, timeout.count()));
    auto r = waiter_->command({"XREAD", "BLOCK", block, "COUNT", "1", "STREAMS", key_, since});
    if (!r) {
      waiter_.reset();
      router_->connection_failed();
      return std::unexpected(std::move(r.error()));
    }
    if (redis::is_error(**r)) {  // MOVED after a failover or resharding: find the node again
      waiter_.reset();
      router_->connection_failed();
      return fail(Errc::store_unavailable, "redis: XREAD of the revocation stream: " + std::string(redis::text(**r)));
    }
    return {};
  }

  std::int64_t retention() const noexcept override { return retention_; }

 private:
  // XRANGE's entries: [[id, ["e", json]], ...].
  static Result<void> entries(const redisReply& r, std::vector<RevocationEntry>& out) {
    if (r.type != REDIS_REPLY_ARRAY) return redis::bad_reply("XRANGE of the revocation stream", r);
    for (std::size_t i = 0; i < r.elements; ++i) {
      const redisReply& entry = *r.element[i];
      if (entry.type != REDIS_REPLY_ARRAY || entry.elements != 2 || entry.element[0]->type != REDIS_REPLY_STRING ||
          entry.element[1]->type != REDIS_REPLY_ARRAY || entry.element[1]->elements != 2 ||
          redis::text(*entry.element[1]->element[0]) != "e")
        return redis::bad_reply("XRANGE of the revocation stream", r);
      auto e = parse_revocation_event(redis::text(*entry.element[1]->element[1]));
      if (!e) return fail(Errc::store_unavailable, "redis: a stored revocation event does not parse");
      out.push_back({std::string(redis::text(*entry.element[0])), std::move(*e)});
    }
    return {};
  }

  // {max-deleted-entry-id, last-generated-id} of XINFO STREAM; {"0-0", "0-0"} for no stream.
  Result<std::pair<std::string, std::string>> bounds() {
    auto r = router_->run(key_, redis::command_op({"XINFO", "STREAM", key_}));
    if (!r) return std::unexpected(std::move(r.error()));
    const redisReply& info = **r;
    if (redis::is_error(info) && redis::text(info).find("no such key") != std::string_view::npos)
      return std::pair<std::string, std::string>{"0-0", "0-0"};
    if (info.type != REDIS_REPLY_ARRAY || info.elements % 2 != 0) return redis::bad_reply("XINFO STREAM", info);
    std::optional<std::string> max_deleted, last;
    for (std::size_t i = 0; i + 1 < info.elements; i += 2) {
      const std::string_view name = redis::text(*info.element[i]);
      const redisReply& v = *info.element[i + 1];
      if (name == "max-deleted-entry-id") max_deleted = std::string(redis::text(v));
      if (name == "last-generated-id") last = std::string(redis::text(v));
    }
    if (!max_deleted || !last || !parse_stream_id(*max_deleted) || !parse_stream_id(*last))
      return redis::bad_reply("XINFO STREAM (Redis 7 or later is needed)", info);
    return std::pair{std::move(*max_deleted), std::move(*last)};
  }

  std::shared_ptr<redis::Router> router_;
  RedisOptions options_;
  std::string key_;
  std::int64_t retention_;
  redis::Script append_;
  Mutex wait_mu_;
  std::unique_ptr<Connection> waiter_ GUARDED_BY(wait_mu_);
  std::chrono::milliseconds wait_timeout_ GUARDED_BY(wait_mu_){0};
};

Result<std::unique_ptr<RevocationLog>> on_router(Result<std::shared_ptr<redis::Router>> router,
                                                 const RedisOptions& options, std::int64_t retention) {
  if (auto ok = check_retention(retention); !ok) return std::unexpected(std::move(ok.error()));
  if (!router) return std::unexpected(std::move(router.error()));
  return std::make_unique<RedisRevocationLog>(std::move(*router), options, retention);
}

}  // namespace

Result<std::unique_ptr<RevocationLog>> make_redis_revocation_log(std::string host, int port, std::int64_t retention,
                                                                 RedisOptions options) {
  return on_router(make_redis_router(std::move(host), port, options), options, retention);
}

Result<std::unique_ptr<RevocationLog>> make_redis_cluster_revocation_log(std::vector<std::pair<std::string, int>> seeds,
                                                                         std::int64_t retention, RedisOptions options) {
  return on_router(make_redis_cluster_router(std::move(seeds), options), options, retention);
}

}  // namespace tessera::store
