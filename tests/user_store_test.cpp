// The UserStore: the conformance suite (user_store_conformance.hpp) on memory, SQLite (a fresh
// file per test), one Redis server and a 3-master Redis Cluster (real redis-server processes on
// loopback), plus what only some backends have: SQLite sharing its file with the session store
// (opened in either order, upgraded from a sessions-only file, two connections counting
// together, persistence, lazy deletion of forgotten counters), the Redis key layout and TTLs,
// fail-closed behaviour when Redis is killed and recovery after it restarts, and the URIs of
// open_user_store().
#include <sqlite3.h>
#include <stdlib.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <chrono>
#include <filesystem>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "redis_test_server.hpp"
#include "store/redis_cluster.hpp"
#include "store/sqlite_schema.hpp"
#include "store/stores.hpp"
#include "user_store_conformance.hpp"

namespace tessera {
namespace {

using namespace std::chrono_literals;
using test::UserStoreConformanceTest;
namespace fs = std::filesystem;

template <class S>
std::unique_ptr<S> must(Result<std::unique_ptr<S>> r, std::string_view what) {
  if (!r) {
    ADD_FAILURE() << what << ": " << r.error().name() << ": " << r.error().message;
    return nullptr;
  }
  return std::move(*r);
}

// ---- backends ------------------------------------------------------------------------------

// A fresh database path per call, in one directory removed at exit.
std::string fresh_db(std::string_view tag) {
  static test::TempDir dir;
  static std::atomic<int> n{0};
  return dir.path() + "/" + std::string(tag) + "-" + std::to_string(n++) + ".db";
}

using test::shared_cluster;
using test::shared_single;

// nullptr (test skipped) only when redis-server is not installed; a failed start fails.
std::unique_ptr<UserStore> single_user_store() {
  if (!test::redis_server_installed()) return nullptr;
  auto* s = shared_single();
  if (!s) {
    ADD_FAILURE() << "redis-server is installed but did not start";
    return nullptr;
  }
  return must(store::make_redis_user_store("127.0.0.1", s->server->port()), "redis user store");
}
std::unique_ptr<UserStore> cluster_user_store() {
  if (!test::redis_server_installed()) return nullptr;
  auto* c = shared_cluster();
  return c ? must(store::make_redis_cluster_user_store(c->seeds()), "redis cluster user store") : nullptr;
}

TESSERA_USER_STORE_CONFORMANCE(memory, [] { return store::make_memory_user_store(); });
TESSERA_USER_STORE_CONFORMANCE(sqlite, [] { return must(store::make_sqlite_user_store(fresh_db("conf")), "sqlite"); });
TESSERA_USER_STORE_CONFORMANCE(redis, single_user_store);
TESSERA_USER_STORE_CONFORMANCE(redis_cluster, cluster_user_store);

std::int64_t now_s() { return SystemClock::instance().now(); }

UserRecord make_user(std::string name, std::int64_t t) { return {std::move(name), "$argon2id$h", false, t, t}; }

// ---- SQLite: one file with the session store -------------------------------------------

// The first column of the first row of sql on the file at path, as text ("<none>" if no row).
std::string sql_text(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string out = "<error>";
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK) {
      const int rc = sqlite3_step(s);
      const auto* p = rc == SQLITE_ROW ? reinterpret_cast<const char*>(sqlite3_column_text(s, 0)) : nullptr;
      out = rc == SQLITE_ROW ? (p ? p : "<null>") : rc == SQLITE_DONE ? "<none>" : "<error>";
    }
    sqlite3_finalize(s);
  }
  sqlite3_close_v2(db);
  return out;
}

SessionRecord make_session(std::string user, std::int64_t t) {
  SessionRecord r;
  r.id_hash = test::UserStoreConformanceTest::unique("h");
  r.user = std::move(user);
  r.created_at = r.last_seen_at = t;
  r.idle_expires_at = t + 1800;
  r.absolute_expires_at = t + 3600;
  r.csrf_secret = SecretBytes(std::string_view("csrf"));
  return r;
}

// Both stores on one file, each opened first in turn; both work at once and after reopening.
TEST(SqliteUserStore, SharesTheSessionFileInEitherOrder) {
  for (const bool users_first : {false, true}) {
    SCOPED_TRACE(users_first ? "user store first" : "session store first");
    const auto path = fresh_db("shared");
    std::unique_ptr<UserStore> users;
    std::unique_ptr<SessionStore> sessions;
    if (users_first) users = must(store::make_sqlite_user_store(path), "users");
    sessions = must(store::make_sqlite_store(path), "sessions");
    if (!users_first) users = must(store::make_sqlite_user_store(path), "users");
    ASSERT_TRUE(users && sessions);
    const auto t = now_s();
    const auto s = make_session("alice", t);
    ASSERT_TRUE(users->add(make_user("alice", t)).value_or(false));
    ASSERT_TRUE(sessions->create(s, 0));
    ASSERT_EQ(users->throttle_fail("user:alice", t, 60).value_or(ThrottleRecord{}).failures, 1);
    EXPECT_TRUE(users->ping());
    EXPECT_TRUE(sessions->ping());  // the session store accepts the schema the user store set up
    users.reset();
    sessions.reset();

    EXPECT_EQ(sql_text(path, "PRAGMA user_version"), std::to_string(store::sqlite::schema_version()));
    EXPECT_EQ(sql_text(path, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE type = "
                             "'table' ORDER BY name)"),
              "login_throttle,oauth_access,oauth_clients,oauth_codes,oauth_consents,oauth_denied_jti,oauth_grants,"
              "revocation_events,sessions,sqlite_sequence,store_epoch,users");
    auto u2 = must(store::make_sqlite_user_store(path), "users reopened");
    auto s2 = must(store::make_sqlite_store(path), "sessions reopened");
    ASSERT_TRUE(u2 && s2);
    auto got = u2->get("alice");
    ASSERT_TRUE(got && *got);
    EXPECT_EQ((*got)->password_hash, "$argon2id$h");
    EXPECT_EQ(u2->throttle_get("user:alice", t).value_or(ThrottleRecord{}).failures, 1);
    auto sg = s2->get(s.id_hash);
    ASSERT_TRUE(sg && *sg);
    EXPECT_EQ((*sg)->user, "alice");
  }
}

// Regression: opening the second store on a file used to open and close a plain descriptor of
// it, which drops every POSIX lock the process holds there (SQLite's included). Another
// process that then opened and closed the file believed it was the last user, checkpointed and
// deleted the WAL, and later writes of this process went to an unlinked WAL nobody else saw.
TEST(SqliteUserStore, AnotherProcessSeesWritesAfterBothStoresOpened) {
  if (std::system("command -v sqlite3 >/dev/null 2>&1") != 0) GTEST_SKIP() << "sqlite3 shell not installed";
  const auto path = fresh_db("locks");
  auto sessions = must(store::make_sqlite_store(path), "sessions");
  auto users = must(store::make_sqlite_user_store(path), "users");
  ASSERT_TRUE(sessions && users);
  const auto count = [&] {
    const std::string cmd = "sqlite3 '" + path + "' 'SELECT count(*) FROM users' 2>&1";
    std::string out;
    if (FILE* f = ::popen(cmd.c_str(), "r")) {
      char buf[64];
      while (std::fgets(buf, sizeof buf, f)) out += buf;
      ::pclose(f);
    }
    return out;
  };
  EXPECT_EQ(count(), "0\n");  // another process opens and closes the database
  const auto t = now_s();
  ASSERT_TRUE(users->add(make_user("alice", t)).value_or(false));
  EXPECT_EQ(count(), "1\n");
  ASSERT_TRUE(users->add(make_user("bob", t)).value_or(false));
  EXPECT_EQ(count(), "2\n");
  EXPECT_TRUE(std::filesystem::exists(path + "-wal"));
}

// A file a build before migration 3 left (sessions only, user_version 2): the user store
// upgrades it in place and the session in it survives.
TEST(SqliteUserStore, UpgradesASessionsOnlyDatabase) {
  const auto path = fresh_db("upgrade");
  const auto migrations = store::sqlite::migrations();
  ASSERT_GE(migrations.size(), 3u);
  ASSERT_EQ(migrations[2].version, 3);
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
    std::string sql = std::string(migrations[0].sql) + migrations[1].sql + "PRAGMA user_version = 2;" +
                      "PRAGMA application_id = " + std::to_string(store::sqlite::kApplicationId) + ";" +
                      "INSERT INTO sessions VALUES ('h1', 'old', 10, 11, 12, 13, 0, 'c', 'ip', 'ua', 'dl', '{}');";
    EXPECT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
  }
  auto users = must(store::make_sqlite_user_store(path), "users");
  ASSERT_TRUE(users);
  EXPECT_EQ(sql_text(path, "PRAGMA user_version"), std::to_string(store::sqlite::schema_version()));
  EXPECT_EQ(sql_text(path, "SELECT count(*) FROM sqlite_schema WHERE name = 'login_throttle_by_expiry'"), "1");
  EXPECT_TRUE(users->add(make_user("bob", 1)).value_or(false));
  auto sessions = must(store::make_sqlite_store(path), "sessions");
  ASSERT_TRUE(sessions);
  auto old = sessions->get("h1");
  ASSERT_TRUE(old && *old);
  EXPECT_EQ((*old)->user, "old");
}

// Two connections (two stores on one file, as two processes would be) count one key together.
TEST(SqliteUserStore, TwoConnectionsCountAtomically) {
  const auto path = fresh_db("two");
  auto a = must(store::make_sqlite_user_store(path), "a");
  auto b = must(store::make_sqlite_user_store(path), "b");
  ASSERT_TRUE(a && b);
  const auto t = now_s();
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < 4; ++th)
    threads.emplace_back([&, th] {
      UserStore& s = th % 2 ? *a : *b;
      for (int i = 0; i < 40; ++i)
        if (!s.throttle_fail("ip:192.0.2.77", t, 600)) ++errors;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(a->throttle_get("ip:192.0.2.77", t).value_or(ThrottleRecord{}).failures, 160);
  EXPECT_EQ(b->throttle_get("ip:192.0.2.77", t).value_or(ThrottleRecord{}).failures, 160);
}

// Forgotten counters leave the table: the one get meets at once, the others in batches.
TEST(SqliteUserStore, ForgottenCountersAreDeletedLazily) {
  const auto path = fresh_db("lazy");
  auto s = must(store::make_sqlite_user_store(path), "users");
  ASSERT_TRUE(s);
  const std::int64_t t = 1'900'000'000;
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(s->throttle_fail("ip:old-" + std::to_string(i), t, 10));
  EXPECT_EQ(sql_text(path, "SELECT count(*) FROM login_throttle"), "40");
  EXPECT_EQ(s->throttle_get("ip:old-0", t + 10).value_or(ThrottleRecord{1, 1}).failures, 0);
  EXPECT_EQ(sql_text(path, "SELECT count(*) FROM login_throttle WHERE key = 'ip:old-0'"), "0");
  // Live counters stay; enough later failures (a sweep every 256) clear the forgotten ones out.
  for (int i = 0; i < 220; ++i) ASSERT_TRUE(s->throttle_fail("ip:new", t + 100, 600));
  EXPECT_EQ(sql_text(path, "SELECT count(*) FROM login_throttle"), "1");
  EXPECT_EQ(s->throttle_get("ip:new", t + 100).value_or(ThrottleRecord{}).failures, 220);
}

TEST(SqliteUserStore, BadPathsAreRefused) {
  auto empty = store::make_sqlite_user_store("");
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, Errc::invalid_argument);
  auto dir = store::make_sqlite_user_store(fs::temp_directory_path().string());
  ASSERT_FALSE(dir);
  EXPECT_EQ(dir.error().code, Errc::store_unavailable);
}

// ---- Redis ---------------------------------------------------------------------------------

// The documented layout: a hash per user, the set for list(), throttle hashes with a TTL.
TEST(RedisUserStore, KeyLayoutAndThrottleTtl) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto store = single_user_store();
  ASSERT_TRUE(store);
  const int port = shared_single()->server->port();
  const auto name = UserStoreConformanceTest::unique("layout");
  ASSERT_TRUE(store->add({name, "$argon2id$h", true, 5, 6}).value_or(false));
  // In the user's slot, beside their sessions (the session scripts read its generation).
  const auto key = store::redis_user_base("tessera:", name) + "user";
  EXPECT_EQ(test::redis_text(port, {"HGET", key, "name"}), name);
  EXPECT_EQ(test::redis_text(port, {"HGET", key, "gen"}), "0");
  EXPECT_EQ(test::redis_text(port, {"HGET", key, "password_hash"}), "$argon2id$h");
  EXPECT_EQ(test::redis_text(port, {"HGET", key, "disabled"}), "1");
  EXPECT_EQ(test::redis_text(port, {"HGET", key, "updated_at"}), "6");
  auto member = test::redis_call(port, {"SISMEMBER", "tessera:users", name});
  ASSERT_TRUE(member);
  EXPECT_EQ((*member)->integer, 1);

  const auto tkey = "ip:2001:db8::" + UserStoreConformanceTest::unique("7");
  const auto ttl = [&] {
    auto r = test::redis_call(port, {"TTL", "tessera:throttle:{" + tkey + "}"});
    return r ? (*r)->integer : -100;
  };
  ASSERT_TRUE(store->throttle_fail(tkey, now_s(), 30));
  EXPECT_GT(ttl(), 0);
  EXPECT_LE(ttl(), 30);
  // A huge window still gets a TTL Redis accepts (garbage collection only).
  ASSERT_TRUE(store->throttle_fail(tkey, now_s(), std::numeric_limits<std::int64_t>::max() / 2));
  EXPECT_GT(ttl(), 30);
  ASSERT_TRUE(store->throttle_reset(tkey));
  EXPECT_EQ(test::redis_text(port, {"TYPE", "tessera:throttle:{" + tkey + "}"}), "none");
}

// A name in the set whose hash was never written (an add cut short) is skipped by list();
// a broken record is store_unavailable, never a half-filled user.
TEST(RedisUserStore, ListSkipsUnfinishedAddsAndCorruptRecordsFailClosed) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto store = single_user_store();
  ASSERT_TRUE(store);
  const int port = shared_single()->server->port();
  const auto ghost = UserStoreConformanceTest::unique("ghost");
  ASSERT_TRUE(test::redis_call(port, {"SADD", "tessera:users", ghost}));
  auto l = store->list();
  ASSERT_TRUE(l) << l.error().message;
  for (const auto& u : *l) EXPECT_NE(u.username, ghost);
  EXPECT_TRUE(store->add(make_user(ghost, 1)).value_or(false));  // the name can still be added

  const auto bad = UserStoreConformanceTest::unique("corrupt");
  const auto bad_key = store::redis_user_base("tessera:", bad) + "user";
  ASSERT_TRUE(test::redis_call(port, {"HSET", bad_key, "name", bad, "password_hash", "x", "disabled", "2"}));
  auto g = store->get(bad);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code, Errc::store_unavailable);
  // A record under another name (two names with one tag) is not this user's.
  ASSERT_TRUE(test::redis_call(port, {"HSET", bad_key, "name", "someone-else", "disabled", "0", "created_at", "1",
                                      "updated_at", "1", "gen", "0"}));
  g = store->get(bad);
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code, Errc::store_unavailable);
  ASSERT_TRUE(test::redis_call(port, {"DEL", bad_key}));
}

// Redis SIGKILLed: every call is store_unavailable within about the timeout; after a restart
// on the same port the same store works again (scripts re-loaded on the new process).
TEST(RedisUserStore, KilledServerFailsClosedThenRecovers) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto srv = test::SingleRedis::start();
  ASSERT_TRUE(srv);
  auto store = must(store::make_redis_user_store("127.0.0.1", srv->server->port(), test::fault_options()), "store");
  ASSERT_TRUE(store);
  const auto t = now_s();
  ASSERT_TRUE(store->add(make_user("victim", t)).value_or(false));
  ASSERT_EQ(store->throttle_fail("user:victim", t, 60).value_or(ThrottleRecord{}).failures, 1);

  srv->server->kill9();
  auto expect_down = [&](const char* what, auto&& call) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = call();
    const auto took = std::chrono::steady_clock::now() - t0;
    ASSERT_FALSE(r) << what << " succeeded with Redis down";
    EXPECT_EQ(r.error().code, Errc::store_unavailable) << what << ": " << r.error().message;
    EXPECT_LT(took, 400ms) << what;
  };
  expect_down("add", [&] { return store->add(make_user("other", t)); });
  expect_down("get", [&] { return store->get("victim"); });
  expect_down("rehash_password", [&] { return store->rehash_password("victim", 0, "$argon2id$new", t); });
  expect_down("list", [&] { return store->list(); });
  expect_down("throttle_get", [&] { return store->throttle_get("user:victim", t); });
  expect_down("throttle_fail", [&] { return store->throttle_fail("user:victim", t, 60); });
  expect_down("throttle_reset", [&] { return store->throttle_reset("user:victim"); });
  expect_down("ping", [&] { return store->ping(); });

  ASSERT_TRUE(srv->server->start());  // same port, empty (--save "")
  auto p = store->ping();
  ASSERT_TRUE(p) << p.error().message;
  auto g = store->get("victim");
  ASSERT_TRUE(g) << g.error().message;
  EXPECT_FALSE(*g);  // the data went with the process
  auto added = store->add(make_user("victim", t + 1));
  ASSERT_TRUE(added) << added.error().message;
  EXPECT_TRUE(*added);
  auto f = store->throttle_fail("user:victim", t + 1, 60);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->failures, 1);
  EXPECT_TRUE(store->rehash_password("victim", 0, "$argon2id$again", t + 2).value_or(false));
}

// Accounts written by a build before credential generations (P user:{<name>}) are moved to
// the user's slot at generation 0 by the first read, which list() at server start makes.
TEST(RedisUserStore, MovesAccountsFromTheLegacyLayout) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto store = single_user_store();
  ASSERT_TRUE(store);
  const int port = shared_single()->server->port();
  const auto name = UserStoreConformanceTest::unique("legacy");
  const auto legacy = "tessera:user:{" + name + "}";
  ASSERT_TRUE(test::redis_call(port, {"SADD", "tessera:users", name}));
  ASSERT_TRUE(test::redis_call(port, {"HSET", legacy, "password_hash", "$argon2id$old-layout", "disabled", "1",
                                      "created_at", "11", "updated_at", "12"}));
  auto l = store->list();
  ASSERT_TRUE(l) << l.error().message;
  const auto it = std::find_if(l->begin(), l->end(), [&](const UserRecord& u) { return u.username == name; });
  ASSERT_NE(it, l->end());
  EXPECT_EQ(test::user_fields(*it), test::user_fields(UserRecord{name, "$argon2id$old-layout", true, 11, 12, 0}));
  EXPECT_EQ(test::redis_text(port, {"TYPE", legacy}), "none");
  EXPECT_EQ(test::redis_text(port, {"HGET", store::redis_user_base("tessera:", name) + "user", "gen"}), "0");
  auto again = store->get(name);
  ASSERT_TRUE(again && *again);
  EXPECT_EQ((*again)->password_hash, "$argon2id$old-layout");
}

// On the cluster, the set (list) and a user's hash sit in different slots, on purpose.
TEST(RedisUserStore, ClusterListSpansSlots) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto store = cluster_user_store();
  ASSERT_TRUE(store);
  const auto p = UserStoreConformanceTest::unique("span") + "-";
  std::set<std::uint16_t> slots;
  for (int i = 0; i < 12; ++i) {
    const auto name = p + std::to_string(i);
    ASSERT_TRUE(store->add(make_user(name, i)).value_or(false));
    slots.insert(store::redis::key_slot(store::redis_user_base("tessera:", name) + "user"));
  }
  EXPECT_GT(slots.size(), 3u);
  auto l = store->list();
  ASSERT_TRUE(l) << l.error().message;
  std::size_t found = 0;
  for (const auto& u : *l) found += u.username.starts_with(p) ? 1 : 0;
  EXPECT_EQ(found, 12u);
}

// ---- open_user_store -----------------------------------------------------------------------

TEST(OpenUserStore, OpensEachBackendByUri) {
  auto m = open_user_store("memory:");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_TRUE((*m)->add(make_user("u", 1)).value_or(false));

  const auto path = fresh_db("uri");
  auto s = open_user_store("sqlite:" + path);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE((*s)->add(make_user("u", 1)).value_or(false));
  auto sessions = open_session_store("sqlite:" + path);  // the same file serves both
  ASSERT_TRUE(sessions) << sessions.error().message;
  EXPECT_TRUE((*sessions)->ping());

  if (!test::redis_server_installed()) return;
  auto* single = shared_single();
  ASSERT_TRUE(single);
  auto r = open_user_store("redis://127.0.0.1:" + std::to_string(single->server->port()) + "/");
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE((*r)->ping());
  auto* cluster = shared_cluster();
  ASSERT_TRUE(cluster);
  std::string uri = "redis-cluster://";
  for (auto [host, port] : cluster->seeds()) uri += host + ":" + std::to_string(port) + ",";
  uri.pop_back();
  auto c = open_user_store(uri);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE((*c)->ping());
}

TEST(OpenUserStore, RejectsWhatOpenSessionStoreRejects) {
  for (std::string_view bad : {"", "memory", "sqlite:", "redis://host", "redis://host:0", "redis://a:1,b:2",
                               "redis-cluster://a:1,,b:2", "postgres://db:5432"}) {
    auto u = open_user_store(bad);
    ASSERT_FALSE(u) << bad;
    EXPECT_EQ(u.error().code, Errc::invalid_argument) << bad;
    auto s = open_session_store(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code, Errc::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace tessera
