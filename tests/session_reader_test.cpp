// SessionReader, the hot path of a session check (include/tessera/session_store.hpp): the
// inline default (memory, SQLite) and the Redis reader on an event loop (hiredis async,
// pipelined, redis_session_reader.hpp), against real redis-server processes on loopback:
// - it answers what the blocking store answers (records, tombstones, unknown ids, touch);
// - concurrent requests of one loop share one connection: Redis reads many commands per read;
// - killed or frozen Redis: every call completes with store_unavailable; back: it recovers;
// - on a cluster, a MOVED goes through the blocking store, which repairs the slot map;
// - SessionManager's asynchronous validate agrees with the blocking one.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <thread>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "redis_test_server.hpp"
#include "server/asio_event_loop.hpp"
#include "store/redis_cluster.hpp"
#include "store/redis_session_reader.hpp"
#include "store/stores.hpp"
#include "store_conformance.hpp"
#include "tessera/clock.hpp"
#include "tessera/session.hpp"
#include "tessera/user_store.hpp"

namespace {

using namespace std::chrono_literals;
using tessera::Completion;
using tessera::Errc;
using tessera::Result;
using tessera::SessionReader;
using tessera::SessionRecord;
using tessera::SessionStore;
using tessera::store::RedisOptions;
namespace asio = boost::asio;
namespace redis = tessera::store::redis;
namespace test = tessera::test;

using Got = std::optional<SessionRecord>;

// An io_context run by the test thread, with an offload pool, as one lane of `tessera serve`.
struct Lane {
  asio::io_context ioc{1};
  asio::thread_pool pool{2};
  tessera::server::AsioEventLoop loop{ioc, &pool};

  ~Lane() { pool.join(); }

  // Runs the loop until every call started by start() has completed (at most 20 s: a call
  // that never completes fails the test instead of hanging it).
  template <class T>
  std::vector<std::optional<Result<T>>> run(std::size_t n, const std::function<void(std::size_t, Completion<T>)>& start) {
    std::vector<std::optional<Result<T>>> out(n);
    std::size_t done = 0;
    for (std::size_t i = 0; i < n; ++i)
      start(i, [&out, &done, i](Result<T> r) {
        out[i].emplace(std::move(r));
        ++done;
      });
    const auto deadline = std::chrono::steady_clock::now() + 20s;
    while (done < n && std::chrono::steady_clock::now() < deadline) {
      if (ioc.stopped()) ioc.restart();
      ioc.run_one_for(50ms);
    }
    return out;
  }
  template <class T>
  Result<T> one(const std::function<void(Completion<T>)>& start) {
    auto r = run<T>(1, [&](std::size_t, Completion<T> done) { start(std::move(done)); });
    if (!r[0]) return tessera::fail(Errc::internal, "the call never completed");
    return std::move(*r[0]);
  }
  Result<Got> get(SessionReader& reader, const std::string& id_hash) {
    return one<Got>([&](Completion<Got> done) { reader.get(id_hash, std::move(done)); });
  }
  Result<bool> touch(SessionReader& reader, const std::string& id_hash, std::int64_t last, std::int64_t idle) {
    return one<bool>([&](Completion<bool> done) { reader.touch(id_hash, last, idle, std::move(done)); });
  }
};

std::int64_t now_s() { return tessera::SystemClock::instance().now(); }

SessionRecord record(const std::string& user, std::int64_t now) {
  SessionRecord r;
  r.id_hash = test::random_id_hash();
  r.user = user;
  r.created_at = now;
  r.last_seen_at = now;
  r.idle_expires_at = now + 1800;
  r.absolute_expires_at = now + 3600;
  r.csrf_secret = tessera::SecretBytes(std::string_view("csrf-secret"));
  r.client.ip = "192.0.2.7";
  r.attributes_json = R"({"k":"v"})";
  return r;
}

void expect_same(const Got& a, const Got& b) {
  ASSERT_EQ(a.has_value(), b.has_value());
  if (!a) return;
  EXPECT_EQ(a->id_hash, b->id_hash);
  EXPECT_EQ(a->user, b->user);
  EXPECT_EQ(a->created_at, b->created_at);
  EXPECT_EQ(a->last_seen_at, b->last_seen_at);
  EXPECT_EQ(a->idle_expires_at, b->idle_expires_at);
  EXPECT_EQ(a->absolute_expires_at, b->absolute_expires_at);
  EXPECT_EQ(a->revoked, b->revoked);
  EXPECT_EQ(a->client.ip, b->client.ip);
  EXPECT_EQ(a->attributes_json, b->attributes_json);
  EXPECT_EQ(a->generation, b->generation);
  EXPECT_EQ(a->user_generation, b->user_generation);
}

// The reader answers what the store's blocking calls answer, for every kind of record.
void agrees_with_blocking_store(SessionStore& store, Lane& lane, SessionReader& reader) {
  const auto now = now_s();
  const std::string user = "reader-" + test::random_id_hash().substr(0, 8);
  auto live = record(user, now), revoked = record(user, now);
  ASSERT_TRUE(store.create(live, 0));
  ASSERT_TRUE(store.create(revoked, 0));
  ASSERT_TRUE(store.revoke(revoked.id_hash));

  for (const auto& id : {live.id_hash, revoked.id_hash, test::random_id_hash()}) {
    auto a = lane.get(reader, id);
    auto b = store.get(id);
    ASSERT_TRUE(a) << a.error().message;
    ASSERT_TRUE(b) << b.error().message;
    expect_same(*a, *b);
  }
  auto t = lane.touch(reader, live.id_hash, now + 5, now + 1805);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_TRUE(*t);
  auto after = store.get(live.id_hash);
  ASSERT_TRUE(after && *after);
  EXPECT_EQ((*after)->last_seen_at, now + 5);
  EXPECT_EQ((*after)->idle_expires_at, now + 1805);
  auto t2 = lane.touch(reader, revoked.id_hash, now + 5, now + 1805);
  ASSERT_TRUE(t2);
  EXPECT_FALSE(*t2);
  auto t3 = lane.touch(reader, test::random_id_hash(), now + 5, now + 1805);
  ASSERT_TRUE(t3);
  EXPECT_FALSE(*t3);
}

TEST(SessionReader, InlineReaderOfMemoryAndSqliteAgreesWithTheStore) {
  Lane lane;
  auto memory = tessera::store::make_memory_halves();
  auto r1 = memory.sessions->reader(lane.loop);
  agrees_with_blocking_store(*memory.sessions, lane, *r1);
  EXPECT_FALSE(redis::reader_stats(*r1));  // the default reader, not the Redis one

  test::TempDir dir;
  auto sqlite = tessera::store::make_sqlite_halves(dir.path() + "/s.db");
  ASSERT_TRUE(sqlite) << sqlite.error().message;
  auto r2 = sqlite->sessions->reader(lane.loop);
  agrees_with_blocking_store(*sqlite->sessions, lane, *r2);
}

TEST(SessionReader, RedisReaderAgreesWithTheStoreOnTheLoop) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto* s = test::shared_single();
  ASSERT_TRUE(s);
  auto store = tessera::store::make_redis_store("127.0.0.1", s->server->port());
  ASSERT_TRUE(store) << store.error().message;
  Lane lane;
  auto reader = (*store)->reader(lane.loop);
  // Warm up: a node that does not hold a script yet answers NOSCRIPT once, and the blocking
  // store loads it.
  const auto warm = record("reader-warm-up", now_s());
  ASSERT_TRUE((*store)->create(warm, 0));
  ASSERT_TRUE(lane.get(*reader, warm.id_hash));
  ASSERT_TRUE(lane.touch(*reader, warm.id_hash, warm.last_seen_at, warm.idle_expires_at));
  const auto s0 = redis::reader_stats(*reader);
  ASSERT_TRUE(s0);

  agrees_with_blocking_store(**store, lane, *reader);
  const auto s1 = redis::reader_stats(*reader);
  // Sessions this process created are read on the loop; only the unknown id (no cached
  // pointer) went to the blocking store, once for get and once for touch.
  EXPECT_EQ(s1->blocking - s0->blocking, 2u);
  EXPECT_EQ(s1->on_loop - s0->on_loop, 4u);
}

// The reader reads the user's generation beside the record (HGET of the account's gen), so a
// credential change is seen at once; a session user without an account reads 0.
TEST(SessionReader, RedisReaderReadsTheUsersGeneration) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto* s = test::shared_single();
  ASSERT_TRUE(s);
  auto halves = tessera::store::make_redis_halves("127.0.0.1", s->server->port());
  ASSERT_TRUE(halves) << halves.error().message;
  const auto now = now_s();
  const std::string name = "gen-reader-" + test::random_id_hash().substr(0, 8);
  tessera::UserRecord u;
  u.username = name;
  u.password_hash = "$argon2id$v=19$m=65536,t=3,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g";
  u.created_at = u.updated_at = now;
  ASSERT_TRUE(halves->users->add(u));
  auto rec = record(name, now);
  ASSERT_TRUE(halves->sessions->create(rec, 0));
  const auto orphan = record("no-account-" + test::random_id_hash().substr(0, 8), now);
  ASSERT_TRUE(halves->sessions->create(orphan, 0));
  Lane lane;
  auto reader = halves->sessions->reader(lane.loop);

  auto before = lane.get(*reader, rec.id_hash);
  ASSERT_TRUE(before && *before);
  EXPECT_EQ((*before)->user_generation, 0u);
  tessera::CredentialChange change;
  change.user = name;
  change.updated_at = now;
  auto changed = halves->sessions->change_credentials(change);
  ASSERT_TRUE(changed) << changed.error().message;
  ASSERT_EQ(changed->generation, 1u);
  auto after = lane.get(*reader, rec.id_hash);
  ASSERT_TRUE(after && *after);
  EXPECT_EQ((*after)->user_generation, 1u);
  EXPECT_EQ((*after)->generation, 0u);  // created under 0: dead (SessionManager refuses it)
  auto none = lane.get(*reader, orphan.id_hash);
  ASSERT_TRUE(none && *none);
  EXPECT_EQ((*none)->user_generation, 0u);
  EXPECT_EQ(redis::reader_stats(*reader)->blocking, 0u);
}

TEST(SessionReader, RedisReaderPipelinesConcurrentRequests) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto srv = test::SingleRedis::start();
  ASSERT_TRUE(srv);
  const int port = srv->server->port();
  auto store = tessera::store::make_redis_store("127.0.0.1", port);
  ASSERT_TRUE(store);
  const auto rec = record("pipeline-user", now_s());
  ASSERT_TRUE((*store)->create(rec, 0));
  Lane lane;
  auto reader = (*store)->reader(lane.loop);
  ASSERT_TRUE(lane.get(*reader, rec.id_hash));  // connected

  auto stat = [port](std::string_view name) -> std::int64_t {
    const auto info = test::redis_text(port, {"INFO", "stats"});
    const auto at = info.find(std::string(name) + ":");
    if (at == std::string::npos) return -1;
    return std::stoll(info.substr(at + name.size() + 1));
  };
  const auto c0 = stat("total_commands_processed"), r0 = stat("total_reads_processed");
  constexpr std::size_t kCalls = 400;
  auto results = lane.run<Got>(kCalls, [&](std::size_t, Completion<Got> done) { reader->get(rec.id_hash, std::move(done)); });
  for (const auto& r : results) {
    ASSERT_TRUE(r) << "a call never completed";
    ASSERT_TRUE(*r) << r->error().message;
    ASSERT_TRUE(**r);
    EXPECT_EQ((**r)->user, "pipeline-user");
  }
  // Commands per socket read: 400 calls from one loop arrive in a few reads, not 400 (the
  // INFO probes add one command and one read each).
  const auto commands = stat("total_commands_processed") - c0, reads = stat("total_reads_processed") - r0;
  ASSERT_GT(reads, 0);
  EXPECT_GE(commands, static_cast<std::int64_t>(kCalls));
  EXPECT_GE(commands / reads, 4) << commands << " commands in " << reads << " reads";
}

TEST(SessionReader, RedisKilledFailsClosedThenRecovers) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto srv = test::SingleRedis::start();
  ASSERT_TRUE(srv);
  auto store = tessera::store::make_redis_store("127.0.0.1", srv->server->port(), test::fault_options());
  ASSERT_TRUE(store);
  const auto rec = record("killed-user", now_s());
  ASSERT_TRUE((*store)->create(rec, 0));
  Lane lane;
  auto reader = (*store)->reader(lane.loop);
  auto before = lane.get(*reader, rec.id_hash);
  ASSERT_TRUE(before && *before);

  const auto s0 = redis::reader_stats(*reader);
  srv->server->kill9();
  // Calls in flight together and calls after: all fail closed, none hangs.
  auto during = lane.run<Got>(20, [&](std::size_t, Completion<Got> done) { reader->get(rec.id_hash, std::move(done)); });
  for (const auto& r : during) {
    ASSERT_TRUE(r) << "a call never completed";
    ASSERT_FALSE(*r) << "a record was served while Redis was down";
    EXPECT_EQ(r->error().code, Errc::store_unavailable);
  }
  auto t = lane.touch(*reader, rec.id_hash, now_s(), now_s() + 100);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, Errc::store_unavailable);
  // Those failures came from the loop's own connection, not from the blocking store.
  EXPECT_EQ(redis::reader_stats(*reader)->on_loop, s0->on_loop + 21);
  EXPECT_EQ(redis::reader_stats(*reader)->blocking, s0->blocking);

  ASSERT_TRUE(srv->server->start());  // same port, empty (no persistence)
  auto back = lane.get(*reader, rec.id_hash);
  ASSERT_TRUE(back) << back.error().message;  // reconnected by itself
  EXPECT_FALSE(*back);                        // the data went with the old process
}

TEST(SessionReader, RedisFrozenTimesOutThenRecovers) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto srv = test::SingleRedis::start();
  ASSERT_TRUE(srv);
  auto store = tessera::store::make_redis_store("127.0.0.1", srv->server->port(), test::fault_options());
  ASSERT_TRUE(store);
  const auto rec = record("frozen-user", now_s());
  ASSERT_TRUE((*store)->create(rec, 0));
  Lane lane;
  auto reader = (*store)->reader(lane.loop);
  ASSERT_TRUE(lane.get(*reader, rec.id_hash));

  srv->server->freeze();
  auto during = lane.run<Got>(10, [&](std::size_t, Completion<Got> done) { reader->get(rec.id_hash, std::move(done)); });
  for (const auto& r : during) {
    ASSERT_TRUE(r) << "a call never completed against a frozen Redis";
    ASSERT_FALSE(*r);
    EXPECT_EQ(r->error().code, Errc::store_unavailable);
  }
  srv->server->thaw();
  auto back = lane.get(*reader, rec.id_hash);
  ASSERT_TRUE(back) << back.error().message;
  ASSERT_TRUE(*back);
  EXPECT_EQ((*back)->user, "frozen-user");
}

TEST(SessionReader, DestroyingTheReaderCompletesWhatIsInFlight) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto srv = test::SingleRedis::start();
  ASSERT_TRUE(srv);
  auto store = tessera::store::make_redis_store("127.0.0.1", srv->server->port());
  ASSERT_TRUE(store);
  const auto rec = record("drop-user", now_s());
  ASSERT_TRUE((*store)->create(rec, 0));
  Lane lane;
  auto reader = (*store)->reader(lane.loop);
  ASSERT_TRUE(lane.get(*reader, rec.id_hash));
  srv->server->freeze();  // nothing answers: the calls stay in flight until the reader goes
  std::vector<std::optional<Result<Got>>> out(5);
  for (auto& o : out) reader->get(rec.id_hash, [&o](Result<Got> r) { o.emplace(std::move(r)); });
  reader.reset();
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  auto all = [&] {
    for (auto& o : out)
      if (!o) return false;
    return true;
  };
  while (!all() && std::chrono::steady_clock::now() < deadline) {
    if (lane.ioc.stopped()) lane.ioc.restart();
    lane.ioc.run_one_for(50ms);
  }
  srv->server->thaw();
  for (auto& o : out) {
    ASSERT_TRUE(o) << "a call never completed";
    ASSERT_FALSE(*o);
    EXPECT_EQ(o->error().code, Errc::store_unavailable);
  }
}

// Gets id until one is answered on the loop (not by the blocking store), with short pauses:
// whether the reader came back to the loop within 100 tries.
bool back_on_the_loop(Lane& lane, SessionReader& reader, const std::string& id) {
  for (int i = 0; i < 100; ++i) {
    const auto before = redis::reader_stats(reader)->blocking;
    auto g = lane.get(reader, id);
    if (!g || !*g) return false;
    if (redis::reader_stats(reader)->blocking == before) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

TEST(SessionReader, ClusterMovedGoesThroughTheBlockingStoreAndRepairsTheMap) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto* cluster = test::shared_cluster();
  ASSERT_TRUE(cluster);
  std::vector<redis::Endpoint> seeds;
  for (auto& [h, p] : cluster->seeds()) seeds.push_back({h, p});
  auto router = std::make_shared<redis::ClusterRouter>(seeds, RedisOptions{});
  auto store = tessera::store::make_redis_store_on(router, RedisOptions{});
  Lane lane;
  auto reader = store->reader(lane.loop);

  // Users on every node: the reader keeps one connection per node.
  std::vector<SessionRecord> recs;
  for (int i = 0; i < 12; ++i) {
    recs.push_back(record("cluster-reader-" + std::to_string(i) + test::random_id_hash().substr(0, 6), now_s()));
    ASSERT_TRUE(store->create(recs.back(), 0));
  }
  for (int pass = 0; pass < 2; ++pass) {
    // The first pass may meet nodes without the script (NOSCRIPT: loaded by the blocking
    // store, at most once per node); the second stays on the loop.
    const auto before = redis::reader_stats(*reader)->blocking;
    for (const auto& r : recs) {
      auto g = lane.get(*reader, r.id_hash);
      ASSERT_TRUE(g && *g) << (g ? "absent" : g.error().message);
      EXPECT_EQ((*g)->user, r.user);
    }
    EXPECT_LE(redis::reader_stats(*reader)->blocking - before, pass == 0 ? 3u : 0u);
  }
  const auto blocking = redis::reader_stats(*reader)->blocking;

  // A wrong map: the node answers MOVED, the blocking store follows it and repairs the map.
  const auto& r = recs.front();
  const auto slot = redis::key_slot(tessera::store::redis_user_base("tessera:", r.user) + "idx");
  const auto right = router->owner(slot);
  redis::Endpoint wrong;
  for (int p : cluster->ports())
    if (p != right.port) wrong = {"127.0.0.1", p};
  router->set_owner_for_test(slot, wrong);
  const auto moved = router->stats().moved;
  auto g = lane.get(*reader, r.id_hash);
  ASSERT_TRUE(g && *g) << (g ? "absent" : g.error().message);
  EXPECT_EQ((*g)->user, r.user);
  EXPECT_EQ(redis::reader_stats(*reader)->blocking, blocking + 1);
  EXPECT_GE(router->stats().moved, moved + 1);
  EXPECT_EQ(router->owner(slot), right);
  // Repaired: run() marked the map stale after the MOVED; calls go through the blocking store
  // until it has re-learned the map (at most once per ClusterRouter::kRefreshInterval), then
  // stay on the loop.
  EXPECT_TRUE(back_on_the_loop(lane, *reader, r.id_hash));
}

// A node that stops answering the reader (here: CLIENT PAUSE past the command timeout) fails
// the call closed and marks the slot map stale; the next call goes through the blocking store,
// which re-learns the map (after a failover it would find the new master), and the one after
// is back on the loop.
TEST(SessionReader, ClusterConnectionFailureRelearnsTheMap) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto* cluster = test::shared_cluster();
  ASSERT_TRUE(cluster);
  std::vector<redis::Endpoint> seeds;
  for (auto& [h, p] : cluster->seeds()) seeds.push_back({h, p});
  auto router = std::make_shared<redis::ClusterRouter>(seeds, test::fault_options());
  auto store = tessera::store::make_redis_store_on(router, test::fault_options());
  Lane lane;
  auto reader = store->reader(lane.loop);
  const auto rec = record("paused-" + test::random_id_hash().substr(0, 8), now_s());
  ASSERT_TRUE(store->create(rec, 0));
  ASSERT_TRUE(lane.get(*reader, rec.id_hash));
  ASSERT_TRUE(lane.get(*reader, rec.id_hash));
  const auto b0 = redis::reader_stats(*reader)->blocking;

  const int port = router->owner(redis::key_slot(tessera::store::redis_user_base("tessera:", rec.user) + "idx")).port;
  ASSERT_EQ(test::redis_text(port, {"CLIENT", "PAUSE", "700", "ALL"}), "OK");
  auto paused = lane.get(*reader, rec.id_hash);
  ASSERT_FALSE(paused);
  EXPECT_EQ(paused.error().code, Errc::store_unavailable);
  EXPECT_EQ(redis::reader_stats(*reader)->blocking, b0);  // failed on the loop, closed
  // Wait for the pause to end (a PING through a fresh connection answers once it has).
  for (int i = 0; i < 100 && test::redis_text(port, {"PING"}) != "PONG"; ++i) std::this_thread::sleep_for(50ms);

  auto relearn = lane.get(*reader, rec.id_hash);
  ASSERT_TRUE(relearn && *relearn) << (relearn ? "absent" : relearn.error().message);
  EXPECT_GE(redis::reader_stats(*reader)->blocking, b0 + 1);  // the stale map sent it to the blocking store
  EXPECT_TRUE(back_on_the_loop(lane, *reader, rec.id_hash));
}

// SessionManager::validate through a reader gives what the blocking validate gives: the live
// session (touched when due), and each refusal.
TEST(SessionReader, AsyncValidateAgreesWithBlockingValidate) {
  Lane lane;
  auto halves = tessera::store::make_memory_halves();
  SessionStore& store = *halves.sessions;
  auto reader = store.reader(lane.loop);
  const std::int64_t t0 = 1'800'000'000;
  tessera::FixedClock at_login(t0), later(t0 + 600), idle_gone(t0 + 5000);
  auto m0 = tessera::SessionManager::create(store, {}, &at_login);
  ASSERT_TRUE(m0);
  auto s = m0->create("validate-user", "{}", {});
  ASSERT_TRUE(s);
  auto revoked = m0->create("validate-user", "{}", {});
  ASSERT_TRUE(revoked && m0->revoke(revoked->id));

  auto async_validate = [&](tessera::SessionManager& m, const std::string& id) {
    return lane.one<tessera::Session>(
        [&](Completion<tessera::Session> done) { m.validate(id, *reader, std::move(done)); });
  };
  auto m1 = tessera::SessionManager::create(store, {}, &later);
  ASSERT_TRUE(m1);
  auto a = async_validate(*m1, s->id);
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(a->record.last_seen_at, t0 + 600);  // 600 s > 10 % of the idle window: touched
  auto stored = store.get(a->record.id_hash);
  ASSERT_TRUE(stored && *stored);
  EXPECT_EQ((*stored)->last_seen_at, t0 + 600);
  auto b = m1->validate(s->id);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->record.last_seen_at, a->record.last_seen_at);

  auto m2 = tessera::SessionManager::create(store, {}, &idle_gone);
  ASSERT_TRUE(m2);
  const std::string malformed = "not-a-session-id";
  const std::string unknown(43, 'A');
  for (auto [m, id, code] : {std::tuple{&*m1, revoked->id, Errc::session_revoked},
                             std::tuple{&*m1, malformed, Errc::session_not_found},
                             std::tuple{&*m1, unknown, Errc::session_not_found},
                             std::tuple{&*m2, s->id, Errc::session_idle_expired}}) {
    auto r = async_validate(*m, id);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, code);
    auto blocking = m->validate(id);
    ASSERT_FALSE(blocking);
    EXPECT_EQ(blocking.error().code, code);
  }
}

}  // namespace
