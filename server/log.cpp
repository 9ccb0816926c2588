// Logger (server/log.hpp): JSON lines serialized straight into one string; one write(2) per
// line, or per batch of lines in buffered mode.
#include "server/log.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <ctime>

#include <boost/json/serializer.hpp>
#include <fmt/format.h>

namespace tessera::server {
namespace {

namespace json = boost::json;

// Appends what sr serializes to out, reading straight into out's storage.
void drain(json::serializer& sr, std::string& out) {
  while (!sr.done()) {
    const std::size_t old = out.size();
    const std::size_t room = std::max<std::size_t>(out.capacity() - old, 64);
    out.resize_and_overwrite(old + room, [&](char* p, std::size_t) {
      return old + sr.read(p + old, room).size();
    });
  }
}

// "YYYY-MM-DDTHH:MM:SS.mmmZ"; the part up to the seconds is formatted once per second per thread.
void append_timestamp(std::string& out) {
  thread_local std::int64_t cached_secs = -1;
  thread_local char prefix[20];  // "YYYY-MM-DDTHH:MM:SS"
  const auto now = std::chrono::system_clock::now();
  const std::int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::int64_t secs = ms / 1000;
  if (secs != cached_secs) {
    const std::time_t t = static_cast<std::time_t>(secs);
    std::tm tm{};
    gmtime_r(&t, &tm);
    fmt::format_to_n(prefix, sizeof prefix, "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    cached_secs = secs;
  }
  const int milli = static_cast<int>(ms % 1000);
  out.append(prefix, 19);
  const char tail[6] = {'.', static_cast<char>('0' + milli / 100), static_cast<char>('0' + milli / 10 % 10),
                        static_cast<char>('0' + milli % 10), 'Z', '\0'};
  out.append(tail, 5);
}

bool reserved_key(std::string_view key) noexcept { return key == "ts" || key == "level" || key == "msg"; }

}  // namespace

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
  std::string out;
  out.reserve(24);
  append_timestamp(out);
  return out;
}

void Logger::append_line(std::string& out, LogLevel level, std::string_view msg, const json::object& fields) {
  out += R"({"ts":")";
  append_timestamp(out);
  out += R"(","level":")";
  out += log_level_name(level);  // plain lowercase words: nothing to escape
  out += R"(","msg":)";
  json::serializer sr;
  sr.reset(json::string_view(msg.data(), msg.size()));
  drain(sr, out);
  for (const auto& f : fields) {
    if (reserved_key(f.key())) continue;
    out += ',';
    sr.reset(f.key());
    drain(sr, out);
    out += ':';
    sr.reset(&f.value());
    drain(sr, out);
  }
  out += '}';
}

std::string Logger::format(LogLevel level, std::string_view msg, const json::object& fields) {
  std::string out;
  out.reserve(256);
  append_line(out, level, msg, fields);
  return out;
}

Logger::Logger(LogLevel min, int fd, std::chrono::milliseconds flush_every)
    : min_(min), fd_(fd), flush_every_(flush_every) {
  if (flush_every_.count() > 0) flusher_ = std::jthread([this] { flush_loop(); });
}

Logger::~Logger() {
  if (flusher_.joinable()) {
    {
      MutexLock lock(mu_);
      stopping_ = true;
    }
    wake_.notify_all();
    flusher_.join();
  }
  flush();
}

void Logger::flush_loop() {
  MutexLock lock(mu_);
  while (!stopping_) {
    // A spurious wakeup only flushes early.
    wake_.wait_for(lock, flush_every_);
    if (stopping_) return;
    lock.unlock();
    flush();
    lock.lock();
  }
}

void Logger::write_all(std::string_view bytes) {
  const char* p = bytes.data();
  std::size_t left = bytes.size();
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

void Logger::flush() {
  MutexLock write_lock(write_mu_);
  {
    MutexLock lock(mu_);
    if (pending_.empty()) return;
    pending_.swap(spare_);  // appenders go on into the spare's storage: no allocation under mu_
  }
  write_spare();
}

void Logger::write_spare() {
  write_all(spare_);
  spare_.clear();
  if (spare_.capacity() > 4 * kFlushAt) spare_.shrink_to_fit();
}

void Logger::log(LogLevel level, std::string_view msg, const json::object& fields) {
  if (!enabled(level)) return;
  // Formatted outside every lock, into a buffer each thread keeps.
  thread_local std::string line;
  line.clear();
  if (line.capacity() > 4 * kFlushAt) line.shrink_to_fit();
  append_line(line, level, msg, fields);
  line += '\n';
  if (flush_every_.count() == 0) {
    MutexLock write_lock(write_mu_);
    write_all(line);
    return;
  }
  if (level <= LogLevel::info) {
    bool full;
    {
      MutexLock lock(mu_);
      pending_ += line;
      full = pending_.size() >= kFlushAt;
    }
    if (full) flush();
    return;
  }
  // warn/error: at once, after the pending lines, in one write.
  MutexLock write_lock(write_mu_);
  {
    MutexLock lock(mu_);
    pending_.swap(spare_);
  }
  spare_ += line;
  write_spare();
}

}  // namespace tessera::server
