// The Redis SessionReader (redis_session_reader.hpp).
#include "store/redis_session_reader.hpp"

#include <map>
#include <vector>
#include <utility>

#include "store/redis_async.hpp"

namespace tessera::store::redis {
namespace {

class RedisSessionReader final : public SessionReader {
 public:
  RedisSessionReader(EventLoop& loop, ReaderSource& source) : loop_(loop), source_(source) {}

  void get(std::string_view id_hash, Completion<std::optional<SessionRecord>> done) override {
    auto base = source_.cached_base(id_hash);
    if (!base) return get_blocking(std::string(id_hash), std::move(done));
    const std::string key = *base + "s:" + std::string(id_hash);
    const std::string user = *base + "user";
    AsyncConnection* c = connection_for(key);
    if (!c) return get_blocking(std::string(id_hash), std::move(done));
    ++stats_.on_loop;
    // Two replies, in order: the record's (kept here) and the generation's (which completes).
    struct Pair {
      std::string id;
      Completion<std::optional<SessionRecord>> done;
      std::optional<Result<std::optional<SessionRecord>>> record;
      bool redirected = false;  // an error reply: the blocking store decides
    };
    auto pair = std::make_shared<Pair>(Pair{std::string(id_hash), std::move(done), std::nullopt, false});
    const auto fields = source_.record_fields();
    std::vector<std::string_view> hmget{"HMGET", key};
    hmget.insert(hmget.end(), fields.begin(), fields.end());
    c->command(hmget, [this, pair](Result<const redisReply*> r) {
      if (!r) return;  // the HGET fails the same way, after this, and completes the call
      if (is_error(**r)) {
        pair->redirected = true;
        return;
      }
      pair->record.emplace(source_.parse_fields(pair->id, **r));
    });
    const std::string_view hget[] = {"HGET", user, "gen"};
    c->command(hget, [this, &source = source_, pair](Result<const redisReply*> r) {
      if (!r) return failed(source, pair->done, std::move(r.error()));  // posted: only the store, never the reader
      if (pair->redirected || is_error(**r) || !pair->record)
        return get_blocking(std::move(pair->id), std::move(pair->done));
      auto gen = source_.parse_user_generation(**r);
      if (!gen) return pair->done(std::unexpected(std::move(gen.error())));
      auto& rec = *pair->record;
      if (rec && *rec) (*rec)->user_generation = *gen;
      pair->done(std::move(rec));
    });
  }

  void touch(std::string_view id_hash, std::int64_t last_seen_at, std::int64_t idle_expires_at,
             Completion<bool> done) override {
    auto base = source_.cached_base(id_hash);
    if (!base) return touch_blocking(std::string(id_hash), last_seen_at, idle_expires_at, std::move(done));
    const std::string key = *base + "s:" + std::string(id_hash);
    AsyncConnection* c = connection_for(key);
    if (!c) return touch_blocking(std::string(id_hash), last_seen_at, idle_expires_at, std::move(done));
    ++stats_.on_loop;
    const std::string last = std::to_string(last_seen_at), idle = std::to_string(idle_expires_at);
    const std::string_view argv[] = {"EVALSHA", source_.touch_sha(), "1", key, last, idle};
    c->command(argv, [this, &source = source_, id = std::string(id_hash), last_seen_at, idle_expires_at,
                      done = std::move(done)](Result<const redisReply*> r) mutable {
      if (!r) return failed(source, done, std::move(r.error()));
      if (is_error(**r)) return touch_blocking(std::move(id), last_seen_at, idle_expires_at, std::move(done));
      auto n = integer(**r);
      if ((*r)->type != REDIS_REPLY_INTEGER || !n || (*n != 0 && *n != 1)) return done(bad_reply("the touch script", **r));
      done(*n == 1);
    });
  }

  const ReaderStats& stats() const noexcept { return stats_; }

 private:
  // A call that got no reply: store_unavailable, and the router hears of it. Runs posted,
  // possibly after the reader is gone: it uses the store (which outlives readers) only.
  template <class T>
  static void failed(ReaderSource& source, Completion<T>& done, Error e) {
    source.connection_failed();
    done(std::unexpected(std::move(e)));
  }

  AsyncConnection* connection_for(const std::string& key) {
    auto at = source_.router().endpoint_for(key);
    if (!at) return nullptr;
    auto& c = connections_[at->str()];
    if (!c) c = std::make_unique<AsyncConnection>(loop_, *at, source_.command_timeout());
    return c.get();
  }

  void get_blocking(std::string id, Completion<std::optional<SessionRecord>> done) {
    ++stats_.blocking;
    loop_.offload([&loop = loop_, &store = source_.blocking(), id = std::move(id), done = std::move(done)]() mutable {
      auto r = store.get(id);
      loop.post([r = std::move(r), done = std::move(done)]() mutable { done(std::move(r)); });
    });
  }

  void touch_blocking(std::string id, std::int64_t last_seen_at, std::int64_t idle_expires_at, Completion<bool> done) {
    ++stats_.blocking;
    loop_.offload([&loop = loop_, &store = source_.blocking(), id = std::move(id), last_seen_at, idle_expires_at,
                   done = std::move(done)]() mutable {
      auto r = store.touch(id, last_seen_at, idle_expires_at);
      loop.post([r = std::move(r), done = std::move(done)]() mutable { done(std::move(r)); });
    });
  }

  EventLoop& loop_;
  ReaderSource& source_;
  std::map<std::string, std::unique_ptr<AsyncConnection>> connections_;  // "host:port" → connection
  ReaderStats stats_;
};

}  // namespace

std::unique_ptr<SessionReader> make_session_reader(EventLoop& loop, ReaderSource& source) {
  return std::make_unique<RedisSessionReader>(loop, source);
}

std::optional<ReaderStats> reader_stats(const SessionReader& reader) {
  if (auto* r = dynamic_cast<const RedisSessionReader*>(&reader)) return r->stats();
  return std::nullopt;
}

}  // namespace tessera::store::redis
