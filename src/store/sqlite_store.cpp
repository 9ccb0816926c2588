// The embedded SQLite SessionStore (store URI "sqlite:PATH"); see docs/sqlite.md.
//
//  - WAL journal, synchronous=FULL (sqlite::open_database): a create()/rotate()/revoke() that returned success has been
//    fsynced into the WAL, so it survives kill -9 and power loss alike (revocations must not
//    come back to life after a crash).
//  - Schema migrations (sqlite_schema.cpp) run at open, in one transaction.
//  - Multi-row operations (create with its generation check and eviction, rotate,
//    change_credentials over the users and sessions tables) run in BEGIN IMMEDIATE
//    transactions; revoke_all is one UPDATE statement, which SQLite already runs atomically.
//  - get() and list() read the user's generation (users table) in the same statement.
//  - Every SQLite error (busy beyond busy_timeout, I/O, corruption) is store_unavailable.
// Thread safety: one connection and its cached prepared statements, used under one mutex;
// busy_timeout (5 s) covers other processes (or other stores) on the same file. Each
// SessionReader (one per event loop) reads on a connection of its own.
#include <limits>
#include <string>
#include <utility>

#include "crypto/crypto.hpp"
#include "common/mutex.hpp"
#include "store/sqlite_schema.hpp"
#include "store/stores.hpp"

namespace tessera::store {
namespace {

using sqlite::Call;
using sqlite::Stmt;

constexpr std::int64_t kSweepBatch = 512;  // rows per sweep transaction: writers wait at most one batch

// Column order shared by every statement that reads or writes a whole record.
#define TESSERA_SESSION_COLUMNS                                                                   \
  "id_hash, user, created_at, last_seen_at, idle_expires_at, absolute_expires_at, revoked, "   \
  "csrf_secret, client_ip, client_user_agent, client_device_label, attributes_json, generation"
// Read with every record: the user's generation now (0 without an account).
#define TESSERA_USER_GENERATION \
  ", COALESCE((SELECT u.generation FROM users u WHERE u.username = sessions.user), 0)"

constexpr const char* kInsertSql = "INSERT INTO sessions (" TESSERA_SESSION_COLUMNS
                                   ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";
constexpr const char* kGetSql =
    "SELECT " TESSERA_SESSION_COLUMNS TESSERA_USER_GENERATION " FROM sessions WHERE id_hash = ?1";
// Live at t: !revoked && t < idle_expires_at && t < absolute_expires_at. Ties on created_at
// go by insertion order (rowid), so a session created in the same second as an older one is
// not evicted before it.
constexpr const char* kListSql = "SELECT " TESSERA_SESSION_COLUMNS TESSERA_USER_GENERATION
                                 " FROM sessions WHERE user = ?1 AND revoked = 0 AND idle_expires_at > ?2"
                                 " AND absolute_expires_at > ?2 ORDER BY created_at, rowid";
constexpr const char* kLiveIdsSql =
    "SELECT id_hash FROM sessions WHERE user = ?1 AND revoked = 0 AND idle_expires_at > ?2"
    " AND absolute_expires_at > ?2 ORDER BY created_at, rowid";
constexpr const char* kTouchSql =
    "UPDATE sessions SET last_seen_at = ?2, idle_expires_at = ?3 WHERE id_hash = ?1 AND revoked = 0";
// Compare-and-set of a live record's attributes (one statement: atomic as is).
constexpr const char* kUpdateAttributesSql =
    "UPDATE sessions SET attributes_json = ?3 WHERE id_hash = ?1 AND revoked = 0 AND attributes_json = ?2";
constexpr const char* kRevokeSql = "UPDATE sessions SET revoked = 1 WHERE id_hash = ?1 AND revoked = 0";
constexpr const char* kRevokeAllSql =
    "UPDATE sessions SET revoked = 1 WHERE user = ?1 AND revoked = 0 AND (?2 IS NULL OR id_hash <> ?2)";
constexpr const char* kSweepSql =
    "DELETE FROM sessions WHERE rowid IN"
    " (SELECT rowid FROM sessions WHERE absolute_expires_at <= ?1 LIMIT ?2)";
constexpr const char* kUserGenerationSql = "SELECT COALESCE((SELECT generation FROM users WHERE username = ?1), 0)";
constexpr const char* kUserExistsGenerationSql = "SELECT generation FROM users WHERE username = ?1";
// ?2 password hash or NULL (unchanged), ?3 disabled or NULL (unchanged), ?4 updated_at.
constexpr const char* kChangeUserSql =
    "UPDATE users SET password_hash = COALESCE(?2, password_hash), disabled = COALESCE(?3, disabled),"
    " updated_at = ?4, generation = generation + 1 WHERE username = ?1";
#undef TESSERA_SESSION_COLUMNS
#undef TESSERA_USER_GENERATION

// A whole SessionRecord from a row of any statement that selects its columns in that order.
SessionRecord record_of(const Call& q) {
  SessionRecord r;
  r.id_hash = q.column_text(0);
  r.user = q.column_text(1);
  r.created_at = q.column_int(2);
  r.last_seen_at = q.column_int(3);
  r.idle_expires_at = q.column_int(4);
  r.absolute_expires_at = q.column_int(5);
  r.revoked = q.column_int(6) != 0;
  r.csrf_secret = SecretBytes(crypto::Wiped<std::string>(q.column_text(7)));
  r.client.ip = q.column_text(8);
  r.client.user_agent = q.column_text(9);
  r.client.device_label = q.column_text(10);
  r.attributes_json = q.column_text(11);
  r.generation = static_cast<std::uint64_t>(q.column_int(12));
  r.user_generation = static_cast<std::uint64_t>(q.column_int(13));
  return r;
}

struct Statements {
  Stmt begin, commit, rollback;
  Stmt insert, get, list, live_ids, touch, update_attributes, revoke, revoke_all, sweep, ping;
  Stmt user_generation, user_exists_generation, change_user;
};

// The record behind id_hash, read with a cached kGetSql statement of db.
Result<std::optional<SessionRecord>> read_session(sqlite3* db, const Stmt& get, std::string_view id_hash) {
  Call q(db, get, "get");
  auto row = q.text(1, id_hash).step();
  if (!row) return std::unexpected(row.error());
  if (!*row) return std::optional<SessionRecord>();
  return std::optional<SessionRecord>(record_of(q));
}

// SqliteStore's SessionReader: its own connection for get (used on one loop's thread only),
// the store for touch. Answers inline.
class Reader final : public SessionReader {
 public:
  Reader(sqlite::Db db, Stmt get, SessionStore& store) : db_(std::move(db)), get_(std::move(get)), store_(store) {}
  void get(std::string_view id_hash, Completion<std::optional<SessionRecord>> done) override {
    done(read_session(db_.get(), get_, id_hash));
  }
  void touch(std::string_view id_hash, std::int64_t last_seen_at, std::int64_t idle_expires_at,
             Completion<bool> done) override {
    done(store_.touch(id_hash, last_seen_at, idle_expires_at));
  }

 private:
  sqlite::Db db_;  // declared before get_ so the statement is finalised first
  Stmt get_;
  SessionStore& store_;
};

class SqliteStore final : public AccountSessions {
 public:
  SqliteStore(sqlite::Db db, Statements st) : db_(std::move(db)), st_(std::move(st)) {}

  Result<std::vector<std::string>> create(const SessionRecord& r, std::size_t max_per_user) override {
    MutexLock lock(mu_);
    auto txn = begin();
    if (!txn) return std::unexpected(txn.error());
    {
      Call q(db_.get(), st_.user_generation, "create: user generation");
      auto row = q.text(1, r.user).step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return fail(Errc::store_unavailable, "sqlite: create: no generation row");
      if (static_cast<std::uint64_t>(q.column_int(0)) != r.generation)
        return fail(Errc::credentials_changed, "the user's credentials changed since the login was checked");
    }
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
    MutexLock lock(mu_);
    return read_session(db_.get(), st_.get, id_hash);
  }

  // Each event loop reads through a connection of its own, so session checks on different
  // I/O threads never wait on this store's mutex; touch (rare: coalesced) comes back here.
  // A private in-memory database (":memory:") has no file to share: the inline default.
  std::unique_ptr<SessionReader> reader(EventLoop& loop) override {
    std::string path;
    {
      MutexLock lock(mu_);
      if (const char* f = sqlite3_db_filename(db_.get(), "main")) path = f;
    }
    if (path.empty()) return SessionStore::reader(loop);
    auto db = sqlite::open_database(path);
    if (!db) return SessionStore::reader(loop);
    auto get = sqlite::prepare(db->get(), kGetSql);
    if (!get) return SessionStore::reader(loop);
    return std::make_unique<Reader>(std::move(*db), std::move(*get), *this);
  }

  Result<bool> touch(std::string_view id_hash, std::int64_t last_seen_at, std::int64_t idle_expires_at) override {
    MutexLock lock(mu_);
    Call u(db_.get(), st_.touch, "touch");
    auto n = u.text(1, id_hash).integer(2, last_seen_at).integer(3, idle_expires_at).run();
    if (!n) return std::unexpected(n.error());
    return *n > 0;
  }

  Result<bool> rotate(std::string_view old_id_hash, const SessionRecord& replacement) override {
    MutexLock lock(mu_);
    auto txn = begin();
    if (!txn) return std::unexpected(txn.error());
    auto n = Call(db_.get(), st_.revoke, "rotate: revoke old").text(1, old_id_hash).run();
    if (!n) return std::unexpected(n.error());
    if (*n == 0) return false;  // absent or already revoked: roll back (nothing written)
    if (auto ins = insert(replacement); !ins) return std::unexpected(ins.error());
    if (auto c = txn->commit(); !c) return std::unexpected(c.error());
    return true;
  }

  Result<bool> update_attributes(std::string_view id_hash, std::string_view expected,
                                 std::string_view replacement) override {
    MutexLock lock(mu_);
    Call u(db_.get(), st_.update_attributes, "update_attributes");
    auto n = u.text(1, id_hash).text(2, expected).text(3, replacement).run();
    if (!n) return std::unexpected(n.error());
    return *n > 0;
  }

  Result<bool> revoke(std::string_view id_hash) override {
    MutexLock lock(mu_);
    Call u(db_.get(), st_.revoke, "revoke");
    auto n = u.text(1, id_hash).run();
    if (!n) return std::unexpected(n.error());
    return *n > 0;
  }

  Result<std::size_t> revoke_all(std::string_view user, std::optional<std::string_view> except_id_hash) override {
    MutexLock lock(mu_);
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
    MutexLock lock(mu_);
    Call q(db_.get(), st_.list, "list");
    q.text(1, user).integer(2, now);
    std::vector<SessionRecord> out;
    for (;;) {
      auto row = q.step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return out;
      out.push_back(record_of(q));
    }
  }

  Result<CredentialChangeResult> change_credentials(const CredentialChange& c) override {
    MutexLock lock(mu_);
    auto txn = begin();
    if (!txn) return std::unexpected(txn.error());
    // The write lock is held from here: the deadline is checked once we own the data.
    if (past_deadline(c, unix_millis())) return fail(Errc::store_unavailable, "change_credentials: deadline passed");
    std::uint64_t generation = 0;
    {
      Call q(db_.get(), st_.user_exists_generation, "change_credentials: user");
      auto row = q.text(1, c.user).step();
      if (!row) return std::unexpected(row.error());
      if (!*row) return fail(Errc::user_not_found);
      generation = static_cast<std::uint64_t>(q.column_int(0));
    }
    if (c.expected_generation && *c.expected_generation != generation)
      return fail(Errc::credentials_changed, "the user's credentials changed since they were checked");
    if (c.keep_id_hash) {
      Call q(db_.get(), st_.get, "change_credentials: kept session");
      auto row = q.text(1, *c.keep_id_hash).step();
      if (!row) return std::unexpected(row.error());
      if (!*row || q.column_int(6) != 0 || q.column_text(1) != c.user)
        return fail(Errc::session_revoked, "the session to keep is not a live session of the user");
    }
    {
      Call u(db_.get(), st_.change_user, "change_credentials: user");
      u.text(1, c.user);
      if (c.password_hash) u.text(2, *c.password_hash);
      else u.null(2);
      if (c.disabled) u.integer(3, *c.disabled ? 1 : 0);
      else u.null(3);
      auto n = u.integer(4, c.updated_at).run();
      if (!n) return std::unexpected(n.error());
    }
    CredentialChangeResult out{generation + 1, 0};
    {
      Call u(db_.get(), st_.revoke_all, "change_credentials: revoke");
      u.text(1, c.user);
      if (c.keep_id_hash) u.text(2, *c.keep_id_hash);
      else u.null(2);
      auto n = u.run();
      if (!n) return std::unexpected(n.error());
      out.revoked = static_cast<std::size_t>(*n);
    }
    if (c.keep_id_hash) {
      auto n = Call(db_.get(), st_.revoke, "change_credentials: rotate").text(1, *c.keep_id_hash).run();
      if (!n) return std::unexpected(n.error());
      SessionRecord r = *c.replacement;
      r.generation = out.generation;
      r.revoked = false;
      if (auto ins = insert(r); !ins) return std::unexpected(ins.error());
    }
    if (auto cm = txn->commit(); !cm) return std::unexpected(cm.error());
    return out;
  }

  Result<std::size_t> sweep(std::int64_t now) override {
    // absolute_expires_at + grace <= now, rearranged so that nothing overflows.
    const std::int64_t cutoff = now < std::numeric_limits<std::int64_t>::min() + kExpiredGrace
                                    ? std::numeric_limits<std::int64_t>::min()
                                    : now - kExpiredGrace;
    std::size_t total = 0;
    for (;;) {
      // The lock is released between batches so other calls are not held up by a large sweep.
      MutexLock lock(mu_);
      Call d(db_.get(), st_.sweep, "sweep");
      auto n = d.integer(1, cutoff).integer(2, kSweepBatch).run();
      if (!n) return std::unexpected(n.error());
      total += static_cast<std::size_t>(*n);
      if (*n < kSweepBatch) return total;
    }
  }

  Result<void> ping() override {
    MutexLock lock(mu_);
    return sqlite::check_schema(db_.get(), st_.ping);
  }

 private:
  // REQUIRES: mu_ held for the transaction's whole life.
  Result<sqlite::ImmediateTransaction> begin() REQUIRES(mu_) {
    return sqlite::ImmediateTransaction::begin(db_.get(), st_.begin, st_.commit, st_.rollback);
  }

  // REQUIRES: mu_ held.
  Result<void> insert(const SessionRecord& r) REQUIRES(mu_) {
    Call c(db_.get(), st_.insert, "insert");
    c.text(1, r.id_hash).text(2, r.user).integer(3, r.created_at).integer(4, r.last_seen_at);
    c.integer(5, r.idle_expires_at).integer(6, r.absolute_expires_at).integer(7, r.revoked ? 1 : 0);
    c.text(8, crypto::as_chars(r.csrf_secret.reveal(SecretAccess{}))).text(9, r.client.ip).text(10, r.client.user_agent).text(11, r.client.device_label);
    c.text(12, r.attributes_json).integer(13, static_cast<std::int64_t>(r.generation));
    auto n = c.run();
    if (!n) return std::unexpected(n.error());
    return {};
  }

  // Serialises every use of the connection: guards db_ and st_ (a connection and its
  // statements, error message and change count are not for two threads at once).
  Mutex mu_;
  sqlite::Db db_ GUARDED_BY(mu_);  // declared before st_ so statements are finalised first
  Statements st_ GUARDED_BY(mu_);
};

Result<Statements> prepare_all(sqlite3* db) {
  Statements st;
  const std::pair<Stmt*, const char*> all[] = {
      {&st.begin, "BEGIN IMMEDIATE"},  {&st.commit, "COMMIT"},         {&st.rollback, "ROLLBACK"},
      {&st.insert, kInsertSql},        {&st.get, kGetSql},             {&st.list, kListSql},
      {&st.live_ids, kLiveIdsSql},     {&st.touch, kTouchSql},         {&st.revoke, kRevokeSql},
      {&st.revoke_all, kRevokeAllSql}, {&st.sweep, kSweepSql},         {&st.ping, "PRAGMA user_version"},
      {&st.user_generation, kUserGenerationSql}, {&st.user_exists_generation, kUserExistsGenerationSql},
      {&st.change_user, kChangeUserSql}, {&st.update_attributes, kUpdateAttributesSql},
  };
  if (auto ok = sqlite::prepare_into(db, all); !ok) return std::unexpected(std::move(ok.error()));
  return st;
}

}  // namespace

Result<std::unique_ptr<AccountSessions>> make_sqlite_sessions(const std::string& path) {
  auto s = sqlite::open_store<SqliteStore>(path, prepare_all);
  if (!s) return std::unexpected(std::move(s.error()));
  return std::unique_ptr<AccountSessions>(std::move(*s));
}

}  // namespace tessera::store
