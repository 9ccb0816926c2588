// The SQLite DPoP replay cache ("sqlite:PATH"): table dpop_jti (migration 8) in the same file
// as the other stores, on a connection of its own (sqlite::open_database). first_use is one
// BEGIN IMMEDIATE transaction (one fsync): delete at most kSweepBatch expired rows, then an
// insert that takes the key when it is absent or its row has expired; changes() says which.
// Deleting more expired rows per use than one use adds keeps the table near its live size
// without any other sweep. Every SQLite error is store_unavailable.
// Thread safety: the connection and its statements are used under mu_.
#include <string>
#include <utility>

#include "common/mutex.hpp"
#include "store/dpop_replay_caches.hpp"
#include "store/sqlite_schema.hpp"

namespace tessera::store {
namespace {

using sqlite::Call;
using sqlite::Stmt;

constexpr std::int64_t kSweepBatch = 8;

// Inserted, or an expired row (expires_at < now) taken over: one change; a live row: none.
constexpr const char* kUseSql =
    "INSERT INTO dpop_jti (jti_hash, expires_at) VALUES (?1, ?2) "
    "ON CONFLICT (jti_hash) DO UPDATE SET expires_at = excluded.expires_at WHERE dpop_jti.expires_at < ?3";
constexpr const char* kSweepSql =
    "DELETE FROM dpop_jti WHERE rowid IN "
    "(SELECT rowid FROM dpop_jti WHERE expires_at < ?1 ORDER BY expires_at LIMIT ?2)";

struct Statements {
  Stmt begin, commit, rollback, use, sweep;
};

Result<Statements> prepare_all(sqlite3* db) {
  Statements st;
  const std::pair<Stmt*, const char*> table[] = {
      {&st.begin, "BEGIN IMMEDIATE"}, {&st.commit, "COMMIT"}, {&st.rollback, "ROLLBACK"},
      {&st.use, kUseSql},             {&st.sweep, kSweepSql},
  };
  if (auto ok = sqlite::prepare_into(db, table); !ok) return std::unexpected(std::move(ok.error()));
  return st;
}

class SqliteDpopReplayCache final : public DpopReplayCache {
 public:
  SqliteDpopReplayCache(sqlite::Db db, Statements st, const Clock& clock)
      : db_(std::move(db)), st_(std::move(st)), clock_(clock) {}

  Result<bool> first_use(std::string_view jti, std::int64_t expires_at) override {
    const auto key = dpop_jti_key(jti);
    const auto now = clock_.now();
    MutexLock lock(mu_);
    auto txn = sqlite::ImmediateTransaction::begin(db_.get(), st_.begin, st_.commit, st_.rollback);
    if (!txn) return std::unexpected(std::move(txn.error()));
    {
      Call d(db_.get(), st_.sweep, "dpop: sweep");
      if (auto n = d.integer(1, now).integer(2, kSweepBatch).run(); !n) return std::unexpected(std::move(n.error()));
    }
    Call q(db_.get(), st_.use, "dpop: first_use");
    auto n = q.text(1, key).integer(2, expires_at).integer(3, now).run();
    if (!n) return std::unexpected(std::move(n.error()));
    if (auto ok = txn->commit(); !ok) return std::unexpected(std::move(ok.error()));
    return *n > 0;
  }

 private:
  Mutex mu_;
  sqlite::Db db_ GUARDED_BY(mu_);
  Statements st_ GUARDED_BY(mu_);
  const Clock& clock_;
};

}  // namespace

Result<std::unique_ptr<DpopReplayCache>> make_sqlite_dpop_replay_cache(const std::string& path, const Clock& clock) {
  auto db = sqlite::open_database(path);
  if (!db) return std::unexpected(std::move(db.error()));
  auto st = prepare_all(db->get());
  if (!st) return std::unexpected(std::move(st.error()));
  return std::make_unique<SqliteDpopReplayCache>(std::move(*db), std::move(*st), clock);
}

}  // namespace tessera::store
