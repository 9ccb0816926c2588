// Structured logs of `tessera serve` (docs/server.md "Logs"): one JSON object per line on
// standard output, {"ts","level","msg", ...fields}. Each line goes out in one write() under a
// mutex, so lines from different threads never interleave.
// Callers never pass cookies, passwords, CSRF tokens or keys: sessions appear as id hashes.
// Thread safety: all methods are thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

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
  // Lines at or above min go to fd (standard output by default).
  explicit Logger(LogLevel min = LogLevel::info, int fd = 1) : min_(min), fd_(fd) {}

  bool enabled(LogLevel level) const noexcept { return level != LogLevel::off && level >= min_; }
  // {"ts":...,"level":...,"msg":msg} followed by fields, in their order.
  void log(LogLevel level, std::string_view msg, const boost::json::object& fields = {});
  // The line log() writes, without the newline (for tests).
  static std::string format(LogLevel level, std::string_view msg, const boost::json::object& fields);

 private:
  LogLevel min_;
  int fd_;
  Mutex mu_;
};

}  // namespace tessera::server
