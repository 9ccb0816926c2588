// The store-backed DPoP replay caches (open_dpop_replay_cache, src/store/*dpop_replay_cache.cpp):
// one conformance suite run on every backend a store URI names — memory, SQLite (a fresh file
// per test), one Redis server and a 3-master Redis Cluster (real redis-server processes on
// loopback; skipped only when redis-server is not installed) —, then what only some backends
// have: expiry by an injected clock (memory, SQLite), the stored form (hashed keys), the
// migration, and a store that cannot answer (store_unavailable, never a default answer).
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "dpop_fixture.hpp"
#include "redis_test_server.hpp"
#include "store/dpop_replay_caches.hpp"
#include "store/sqlite_schema.hpp"
#include "tessera/dpop.hpp"

namespace tessera {
namespace {

std::string fresh_db() {
  static test::TempDir dir;
  static std::atomic<int> n{0};
  return dir.path() + "/dpop-" + std::to_string(n++) + ".db";
}

std::string unique_jti(std::string_view tag) {
  static std::atomic<int> n{0};
  return std::string(tag) + "-" + std::to_string(SystemClock::instance().now()) + "-" + std::to_string(::getpid()) +
         "-" + std::to_string(n++);
}

// The store URI of a backend; empty when it cannot run here (redis-server not installed).
std::string uri_of(std::string_view backend) {
  if (backend == "memory") return "memory:";
  if (backend == "sqlite") return "sqlite:" + fresh_db();
  if (!test::redis_server_installed()) return "";
  if (backend == "redis") {
    auto* s = test::shared_single();
    return s ? "redis://127.0.0.1:" + std::to_string(s->server->port()) : "redis://127.0.0.1:1";
  }
  auto* c = test::shared_cluster();
  return c ? "redis-cluster://127.0.0.1:" + std::to_string(c->seeds().at(0).second) : "redis-cluster://127.0.0.1:1";
}

class DpopReplayConformance : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    uri = uri_of(GetParam());
    if (uri.empty()) GTEST_SKIP() << "redis-server not installed";
    auto c = open_dpop_replay_cache(uri);
    ASSERT_TRUE(c.has_value()) << uri << ": " << c.error().message;
    cache = std::move(*c);
  }
  bool use(std::string_view jti, std::int64_t expires_at) {
    auto r = cache->first_use(jti, expires_at);
    EXPECT_TRUE(r.has_value()) << r.error().name() << ": " << r.error().message;
    return r.value_or(false);
  }
  std::int64_t now() const { return SystemClock::instance().now(); }
  std::string uri;
  std::shared_ptr<DpopReplayCache> cache;
};

TEST_P(DpopReplayConformance, FirstUseThenReplay) {
  const auto jti = unique_jti("a");
  EXPECT_TRUE(use(jti, now() + 100));
  EXPECT_FALSE(use(jti, now() + 100));
  EXPECT_FALSE(use(jti, now() + 1000));  // a later expiry does not reopen a live jti
  EXPECT_TRUE(use(jti + "x", now() + 100));  // another jti is independent
}

// An entry past its expiry no longer counts: the jti is accepted again, and then held again.
TEST_P(DpopReplayConformance, ExpiredEntryLetsTheJtiInAgain) {
  const auto jti = unique_jti("e");
  EXPECT_TRUE(use(jti, now() - 10));
  EXPECT_TRUE(use(jti, now() + 100));
  EXPECT_FALSE(use(jti, now() + 100));
}

// A jti of any length is kept by its hash: long jtis work, and two that differ only in their
// last byte are two jtis.
TEST_P(DpopReplayConformance, LongJtisAreKeptApart) {
  const std::string base = unique_jti("long") + std::string(10'000, 'j');
  EXPECT_TRUE(use(base + "1", now() + 100));
  EXPECT_TRUE(use(base + "2", now() + 100));
  EXPECT_FALSE(use(base + "1", now() + 100));
  EXPECT_FALSE(use(base + "2", now() + 100));
}

// Eight threads presenting one jti at once: exactly one wins. Each thread has a cache of its
// own on the same store (as eight instances would; "memory:" is one process: one cache).
TEST_P(DpopReplayConformance, RacingUsesOneWinner) {
  std::vector<std::shared_ptr<DpopReplayCache>> caches;
  for (int i = 0; i < 8; ++i) {
    if (GetParam() == "memory") {
      caches.push_back(cache);
      continue;
    }
    auto c = open_dpop_replay_cache(uri);
    ASSERT_TRUE(c.has_value());
    caches.push_back(std::move(*c));
  }
  for (int round = 0; round < 5; ++round) {
    const auto jti = unique_jti("race");
    const auto exp = now() + 100;
    std::atomic<int> wins{0}, errors{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&, i] {
        while (!go.load()) std::this_thread::yield();
        auto r = caches[static_cast<std::size_t>(i)]->first_use(jti, exp);
        if (!r) ++errors;
        else if (*r) ++wins;
      });
    go.store(true);
    for (auto& t : threads) t.join();
    EXPECT_EQ(errors.load(), 0);
    EXPECT_EQ(wins.load(), 1) << "round " << round;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, DpopReplayConformance,
                         ::testing::Values("memory", "sqlite", "redis", "redis_cluster"),
                         [](const ::testing::TestParamInfo<std::string>& p) { return p.param; });

TEST(DpopReplayCacheUri, BadUrisAreInvalid) {
  for (const char* bad : {"", "memory", "postgres://h:1", "redis://h", "sqlite:"}) {
    SCOPED_TRACE(bad);
    auto r = open_dpop_replay_cache(bad);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
  }
}

// With an injected clock (memory, SQLite): an entry holds through its expires_at second and
// lets the jti in from the next one.
TEST(DpopReplayCacheExpiry, HeldUntilExpiresAtThenFree) {
  test::SettableClock clock(test::kDpopNow);
  auto sqlite = store::make_sqlite_dpop_replay_cache(fresh_db(), clock);
  ASSERT_TRUE(sqlite.has_value()) << sqlite.error().message;
  std::shared_ptr<DpopReplayCache> caches[] = {std::move(*sqlite), make_memory_dpop_replay_cache(10, clock)};
  for (auto& c : caches) {
    clock.set(test::kDpopNow);
    EXPECT_TRUE(c->first_use("j", test::kDpopNow + 60).value_or(false));
    clock.set(test::kDpopNow + 60);
    EXPECT_FALSE(c->first_use("j", test::kDpopNow + 200).value_or(true));
    clock.set(test::kDpopNow + 61);
    EXPECT_TRUE(c->first_use("j", test::kDpopNow + 200).value_or(false));
    EXPECT_FALSE(c->first_use("j", test::kDpopNow + 200).value_or(true));
  }
}

// Runs sql on the file at path (a second connection) and returns the first column of the
// first row as text ("" for none).
std::string sql_text(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string out;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  if (s && sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
    out = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
  sqlite3_finalize(s);
  sqlite3_close_v2(db);
  return out;
}

// SQLite keeps the hash, never the jti; each use deletes expired rows, so they do not pile up.
TEST(DpopReplayCacheSqlite, StoresHashesAndSweepsExpiredRows) {
  test::SettableClock clock(test::kDpopNow);
  const auto path = fresh_db();
  auto c = store::make_sqlite_dpop_replay_cache(path, clock);
  ASSERT_TRUE(c.has_value());
  const std::string jti(5000, 'x');
  ASSERT_TRUE((*c)->first_use(jti, test::kDpopNow + 10).value_or(false));
  EXPECT_EQ(sql_text(path, "SELECT jti_hash FROM dpop_jti"), store::dpop_jti_key(jti));
  EXPECT_EQ(store::dpop_jti_key(jti).size(), 43u);
  EXPECT_EQ(sql_text(path, "PRAGMA user_version"), std::to_string(store::sqlite::schema_version()));
  for (int i = 0; i < 20; ++i) ASSERT_TRUE((*c)->first_use("old" + std::to_string(i), test::kDpopNow + 10).value_or(false));
  EXPECT_EQ(sql_text(path, "SELECT count(*) FROM dpop_jti"), "21");
  clock.set(test::kDpopNow + 11);  // all 21 expired; each use deletes up to 8 of them
  for (int i = 0; i < 3; ++i) ASSERT_TRUE((*c)->first_use("new" + std::to_string(i), test::kDpopNow + 100).value_or(false));
  EXPECT_EQ(sql_text(path, "SELECT count(*) FROM dpop_jti"), "3");
}

// A database that cannot answer fails the call (store_unavailable), never a default answer.
TEST(DpopReplayCacheSqlite, BrokenDatabaseIsUnavailable) {
  const auto path = fresh_db();
  auto c = open_dpop_replay_cache("sqlite:" + path);
  ASSERT_TRUE(c.has_value());
  ASSERT_TRUE((*c)->first_use("a", SystemClock::instance().now() + 10).value_or(false));
  sql_text(path, "DROP TABLE dpop_jti");
  auto r = (*c)->first_use("b", SystemClock::instance().now() + 10);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::store_unavailable);
}

// The Redis key is the prefix and the jti's hash (bounded size), expiring at expires_at.
TEST(DpopReplayCacheRedis, KeyIsTheHashWithExpiry) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto* s = test::shared_single();
  ASSERT_TRUE(s);
  const int port = s->server->port();
  auto c = open_dpop_replay_cache("redis://127.0.0.1:" + std::to_string(port));
  ASSERT_TRUE(c.has_value());
  const std::string jti = unique_jti("k") + std::string(3000, 'y');
  const auto exp = SystemClock::instance().now() + 100;
  ASSERT_TRUE((*c)->first_use(jti, exp).value_or(false));
  const auto key = "tessera:dpop:" + store::dpop_jti_key(jti);
  EXPECT_EQ(test::redis_text(port, {"GET", key}), "1");
  auto ttl = test::redis_call(port, {"EXPIRETIME", key});
  ASSERT_TRUE(ttl.has_value());
  EXPECT_EQ(store::redis::integer(**ttl).value_or(0), exp);
}

// Redis SIGKILLed: store_unavailable (the verifier then refuses the proof); after a restart
// the same cache works again.
TEST(DpopReplayCacheRedis, KilledServerIsUnavailableThenRecovers) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto srv = test::SingleRedis::start();
  ASSERT_TRUE(srv);
  auto c = store::make_redis_dpop_replay_cache("127.0.0.1", srv->server->port(), test::fault_options());
  ASSERT_TRUE(c.has_value());
  const auto exp = SystemClock::instance().now() + 100;
  ASSERT_TRUE((*c)->first_use("before", exp).value_or(false));
  srv->server->kill9();
  auto r = (*c)->first_use("during", exp);
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::store_unavailable);
  ASSERT_TRUE(srv->server->start());
  EXPECT_TRUE((*c)->first_use("after", exp).value_or(false));
}

}  // namespace
}  // namespace tessera
