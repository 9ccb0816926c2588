// SQLite plumbing for the SQLite SessionStore: error mapping, statement preparation and the
// versioned schema. Migrations are numbered, applied in order, each at most once, all inside
// one BEGIN IMMEDIATE transaction at open; PRAGMA user_version records the version reached and
// PRAGMA application_id marks the file as a Tessera session database (docs/sqlite.md).
#include "store/sqlite_schema.hpp"

#include <array>
#include <string>

namespace tessera::store::sqlite {
namespace {

// Append-only: never edit a shipped migration, add the next one.
constexpr std::array kMigrations{
    // v1: one row per SessionRecord, keyed by id_hash (the store never sees a session id).
    // STRICT makes SQLite refuse a value of the wrong type instead of converting it.
    Migration{1, R"sql(
      CREATE TABLE sessions (
        id_hash             TEXT    NOT NULL PRIMARY KEY,
        user                TEXT    NOT NULL,
        created_at          INTEGER NOT NULL,
        last_seen_at        INTEGER NOT NULL,
        idle_expires_at     INTEGER NOT NULL,
        absolute_expires_at INTEGER NOT NULL,
        revoked             INTEGER NOT NULL CHECK (revoked IN (0, 1)),
        csrf_secret         TEXT    NOT NULL,
        client_ip           TEXT    NOT NULL,
        client_user_agent   TEXT    NOT NULL,
        client_device_label TEXT    NOT NULL,
        attributes_json     TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX sessions_by_user ON sessions (user, created_at);
    )sql"},
    // v2: sweep() deletes by absolute expiry without a full scan.
    Migration{2, R"sql(
      CREATE INDEX sessions_by_expiry ON sessions (absolute_expires_at);
    )sql"},
};

// Rolls back on scope exit unless committed; SQLite may already have rolled back by itself
// after some errors (SQLITE_FULL, SQLITE_IOERR, ...), hence the autocommit check.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() {
    if (!done_ && !sqlite3_get_autocommit(db_)) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  Result<void> commit() {
    auto r = exec(db_, "COMMIT");
    if (r) done_ = true;
    return r;
  }

 private:
  sqlite3* db_;
  bool done_ = false;
};

Result<std::int64_t> query_int(sqlite3* db, const char* sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v2(db, sql, -1, &raw, nullptr);
  Stmt s(raw);
  if (rc != SQLITE_OK) return std::unexpected(error(db, rc, sql));
  rc = sqlite3_step(s.get());
  if (rc != SQLITE_ROW) return std::unexpected(error(db, rc == SQLITE_DONE ? SQLITE_ERROR : rc, sql));
  return sqlite3_column_int64(s.get(), 0);
}

}  // namespace

Error error(sqlite3* db, int rc, std::string_view what) {
  std::string msg = "sqlite: ";
  msg += what;
  msg += ": ";
  // The connection's message is the more precise one when it belongs to this error.
  msg += (db && sqlite3_extended_errcode(db) == rc) ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  msg += " (code " + std::to_string(rc) + ")";
  return Error{Errc::store_unavailable, std::move(msg)};
}

Result<void> exec(sqlite3* db, const char* sql) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return std::unexpected(error(db, rc, sql));
  return {};
}

Result<Stmt> prepare(sqlite3* db, std::string_view sql) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &raw,
                              nullptr);
  Stmt s(raw);
  if (rc != SQLITE_OK || !s) return std::unexpected(error(db, rc == SQLITE_OK ? SQLITE_ERROR : rc, sql));
  return s;
}

std::span<const Migration> migrations() { return kMigrations; }

int schema_version() { return kMigrations.back().version; }

Result<void> migrate(sqlite3* db) {
  // IMMEDIATE takes the write lock first, so two processes opening one file at once migrate
  // one after the other (the second waits up to busy_timeout, then sees the new version).
  if (auto r = exec(db, "BEGIN IMMEDIATE"); !r) return r;
  Transaction txn(db);

  auto version = query_int(db, "PRAGMA user_version");
  if (!version) return std::unexpected(version.error());
  auto app = query_int(db, "PRAGMA application_id");
  if (!app) return std::unexpected(app.error());
  auto objects = query_int(db, "SELECT count(*) FROM sqlite_schema");
  if (!objects) return std::unexpected(objects.error());

  const bool empty = *version == 0 && *app == 0 && *objects == 0;
  if (!empty && *app != kApplicationId)
    return fail(Errc::store_unavailable, "sqlite: not a Tessera session database (application_id " +
                                             std::to_string(*app) + ", user_version " +
                                             std::to_string(*version) + ")");
  if (*version > schema_version())
    return fail(Errc::store_unavailable, "sqlite: database schema version " + std::to_string(*version) +
                                             " is newer than this build's " + std::to_string(schema_version()));
  if (*version == schema_version()) return txn.commit();

  if (empty) {
    auto r = exec(db, ("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
    if (!r) return r;
  }
  for (const Migration& m : kMigrations) {
    if (m.version <= *version) continue;
    if (auto r = exec(db, m.sql); !r) return r;
    auto r = exec(db, ("PRAGMA user_version = " + std::to_string(m.version)).c_str());
    if (!r) return r;
  }
  return txn.commit();
}

}  // namespace tessera::store::sqlite
