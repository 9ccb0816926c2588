// The OAuthStore's DPoP fields (CodeRecord::dpop_jkt, GrantRecord::jkt, AccessRecord::jkt)
// on data written before them: a SQLite file at schema 6 (migration 7 adds the columns, old
// rows read as unbound) and Redis hashes without the fields (read as unbound; a record
// missing any other field still fails closed). The round trips themselves are conformance
// cases (oauth_store_fixture.hpp binds every code, grant and access record).
#include <sqlite3.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "oauth_store_fixture.hpp"
#include "redis_test_server.hpp"
#include "store/oauth_stores.hpp"
#include "store/sqlite_schema.hpp"
#include "test_util.hpp"

namespace tessera {
namespace {

using test::OAuthRecords;

void sql_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close_v2(db);
}

std::string q(const std::string& s) { return "'" + s + "'"; }
std::string n(std::int64_t v) { return std::to_string(v); }

// A file at schema 6 with a code, a family and an opaque access token written by that schema:
// opened by this build, migration 7 runs and the rows read back unbound, everything else kept.
TEST(SqliteOauthStore, RowsFromBeforeDpopReadAsUnbound) {
  test::TempDir dir;
  const std::string path = dir.path() + "/v6.db";
  OAuthRecords h;
  auto c = h.code();
  auto g = h.grant(OAuthRecords::unique("user"));
  g.access.clear();
  auto a = h.access(g.family_id);
  {
    std::string sql = "PRAGMA application_id = " + std::to_string(store::sqlite::kApplicationId) + ";";
    for (const auto& m : store::sqlite::migrations())
      if (m.version <= 6) sql += m.sql;
    sql += "PRAGMA user_version = 6;";
    sql += "INSERT INTO oauth_codes VALUES (" + q(c.code_hash) + ", " + q(c.client_id) + ", " + q(c.user) + ", " +
           q(c.redirect_uri) + ", " + q(c.scope) + ", " + q(c.audience) + ", " + q(c.code_challenge) + ", " +
           q(c.nonce) + ", " + q(c.family_id) + ", " + n(c.auth_time) + ", " + n(c.created_at) + ", " +
           n(c.expires_at) + ", " + n(static_cast<std::int64_t>(c.generation)) + ", 0);";
    sql += "INSERT INTO oauth_grants VALUES (" + q(g.family_id) + ", " + q(g.user) + ", " + q(g.client_id) + ", " +
           q(g.scope) + ", " + q(g.audience) + ", " + n(g.auth_time) + ", " + n(g.created_at) + ", " +
           n(g.last_used_at) + ", " + n(g.idle_expires_at) + ", " + n(g.absolute_expires_at) + ", " +
           n(static_cast<std::int64_t>(g.generation)) + ", " + q(g.current_hash) + ", '', " + n(g.rotated_at) +
           ", 0, '[]', '{}');";
    sql += "INSERT INTO oauth_access VALUES (" + q(a.token_hash) + ", " + q(a.jti) + ", " + q(a.family_id) + ", " +
           q(a.client_id) + ", " + q(a.user) + ", " + q(a.scope) + ", " + q(a.audience) + ", " + n(a.auth_time) +
           ", " + n(a.issued_at) + ", " + n(a.expires_at) + ", " + n(static_cast<std::int64_t>(a.generation)) +
           ", 0);";
    sql_exec(path, sql);
  }
  auto s = store::make_sqlite_oauth_store(path);
  ASSERT_TRUE(s) << s.error().message;
  auto code = (*s)->take_code(c.code_hash, h.base() + 1);
  ASSERT_TRUE(code && *code);
  EXPECT_EQ((*code)->code_challenge, c.code_challenge);
  EXPECT_EQ((*code)->dpop_jkt, "");
  auto grant = (*s)->get_grant(g.family_id);
  ASSERT_TRUE(grant && *grant);
  EXPECT_EQ((*grant)->current_hash, g.current_hash);
  EXPECT_EQ((*grant)->jkt, "");
  auto access = (*s)->get_access(a.token_hash);
  ASSERT_TRUE(access && *access);
  EXPECT_EQ((*access)->jti, a.jti);
  EXPECT_EQ((*access)->jkt, "");
  // New rows on the upgraded file keep their binding.
  auto bound = h.access();
  ASSERT_TRUE((*s)->put_access(bound));
  auto back = (*s)->get_access(bound.token_hash);
  ASSERT_TRUE(back && *back);
  EXPECT_EQ((*back)->jkt, bound.jkt);
}

// Hashes written by the store before DPoP (no jkt field) read as unbound; a hash missing a
// field that was always there is still corrupt (store_unavailable).
TEST(RedisOauthStore, RecordsFromBeforeDpopReadAsUnbound) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto* server = test::shared_single();
  ASSERT_TRUE(server);
  const int port = server->server->port();
  auto opened = store::make_redis_oauth_store("127.0.0.1", port);
  ASSERT_TRUE(opened) << opened.error().message;
  auto& s = **opened;
  OAuthRecords h;
  auto c = h.code();
  auto g = h.grant(OAuthRecords::unique("user"));
  auto a = h.access(g.family_id);
  ASSERT_TRUE(s.create_code(c));
  ASSERT_TRUE(s.create_grant(g).value_or(false));
  ASSERT_TRUE(s.put_access(a));
  const std::string ckey = "tessera:oauth:code:{" + c.code_hash + "}";
  const std::string gkey = "tessera:oauth:grant:{f:" + g.family_id + "}";
  const std::string akey = "tessera:oauth:access:{" + a.token_hash + "}";
  EXPECT_EQ(test::redis_text(port, {"HGET", gkey, "jkt"}), g.jkt);
  ASSERT_TRUE(test::redis_call(port, {"HDEL", ckey, "dpop_jkt"}));
  ASSERT_TRUE(test::redis_call(port, {"HDEL", gkey, "jkt"}));
  ASSERT_TRUE(test::redis_call(port, {"HDEL", akey, "jkt"}));
  auto code = s.take_code(c.code_hash, h.base() + 1);
  ASSERT_TRUE(code && *code) << (code ? "absent" : code.error().message);
  EXPECT_EQ((*code)->family_id, c.family_id);
  EXPECT_EQ((*code)->dpop_jkt, "");
  auto grant = s.get_grant(g.family_id);
  ASSERT_TRUE(grant && *grant) << (grant ? "absent" : grant.error().message);
  EXPECT_EQ((*grant)->current_hash, g.current_hash);
  EXPECT_EQ((*grant)->jkt, "");
  auto rotated = s.rotate_refresh(h.rotation(g, g.current_hash));
  ASSERT_TRUE(rotated) << rotated.error().message;
  EXPECT_EQ(rotated->outcome, RotateOutcome::rotated);
  EXPECT_EQ(rotated->grant.jkt, "");
  auto access = s.get_access(a.token_hash);
  ASSERT_TRUE(access && *access);
  EXPECT_EQ((*access)->jkt, "");
  ASSERT_TRUE(test::redis_call(port, {"HDEL", akey, "user"}));
  auto broken = s.get_access(a.token_hash);
  ASSERT_FALSE(broken);
  EXPECT_EQ(broken.error().code, Errc::store_unavailable);
}

}  // namespace
}  // namespace tessera
