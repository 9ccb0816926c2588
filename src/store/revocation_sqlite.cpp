// The RevocationLog on SQLite: the table revocation_events (migration 9) of the store's file,
// on a connection of its own. The cursor is the row's seq (AUTOINCREMENT: consecutive, never
// reused); "0" is before the first event. An append inserts its row and deletes the rows older
// than the retention (two autocommit statements). A read selects the rows after the cursor,
// then the floor: the seq before the oldest row left, or the last seq ever written when every
// row was trimmed (sqlite_sequence). Read in that order, a trim that raced the select still
// shows as a floor above the cursor (resync), never as missing events. wait() polls the last
// seq every 100 ms: other processes may write the file, and SQLite tells nobody.
// Thread safety: one mutex around the connection, as in the other SQLite stores; wait() takes
// it only for each poll.
#include <thread>

#include "common/mutex.hpp"
#include "store/revocation_logs.hpp"
#include "store/sqlite_schema.hpp"

namespace tessera::store {
namespace {

using sqlite::Call;
using sqlite::Stmt;

constexpr std::chrono::milliseconds kPoll{100};

struct Statements {
  Stmt insert, trim, after, bounds;
};

class SqliteRevocationLog final : public RevocationLog {
 public:
  SqliteRevocationLog(sqlite::Db db, Statements st) : db_(std::move(db)), st_(std::move(st)) {}
  void set_retention(std::int64_t r) { retention_ = r; }

  Result<std::string> append(const RevocationEvent& e) override {
    const std::string json = to_json(e);
    const std::int64_t now = now_millis();
    MutexLock lock(mu_);
    std::int64_t seq = 0;
    {
      Call q(db_.get(), st_.insert, "append a revocation event");
      auto row = q.integer(1, now).text(2, json).step();
      if (!row) return std::unexpected(std::move(row.error()));
      if (!*row) return fail(Errc::store_unavailable, "sqlite: append a revocation event: no seq returned");
      seq = q.column_int(0);
    }
    {
      Call q(db_.get(), st_.trim, "trim the revocation events");
      if (auto r = q.integer(1, now - retention_ * 1000).run(); !r) return std::unexpected(std::move(r.error()));
    }
    return std::to_string(seq);
  }

  Result<RevocationRead> read(std::string_view since, std::size_t limit) override {
    auto args = seq_read_args(since, limit);
    if (!args) return std::unexpected(std::move(args.error()));
    const std::optional<std::int64_t> s = *args;
    MutexLock lock(mu_);
    RevocationRead out;
    if (s) {
      Call q(db_.get(), st_.after, "read revocation events");
      q.integer(1, *s).integer(2, static_cast<std::int64_t>(limit));
      for (;;) {
        auto row = q.step();
        if (!row) return std::unexpected(std::move(row.error()));
        if (!*row) break;
        auto e = parse_revocation_event(q.column_text(1));
        if (!e) return fail(Errc::store_unavailable, "sqlite: a stored revocation event does not parse");
        out.events.push_back({std::to_string(q.column_int(0)), std::move(*e)});
      }
    }
    auto b = bounds_locked();
    if (!b) return std::unexpected(std::move(b.error()));
    const auto [floor, last] = *b;
    if (!s) {
      out.cursor = std::to_string(last);
      return out;
    }
    if (*s < floor || *s > last) {
      out.events.clear();
      out.resync = true;
      out.cursor = std::to_string(last);
      return out;
    }
    out.cursor = out.events.empty() ? std::string(since) : out.events.back().cursor;
    return out;
  }

  Result<void> wait(std::string_view since, std::chrono::milliseconds timeout) override {
    const auto s = parse_seq_cursor(since);
    if (!s) return {};
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      {
        MutexLock lock(mu_);
        auto b = bounds_locked();
        if (!b) return std::unexpected(std::move(b.error()));
        if (b->second != *s) return {};
      }
      const auto left = deadline - std::chrono::steady_clock::now();
      if (left <= std::chrono::steady_clock::duration::zero()) return {};
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(kPoll, left));
    }
  }

  std::int64_t retention() const noexcept override { return retention_; }

 private:
  // {floor, last}: cursors below floor have lost events; last is the newest seq ever written.
  Result<std::pair<std::int64_t, std::int64_t>> bounds_locked() REQUIRES(mu_) {
    Call q(db_.get(), st_.bounds, "read the revocation log's bounds");
    auto row = q.step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) return fail(Errc::store_unavailable, "sqlite: revocation log bounds: no row");
    const std::int64_t last = q.column_int(0);
    const std::int64_t oldest = q.column_int(1);  // 0 when no row is left
    return std::pair{oldest > 0 ? oldest - 1 : last, last};
  }

  std::int64_t retention_ = 1;
  Mutex mu_;
  sqlite::Db db_ GUARDED_BY(mu_);
  Statements st_ GUARDED_BY(mu_);
};

Result<Statements> prepare_all(sqlite3* db) {
  Statements st;
  const std::pair<Stmt*, const char*> all[] = {
      {&st.insert, "INSERT INTO revocation_events (at, json) VALUES (?1, ?2) RETURNING seq"},
      {&st.trim, "DELETE FROM revocation_events WHERE at < ?1"},
      {&st.after, "SELECT seq, json FROM revocation_events WHERE seq > ?1 ORDER BY seq LIMIT ?2"},
      {&st.bounds, "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'revocation_events'), 0), "
                   "coalesce((SELECT min(seq) FROM revocation_events), 0)"},
  };
  if (auto ok = sqlite::prepare_into(db, all); !ok) return std::unexpected(std::move(ok.error()));
  return st;
}

}  // namespace

Result<std::unique_ptr<RevocationLog>> make_sqlite_revocation_log(const std::string& path, std::int64_t retention) {
  if (auto ok = check_retention(retention); !ok) return std::unexpected(std::move(ok.error()));
  auto log = sqlite::open_store<SqliteRevocationLog>(path, prepare_all);
  if (!log) return std::unexpected(std::move(log.error()));
  (*log)->set_retention(retention);
  return std::unique_ptr<RevocationLog>(std::move(*log));
}

}  // namespace tessera::store
