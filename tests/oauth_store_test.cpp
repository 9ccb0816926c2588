// The OAuthStore: the conformance suite (oauth_store_conformance.hpp) on memory, SQLite (a
// fresh file per test), one Redis server and a 3-master Redis Cluster (real redis-server
// processes on loopback), plus what only some backends have: SQLite sharing its file with the
// other stores and upgrading an older one, records that do not parse failing closed, and the
// URIs of open_oauth_store().
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "oauth_store_conformance.hpp"
#include "store/oauth_stores.hpp"
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

// A file the previous build left (schema 5: sessions, users, epoch): the OAuth store upgrades
// it in place, and what was in it survives.
TEST(SqliteOauthStore, UpgradesTheSchemaBeforeIt) {
  const auto path = fresh_db("upgrade");
  const auto migrations = store::sqlite::migrations();
  ASSERT_EQ(migrations.back().version, 6);
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

TEST(OauthStoreUri, MemoryAndSqliteOpenAndBadUrisAreInvalid) {
  auto m = open_oauth_store("memory:");
  ASSERT_TRUE(m.has_value());
  EXPECT_TRUE((*m)->ping().has_value());
  auto q = open_oauth_store("sqlite:" + fresh_db("uri"));
  ASSERT_TRUE(q.has_value());
  EXPECT_TRUE((*q)->ping().has_value());
  for (const char* bad : {"", "memory", "postgres://h:1", "redis://h", "sqlite:"}) {
    SCOPED_TRACE(bad);
    auto r = open_oauth_store(bad);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
  }
}

}  // namespace
}  // namespace tessera
