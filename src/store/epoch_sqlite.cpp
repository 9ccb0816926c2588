// The EpochStore on SQLite: the one-row table store_epoch (migration 4) in the store's file, on
// a connection of its own. create_if_absent is INSERT OR IGNORE of row 1, then a read of it (one
// transaction-free statement each; the row never goes away once written, so the read sees either
// ours or the winner's). The marker is kept in its text form (encode_epoch_marker).
// Thread safety: one mutex around the connection, as in the other SQLite stores.

#include "common/mutex.hpp"
#include "store/epoch.hpp"
#include "store/sqlite_schema.hpp"

namespace tessera::store {
namespace {

using sqlite::Call;
using sqlite::Stmt;

struct Statements {
  Stmt read, insert, replace;
};

class SqliteEpochStore final : public EpochStore {
 public:
  SqliteEpochStore(sqlite::Db db, Statements st) : db_(std::move(db)), st_(std::move(st)) {}

  Result<std::optional<EpochMarker>> read() override {
    MutexLock lock(mu_);
    return read_locked();
  }

  Result<EpochMarker> create_if_absent(const EpochMarker& fresh) override {
    MutexLock lock(mu_);
    const std::string text = encode_epoch_marker(fresh);
    {
      Call q(db_.get(), st_.insert, "create the epoch marker");
      if (auto r = q.text(1, text).run(); !r) return std::unexpected(std::move(r.error()));
    }
    auto held = read_locked();
    if (!held) return std::unexpected(std::move(held.error()));
    if (!*held) return fail(Errc::store_unavailable, "store epoch: no marker right after INSERT OR IGNORE");
    return std::move(**held);
  }

  Result<void> replace(const EpochMarker& m) override {
    MutexLock lock(mu_);
    const std::string text = encode_epoch_marker(m);
    Call q(db_.get(), st_.replace, "replace the epoch marker");
    if (auto r = q.text(1, text).run(); !r) return std::unexpected(std::move(r.error()));
    return {};
  }

 private:
  Result<std::optional<EpochMarker>> read_locked() REQUIRES(mu_) {
    Call q(db_.get(), st_.read, "read the epoch marker");
    auto row = q.step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) return std::optional<EpochMarker>{};
    auto m = decode_epoch_marker(q.column_text(0));
    if (!m) return std::unexpected(std::move(m.error()));
    return std::optional<EpochMarker>(std::move(*m));
  }

  Mutex mu_;
  sqlite::Db db_ GUARDED_BY(mu_);
  Statements st_ GUARDED_BY(mu_);
};

Result<Statements> prepare_all(sqlite3* db) {
  Statements st;
  const std::pair<Stmt*, const char*> all[] = {
      {&st.read, "SELECT marker FROM store_epoch WHERE one = 1"},
      {&st.insert, "INSERT OR IGNORE INTO store_epoch (one, marker) VALUES (1, ?1)"},
      {&st.replace, "INSERT INTO store_epoch (one, marker) VALUES (1, ?1) "
                    "ON CONFLICT (one) DO UPDATE SET marker = excluded.marker"},
  };
  if (auto ok = sqlite::prepare_into(db, all); !ok) return std::unexpected(std::move(ok.error()));
  return st;
}

}  // namespace

Result<std::unique_ptr<EpochStore>> make_sqlite_epoch_store(const std::string& path) {
  return sqlite::open_store<SqliteEpochStore>(path, prepare_all);
}

}  // namespace tessera::store
