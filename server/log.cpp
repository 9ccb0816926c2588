// Logger (server/log.hpp): JSON lines, one write(2) per line.
#include "server/log.hpp"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>

#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace tessera::server {

std::optional<LogLevel> parse_log_level(std::string_view name) noexcept {
  if (name == "debug") return LogLevel::debug;
  if (name == "info") return LogLevel::info;
  if (name == "warn") return LogLevel::warn;
  if (name == "error") return LogLevel::error;
  if (name == "off") return LogLevel::off;
  return std::nullopt;
}

std::string_view log_level_name(LogLevel level) noexcept {
  switch (level) {
    case LogLevel::debug: return "debug";
    case LogLevel::info: return "info";
    case LogLevel::warn: return "warn";
    case LogLevel::error: return "error";
    case LogLevel::off: return "off";
  }
  return "off";
}

std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

std::string Logger::format(LogLevel level, std::string_view msg, const boost::json::object& fields) {
  boost::json::object line;
  line.reserve(fields.size() + 3);
  line["ts"] = utc_timestamp();
  line["level"] = log_level_name(level);
  line["msg"] = msg;
  for (const auto& f : fields) line[f.key()] = f.value();
  return boost::json::serialize(line);
}

void Logger::log(LogLevel level, std::string_view msg, const boost::json::object& fields) {
  if (!enabled(level)) return;
  std::string out = format(level, msg, fields);
  out += '\n';
  MutexLock lock(mu_);
  const char* p = out.data();
  std::size_t left = out.size();
  while (left > 0) {
    const ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere to report a failing log
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace tessera::server
