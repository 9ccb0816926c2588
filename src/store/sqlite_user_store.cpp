// The SQLite UserStore ("sqlite:PATH"): tables users and login_throttle (migration 3) in the
// same file as the session store, on a connection of its own (sqlite::open_database: WAL,
// synchronous=FULL, busy_timeout 5 s), so both stores may be open at once, in either order.
//
//  - Every operation is one statement, which SQLite runs as its own atomic transaction:
//    add is INSERT ... ON CONFLICT DO NOTHING (generation 0); rehash_password an UPDATE
//    conditional on the generation (credential changes are the session half's, in one
//    transaction with the sessions); throttle_fail is one UPSERT whose CASE restarts a
//    counter whose window has passed (throttle.hpp), RETURNING the new state.
//  - Forgotten counters are deleted lazily: by get when it meets one, and in small batches by
//    expiry (index login_throttle_by_expiry) every kSweepEvery failures.
//  - Every SQLite error is store_unavailable.
// Thread safety: one connection and its cached prepared statements, used under one mutex.
#include <string>
#include <utility>

#include "common/mutex.hpp"
#include "store/sqlite_schema.hpp"
#include "store/stores.hpp"
#include "store/throttle.hpp"

namespace tessera::store {
namespace {

using sqlite::Call;
using sqlite::Stmt;

constexpr int kSweepEvery = 256;          // throttle_fail calls between two lazy deletions
constexpr std::int64_t kSweepBatch = 64;  // rows per lazy deletion: bounded work per call

constexpr const char* kAddSql =
    "INSERT INTO users (username, password_hash, disabled, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)"
    " ON CONFLICT (username) DO NOTHING";
constexpr const char* kGetSql =
    "SELECT username, password_hash, disabled, created_at, updated_at, generation FROM users WHERE username = ?1";
constexpr const char* kListSql =
    "SELECT username, password_hash, disabled, created_at, updated_at, generation FROM users ORDER BY username";
constexpr const char* kRehashSql =
    "UPDATE users SET password_hash = ?3, updated_at = ?4 WHERE username = ?1 AND generation = ?2";
// ?2 = now, ?3 = now + window. The counter restarts when the stored one expired at or before now.
constexpr const char* kFailSql =
    "INSERT INTO login_throttle (key, failures, last_failure_at, expires_at) VALUES (?1, 1, ?2, ?3)"
    " ON CONFLICT (key) DO UPDATE SET"
    " failures = CASE WHEN expires_at <= ?2 THEN 1 ELSE failures + 1 END,"
    " last_failure_at = ?2, expires_at = ?3"
    " RETURNING failures, last_failure_at";
constexpr const char* kThrottleGetSql = "SELECT failures, last_failure_at, expires_at FROM login_throttle WHERE key = ?1";
constexpr const char* kThrottleResetSql = "DELETE FROM login_throttle WHERE key = ?1";
// Deletes key ?1 if forgotten at ?2 (what get met), or a batch of forgotten ones (?1 NULL).
constexpr const char* kThrottleSweepSql =
    "DELETE FROM login_throttle WHERE rowid IN (SELECT rowid FROM login_throttle"
    " WHERE (?1 IS NULL OR key = ?1) AND expires_at <= ?2 LIMIT ?3)";

struct Statements {
  Stmt add, get, list, rehash, fail, throttle_get, throttle_reset, throttle_sweep, ping;
};

UserRecord user_of(const Call& q) {
  return {q.column_text(0), q.column_text(1), q.column_int(2) != 0, q.column_int(3), q.column_int(4),
          static_cast<std::uint64_t>(q.column_int(5))};
}

class SqliteUserStore final : public UserStore {
 public:
  SqliteUserStore(sqlite::Db db, Statements st) : db_(std::move(db)), st_(std::move(st)) {}

  Result<bool> add(const UserRecord& r) override {
    MutexLock lock(mu_);
    Call c(db_.get(), st_.add, "users: add");
    c.text(1, r.username).text(2, r.password_hash).integer(3, r.disabled ? 1 : 0);
    auto n = c.integer(4, r.created_at).integer(5, r.updated_at).run();
    if (!n) return std::unexpected(n.error());
    return *n > 0;
  }

  Result<std::optional<UserRecord>> get(std::string_view username) override {
    MutexLock lock(mu_);
    Call q(db_.get(), st_.get, "users: get");
    auto row = q.text(1, username).step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return std::optional<UserRecord>{};
    return std::optional<UserRecord>(user_of(q));
  }

  Result<bool> rehash_password(std::string_view username, std::uint64_t expected_generation, std::string_view hash,
                               std::int64_t updated_at) override {
    MutexLock lock(mu_);
    Call u(db_.get(), st_.rehash, "users: rehash_password");
    u.text(1, username).integer(2, static_cast<std::int64_t>(expected_generation));
    auto n = u.text(3, hash).integer(4, updated_at).run();
    if (!n) return std::unexpected(n.error());
    return *n > 0;
  }

  Result<std::vector<UserRecord>> list() override {
    MutexLock lock(mu_);
    Call q(db_.get(), st_.list, "users: list");
    std::vector<UserRecord> out;
    for (;;) {
      auto row = q.step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return out;
      out.push_back(user_of(q));
    }
  }

  Result<ThrottleRecord> throttle_get(std::string_view key, std::int64_t now) override {
    MutexLock lock(mu_);
    {
      Call q(db_.get(), st_.throttle_get, "throttle: get");
      auto row = q.text(1, key).step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return ThrottleRecord{};
      if (!throttle::expired(q.column_int(2), now)) return ThrottleRecord{q.column_int(0), q.column_int(1)};
    }
    // Forgotten: the row goes now (unless a throttle_fail elsewhere has just renewed it).
    Call d(db_.get(), st_.throttle_sweep, "throttle: delete forgotten");
    auto n = d.text(1, key).integer(2, now).integer(3, 1).run();
    if (!n) return std::unexpected(n.error());
    return ThrottleRecord{};
  }

  Result<ThrottleRecord> throttle_fail(std::string_view key, std::int64_t now, std::int64_t window) override {
    if (auto ok = throttle::check_window(window); !ok) return std::unexpected(std::move(ok.error()));
    MutexLock lock(mu_);
    if (++fails_since_sweep_ >= kSweepEvery) {
      fails_since_sweep_ = 0;
      Call d(db_.get(), st_.throttle_sweep, "throttle: sweep");
      auto n = d.null(1).integer(2, now).integer(3, kSweepBatch).run();
      if (!n) return std::unexpected(n.error());
    }
    Call u(db_.get(), st_.fail, "throttle: fail");
    auto row = u.text(1, key).integer(2, now).integer(3, throttle::expires_at(now, window)).step();
    if (!row) return std::unexpected(row.error());
    if (!*row) return fail(Errc::store_unavailable, "sqlite: throttle: fail: the upsert returned no row");
    ThrottleRecord out{u.column_int(0), u.column_int(1)};
    // RETURNING: the change is committed when the statement is run to completion (reset).
    auto done = u.step();
    if (!done) return std::unexpected(done.error());
    return out;
  }

  Result<void> throttle_reset(std::string_view key) override {
    MutexLock lock(mu_);
    Call d(db_.get(), st_.throttle_reset, "throttle: reset");
    auto n = d.text(1, key).run();
    if (!n) return std::unexpected(n.error());
    return {};
  }

  Result<void> ping() override {
    MutexLock lock(mu_);
    return sqlite::check_schema(db_.get(), st_.ping);
  }

 private:
  // Serialises every use of the connection (see sqlite_store.cpp).
  Mutex mu_;
  sqlite::Db db_ GUARDED_BY(mu_);  // declared before st_ so statements are finalised first
  Statements st_ GUARDED_BY(mu_);
  int fails_since_sweep_ GUARDED_BY(mu_) = 0;
};

Result<Statements> prepare_all(sqlite3* db) {
  Statements st;
  const std::pair<Stmt*, const char*> all[] = {
      {&st.add, kAddSql},
      {&st.get, kGetSql},
      {&st.list, kListSql},
      {&st.rehash, kRehashSql},
      {&st.fail, kFailSql},
      {&st.throttle_get, kThrottleGetSql},
      {&st.throttle_reset, kThrottleResetSql},
      {&st.throttle_sweep, kThrottleSweepSql},
      {&st.ping, "PRAGMA user_version"},
  };
  if (auto ok = sqlite::prepare_into(db, all); !ok) return std::unexpected(std::move(ok.error()));
  return st;
}

}  // namespace

Result<std::unique_ptr<AccountSessions>> make_sqlite_sessions(const std::string& path);

// The session half first: it creates the file and runs the migrations.
Result<Halves> make_sqlite_halves(const std::string& path) {
  auto sessions = make_sqlite_sessions(path);
  if (!sessions) return std::unexpected(std::move(sessions.error()));
  auto users = sqlite::open_store<SqliteUserStore>(path, prepare_all);
  if (!users) return std::unexpected(std::move(users.error()));
  return Halves{std::move(*sessions), std::move(*users)};
}

}  // namespace tessera::store
