// SQLite plumbing for the SQLite stores (sessions, users, OAuth, epoch): error mapping, statement
// preparation, opening a database file, and the versioned schema. Migrations are numbered, applied in order, each at most once, all inside
// one BEGIN IMMEDIATE transaction at open; PRAGMA user_version records the version reached and
// PRAGMA application_id marks the file as a Tessera session database (docs/sqlite.md).
#include "store/sqlite_schema.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
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
    // v3: the UserStore (sqlite_user_store.cpp) in the same file: accounts, and failed-login
    // counters that are forgotten at expires_at (= last_failure_at + window); expired rows are
    // deleted lazily, by expiry through the index.
    Migration{3, R"sql(
      CREATE TABLE users (
        username      TEXT    NOT NULL PRIMARY KEY,
        password_hash TEXT    NOT NULL,
        disabled      INTEGER NOT NULL CHECK (disabled IN (0, 1)),
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE login_throttle (
        key             TEXT    NOT NULL PRIMARY KEY,
        failures        INTEGER NOT NULL,
        last_failure_at INTEGER NOT NULL,
        expires_at      INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX login_throttle_by_expiry ON login_throttle (expires_at);
    )sql"},
    // v4: credential generations (DESIGN.md invariant 10): each account's, advanced by every
    // credential change, and the one each session was created under. Existing rows start at 0.
    Migration{4, R"sql(
      ALTER TABLE users ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE sessions ADD COLUMN generation INTEGER NOT NULL DEFAULT 0;
    )sql"},
    // v5: the store's epoch marker (epoch_sqlite.cpp), one row at most; `marker` is its text
    // form "ID [SUPERSEDED...]" (tessera/store_epoch.hpp).
    Migration{5, R"sql(
      CREATE TABLE store_epoch (
        one    INTEGER NOT NULL PRIMARY KEY CHECK (one = 1),
        marker TEXT    NOT NULL
      ) STRICT;
    )sql"},
    // v6: the OAuthStore (sqlite_oauth_store.cpp): clients, codes, consents, grants (refresh
    // families and tombstones; access_json the remembered access tokens as JSON text), opaque
    // access tokens and the jti denylist. sweep() deletes by expiry through the *_by_expiry
    // indexes; list_grants reads a user's families through oauth_grants_by_user.
    Migration{6, R"sql(
      CREATE TABLE oauth_clients (
        client_id     TEXT    NOT NULL PRIMARY KEY,
        name          TEXT    NOT NULL,
        secret_hash   TEXT    NOT NULL,
        settings_json TEXT    NOT NULL,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE oauth_codes (
        code_hash      TEXT    NOT NULL PRIMARY KEY,
        client_id      TEXT    NOT NULL,
        user           TEXT    NOT NULL,
        redirect_uri   TEXT    NOT NULL,
        scope          TEXT    NOT NULL,
        audience       TEXT    NOT NULL,
        code_challenge TEXT    NOT NULL,
        nonce          TEXT    NOT NULL,
        family_id      TEXT    NOT NULL,
        auth_time      INTEGER NOT NULL,
        created_at     INTEGER NOT NULL,
        expires_at     INTEGER NOT NULL,
        generation     INTEGER NOT NULL,
        used           INTEGER NOT NULL CHECK (used IN (0, 1))
      ) STRICT;
      CREATE INDEX oauth_codes_by_expiry ON oauth_codes (expires_at);
      CREATE TABLE oauth_consents (
        user       TEXT    NOT NULL,
        client_id  TEXT    NOT NULL,
        scope      TEXT    NOT NULL,
        granted_at INTEGER NOT NULL,
        PRIMARY KEY (user, client_id)
      ) STRICT;
      CREATE TABLE oauth_grants (
        family_id           TEXT    NOT NULL PRIMARY KEY,
        user                TEXT    NOT NULL,
        client_id           TEXT    NOT NULL,
        scope               TEXT    NOT NULL,
        audience            TEXT    NOT NULL,
        auth_time           INTEGER NOT NULL,
        created_at          INTEGER NOT NULL,
        last_used_at        INTEGER NOT NULL,
        idle_expires_at     INTEGER NOT NULL,
        absolute_expires_at INTEGER NOT NULL,
        generation          INTEGER NOT NULL,
        current_hash        TEXT    NOT NULL,
        previous_hash       TEXT    NOT NULL,
        rotated_at          INTEGER NOT NULL,
        revoked             INTEGER NOT NULL CHECK (revoked IN (0, 1)),
        access_json         TEXT    NOT NULL,
        client_info_json    TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX oauth_grants_by_user ON oauth_grants (user, created_at);
      CREATE INDEX oauth_grants_by_expiry ON oauth_grants (absolute_expires_at);
      CREATE TABLE oauth_access (
        token_hash TEXT    NOT NULL PRIMARY KEY,
        jti        TEXT    NOT NULL,
        family_id  TEXT    NOT NULL,
        client_id  TEXT    NOT NULL,
        user       TEXT    NOT NULL,
        scope      TEXT    NOT NULL,
        audience   TEXT    NOT NULL,
        auth_time  INTEGER NOT NULL,
        issued_at  INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        generation INTEGER NOT NULL,
        revoked    INTEGER NOT NULL CHECK (revoked IN (0, 1))
      ) STRICT;
      CREATE INDEX oauth_access_by_expiry ON oauth_access (expires_at);
      CREATE TABLE oauth_denied_jti (
        jti        TEXT    NOT NULL PRIMARY KEY,
        expires_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX oauth_denied_jti_by_expiry ON oauth_denied_jti (expires_at);
    )sql"},
    // v7: DPoP (RFC 9449): a code's dpop_jkt (§10), the key thumbprint a public client's
    // refresh family is bound to, an opaque access token's cnf.jkt. '' is none.
    Migration{7, R"sql(
      ALTER TABLE oauth_codes ADD COLUMN dpop_jkt TEXT NOT NULL DEFAULT '';
      ALTER TABLE oauth_grants ADD COLUMN jkt TEXT NOT NULL DEFAULT '';
      ALTER TABLE oauth_access ADD COLUMN jkt TEXT NOT NULL DEFAULT '';
    )sql"},
    // The revocation feed's log (revocation_sqlite.cpp): seq is the cursor (AUTOINCREMENT: never
    // reused, so sqlite_sequence holds the last one ever written even when every row is trimmed),
    // at in Unix milliseconds for the retention, json the event.
    Migration{9, R"sql(
      CREATE TABLE revocation_events (
        seq  INTEGER PRIMARY KEY AUTOINCREMENT,
        at   INTEGER NOT NULL,
        json TEXT    NOT NULL
      ) STRICT;
      CREATE INDEX revocation_events_by_at ON revocation_events (at);
    )sql"},
};

constexpr int kBusyTimeoutMs = 5000;

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

// Creates the file owner-only (it holds CSRF secrets and password hashes) when missing; SQLite
// gives the -wal and -shm files the same mode. An existing file keeps its mode.
// Only ever creates: an existing file is left alone and never opened here, because closing
// any descriptor of a file drops every POSIX lock this process holds on it, including those
// of SQLite connections already open on it (another process would then think it is the last
// user, checkpoint and delete the WAL under our feet).
Result<void> create_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    int e = errno;
    if (e == EEXIST) return {};
    return fail(Errc::store_unavailable, "sqlite: cannot open " + path + ": " + std::strerror(e));
  }
  ::close(fd);
  return {};
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

namespace {

// Before SQLite's first use in the process: no memory statistics, so that sqlite3_malloc does
// not take the library-wide memory mutex on every allocation (two I/O threads reading
// sessions on their own connections contended on it). If the embedding program initialised
// SQLite already, sqlite3_config refuses (SQLITE_MISUSE) and nothing changes.
void configure_sqlite_once() {
  static const bool done = [] {
    (void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return true;
  }();
  (void)done;
}

}  // namespace

Result<Db> open_database(const std::string& path) {
  configure_sqlite_once();
  if (path.empty() || path.find('\0') != std::string::npos)
    return fail(Errc::invalid_argument, "sqlite: the database path must be a non-empty file name");
  const bool in_memory = path == ":memory:";  // for experiments: no WAL, nothing persists
  if (!in_memory)
    if (auto r = create_private_file(path); !r) return std::unexpected(r.error());

  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
                           nullptr);
  Db db(raw);  // closed on every return below, even when open failed
  if (rc != SQLITE_OK) return std::unexpected(error(db.get(), rc, "open " + path));
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  // Hardening: no writes to the schema through PRAGMA tricks, no SQL functions run from a
  // schema found in the file.
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);

  {
    // The first read of the file: a non-database file fails here (SQLITE_NOTADB).
    auto wal = prepare(db.get(), "PRAGMA journal_mode = WAL");
    if (!wal) return std::unexpected(wal.error());
    rc = sqlite3_step(wal->get());
    if (rc != SQLITE_ROW) return std::unexpected(error(db.get(), rc, "PRAGMA journal_mode = WAL"));
    const auto* mode = reinterpret_cast<const char*>(sqlite3_column_text(wal->get(), 0));
    const std::string_view want = in_memory ? "memory" : "wal";
    if (!mode || mode != want)
      return fail(Errc::store_unavailable, "sqlite: " + path + ": could not switch to WAL journal mode");
  }
  if (auto r = exec(db.get(), "PRAGMA synchronous = FULL"); !r) return std::unexpected(r.error());
  if (auto r = migrate(db.get()); !r) return std::unexpected(r.error());
  return db;
}

Result<void> prepare_into(sqlite3* db, std::span<const std::pair<Stmt*, const char*>> statements) {
  for (const auto& [slot, sql] : statements) {
    auto s = prepare(db, sql);
    if (!s) return std::unexpected(std::move(s.error()));
    *slot = std::move(*s);
  }
  return {};
}

Result<void> check_schema(sqlite3* db, const Stmt& user_version) {
  Call q(db, user_version, "ping");
  auto row = q.step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row || q.column_int(0) != schema_version())
    return fail(Errc::store_unavailable, "sqlite: ping: unexpected schema version");
  return {};
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
