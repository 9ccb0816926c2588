// The in-memory RevocationLog ("memory:"): a deque of events numbered from 1 (cursor = the
// number of the last event read, "0" before the first), trimmed on append; waiters sleep on a
// condition variable. One process only: another instance never sees these events.
// Thread safety: one mutex.
#include <condition_variable>
#include <deque>

#include "common/mutex.hpp"
#include "store/revocation_logs.hpp"

namespace tessera::store {
namespace {

class MemoryRevocationLog final : public RevocationLog {
 public:
  explicit MemoryRevocationLog(std::int64_t retention) : retention_(retention) {}

  Result<std::string> append(const RevocationEvent& e) override {
    const std::int64_t now = now_millis();
    std::int64_t seq = 0;
    {
      MutexLock lock(mu_);
      seq = ++last_;
      events_.push_back({seq, now, e});
      while (!events_.empty() && events_.front().at_ms < now - retention_ * 1000) {
        trimmed_through_ = events_.front().seq;
        events_.pop_front();
      }
    }
    cv_.notify_all();
    return std::to_string(seq);
  }

  Result<RevocationRead> read(std::string_view since, std::size_t limit) override {
    auto args = seq_read_args(since, limit);
    if (!args) return std::unexpected(std::move(args.error()));
    const std::optional<std::int64_t> s = *args;
    MutexLock lock(mu_);
    RevocationRead out;
    out.cursor = std::to_string(last_);
    if (!s) return out;
    if (*s < trimmed_through_ || *s > last_) {
      out.resync = true;
      return out;
    }
    for (const Stored& st : events_) {
      if (st.seq <= *s) continue;
      if (out.events.size() == limit) break;
      out.events.push_back({std::to_string(st.seq), st.event});
    }
    out.cursor = out.events.empty() ? std::string(since) : out.events.back().cursor;
    return out;
  }

  Result<void> wait(std::string_view since, std::chrono::milliseconds timeout) override {
    const auto s = parse_seq_cursor(since);
    if (!s) return {};  // "from now" or not ours: read() answers at once
    MutexLock lock(mu_);
    cv_.wait_for(lock, timeout, [&]() NO_THREAD_SAFETY_ANALYSIS { return last_ != *s; });
    return {};
  }

  std::int64_t retention() const noexcept override { return retention_; }

 private:
  struct Stored {
    std::int64_t seq;
    std::int64_t at_ms;
    RevocationEvent event;
  };
  const std::int64_t retention_;
  Mutex mu_;
  std::condition_variable_any cv_;
  std::deque<Stored> events_ GUARDED_BY(mu_);
  std::int64_t last_ GUARDED_BY(mu_) = 0;
  std::int64_t trimmed_through_ GUARDED_BY(mu_) = 0;
};

}  // namespace

std::unique_ptr<RevocationLog> make_memory_revocation_log(std::int64_t retention) {
  return std::make_unique<MemoryRevocationLog>(retention);
}

}  // namespace tessera::store
