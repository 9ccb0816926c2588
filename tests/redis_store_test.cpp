// Redis and Redis Cluster SessionStore: the conformance suite on a single server and on a
// 3-master cluster (real redis-server processes on loopback ports), CRC16 / key slots, one
// user's keys in one slot, MOVED and ASK redirects (including a real slot migration), and the
// fail-closed behaviour when Redis is SIGKILLed mid-run and comes back.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "redis_test_server.hpp"
#include "store/redis_cluster.hpp"
#include "store/redis_conn.hpp"
#include "store/stores.hpp"
#include "account_store_conformance.hpp"
#include "store_conformance.hpp"

namespace {

using namespace std::chrono_literals;
using tessera::Errc;
using tessera::SessionRecord;
using tessera::SessionStore;
using tessera::store::RedisOptions;
namespace redis = tessera::store::redis;
namespace test = tessera::test;

using test::shared_cluster;
using test::shared_single;

// nullptr (test skipped) only when redis-server is not installed; a failed start fails.
std::unique_ptr<SessionStore> single_store() {
  if (!test::redis_server_installed()) return nullptr;
  auto* s = shared_single();
  if (!s) {
    ADD_FAILURE() << "redis-server is installed but did not start";
    return nullptr;
  }
  auto st = tessera::store::make_redis_store("127.0.0.1", s->server->port());
  EXPECT_TRUE(st) << (st ? "" : st.error().message);
  return st ? std::move(*st) : nullptr;
}

std::unique_ptr<SessionStore> cluster_store() {
  if (!test::redis_server_installed()) return nullptr;
  auto* c = shared_cluster();
  if (!c) return nullptr;
  auto st = tessera::store::make_redis_cluster_store(c->seeds());
  EXPECT_TRUE(st) << (st ? "" : st.error().message);
  return st ? std::move(*st) : nullptr;
}

TESSERA_STORE_CONFORMANCE(redis, tessera::test::ConformanceOptions{.native_expiry = true}, single_store);
TESSERA_STORE_CONFORMANCE(redis_cluster, tessera::test::ConformanceOptions{.native_expiry = true},
                               cluster_store);

SessionRecord make_record(const std::string& user, std::int64_t now, std::int64_t offset = 0) {
  SessionRecord r;
  r.id_hash = test::random_id_hash();
  r.user = user;
  r.created_at = now + offset;
  r.last_seen_at = r.created_at;
  r.idle_expires_at = r.created_at + 1800;
  r.absolute_expires_at = r.created_at + 3600;
  r.csrf_secret = tessera::SecretBytes(std::string_view("csrf"));
  return r;
}

std::int64_t now_s() { return tessera::SystemClock::instance().now(); }

// ---- slots -----------------------------------------------------------------------------

TEST(RedisCluster, Crc16AndKeySlot) {
  EXPECT_EQ(redis::crc16_xmodem("123456789"), 0x31C3);
  EXPECT_EQ(redis::crc16_xmodem(""), 0);
  EXPECT_EQ(redis::key_slot("foo"), 12182);  // CLUSTER KEYSLOT foo
  EXPECT_EQ(redis::key_slot("{user1000}.following"), redis::key_slot("{user1000}.followers"));
  EXPECT_EQ(redis::key_slot("{user1000}.following"), redis::key_slot("user1000"));
  EXPECT_EQ(redis::key_slot("foo{}{bar}"), redis::crc16_xmodem("foo{}{bar}") % 16384);  // empty tag: whole key
  EXPECT_EQ(redis::key_slot("foo{{bar}}zap"), redis::key_slot("{bar"));                   // tag is "{bar"
  EXPECT_EQ(redis::key_slot("foo{bar}{zap}"), redis::key_slot("bar"));
}

TEST(RedisCluster, KeySlotAgreesWithServer) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto* c = shared_cluster();
  ASSERT_TRUE(c);
  const int port = c->ports()[0];
  for (std::string key : {"foo", "tessera:{u:0123456789abcdef0123456789abcdef}:idx", "{h:AbC-_x}", "a{b}c", "{}x",
                          "x{", "", "\xff\xfe{\x01}"}) {
    auto r = test::redis_call(port, {"CLUSTER", "KEYSLOT", key});
    ASSERT_TRUE(r);
    EXPECT_EQ((*r)->integer, redis::key_slot(key)) << key;
  }
}

TEST(RedisCluster, OneUsersKeysShareOneSlot) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto* c = shared_cluster();
  ASSERT_TRUE(c);
  auto st = tessera::store::make_redis_cluster_store(c->seeds());
  ASSERT_TRUE(st) << st.error().message;
  auto& store = **st;
  const std::string user = "slot-user-" + test::random_id_hash().substr(0, 8);
  const auto now = now_s();
  std::vector<SessionRecord> rs;
  for (int i = 0; i < 6; ++i) rs.push_back(make_record(user, now, i));
  for (const auto& r : rs) ASSERT_TRUE(store.create(r, 4));
  auto repl = make_record(user, now, 10);
  ASSERT_TRUE(store.rotate(rs[5].id_hash, repl).value_or(false));

  const auto base = tessera::store::redis_user_base("tessera:", user);
  const auto slot = redis::key_slot(base + "idx");
  // Ask every node which keys it holds in that slot: one node holds all of them.
  std::set<std::string> held;
  int holders = 0;
  for (int port : c->ports()) {
    auto r = test::redis_call(port, {"CLUSTER", "GETKEYSINSLOT", std::to_string(slot), "1000"});
    ASSERT_TRUE(r);
    if ((*r)->elements > 0) ++holders;
    for (std::size_t i = 0; i < (*r)->elements; ++i) held.insert(std::string(redis::text(*(*r)->element[i])));
  }
  EXPECT_EQ(holders, 1);
  EXPECT_TRUE(held.count(base + "idx"));
  for (const auto& r : rs) EXPECT_TRUE(held.count(base + "s:" + r.id_hash)) << r.id_hash;
  EXPECT_TRUE(held.count(base + "s:" + repl.id_hash));
  for (const auto& k : held) EXPECT_EQ(redis::key_slot(k), slot) << k;
  // And eviction + rotation did their job across those keys.
  auto l = store.list(user, now);
  ASSERT_TRUE(l);
  EXPECT_EQ(l->size(), 4u);
}

// ---- redirects -------------------------------------------------------------------------

struct ClusterFixture {
  test::RedisCluster* cluster = nullptr;
  std::shared_ptr<redis::ClusterRouter> router;
  std::unique_ptr<SessionStore> store;
  std::unique_ptr<tessera::UserStore> users;

  bool init() {
    cluster = shared_cluster();
    if (!cluster) return false;
    std::vector<redis::Endpoint> seeds;
    for (auto& [h, p] : cluster->seeds()) seeds.push_back({h, p});
    router = std::make_shared<redis::ClusterRouter>(seeds, RedisOptions{});
    store = tessera::store::make_redis_store_on(router, RedisOptions{});
    users = tessera::store::make_redis_user_store_on(router, RedisOptions{});
    return true;
  }
  std::string node_id(int port) { return test::redis_text(port, {"CLUSTER", "MYID"}); }
};

TEST(RedisCluster, FollowsMovedAndRepairsTheMap) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  ClusterFixture f;
  ASSERT_TRUE(f.init());
  const auto now = now_s();
  const std::string user = "moved-" + test::random_id_hash().substr(0, 8);
  auto r = make_record(user, now);
  ASSERT_TRUE(f.store->create(r, 0));

  const auto slot = redis::key_slot(tessera::store::redis_user_base("tessera:", user) + "idx");
  const auto right = f.router->owner(slot);
  ASSERT_FALSE(right.host.empty());
  // Point the map at a node that does not serve the slot: it answers MOVED.
  redis::Endpoint wrong;
  for (int p : f.cluster->ports())
    if (p != right.port) wrong = {"127.0.0.1", p};
  f.router->set_owner_for_test(slot, wrong);
  const auto before = f.router->stats().moved;

  auto g = f.store->get(r.id_hash);
  ASSERT_TRUE(g) << g.error().message;
  ASSERT_TRUE(*g);
  EXPECT_EQ((*g)->user, user);
  EXPECT_GE(f.router->stats().moved, before + 1);
  EXPECT_EQ(f.router->owner(slot), right);  // the MOVED answer fixed the map
  // Scripts follow MOVED too.
  f.router->set_owner_for_test(slot, wrong);
  auto l = f.store->list(user, now);
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l->size(), 1u);
  EXPECT_GE(f.router->stats().moved, before + 2);
}

// A real slot migration of one user's slot: keys moved, then ASK while the slot is migrating,
// then MOVED once it is reassigned. A half-moved slot fails closed and loses nothing.
TEST(RedisCluster, SlotMigrationAskThenMoved) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  ClusterFixture f;
  ASSERT_TRUE(f.init());
  const auto now = now_s();
  const std::string user = "migrate-" + test::random_id_hash().substr(0, 8);
  std::vector<SessionRecord> rs;
  for (int i = 0; i < 4; ++i) rs.push_back(make_record(user, now, i));
  for (const auto& r : rs) ASSERT_TRUE(f.store->create(r, 10));
  const auto base = tessera::store::redis_user_base("tessera:", user);
  const auto slot = redis::key_slot(base + "idx");
  const auto s = std::to_string(slot);
  const int src = f.router->owner(slot).port;
  int dst = 0, other = 0;
  for (int p : f.cluster->ports())
    if (p != src) (dst ? other : dst) = p;
  const auto src_id = f.node_id(src), dst_id = f.node_id(dst);

  ASSERT_EQ(test::redis_text(dst, {"CLUSTER", "SETSLOT", s, "IMPORTING", src_id}), "OK");
  ASSERT_EQ(test::redis_text(src, {"CLUSTER", "SETSLOT", s, "MIGRATING", dst_id}), "OK");
  auto migrate = [&](const std::vector<std::string>& keys) {
    std::vector<std::string> argv{"MIGRATE", "127.0.0.1", std::to_string(dst), "", "0", "5000", "KEYS"};
    argv.insert(argv.end(), keys.begin(), keys.end());
    EXPECT_EQ(test::redis_text(src, argv), "OK");
  };

  // Half-way: only the index has moved. Index-walking scripts must not prune the records
  // that are still on the source: they retry (TRYAGAIN) and, if still torn, fail closed.
  migrate({base + "idx"});
  auto l = f.store->list(user, now);
  if (l) EXPECT_EQ(l->size(), 4u);
  else EXPECT_EQ(l.error().code, Errc::store_unavailable);
  auto n = f.store->revoke_all(user, std::nullopt);
  if (n) ADD_FAILURE() << "revoke_all ran on a torn slot and revoked " << *n;
  else EXPECT_EQ(n.error().code, Errc::store_unavailable);
  std::cout << "  [migration] torn slot: list " << (l ? "complete" : l.error().message) << "; revoke_all "
            << (n ? "ran" : n.error().message) << "; TRYAGAIN seen " << f.router->stats().tryagain << "\n";
  // Single-record reads work mid-migration (record still on the source; this user has no
  // account key, so the get script meets TRYAGAIN and reads one key at a time).
  auto g = f.store->get(rs[0].id_hash);
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_TRUE(*g);

  // Everything moved, slot still MIGRATING: the source answers ASK for each key. The
  // account key goes too (a server's users all have one), so scripts run on the target.
  ASSERT_TRUE(f.users->add(tessera::UserRecord{user, "$argon2id$x", false, now, now}).value_or(false));
  std::vector<std::string> rest{base + "user"};
  for (const auto& r : rs) rest.push_back(base + "s:" + r.id_hash);
  migrate(rest);
  const auto ask_before = f.router->stats().ask;
  g = f.store->get(rs[1].id_hash);
  ASSERT_TRUE(g) << g.error().message;
  ASSERT_TRUE(*g);
  EXPECT_EQ((*g)->user, user);
  EXPECT_GT(f.router->stats().ask, ask_before);
  l = f.store->list(user, now);
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l->size(), 4u);
  auto t = f.store->touch(rs[2].id_hash, now + 5, now + 1805);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_TRUE(*t);
  auto rv = f.store->revoke(rs[3].id_hash);
  ASSERT_TRUE(rv) << rv.error().message;
  EXPECT_TRUE(*rv);
  EXPECT_EQ(f.router->owner(slot).port, src);  // ASK does not change the map

  // Finish: the slot belongs to dst. The stale map meets MOVED and is repaired.
  for (int p : {dst, src, other}) EXPECT_EQ(test::redis_text(p, {"CLUSTER", "SETSLOT", s, "NODE", dst_id}), "OK");
  const auto moved_before = f.router->stats().moved;
  l = f.store->list(user, now);
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l->size(), 3u);
  EXPECT_GT(f.router->stats().moved, moved_before);
  EXPECT_EQ(f.router->owner(slot).port, dst);
  auto fresh = make_record(user, now, 20);
  auto c = f.store->create(fresh, 2);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->size(), 2u);  // rs[0] and rs[1] (oldest live) evicted; rs[3] was revoked
  auto touched = f.store->get(rs[2].id_hash);
  ASSERT_TRUE(touched && *touched);
  EXPECT_EQ((*touched)->last_seen_at, now + 5);
}

// ---- faults ------------------------------------------------------------------------------

// Redis SIGKILLed mid-run: every call fails with store_unavailable within ~2x the timeout and
// get() never yields a record; once a server is back on the port, the same store works.
TEST(RedisStoreFaults, KilledServerFailsClosedThenRecovers) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto srv = test::SingleRedis::start();
  ASSERT_TRUE(srv);
  RedisOptions opt = test::fault_options();
  opt.pool_size = 4;
  auto st = tessera::store::make_redis_store("127.0.0.1", srv->server->port(), opt);
  ASSERT_TRUE(st) << st.error().message;
  auto& store = **st;
  const auto now = now_s();
  const std::string user = "fault-user";
  std::vector<SessionRecord> rs;
  for (int i = 0; i < 20; ++i) {
    rs.push_back(make_record(user, now, i));
    ASSERT_TRUE(store.create(rs.back(), 0));
  }

  // Readers hammer get()/touch() across the kill.
  std::atomic<bool> stop{false}, dead{false};
  std::atomic<int> ok_before{0}, records_after{0}, successes_after{0}, wrong_errors_after{0}, fails_after{0};
  std::atomic<std::int64_t> max_after_us{0};
  std::vector<std::thread> readers;
  for (int th = 0; th < 4; ++th) {
    readers.emplace_back([&, th] {
      std::size_t i = static_cast<std::size_t>(th);
      while (!stop.load()) {
        const bool started_dead = dead.load();
        const auto t0 = std::chrono::steady_clock::now();
        auto g = store.get(rs[i % rs.size()].id_hash);
        auto k = store.touch(rs[(i + 1) % rs.size()].id_hash, now + 1, now + 1801);
        const auto us = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0).count();
        if (!started_dead) {
          if (g && *g) ++ok_before;
        } else {
          if (g && *g) ++records_after;
          if (g || k) ++successes_after;  // nothing may succeed while the server is gone
          if ((!g && g.error().code != Errc::store_unavailable) || (!k && k.error().code != Errc::store_unavailable))
            ++wrong_errors_after;
          ++fails_after;
          std::int64_t prev = max_after_us.load();
          while (us > prev && !max_after_us.compare_exchange_weak(prev, us)) {}
        }
        ++i;
      }
    });
  }
  std::this_thread::sleep_for(150ms);
  srv->server->kill9();  // SIGKILL + waitpid: the process is gone when this returns
  dead.store(true);
  std::this_thread::sleep_for(300ms);

  // Every operation, from this thread, timed.
  std::int64_t worst_ms = 0;
  auto timed = [&](const char* what, auto&& call) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = call();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    worst_ms = std::max<std::int64_t>(worst_ms, ms);
    ASSERT_FALSE(r) << what << " succeeded with Redis down";
    EXPECT_EQ(r.error().code, Errc::store_unavailable) << what << ": " << r.error().message;
    EXPECT_LT(ms, 2 * 200) << what;
    std::cout << "  [fault] " << what << ": " << r.error().name() << " in " << ms << " ms (" << r.error().message
              << ")\n";
  };
  timed("get", [&] { return store.get(rs[0].id_hash); });
  timed("create", [&] { return store.create(make_record(user, now, 100), 3); });
  timed("touch", [&] { return store.touch(rs[1].id_hash, now + 2, now + 1802); });
  timed("rotate", [&] { return store.rotate(rs[2].id_hash, make_record(user, now, 101)); });
  timed("revoke", [&] { return store.revoke(rs[3].id_hash); });
  timed("revoke_all", [&] { return store.revoke_all(user, std::nullopt); });
  timed("list", [&] { return store.list(user, now); });
  timed("sweep", [&] { return store.sweep(now); });
  timed("ping", [&] { return store.ping(); });

  stop.store(true);
  for (auto& t : readers) t.join();
  EXPECT_GT(ok_before.load(), 0);
  EXPECT_GT(fails_after.load(), 0);
  EXPECT_EQ(records_after.load(), 0);
  EXPECT_EQ(successes_after.load(), 0);
  EXPECT_EQ(wrong_errors_after.load(), 0);
  EXPECT_LT(max_after_us.load(), 2 * 200'000);
  std::cout << "  [fault] background get+touch pairs while down: " << fails_after.load()
            << ", slowest pair " << static_cast<double>(max_after_us.load()) / 1000.0 << " ms, worst single call " << worst_ms << " ms\n";

  // Back on the same port (empty: --save ""). The same store object recovers.
  const auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(srv->server->start());
  auto p = store.ping();
  ASSERT_TRUE(p) << p.error().message;
  const auto recover_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "  [fault] restart + first successful ping: " << recover_ms << " ms\n";
  auto g = store.get(rs[0].id_hash);
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_FALSE(*g);  // the data went with the process
  auto fresh = make_record(user, now, 200);
  auto c = store.create(fresh, 3);
  ASSERT_TRUE(c) << c.error().message;
  g = store.get(fresh.id_hash);
  ASSERT_TRUE(g) << g.error().message;
  ASSERT_TRUE(*g);
  auto l = store.list(user, now);
  ASSERT_TRUE(l) << l.error().message;
  EXPECT_EQ(l->size(), 1u);
  auto rot = store.rotate(fresh.id_hash, make_record(user, now, 201));
  ASSERT_TRUE(rot) << rot.error().message;
  EXPECT_TRUE(*rot);  // scripts re-loaded after NOSCRIPT on the new process
}

// A hung server (SIGSTOP: connections are accepted by the kernel, nothing answers): calls end
// with store_unavailable once the command timeout fires, and work again after SIGCONT.
TEST(RedisStoreFaults, HungServerTimesOutThenRecovers) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto srv = test::SingleRedis::start();
  ASSERT_TRUE(srv);
  RedisOptions opt = test::fault_options();
  auto st = tessera::store::make_redis_store("127.0.0.1", srv->server->port(), opt);
  ASSERT_TRUE(st) << st.error().message;
  auto& store = **st;
  const auto now = now_s();
  auto r = make_record("hung-user", now);
  ASSERT_TRUE(store.create(r, 2));

  srv->server->freeze();
  std::int64_t worst = 0;
  for (int i = 0; i < 3; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    auto g = store.get(r.id_hash);
    auto c = store.create(make_record("hung-user", now, 1 + i), 2);
    auto l = store.list("hung-user", now);
    for (auto code : {g ? Errc::internal : g.error().code, c ? Errc::internal : c.error().code,
                      l ? Errc::internal : l.error().code})
      EXPECT_EQ(code, Errc::store_unavailable);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
    worst = std::max<std::int64_t>(worst, ms);
    EXPECT_LT(ms, 3 * 2 * 200);  // three calls, each within 2x the timeout
  }
  std::cout << "  [fault] hung server: 3 calls (get, create, list) took at most " << worst << " ms together\n";
  srv->server->thaw();
  auto g = store.get(r.id_hash);
  ASSERT_TRUE(g) << g.error().message;
  ASSERT_TRUE(*g);
  EXPECT_EQ((*g)->user, "hung-user");
}

// A router that stops the Redis process (SIGSTOP) just before it sends one chosen call: the
// call reaches a server that reads it only once it resumes, after the caller gave up.
class FreezeBeforeRouter final : public redis::Router {
 public:
  FreezeBeforeRouter(std::shared_ptr<redis::Router> inner, test::RedisServer& server)
      : inner_(std::move(inner)), server_(server) {}
  std::atomic<int> freeze_at{0};  // the n-th call from now on; 0 = never
  tessera::Result<redis::Reply> run(std::string_view key, const redis::Op& op) override {
    if (freeze_at.load() > 0 && --freeze_at == 0) server_.freeze();
    return inner_->run(key, op);
  }
  tessera::Result<void> ping() override { return inner_->ping(); }
  std::optional<redis::Endpoint> endpoint_for(std::string_view key) const override { return inner_->endpoint_for(key); }

 private:
  std::shared_ptr<redis::Router> inner_;
  test::RedisServer& server_;
};

// The stall of a password change (Redis paused mid-request): the caller gives up with
// store_unavailable, and the script Redis runs once it resumes must change nothing, because
// the caller has already answered "nothing changed". The script carries a deadline (Redis's
// TIME) that has passed by then. Without the deadline this test fails: Redis runs the script.
TEST(RedisStoreFaults, CredentialChangeStalledPastItsDeadlineChangesNothingLater) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto srv = test::SingleRedis::start();
  ASSERT_TRUE(srv);
  RedisOptions opt = test::fault_options();
  auto inner = tessera::store::make_redis_router("127.0.0.1", srv->server->port(), opt);
  ASSERT_TRUE(inner) << inner.error().message;
  auto router = std::make_shared<FreezeBeforeRouter>(*inner, *srv->server);
  auto accounts = tessera::store::combine(tessera::store::make_redis_halves_on(router, opt));
  const auto now = now_s();
  for (const char* u : {"warm", "stalled"})
    ASSERT_TRUE(accounts->users().add(tessera::UserRecord{u, "$argon2id$old", false, now, now}).value_or(false));
  // Load the script first, so that the stalled call is the EVALSHA itself.
  ASSERT_TRUE(accounts->change_credentials(tessera::test::change_of("warm", now)));
  auto s1 = make_record("stalled", now), s2 = make_record("stalled", now, 1);
  ASSERT_TRUE(accounts->sessions().create(s1, 0));
  ASSERT_TRUE(accounts->sessions().create(s2, 0));

  auto change = tessera::test::change_of("stalled", now + 1);
  change.password_hash = "$argon2id$new";
  router->freeze_at = 2;  // the index snapshot (ZRANGE) goes through; the script meets a stopped Redis
  auto r = accounts->change_credentials(change);
  ASSERT_FALSE(r) << "the change went through a stopped server";
  EXPECT_EQ(r.error().code, Errc::store_unavailable);
  std::this_thread::sleep_for(150ms);  // past the deadline (half the command timeout)
  srv->server->thaw();
  // Let Redis work through what it received while stopped, then look.
  for (int i = 0; i < 20 && !accounts->ping(); ++i) std::this_thread::sleep_for(20ms);
  std::this_thread::sleep_for(100ms);
  auto u = accounts->users().get("stalled");
  ASSERT_TRUE(u && *u) << (u ? "absent" : u.error().message);
  EXPECT_EQ((*u)->password_hash, "$argon2id$old") << "the stalled change was applied after the caller gave up";
  EXPECT_EQ((*u)->generation, 0u);
  for (const auto& s : {s1, s2}) {
    auto g = accounts->sessions().get(s.id_hash);
    ASSERT_TRUE(g && *g);
    EXPECT_FALSE((*g)->revoked);
  }
  // And the same change, retried, applies.
  auto again = accounts->change_credentials(change);
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->revoked, 2u);
}

// Nothing listening at all: the store can be created (lazy) and every call fails fast.
TEST(RedisStoreFaults, NoServerFailsFast) {
  const int port = test::pick_free_port();
  ASSERT_NE(port, 0);
  RedisOptions opt = test::fault_options();
  auto st = tessera::store::make_redis_store("127.0.0.1", port, opt);
  ASSERT_TRUE(st);
  const auto t0 = std::chrono::steady_clock::now();
  auto g = (*st)->get(test::random_id_hash());
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code, Errc::store_unavailable);
  auto cl = tessera::store::make_redis_cluster_store({{"127.0.0.1", port}}, opt);
  ASSERT_TRUE(cl);
  auto cg = (*cl)->get(test::random_id_hash());
  ASSERT_FALSE(cg);
  EXPECT_EQ(cg.error().code, Errc::store_unavailable);
  EXPECT_FALSE((*cl)->ping());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1200ms);
}

TEST(RedisStoreFaults, RejectsBadOptions) {
  RedisOptions bad;
  bad.key_prefix = "app{x}:";
  auto a = tessera::store::make_redis_store("127.0.0.1", 6379, bad);
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, Errc::invalid_argument);
  auto b = tessera::store::make_redis_store("127.0.0.1", 0);
  ASSERT_FALSE(b);
  auto c = tessera::store::make_redis_cluster_store({});
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Errc::invalid_argument);
}

}  // namespace
