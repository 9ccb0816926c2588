// Structured logs of `tessera serve` (docs/server.md "Logs"): one JSON object per line on
// standard output, {"ts","level","msg", ...fields}. Lines never interleave: each line (or batch
// of whole lines) goes out under one write mutex.
//
// Unbuffered (flush_every == 0, tests and the CLI): one write() per line, at once.
// Buffered (flush_every > 0, the server): debug/info lines are appended to a pending buffer and
// written in batches (one write() for many lines) when it passes 64 KiB or every flush_every by
// a background thread; warn/error lines are written at once, after whatever is pending. Line
// order is kept. flush() and the destructor write whatever is pending.
//
// The keys "ts", "level" and "msg" are the logger's: a field with one of those names is skipped.
// Callers never pass cookies, passwords, CSRF tokens or keys: sessions appear as id hashes.
// Thread safety: all methods are thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include <boost/json/object.hpp>

#include "common/mutex.hpp"

namespace tessera::server {

enum class LogLevel { debug, info, warn, error, off };

// "debug", "info", "warn", "error", "off"; nullopt for anything else.
std::optional<LogLevel> parse_log_level(std::string_view name) noexcept;
std::string_view log_level_name(LogLevel level) noexcept;

// RFC 3339 UTC with milliseconds, e.g. "2026-11-23T13:20:01.123Z".
std::string utc_timestamp();

class Logger {
 public:
  // Lines at or above min go to fd (standard output by default); flush_every > 0 buffers
  // debug/info lines for at most that long (see above).
  explicit Logger(LogLevel min = LogLevel::info, int fd = 1,
                  std::chrono::milliseconds flush_every = std::chrono::milliseconds(0));
  // Stops the flush thread, then writes whatever is pending.
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  bool enabled(LogLevel level) const noexcept { return level != LogLevel::off && level >= min_; }
  // {"ts":...,"level":...,"msg":msg} followed by fields, in their order (minus ts/level/msg).
  void log(LogLevel level, std::string_view msg, const boost::json::object& fields = {});
  // Writes the pending lines (buffered mode; a no-op otherwise).
  void flush() EXCLUDES(write_mu_, mu_);
  // The line log() writes, without the newline (for tests and benchmarks).
  static std::string format(LogLevel level, std::string_view msg, const boost::json::object& fields);
  // Appends that line to out, without the newline.
  static void append_line(std::string& out, LogLevel level, std::string_view msg, const boost::json::object& fields);

  // The pending buffer is written by the appending thread once it passes this many bytes.
  static constexpr std::size_t kFlushAt = 64 * 1024;

 private:
  void write_all(std::string_view bytes) REQUIRES(write_mu_);
  // Writes spare_ and empties it (keeping its storage for the next batch).
  void write_spare() REQUIRES(write_mu_);
  void flush_loop() EXCLUDES(write_mu_, mu_);

  const LogLevel min_;
  const int fd_;
  const std::chrono::milliseconds flush_every_;
  // Held while writing to fd_ (and while taking the pending buffer out for that write), so
  // writes never interleave and a later batch never overtakes an earlier one. Taken before mu_.
  Mutex write_mu_ ACQUIRED_BEFORE(mu_);
  // Guards the pending buffer: held only to append a line or swap the buffer out.
  Mutex mu_;
  // The batch being written; between writes empty, its storage ready to become pending_.
  std::string spare_ GUARDED_BY(write_mu_);
  std::string pending_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::condition_variable_any wake_;
  std::jthread flusher_;  // last: started once everything above exists
};

}  // namespace tessera::server
