// Internal: read connections beside a SQLite store's writer (sqlite_oauth_store.cpp). Under WAL
// a reader never waits for the writer, so plain reads on these never queue behind a write's
// fsync. Each read is one autocommit statement (its own read transaction): it sees every write
// committed before it began. A private ":memory:" database has no file to share: then there
// are none, and the store reads on its writer.
// Thread safety: open() before any use; with() is thread-safe (each connection and its
// statements under a mutex of their own, taken in turn).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/mutex.hpp"
#include "store/sqlite_schema.hpp"

namespace tessera::store::sqlite {

template <class Statements>
class Readers {
 public:
  static constexpr unsigned kMax = 8;

  // Two read connections per core (at most kMax) to path, each with prepare(sqlite3*) ->
  // Result<Statements>; none for an empty path (a private in-memory database).
  template <class Prepare>
  Result<void> open(const std::string& path, Prepare prepare) {
    if (path.empty()) return {};
    const unsigned cores = std::max(std::thread::hardware_concurrency(), 1u);
    for (unsigned i = 0; i < std::min(cores * 2, kMax); ++i) {
      auto db = open_database(path);
      if (!db) return std::unexpected(std::move(db.error()));
      auto st = prepare(db->get());
      if (!st) return std::unexpected(std::move(st.error()));
      conns_.push_back(std::make_unique<Conn>(std::move(*db), std::move(*st)));
    }
    return {};
  }

  bool empty() const { return conns_.empty(); }

  // f(sqlite3*, Statements&) on the next connection. REQUIRES: !empty().
  template <class F>
  auto with(F&& f) -> decltype(f(std::declval<sqlite3*>(), std::declval<Statements&>())) {
    Conn& c = *conns_[next_.fetch_add(1, std::memory_order_relaxed) % conns_.size()];
    MutexLock lock(c.mu);
    return f(c.db.get(), c.st);
  }

 private:
  struct Conn {
    Conn(Db d, Statements s) : db(std::move(d)), st(std::move(s)) {}
    Mutex mu;
    Db db GUARDED_BY(mu);  // before st: statements are finalised first
    Statements st GUARDED_BY(mu);
  };
  std::vector<std::unique_ptr<Conn>> conns_;  // set by open(), then only read
  std::atomic<std::size_t> next_{0};
};

}  // namespace tessera::store::sqlite
