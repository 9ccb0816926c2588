// The request log line (server/log.hpp): Logger::format against the algorithm it replaced
// (copy every field into a second boost::json::object, serialize it, and fmt + gmtime_r for the
// timestamp on every line), and Logger::log into /dev/null unbuffered and buffered.
#include <benchmark/benchmark.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <string>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "server/log.hpp"

namespace {

namespace json = boost::json;
using tessera::server::Logger;
using tessera::server::LogLevel;

// A typical request line: 7 fields, as App::record writes them (plus an error code).
json::object request_fields() {
  json::object f;
  f["method"] = "GET";
  f["route"] = "/session";
  f["status"] = 401;
  f["latency_us"] = 183;
  f["ip"] = "127.0.0.1";
  f["session"] = "Jq3mKx0bV7c2XnH9pQeR4w";
  f["error"] = "session_not_found";
  return f;
}

// The format before this change (the baseline).
std::string old_utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                     tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}

std::string old_format(LogLevel level, std::string_view msg, const json::object& fields) {
  json::object line;
  line.reserve(fields.size() + 3);
  line["ts"] = old_utc_timestamp();
  line["level"] = tessera::server::log_level_name(level);
  line["msg"] = msg;
  for (const auto& f : fields) line[f.key()] = f.value();
  return json::serialize(line);
}

void BM_log_format_old_object_copy(benchmark::State& state) {
  const json::object f = request_fields();
  for (auto _ : state) benchmark::DoNotOptimize(old_format(LogLevel::info, "request", f));
}
BENCHMARK(BM_log_format_old_object_copy);

void BM_log_format_new(benchmark::State& state) {
  const json::object f = request_fields();
  for (auto _ : state) benchmark::DoNotOptimize(Logger::format(LogLevel::info, "request", f));
}
BENCHMARK(BM_log_format_new);

// Logger::log to /dev/null: the write(2) per line against the batched writes. Threads(2) as the
// two I/O threads of the profile.
void log_to_devnull(benchmark::State& state, std::chrono::milliseconds flush_every) {
  static int fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  static Logger* log = nullptr;
  if (state.thread_index() == 0) log = new Logger(LogLevel::info, fd, flush_every);
  const json::object f = request_fields();
  // Google Benchmark starts the timed loop of every thread together, after setup.
  for (auto _ : state) log->log(LogLevel::info, "request", f);
  if (state.thread_index() == 0) {
    delete log;
    log = nullptr;
  }
}
void BM_log_unbuffered(benchmark::State& state) { log_to_devnull(state, std::chrono::milliseconds(0)); }
void BM_log_buffered_50ms(benchmark::State& state) { log_to_devnull(state, std::chrono::milliseconds(50)); }
BENCHMARK(BM_log_unbuffered)->Threads(1)->Threads(2)->UseRealTime();
BENCHMARK(BM_log_buffered_50ms)->Threads(1)->Threads(2)->UseRealTime();

}  // namespace
