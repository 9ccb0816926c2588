// The revocation feed's fan-out in `tessera serve` (docs/revocation-feed.md): one background
// thread per instance (the pump) blocks on RevocationLog::wait and reads what other instances
// and this one appended; the events it read stay in a bounded buffer, and every request waiting
// on the feed (long-poll, Server-Sent Events) is woken through an asio timer on its own
// executor, so a thousand subscribers cost one store reader, and no I/O thread ever blocks.
//
// A subscriber at cursor C asks after(C): the buffered events after C when C is the position
// the pump started from or the cursor of a buffered event; nullopt when the pump cannot place C
// (older than the buffer, not yet read by the pump, or not a cursor of this log), and the
// subscriber then reads the log itself (once per change, through run_store). version() moves
// on every batch the pump reads (and on a resync, which empties the buffer).
// Thread safety: every method may be called from any thread; wait_change from a coroutine.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/steady_timer.hpp>

#include "common/mutex.hpp"
#include "server/http.hpp"
#include "server/log.hpp"
#include "tessera/revocation_log.hpp"

namespace tessera::server {

class RevocationFeed {
 public:
  static constexpr std::size_t kBuffered = 10000;               // events kept for subscribers
  static constexpr std::size_t kBatch = 1000;                   // events per read
  static constexpr std::chrono::milliseconds kWaitSlice{1000};  // one wait on the log; bounds stop()
  static constexpr std::chrono::milliseconds kRetryAfter{500};  // after a failed wait or read

  // log and logger must outlive the feed.
  RevocationFeed(RevocationLog& log, Logger& logger);
  ~RevocationFeed();  // stop(), then joins the pump (at most one wait slice)
  RevocationFeed(const RevocationFeed&) = delete;
  RevocationFeed& operator=(const RevocationFeed&) = delete;

  // Starts the pump (once). Until its first read, after() places no cursor.
  void start();
  // Tells the pump to end (without waiting for it) and wakes every waiter; streams end.
  void stop();
  bool stopped() const noexcept;

  RevocationLog& log() noexcept { return log_; }
  std::uint64_t version() const;
  std::optional<std::vector<RevocationEntry>> after(std::string_view cursor) const;
  // Returns when version() != seen, the feed stops, or timeout passes (on the caller's executor).
  asio::awaitable<void> wait_change(std::uint64_t seen, std::chrono::steady_clock::duration timeout);

  // The pump's steps, public for tests that drive the feed without its thread: one read of
  // the log after the pump's position, published to the buffer and the waiters.
  Result<void> pump_once();

 private:
  void run();
  void publish(RevocationRead r) EXCLUDES(mu_);
  void wake_all() EXCLUDES(mu_);

  RevocationLog& log_;
  Logger& logger_;
  std::thread pump_;
  mutable Mutex mu_;
  bool started_ GUARDED_BY(mu_) = false;
  bool stopped_ GUARDED_BY(mu_) = false;
  bool placed_ GUARDED_BY(mu_) = false;  // base_ is known
  std::string base_ GUARDED_BY(mu_);     // the position before the first buffered event
  std::deque<RevocationEntry> buffer_ GUARDED_BY(mu_);
  std::string position_ GUARDED_BY(mu_); // where the pump reads next (the last buffered cursor, or base_)
  std::uint64_t version_ GUARDED_BY(mu_) = 0;
  std::vector<std::shared_ptr<asio::steady_timer>> waiters_ GUARDED_BY(mu_);
};

}  // namespace tessera::server
