// The OAuthStore: the conformance suite (oauth_store_conformance.hpp) on memory, SQLite (a
// fresh file per test), one Redis server and a 3-master Redis Cluster (real redis-server
// processes on loopback), plus what only some backends have: SQLite sharing its file with the
// other stores and upgrading an older one, records that do not parse failing closed, and the
// URIs of open_oauth_store().
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "oauth_store_conformance.hpp"
#include "store/oauth_stores.hpp"
#include "store/redis_cluster.hpp"
#include "store/sqlite_schema.hpp"
#include "redis_test_server.hpp"

namespace tessera {
namespace {

using test::OAuthStoreConformanceTest;

std::unique_ptr<OAuthStore> must(Result<std::unique_ptr<OAuthStore>> r, std::string_view what) {
  if (!r) {
    ADD_FAILURE() << what << ": " << r.error().name() << ": " << r.error().message;
    return nullptr;
  }
  return std::move(*r);
}

// A fresh database path per call, in one directory removed at exit.
std::string fresh_db(std::string_view tag) {
  static test::TempDir dir;
  static std::atomic<int> n{0};
  return dir.path() + "/" + std::string(tag) + "-" + std::to_string(n++) + ".db";
}

TESSERA_OAUTH_STORE_CONFORMANCE(memory, {}, [] { return store::make_memory_oauth_store(); });
TESSERA_OAUTH_STORE_CONFORMANCE(sqlite, {}, [] { return must(store::make_sqlite_oauth_store(fresh_db("conf")), "sqlite"); });

// nullptr (test skipped) only when redis-server is not installed; a failed start fails.
std::unique_ptr<OAuthStore> single_store() {
  if (!test::redis_server_installed()) return nullptr;
  auto* s = test::shared_single();
  if (!s) {
    ADD_FAILURE() << "redis-server is installed but did not start";
    return nullptr;
  }
  return must(store::make_redis_oauth_store("127.0.0.1", s->server->port()), "redis oauth store");
}
std::unique_ptr<OAuthStore> cluster_store() {
  if (!test::redis_server_installed()) return nullptr;
  auto* c = test::shared_cluster();
  if (!c) {
    ADD_FAILURE() << "redis-server is installed but the cluster did not start";
    return nullptr;
  }
  return must(store::make_redis_cluster_oauth_store(c->seeds()), "redis cluster oauth store");
}

constexpr test::OAuthConformanceOptions kNative{.native_expiry = true};
TESSERA_OAUTH_STORE_CONFORMANCE(redis, kNative, single_store);
TESSERA_OAUTH_STORE_CONFORMANCE(redis_cluster, kNative, cluster_store);

// Runs sql on the file at path (a second connection, as an attacker or a bad disk would).
void sql_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close_v2(db);
}

template <class V>
void expect_unavailable(const Result<V>& r) {
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::store_unavailable);
}

// A grant row whose access list is not the JSON the store writes: every read of it fails closed.
TEST(SqliteOauthStore, CorruptAccessListFailsClosed) {
  const auto path = fresh_db("corrupt");
  auto s = must(store::make_sqlite_oauth_store(path), "sqlite");
  ASSERT_TRUE(s);
  test::OAuthRecords fixture_helpers;
  const auto user = OAuthStoreConformanceTest::unique("user");
  auto g = fixture_helpers.grant(user);
  ASSERT_TRUE(s->create_grant(g).value_or(false));
  for (const char* garbage : {"not json", "{}", "[{\"jti\":1,\"exp\":2}]", "[{\"jti\":\"a\"}]", "[[\"a\",1]]"}) {
    SCOPED_TRACE(garbage);
    sql_exec(path, std::string("UPDATE oauth_grants SET access_json = '") + garbage + "'");
    expect_unavailable(s->get_grant(g.family_id));
    expect_unavailable(s->list_grants(user, fixture_helpers.base()));
    expect_unavailable(s->rotate_refresh(fixture_helpers.rotation(g, g.current_hash)));
    expect_unavailable(s->remember_access(g.family_id, {"j", fixture_helpers.base() + 10}, fixture_helpers.base()));
    expect_unavailable(s->revoke_grant(g.family_id, fixture_helpers.base(), 60));
  }
  EXPECT_FALSE(s->get_grant(g.family_id).has_value());
}

// Two connections to one file (two processes, as far as SQLite can tell) race one code and one
// refresh token: BEGIN IMMEDIATE serialises them, so one exchange and one rotation win, and
// nobody gets an error.
TEST(SqliteOauthStore, TwoConnectionsRaceAtomically) {
  const auto path = fresh_db("two");
  auto a = must(store::make_sqlite_oauth_store(path), "a");
  auto b = must(store::make_sqlite_oauth_store(path), "b");
  ASSERT_TRUE(a && b);
  test::OAuthRecords h;
  for (int round = 0; round < 3; ++round) {
    auto c = h.code();
    ASSERT_TRUE(a->create_code(c).has_value());
    auto g = h.grant(OAuthStoreConformanceTest::unique("user"));
    ASSERT_TRUE(b->create_grant(g).value_or(false));
    std::atomic<int> took{0}, used{0}, rotated{0}, refused{0}, errors{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&, i] {
        OAuthStore& s = i % 2 ? *a : *b;
        auto t = s.take_code(c.code_hash, h.base() + 1);
        if (!t || !*t) ++errors;
        else ++((*t)->used ? used : took);
        auto r = s.rotate_refresh(h.rotation(g, g.current_hash));
        if (!r) ++errors;
        else ++(r->outcome == RotateOutcome::rotated ? rotated : refused);
      });
    for (auto& th : threads) th.join();
    EXPECT_EQ(errors.load(), 0);
    EXPECT_EQ(took.load(), 1);
    EXPECT_EQ(used.load(), 7);
    EXPECT_EQ(rotated.load(), 1);
    EXPECT_EQ(refused.load(), 7);
    auto after = a->get_grant(g.family_id);
    ASSERT_TRUE(after && *after);
    EXPECT_TRUE((*after)->revoked);
  }
}

// Reads have connections of their own: while a write of the store waits for the file's write
// lock (held here by another connection, as a write's fsync would hold the writer), reads of
// the same store still answer, and see what was committed before them.
TEST(SqliteOauthStore, ReadsDoNotQueueBehindAWrite) {
  const auto path = fresh_db("readers");
  auto s = must(store::make_sqlite_oauth_store(path), "sqlite");
  ASSERT_TRUE(s);
  test::OAuthRecords h;
  auto g = h.grant(OAuthStoreConformanceTest::unique("user"));
  ASSERT_TRUE(s->create_grant(g).value_or(false));
  ASSERT_TRUE(s->put_client(h.client("reader-client"), true).value_or(false));

  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &other, SQLITE_OPEN_READWRITE, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  std::atomic<bool> write_done{false};
  std::thread writer([&] {
    // Blocks in busy_timeout, holding the store's writer, until `other` commits.
    EXPECT_TRUE(s->deny_jti("jti-during-lock", h.base() + 60).has_value());
    write_done = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // lets the write start waiting
  auto got = s->get_grant(g.family_id);
  auto client = s->get_client("reader-client");
  auto denied = s->is_denied("jti-during-lock", h.base());
  const bool answered_during_write = !write_done.load();
  EXPECT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  writer.join();
  sqlite3_close_v2(other);
  EXPECT_TRUE(answered_during_write);
  ASSERT_TRUE(got && *got);
  EXPECT_EQ((*got)->family_id, g.family_id);
  ASSERT_TRUE(client && *client);
  ASSERT_TRUE(denied.has_value());
  EXPECT_FALSE(*denied);  // not committed when it was read
  EXPECT_TRUE(s->is_denied("jti-during-lock", h.base()).value_or(false));  // committed now: seen
}

// A file the previous build left (schema 5: sessions, users, epoch): the OAuth store upgrades
// it in place, and what was in it survives.
TEST(SqliteOauthStore, UpgradesTheSchemaBeforeIt) {
  const auto path = fresh_db("upgrade");
  const auto migrations = store::sqlite::migrations();
  ASSERT_GE(migrations.back().version, 6);  // later migrations (7: DPoP, 9: the revocation log) run too
  {
    std::string sql = "PRAGMA application_id = " + std::to_string(store::sqlite::kApplicationId) + ";";
    for (const auto& m : migrations)
      if (m.version < 6) sql += m.sql;
    sql += "PRAGMA user_version = 5; INSERT INTO users VALUES ('alice', '$argon2id$h', 0, 1, 2, 0);";
    sql_exec(path, sql);
  }
  auto s = must(open_oauth_store("sqlite:" + path), "sqlite");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->ping().has_value());
  test::OAuthRecords h;
  auto c = h.client(OAuthStoreConformanceTest::unique("c"));
  EXPECT_TRUE(s->put_client(c, true).value_or(false));
  auto users = store::make_sqlite_user_store(path);
  ASSERT_TRUE(users.has_value());
  auto alice = (*users)->get("alice");
  ASSERT_TRUE(alice && *alice);
  // Reopened: still there, no migration runs twice.
  s.reset();
  auto again = must(store::make_sqlite_oauth_store(path), "reopen");
  ASSERT_TRUE(again);
  auto back = again->get_client(c.client_id);
  ASSERT_TRUE(back && *back);
}

// An integer reply of a command on the server at port (-999 when it is not one).
std::int64_t redis_int(int port, std::vector<std::string> argv) {
  auto r = test::redis_call(port, std::move(argv));
  if (!r || (*r)->type != REDIS_REPLY_INTEGER) return -999;
  return (*r)->integer;
}

// Records written by hand that the store did not write: every read fails closed, and the atomic
// scripts refuse them before writing anything.
TEST(RedisOauthStore, CorruptRecordsFailClosed) {
  auto s = single_store();
  if (!s) GTEST_SKIP() << "redis-server not installed";
  const int port = test::shared_single()->server->port();
  test::OAuthRecords h;
  const auto user = OAuthStoreConformanceTest::unique("user");
  auto g = h.grant(user);
  ASSERT_TRUE(s->create_grant(g).value_or(false));
  const std::string gkey = "tessera:oauth:grant:{f:" + g.family_id + "}";
  for (const char* garbage : {"not json", "{}", "[{\"jti\":1,\"exp\":2}]", "[{\"jti\":\"a\"}]"}) {
    SCOPED_TRACE(garbage);
    ASSERT_TRUE(test::redis_call(port, {"HSET", gkey, "access", garbage}));
    expect_unavailable(s->get_grant(g.family_id));
    expect_unavailable(s->list_grants(user, h.base()));
    expect_unavailable(s->rotate_refresh(h.rotation(g, g.current_hash)));
    expect_unavailable(s->remember_access(g.family_id, {"j", h.base() + 10}, h.base()));
  }
  EXPECT_EQ(test::redis_text(port, {"HGET", gkey, "current"}), g.current_hash) << "a refused script wrote";
  ASSERT_TRUE(test::redis_call(port, {"HSET", gkey, "access", "[]", "idle_expires_at", "soon"}));
  expect_unavailable(s->get_grant(g.family_id));
  expect_unavailable(s->rotate_refresh(h.rotation(g, g.current_hash)));
  ASSERT_TRUE(test::redis_call(port, {"HSET", gkey, "idle_expires_at", "1", "family_id", "another"}));
  expect_unavailable(s->get_grant(g.family_id));  // a record under another key
  ASSERT_TRUE(test::redis_call(port, {"HDEL", gkey, "scope"}));  // a partial record
  expect_unavailable(s->get_grant(g.family_id));

  auto c = h.code();
  ASSERT_TRUE(s->create_code(c).has_value());
  const std::string ckey = "tessera:oauth:code:{" + c.code_hash + "}";
  ASSERT_TRUE(test::redis_call(port, {"HSET", ckey, "expires_at", "later"}));
  expect_unavailable(s->take_code(c.code_hash, h.base()));
  ASSERT_TRUE(test::redis_call(port, {"HSET", ckey, "expires_at", std::to_string(c.expires_at), "used", "x"}));
  expect_unavailable(s->take_code(c.code_hash, h.base()));

  auto a = h.access();
  ASSERT_TRUE(s->put_access(a).has_value());
  const std::string akey = "tessera:oauth:access:{" + a.token_hash + "}";
  ASSERT_TRUE(test::redis_call(port, {"HSET", akey, "revoked", "maybe"}));
  expect_unavailable(s->get_access(a.token_hash));
  expect_unavailable(s->revoke_access(a.token_hash));

  const auto jti = OAuthStoreConformanceTest::unique("jti");
  ASSERT_TRUE(test::redis_call(port, {"SET", "tessera:oauth:deny:{" + jti + "}", "tomorrow"}));
  expect_unavailable(s->is_denied(jti, h.base()));
  expect_unavailable(s->deny_jti(jti, h.base() + 10));

  auto cl = h.client(OAuthStoreConformanceTest::unique("c"));
  ASSERT_TRUE(s->put_client(cl, true).value_or(false));
  ASSERT_TRUE(test::redis_call(port, {"HSET", "tessera:oauth:client:{" + cl.client_id + "}", "created_at", "x"}));
  expect_unavailable(s->get_client(cl.client_id));
  expect_unavailable(s->list_clients());
  ASSERT_TRUE(s->remove_client(cl.client_id).value_or(false));
}

// The key layout and native expiry docs/redis.md describes.
TEST(RedisOauthStore, KeyLayoutAndExpiry) {
  auto s = single_store();
  if (!s) GTEST_SKIP() << "redis-server not installed";
  const int port = test::shared_single()->server->port();
  test::OAuthRecords h;
  auto g = h.grant(OAuthStoreConformanceTest::unique("user"));
  ASSERT_TRUE(s->create_grant(g).value_or(false));
  const std::string gkey = "tessera:oauth:grant:{f:" + g.family_id + "}";
  EXPECT_EQ(test::redis_text(port, {"TYPE", gkey}), "hash");
  EXPECT_EQ(redis_int(port, {"EXPIRETIME", gkey}), g.absolute_expires_at + kExpiredGrace);
  const auto idx = store::redis_user_base("tessera:", g.user) + "oauth:grants";
  EXPECT_EQ(test::redis_text(port, {"ZSCORE", idx, g.family_id}), std::to_string(g.created_at));
  EXPECT_GT(redis_int(port, {"TTL", idx}), 3600);
  // An index entry whose family is gone is dropped by list_grants.
  const auto ghost = OAuthStoreConformanceTest::family_id();
  ASSERT_TRUE(test::redis_call(port, {"ZADD", idx, "1", ghost}));
  auto l = s->list_grants(g.user, h.base());
  ASSERT_TRUE(l.has_value());
  EXPECT_EQ(l->size(), 1u);
  EXPECT_EQ(test::redis_text(port, {"ZSCORE", idx, ghost}), "");
  const auto jti = OAuthStoreConformanceTest::unique("jti");
  ASSERT_TRUE(s->deny_jti(jti, h.base() + 100).has_value());
  EXPECT_EQ(redis_int(port, {"EXPIRETIME", "tessera:oauth:deny:{" + jti + "}"}), h.base() + 100 + kExpiredGrace);
  // The index and the consents live in the user's slot, beside the account and the sessions.
  const auto account = store::redis_user_base("tessera:", g.user) + "user";
  EXPECT_EQ(store::redis::key_slot(idx), store::redis::key_slot(account));
  EXPECT_EQ(store::redis::key_slot(store::redis_user_base("tessera:", g.user) + "oauth:consent:app"),
            store::redis::key_slot(account));
  ConsentRecord consent{g.user, "app", "openid", h.base()};
  ASSERT_TRUE(s->put_consent(consent).has_value());
  EXPECT_EQ(test::redis_text(port, {"HGET", store::redis_user_base("tessera:", g.user) + "oauth:consent:app", "scope"}),
            "openid");
}

// Redis SIGKILLed: every call is store_unavailable (fail closed, never a default answer); after
// a restart on the same port the same store works again (its scripts loaded on the new process).
TEST(RedisOauthStore, KilledServerFailsClosedThenRecovers) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto srv = test::SingleRedis::start();
  ASSERT_TRUE(srv);
  auto s = must(store::make_redis_oauth_store("127.0.0.1", srv->server->port(), test::fault_options()), "store");
  ASSERT_TRUE(s);
  test::OAuthRecords h;
  auto g = h.grant(OAuthStoreConformanceTest::unique("user"));
  ASSERT_TRUE(s->create_grant(g).value_or(false));
  srv->server->kill9();
  expect_unavailable(s->get_grant(g.family_id));
  expect_unavailable(s->rotate_refresh(h.rotation(g, g.current_hash)));
  expect_unavailable(s->revoke_grant(g.family_id, h.base(), 60));
  expect_unavailable(s->take_code(OAuthStoreConformanceTest::hash(), h.base()));
  expect_unavailable(s->is_denied("jti", h.base()));
  expect_unavailable(s->get_client("app"));
  expect_unavailable(s->list_grants(g.user, h.base()));
  EXPECT_FALSE(s->ping().has_value());
  ASSERT_TRUE(srv->server->start());  // the same port, empty (no persistence in the test)
  auto g2 = h.grant(g.user);
  EXPECT_TRUE(s->create_grant(g2).value_or(false));
  EXPECT_EQ(s->rotate_refresh(h.rotation(g2, g2.current_hash)).value_or(RotateResult{}).outcome,
            RotateOutcome::rotated);
}

TEST(OauthStoreUri, EveryBackendOpensAndBadUrisAreInvalid) {
  auto m = open_oauth_store("memory:");
  ASSERT_TRUE(m.has_value());
  EXPECT_TRUE((*m)->ping().has_value());
  auto q = open_oauth_store("sqlite:" + fresh_db("uri"));
  ASSERT_TRUE(q.has_value());
  EXPECT_TRUE((*q)->ping().has_value());
  if (test::redis_server_installed() && test::shared_single()) {
    auto r = open_oauth_store("redis://127.0.0.1:" + std::to_string(test::shared_single()->server->port()));
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE((*r)->ping().has_value());
  }
  if (test::redis_server_installed() && test::shared_cluster()) {
    const auto seeds = test::shared_cluster()->seeds();
    auto r = open_oauth_store("redis-cluster://127.0.0.1:" + std::to_string(seeds.at(0).second));
    ASSERT_TRUE(r.has_value());
    EXPECT_TRUE((*r)->ping().has_value());
  }
  for (const char* bad : {"", "memory", "postgres://h:1", "redis://h", "sqlite:", "redis://h:0"}) {
    SCOPED_TRACE(bad);
    auto r = open_oauth_store(bad);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
  }
}

}  // namespace
}  // namespace tessera
