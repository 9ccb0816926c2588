// Internal: SQLite plumbing of the SQLite stores (sqlite_store.cpp: sessions,
// sqlite_user_store.cpp: users and login throttles, sqlite_oauth_store.cpp: the OAuth 2.1
// records, epoch_sqlite.cpp: the epoch marker; one file for all): RAII handles for
// sqlite3* / sqlite3_stmt*, SQLite errors as Errc::store_unavailable, opening a file the way
// every store does, one use of a cached statement (Call), and the versioned schema with its
// migrations (docs/sqlite.md).
// Thread safety: none here; a connection and its statements are used by one thread at a time
// (the store holds its mutex around every call).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "tessera/error.hpp"

namespace tessera::store::sqlite {

struct DbClose {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalize {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using Db = std::unique_ptr<sqlite3, DbClose>;
using Stmt = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

// store_unavailable carrying "sqlite: <what>: <connection's message> (<code name>)".
Error error(sqlite3* db, int rc, std::string_view what);

// Runs SQL without results (one or more statements).
Result<void> exec(sqlite3* db, const char* sql);

// Prepares a statement kept for the connection's lifetime (SQLITE_PREPARE_PERSISTENT).
Result<Stmt> prepare(sqlite3* db, std::string_view sql);

// One use of a cached statement: binds, steps, and on scope exit resets it (ending its read
// or write) and clears its bindings (text is bound without copying; see text()).
class Call {
 public:
  Call(sqlite3* db, const Stmt& s, const char* what) : db_(db), s_(s.get()), what_(what) {}
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;
  ~Call() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

  // SQLITE_STATIC: v must outlive this Call, which every caller's argument does. A null
  // data() (a default string_view) would bind SQL NULL, hence "".
  Call& text(int i, std::string_view v) {
    const char* p = v.data() ? v.data() : "";
    return check(sqlite3_bind_text64(s_, i, p, v.size(), SQLITE_STATIC, SQLITE_UTF8));
  }
  Call& integer(int i, std::int64_t v) { return check(sqlite3_bind_int64(s_, i, v)); }
  Call& null(int i) { return check(sqlite3_bind_null(s_, i)); }

  // true: a row is ready; false: done.
  Result<bool> step() {
    if (bind_rc_ != SQLITE_OK) return std::unexpected(sqlite::error(db_, bind_rc_, what_));
    int rc = sqlite3_step(s_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return std::unexpected(sqlite::error(db_, rc, what_));
  }
  // Steps a statement that returns no rows; the number of rows it changed.
  Result<std::int64_t> run() {
    auto r = step();
    if (!r) return std::unexpected(r.error());
    return sqlite3_changes64(db_);
  }

  std::string column_text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, i));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s_, i))) : std::string();
  }
  std::int64_t column_int(int i) const { return sqlite3_column_int64(s_, i); }

 private:
  Call& check(int rc) {
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
    return *this;
  }

  sqlite3* db_;
  sqlite3_stmt* s_;
  const char* what_;
  int bind_rc_ = SQLITE_OK;
};

// An open BEGIN IMMEDIATE transaction on a store's connection, run with the store's cached
// BEGIN IMMEDIATE, COMMIT and ROLLBACK statements; rolled back on scope exit unless committed
// (after some errors, SQLITE_FULL, SQLITE_IOERR, ..., SQLite has rolled back by itself, hence
// the autocommit check). REQUIRES: the connection's mutex held for the transaction's whole
// life (the store's begin() requires it).
class ImmediateTransaction {
 public:
  static Result<ImmediateTransaction> begin(sqlite3* db, const Stmt& begin, const Stmt& commit, const Stmt& rollback) {
    auto b = Call(db, begin, "BEGIN IMMEDIATE").run();
    if (!b) return std::unexpected(b.error());
    return ImmediateTransaction(db, commit, rollback);
  }
  ImmediateTransaction(ImmediateTransaction&& o) noexcept
      : db_(std::exchange(o.db_, nullptr)), commit_(o.commit_), rollback_(o.rollback_) {}
  ImmediateTransaction& operator=(ImmediateTransaction&&) = delete;
  ~ImmediateTransaction() {
    if (db_ && !sqlite3_get_autocommit(db_)) (void)Call(db_, *rollback_, "ROLLBACK").run();
  }
  Result<void> commit() {
    auto c = Call(db_, *commit_, "COMMIT").run();
    if (!c) return std::unexpected(c.error());
    db_ = nullptr;
    return {};
  }

 private:
  ImmediateTransaction(sqlite3* db, const Stmt& commit, const Stmt& rollback)
      : db_(db), commit_(&commit), rollback_(&rollback) {}
  sqlite3* db_;  // null once committed (or moved from)
  const Stmt* commit_;
  const Stmt* rollback_;
};

// Opens (creating owner-only if missing) the Tessera database at path the way every store
// does: NOMUTEX connection, busy_timeout 5 s, defensive, WAL, synchronous=FULL, then migrate().
// ":memory:" gives a private in-memory database (no WAL). Errors: invalid_argument for an
// empty path, store_unavailable for everything SQLite or the file system refuses.
Result<Db> open_database(const std::string& path);

// Prepares every {slot, sql} of a store's statement table (prepare(), each into its slot).
Result<void> prepare_into(sqlite3* db, std::span<const std::pair<Stmt*, const char*>> statements);

// A store's ping(): runs its cached "PRAGMA user_version" (a real read of the file header) and
// wants schema_version().
Result<void> check_schema(sqlite3* db, const Stmt& user_version);

// A store on its own connection to path: Impl(Db, Statements) with Statements from
// prepare(sqlite3*) -> Result<Statements>.
template <class Impl, class Prepare>
auto open_store(const std::string& path, Prepare prepare) -> Result<std::unique_ptr<Impl>> {
  auto db = open_database(path);
  if (!db) return std::unexpected(std::move(db.error()));
  auto st = prepare(db->get());
  if (!st) return std::unexpected(std::move(st.error()));
  return std::make_unique<Impl>(std::move(*db), std::move(*st));
}

// One schema step: applied in order, once, when PRAGMA user_version is below its version.
struct Migration {
  int version;
  const char* sql;
};
std::span<const Migration> migrations();

// The version a database has after open: the last migration's.
int schema_version();

// PRAGMA application_id of a Tessera session database ("TSES").
inline constexpr std::int32_t kApplicationId = 0x54534553;

// Brings db to schema_version() in one BEGIN IMMEDIATE transaction. Refuses (store_unavailable)
// a database from a newer build, and a non-empty database that is not a Tessera one.
Result<void> migrate(sqlite3* db);

}  // namespace tessera::store::sqlite
