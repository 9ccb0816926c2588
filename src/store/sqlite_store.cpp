// The embedded SQLite SessionStore (store URI "sqlite:PATH"); see docs/sqlite.md.
//
//  - WAL journal, synchronous=FULL: a create()/rotate()/revoke() that returned success has been
//    fsynced into the WAL, so it survives kill -9 and power loss alike (revocations must not
//    come back to life after a crash).
//  - Schema migrations (sqlite_schema.cpp) run at open, in one transaction.
//  - Multi-row operations (create with eviction, rotate) run in BEGIN IMMEDIATE transactions;
//    revoke_all is one UPDATE statement, which SQLite already runs atomically.
//  - Every SQLite error (busy beyond busy_timeout, I/O, corruption) is store_unavailable.
// Thread safety: one connection and its cached prepared statements, used under one mutex;
// busy_timeout (5 s) covers other processes (or other stores) on the same file.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <mutex>
#include <string>
#include <utility>

#include "store/sqlite_schema.hpp"
#include "store/stores.hpp"

namespace tessera::store {
namespace {

using sqlite::Stmt;

constexpr int kBusyTimeoutMs = 5000;
constexpr std::int64_t kSweepBatch = 512;  // rows per sweep transaction: writers wait at most one batch

// Column order shared by every statement that reads or writes a whole record.
#define TESSERA_SESSION_COLUMNS                                                                   \
  "id_hash, user, created_at, last_seen_at, idle_expires_at, absolute_expires_at, revoked, "   \
  "csrf_secret, client_ip, client_user_agent, client_device_label, attributes_json"

constexpr const char* kInsertSql = "INSERT INTO sessions (" TESSERA_SESSION_COLUMNS
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
constexpr const char* kGetSql = "SELECT " TESSERA_SESSION_COLUMNS " FROM sessions WHERE id_hash = ?1";
// Live at t: !revoked && t < idle_expires_at && t < absolute_expires_at. Ties on created_at
// go by insertion order (rowid), so a session created in the same second as an older one is
// not evicted before it.
constexpr const char* kListSql = "SELECT " TESSERA_SESSION_COLUMNS
                                 " FROM sessions WHERE user = ?1 AND revoked = 0 AND idle_expires_at > ?2"
                                 " AND absolute_expires_at > ?2 ORDER BY created_at, rowid";
constexpr const char* kLiveIdsSql =
    "SELECT id_hash FROM sessions WHERE user = ?1 AND revoked = 0 AND idle_expires_at > ?2"
    " AND absolute_expires_at > ?2 ORDER BY created_at, rowid";
constexpr const char* kTouchSql =
    "UPDATE sessions SET last_seen_at = ?2, idle_expires_at = ?3 WHERE id_hash = ?1 AND revoked = 0";
constexpr const char* kRevokeSql = "UPDATE sessions SET revoked = 1 WHERE id_hash = ?1 AND revoked = 0";
constexpr const char* kRevokeAllSql =
    "UPDATE sessions SET revoked = 1 WHERE user = ?1 AND revoked = 0 AND (?2 IS NULL OR id_hash <> ?2)";
constexpr const char* kSweepSql =
    "DELETE FROM sessions WHERE rowid IN"
    " (SELECT rowid FROM sessions WHERE absolute_expires_at <= ?1 LIMIT ?2)";
#undef TESSERA_SESSION_COLUMNS

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

  SessionRecord record() const {
    SessionRecord r;
    r.id_hash = column_text(0);
    r.user = column_text(1);
    r.created_at = column_int(2);
    r.last_seen_at = column_int(3);
    r.idle_expires_at = column_int(4);
    r.absolute_expires_at = column_int(5);
    r.revoked = column_int(6) != 0;
    r.csrf_secret = column_text(7);
    r.client.ip = column_text(8);
    r.client.user_agent = column_text(9);
    r.client.device_label = column_text(10);
    r.attributes_json = column_text(11);
    return r;
  }

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

struct Statements {
  Stmt begin, commit, rollback;
  Stmt insert, get, list, live_ids, touch, revoke, revoke_all, sweep, ping;
};

class SqliteStore final : public SessionStore {
 public:
  SqliteStore(sqlite::Db db, Statements st) : db_(std::move(db)), st_(std::move(st)) {}

  Result<std::vector<std::string>> create(const SessionRecord& r, std::size_t max_per_user) override {
    std::lock_guard lock(mu_);
    auto txn = begin();
    if (!txn) return std::unexpected(txn.error());
    if (auto ins = insert(r); !ins) return std::unexpected(ins.error());

    std::vector<std::string> evicted;
    if (max_per_user > 0) {
      std::vector<std::string> live;
      Call q(db_.get(), st_.live_ids, "create: live sessions");
      q.text(1, r.user).integer(2, r.created_at);
      for (;;) {
        auto row = q.step();
        if (!row) return std::unexpected(row.error());
        if (!*row) break;
        live.push_back(q.column_text(0));
      }
      for (std::size_t i = 0; live.size() - i > max_per_user; ++i) {
        Call u(db_.get(), st_.revoke, "create: evict");
        auto n = u.text(1, live[i]).run();
        if (!n) return std::unexpected(n.error());
        evicted.push_back(std::move(live[i]));
      }
    }
    if (auto c = txn->commit(); !c) return std::unexpected(c.error());
    return evicted;
  }

  Result<std::optional<SessionRecord>> get(std::string_view id_hash) override {
    std::lock_guard lock(mu_);
    Call q(db_.get(), st_.get, "get");
    auto row = q.text(1, id_hash).step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::optional<SessionRecord>();
    return std::optional<SessionRecord>(q.record());
  }

  Result<bool> touch(std::string_view id_hash, std::int64_t last_seen_at, std::int64_t idle_expires_at) override {
    std::lock_guard lock(mu_);
    Call u(db_.get(), st_.touch, "touch");
    auto n = u.text(1, id_hash).integer(2, last_seen_at).integer(3, idle_expires_at).run();
    if (!n) return std::unexpected(n.error());
    return *n > 0;
  }

  Result<bool> rotate(std::string_view old_id_hash, const SessionRecord& replacement) override {
    std::lock_guard lock(mu_);
    auto txn = begin();
    if (!txn) return std::unexpected(txn.error());
    auto n = Call(db_.get(), st_.revoke, "rotate: revoke old").text(1, old_id_hash).run();
    if (!n) return std::unexpected(n.error());
    if (*n == 0) return false;  // absent or already revoked: roll back (nothing written)
    if (auto ins = insert(replacement); !ins) return std::unexpected(ins.error());
    if (auto c = txn->commit(); !c) return std::unexpected(c.error());
    return true;
  }

  Result<bool> revoke(std::string_view id_hash) override {
    std::lock_guard lock(mu_);
    Call u(db_.get(), st_.revoke, "revoke");
    auto n = u.text(1, id_hash).run();
    if (!n) return std::unexpected(n.error());
    return *n > 0;
  }

  Result<std::size_t> revoke_all(std::string_view user, std::optional<std::string_view> except_id_hash) override {
    std::lock_guard lock(mu_);
    // One UPDATE: its own (write-locked from the start) transaction, so it is atomic as is.
    Call u(db_.get(), st_.revoke_all, "revoke_all");
    u.text(1, user);
    if (except_id_hash) u.text(2, *except_id_hash);
    else u.null(2);
    auto n = u.run();
    if (!n) return std::unexpected(n.error());
    return static_cast<std::size_t>(*n);
  }

  Result<std::vector<SessionRecord>> list(std::string_view user, std::int64_t now) override {
    std::lock_guard lock(mu_);
    Call q(db_.get(), st_.list, "list");
    q.text(1, user).integer(2, now);
    std::vector<SessionRecord> out;
    for (;;) {
      auto row = q.step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return out;
      out.push_back(q.record());
    }
  }

  Result<std::size_t> sweep(std::int64_t now) override {
    // absolute_expires_at + grace <= now, rearranged so that nothing overflows.
    const std::int64_t cutoff = now < std::numeric_limits<std::int64_t>::min() + kExpiredGrace
                                    ? std::numeric_limits<std::int64_t>::min()
                                    : now - kExpiredGrace;
    std::size_t total = 0;
    for (;;) {
      // The lock is released between batches so other calls are not held up by a large sweep.
      std::lock_guard lock(mu_);
      Call d(db_.get(), st_.sweep, "sweep");
      auto n = d.integer(1, cutoff).integer(2, kSweepBatch).run();
      if (!n) return std::unexpected(n.error());
      total += static_cast<std::size_t>(*n);
      if (*n < kSweepBatch) return total;
    }
  }

  Result<void> ping() override {
    std::lock_guard lock(mu_);
    Call q(db_.get(), st_.ping, "ping");
    auto row = q.step();  // reads the database header: a real round trip to the file
    if (!row) return std::unexpected(row.error());
    if (!*row || q.column_int(0) != sqlite::schema_version())
      return fail(Errc::store_unavailable, "sqlite: ping: unexpected schema version");
    return {};
  }

 private:
  // An open BEGIN IMMEDIATE transaction; rolled back on scope exit unless committed.
  // REQUIRES: mu_ held for the Transaction's whole life.
  class Transaction {
   public:
    explicit Transaction(SqliteStore& s) : s_(&s) {}
    Transaction(Transaction&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction() {
      // After some errors (SQLITE_FULL, SQLITE_IOERR, ...) SQLite has rolled back already.
      if (s_ && !sqlite3_get_autocommit(s_->db_.get())) (void)Call(s_->db_.get(), s_->st_.rollback, "ROLLBACK").run();
    }
    Result<void> commit() {
      auto c = Call(s_->db_.get(), s_->st_.commit, "COMMIT").run();
      if (!c) return std::unexpected(c.error());
      s_ = nullptr;
      return {};
    }

   private:
    SqliteStore* s_;
  };

  // REQUIRES: mu_ held.
  Result<Transaction> begin() {
    auto b = Call(db_.get(), st_.begin, "BEGIN IMMEDIATE").run();
    if (!b) return std::unexpected(b.error());
    return Transaction(*this);
  }

  // REQUIRES: mu_ held.
  Result<void> insert(const SessionRecord& r) {
    Call c(db_.get(), st_.insert, "insert");
    c.text(1, r.id_hash).text(2, r.user).integer(3, r.created_at).integer(4, r.last_seen_at);
    c.integer(5, r.idle_expires_at).integer(6, r.absolute_expires_at).integer(7, r.revoked ? 1 : 0);
    c.text(8, r.csrf_secret).text(9, r.client.ip).text(10, r.client.user_agent).text(11, r.client.device_label);
    c.text(12, r.attributes_json);
    auto n = c.run();
    if (!n) return std::unexpected(n.error());
    return {};
  }

  // Serialises every use of the connection: guards db_ and st_ (a connection and its
  // statements, error message and change count are not for two threads at once).
  std::mutex mu_;
  sqlite::Db db_;   // GUARDED_BY(mu_); declared before st_ so statements are finalised first
  Statements st_;   // GUARDED_BY(mu_)
};

Result<Statements> prepare_all(sqlite3* db) {
  Statements st;
  const std::pair<Stmt*, const char*> all[] = {
      {&st.begin, "BEGIN IMMEDIATE"},  {&st.commit, "COMMIT"},         {&st.rollback, "ROLLBACK"},
      {&st.insert, kInsertSql},        {&st.get, kGetSql},             {&st.list, kListSql},
      {&st.live_ids, kLiveIdsSql},     {&st.touch, kTouchSql},         {&st.revoke, kRevokeSql},
      {&st.revoke_all, kRevokeAllSql}, {&st.sweep, kSweepSql},         {&st.ping, "PRAGMA user_version"},
  };
  for (const auto& [slot, sql] : all) {
    auto s = sqlite::prepare(db, sql);
    if (!s) return std::unexpected(s.error());
    *slot = std::move(*s);
  }
  return st;
}

// Creates the file owner-only (it holds CSRF secrets) when missing; SQLite gives the -wal and
// -shm files the same mode. An existing file keeps its mode.
Result<void> create_private_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    int e = errno;
    return fail(Errc::store_unavailable, "sqlite: cannot open " + path + ": " + std::strerror(e));
  }
  ::close(fd);
  return {};
}

}  // namespace

Result<std::unique_ptr<SessionStore>> make_sqlite_store(const std::string& path) {
  if (path.empty() || path.find('\0') != std::string::npos)
    return fail(Errc::invalid_argument, "sqlite: the database path must be a non-empty file name");
  const bool in_memory = path == ":memory:";  // for experiments: no WAL, nothing persists
  if (!in_memory)
    if (auto r = create_private_file(path); !r) return std::unexpected(r.error());

  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
                           nullptr);
  sqlite::Db db(raw);  // closed on every return below, even when open failed
  if (rc != SQLITE_OK) return std::unexpected(sqlite::error(db.get(), rc, "open " + path));
  sqlite3_busy_timeout(db.get(), kBusyTimeoutMs);
  // Hardening: no writes to the schema through PRAGMA tricks, no SQL functions run from a
  // schema found in the file.
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db.get(), SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);

  {
    // The first read of the file: a non-database file fails here (SQLITE_NOTADB).
    auto wal = sqlite::prepare(db.get(), "PRAGMA journal_mode = WAL");
    if (!wal) return std::unexpected(wal.error());
    rc = sqlite3_step(wal->get());
    if (rc != SQLITE_ROW) return std::unexpected(sqlite::error(db.get(), rc, "PRAGMA journal_mode = WAL"));
    const auto* mode = reinterpret_cast<const char*>(sqlite3_column_text(wal->get(), 0));
    const std::string_view want = in_memory ? "memory" : "wal";
    if (!mode || mode != want)
      return fail(Errc::store_unavailable, "sqlite: " + path + ": could not switch to WAL journal mode");
  }
  if (auto r = sqlite::exec(db.get(), "PRAGMA synchronous = FULL"); !r) return std::unexpected(r.error());
  if (auto r = sqlite::migrate(db.get()); !r) return std::unexpected(r.error());

  auto st = prepare_all(db.get());
  if (!st) return std::unexpected(st.error());
  return std::make_unique<SqliteStore>(std::move(db), std::move(*st));
}

}  // namespace tessera::store
