// Internal: SQLite plumbing of the SQLite SessionStore (sqlite_store.cpp): RAII handles for
// sqlite3* / sqlite3_stmt*, SQLite errors as Errc::store_unavailable, and the versioned schema
// with its migrations (docs/sqlite.md).
// Thread safety: none here; a connection and its statements are used by one thread at a time
// (the store holds its mutex around every call).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

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
