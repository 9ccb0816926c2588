// Metrics (server/metrics.hpp): bounded labels and the Prometheus text exposition 0.0.4.
#include "server/metrics.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <boost/json.hpp>

#include "server/log.hpp"

namespace tessera::server {
namespace {

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const auto& l : lines(text))
    if (l == line) return true;
  return false;
}

TEST(ServerMetrics, RouteIndexesAndOther) {
  Metrics m({"/login", "/sessions/{id}"});
  EXPECT_EQ(m.route_index("/login"), 0u);
  EXPECT_EQ(m.route_index("/sessions/{id}"), 1u);
  EXPECT_EQ(m.route_index("/nope"), m.other_route());
  EXPECT_EQ(m.route_label(m.other_route()), "other");
  EXPECT_EQ(m.route_label(999), "other");
}

TEST(ServerMetrics, CountsRequestsPerRouteMethodStatus) {
  Metrics m({"/login"});
  m.observe(0, "POST", 200, 0.002);
  m.observe(0, "POST", 200, 0.003);
  m.observe(0, "POST", 401, 0.004);
  m.observe(0, "BREW", 405, 0.0001);      // unknown method: "other"
  m.observe(0, "GET", 42, 0.0001);        // impossible status: clamped, never out of bounds
  m.observe(77, "GET", 404, 0.0001);      // unknown route index: "other"
  EXPECT_EQ(m.requests(0, "POST", 200), 2u);
  EXPECT_EQ(m.requests(0, "POST", 401), 1u);
  EXPECT_EQ(m.requests(0, "other", 405), 1u);
  EXPECT_EQ(m.requests(m.other_route(), "GET", 404), 1u);

  const std::string text = m.exposition();
  EXPECT_TRUE(has_line(text, "# TYPE tessera_http_requests_total counter"));
  EXPECT_TRUE(has_line(text, R"(tessera_http_requests_total{route="/login",method="POST",status="200"} 2)"));
  EXPECT_TRUE(has_line(text, R"(tessera_http_requests_total{route="/login",method="POST",status="401"} 1)"));
  EXPECT_TRUE(has_line(text, R"(tessera_http_requests_total{route="/login",method="other",status="405"} 1)"));
  EXPECT_TRUE(has_line(text, R"(tessera_http_requests_total{route="other",method="GET",status="404"} 1)"));
  // Series never observed are left out.
  EXPECT_EQ(text.find(R"(status="500")"), std::string::npos);
}

TEST(ServerMetrics, HistogramIsCumulativeWithInfSumAndCount) {
  Metrics m({"/session"});
  m.observe(0, "GET", 200, 0.0004);  // le 0.0005
  m.observe(0, "GET", 200, 0.003);   // le 0.005
  m.observe(0, "GET", 200, 0.3);     // le 0.5
  m.observe(0, "GET", 200, 7.0);     // only +Inf
  const std::string text = m.exposition();
  EXPECT_TRUE(has_line(text, "# TYPE tessera_http_request_duration_seconds histogram"));
  const std::string b = R"(tessera_http_request_duration_seconds_bucket{route="/session",le=")";
  EXPECT_TRUE(has_line(text, b + R"(0.0005"} 1)"));
  EXPECT_TRUE(has_line(text, b + R"(0.001"} 1)"));
  EXPECT_TRUE(has_line(text, b + R"(0.0025"} 1)"));
  EXPECT_TRUE(has_line(text, b + R"(0.005"} 2)"));
  EXPECT_TRUE(has_line(text, b + R"(0.25"} 2)"));
  EXPECT_TRUE(has_line(text, b + R"(0.5"} 3)"));
  EXPECT_TRUE(has_line(text, b + R"(2.5"} 3)"));
  EXPECT_TRUE(has_line(text, b + R"(+Inf"} 4)"));
  EXPECT_TRUE(has_line(text, R"(tessera_http_request_duration_seconds_count{route="/session"} 4)"));
  bool sum_found = false;
  for (const auto& l : lines(text)) {
    const std::string prefix = R"(tessera_http_request_duration_seconds_sum{route="/session"} )";
    if (l.rfind(prefix, 0) == 0) {
      sum_found = true;
      EXPECT_NEAR(std::stod(l.substr(prefix.size())), 7.3034, 1e-6);
    }
  }
  EXPECT_TRUE(sum_found);
  // Buckets come in increasing order of le, 12 finite ones and +Inf.
  int buckets = 0;
  for (const auto& l : lines(text))
    if (l.rfind(b, 0) == 0) ++buckets;
  EXPECT_EQ(buckets, 13);
}

TEST(ServerMetrics, CountersAndGaugeAlwaysPresent) {
  Metrics m({});
  m.add(Counter::sessions_created);
  m.add(Counter::sessions_revoked, 3);
  m.connection_opened();
  m.connection_opened();
  m.connection_closed();
  const std::string text = m.exposition();
  EXPECT_TRUE(has_line(text, "# TYPE tessera_http_connections gauge"));
  EXPECT_TRUE(has_line(text, "tessera_http_connections 1"));
  EXPECT_TRUE(has_line(text, "tessera_sessions_created_total 1"));
  EXPECT_TRUE(has_line(text, "tessera_sessions_validated_total 0"));
  EXPECT_TRUE(has_line(text, "tessera_sessions_revoked_total 3"));
  EXPECT_TRUE(has_line(text, "tessera_logins_failed_total 0"));
  EXPECT_TRUE(has_line(text, "tessera_logins_throttled_total 0"));
  EXPECT_TRUE(has_line(text, "tessera_store_errors_total 0"));
  for (const char* name : {"tessera_sessions_created_total", "tessera_sessions_validated_total",
                           "tessera_sessions_revoked_total", "tessera_logins_failed_total",
                           "tessera_logins_throttled_total", "tessera_store_errors_total"}) {
    EXPECT_TRUE(has_line(text, std::string("# TYPE ") + name + " counter")) << name;
  }
}

TEST(ServerMetrics, OAuthSeriesAreBoundedAndAlwaysPresent) {
  Metrics m({});
  m.token_issued("authorization_code", "jwt");
  m.token_issued("refresh_token", "paseto");
  m.token_issued("refresh_token", "paseto");
  m.token_issued("password", "saml");  // not a label value: counted as other/other
  m.introspection(true);
  m.introspection(false);
  m.introspection(false);
  m.add(Counter::oauth_refresh_reuse);
  m.add(Counter::oauth_code_reuse, 2);
  m.add(Counter::oauth_revocations, 3);
  EXPECT_EQ(m.tokens_issued("refresh_token", "paseto"), 2u);
  EXPECT_EQ(m.tokens_issued("other", "other"), 1u);
  const std::string text = m.exposition();
  EXPECT_TRUE(has_line(text, "# TYPE tessera_oauth_tokens_issued_total counter"));
  EXPECT_TRUE(has_line(text, R"(tessera_oauth_tokens_issued_total{grant="authorization_code",format="jwt"} 1)"));
  EXPECT_TRUE(has_line(text, R"(tessera_oauth_tokens_issued_total{grant="refresh_token",format="paseto"} 2)"));
  EXPECT_TRUE(has_line(text, R"(tessera_oauth_tokens_issued_total{grant="client_credentials",format="opaque"} 0)"));
  EXPECT_TRUE(has_line(text, R"(tessera_oauth_tokens_issued_total{grant="other",format="other"} 1)"));
  EXPECT_EQ(text.find("grant=\"password\""), std::string::npos);
  EXPECT_EQ(text.find("saml"), std::string::npos);
  EXPECT_TRUE(has_line(text, R"(tessera_oauth_introspections_total{result="active"} 1)"));
  EXPECT_TRUE(has_line(text, R"(tessera_oauth_introspections_total{result="inactive"} 2)"));
  EXPECT_TRUE(has_line(text, "tessera_oauth_refresh_reuse_total 1"));
  EXPECT_TRUE(has_line(text, "tessera_oauth_code_reuse_total 2"));
  EXPECT_TRUE(has_line(text, "tessera_oauth_revocations_total 3"));
}

// Text format 0.0.4: every line is a comment (# HELP / # TYPE) or `name{labels} value`, the
// text ends with a newline, and each metric family has exactly one TYPE line.
TEST(ServerMetrics, ExpositionIsWellFormed) {
  Metrics m({"/login", "/a\"b\\c"});
  m.observe(0, "POST", 200, 0.01);
  m.observe(1, "GET", 200, 0.01);
  const std::string text = m.exposition();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  std::vector<std::string> types;
  for (const auto& l : lines(text)) {
    ASSERT_FALSE(l.empty());
    if (l[0] == '#') {
      EXPECT_TRUE(l.rfind("# HELP ", 0) == 0 || l.rfind("# TYPE ", 0) == 0) << l;
      if (l.rfind("# TYPE ", 0) == 0) {
        const std::string family = l.substr(7, l.find(' ', 7) - 7);
        EXPECT_EQ(std::count(types.begin(), types.end(), family), 0) << family;
        types.push_back(family);
      }
      continue;
    }
    const auto space = l.rfind(' ');
    ASSERT_NE(space, std::string::npos) << l;
    const std::string value = l.substr(space + 1);
    EXPECT_NO_THROW((void)std::stod(value)) << l;
    const std::string name = l.substr(0, std::min(l.find('{'), space));
    for (char c : name) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '_') << l;
  }
  // Label values are escaped.
  EXPECT_NE(text.find(R"(route="/a\"b\\c")"), std::string::npos);
}

TEST(ServerLog, OneJsonObjectPerLineWithFixedLeadingKeys) {
  boost::json::object f{{"method", "GET"}, {"status", 200}};
  const std::string line = Logger::format(LogLevel::info, "request", f);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto v = boost::json::parse(line).as_object();
  auto it = v.begin();
  EXPECT_EQ(it++->key(), "ts");
  EXPECT_EQ(it++->key(), "level");
  EXPECT_EQ(it++->key(), "msg");
  EXPECT_EQ(v["level"], "info");
  EXPECT_EQ(v["msg"], "request");
  EXPECT_EQ(v["status"], 200);
  const std::string ts(v["ts"].as_string());
  ASSERT_EQ(ts.size(), 24u);  // 2026-11-23T13:20:01.123Z
  EXPECT_EQ(ts[10], 'T');
  EXPECT_EQ(ts.back(), 'Z');
}

TEST(ServerLog, EscapesKeysValuesAndMessage) {
  const std::string odd_key = "k\"e\\y\n\x01\xc3\xa9";
  const std::string odd_value = "quote \" backslash \\ tab \t nul-ish \x01\x1f newline \n caf\xc3\xa9 \xe6\xbc\xa2 \xf0\x9f\x98\x80";
  boost::json::object f;
  f[odd_key] = odd_value;
  f["plain"] = "x";
  f["n"] = -12;
  f["d"] = 1.5;
  f["b"] = true;
  f["null"] = nullptr;
  f["nested"] = boost::json::object{{"a\"", boost::json::array{1, "two\\"}}};
  const std::string msg = "m\"s\\g\r\n\xe2\x82\xac";
  const std::string line = Logger::format(LogLevel::warn, msg, f);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  boost::json::error_code ec;
  auto v = boost::json::parse(line, ec);
  ASSERT_FALSE(ec) << line;
  const auto& o = v.as_object();
  EXPECT_EQ(o.size(), 3 + f.size());
  auto it = o.begin();
  EXPECT_EQ(it++->key(), "ts");
  EXPECT_EQ(it++->key(), "level");
  EXPECT_EQ(it++->key(), "msg");
  EXPECT_EQ(o.at("level"), "warn");
  EXPECT_EQ(o.at("msg").as_string(), msg);
  // The fields follow, in their order and unchanged.
  for (const auto& field : f) {
    ASSERT_NE(it, o.end());
    EXPECT_EQ(it->key(), field.key());
    EXPECT_EQ(it->value(), field.value()) << field.key();
    ++it;
  }
  EXPECT_EQ(o.at(odd_key).as_string(), odd_value);
}

TEST(ServerLog, ReservedKeysAreSkipped) {
  boost::json::object f{{"ts", "forged"}, {"method", "GET"}, {"level", "error"}, {"msg", "forged"}, {"status", 200}};
  const std::string line = Logger::format(LogLevel::info, "request", f);
  auto o = boost::json::parse(line).as_object();
  EXPECT_EQ(o.size(), 5u);
  EXPECT_NE(o["ts"], "forged");
  EXPECT_EQ(o["level"], "info");
  EXPECT_EQ(o["msg"], "request");
  EXPECT_EQ(o["method"], "GET");
  EXPECT_EQ(o["status"], 200);
  // Each key appears once in the text, too (the parser keeps the last of duplicates).
  EXPECT_EQ(line.find("forged"), std::string::npos) << line;
}

TEST(ServerLog, TimestampFormat) {
  for (int i = 0; i < 3; ++i) {
    const std::string ts = utc_timestamp();
    ASSERT_EQ(ts.size(), 24u) << ts;
    for (std::size_t k : {4u, 7u}) EXPECT_EQ(ts[k], '-') << ts;
    EXPECT_EQ(ts[10], 'T') << ts;
    for (std::size_t k : {13u, 16u}) EXPECT_EQ(ts[k], ':') << ts;
    EXPECT_EQ(ts[19], '.') << ts;
    EXPECT_EQ(ts[23], 'Z') << ts;
    for (std::size_t k : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u, 11u, 12u, 14u, 15u, 17u, 18u, 20u, 21u, 22u})
      EXPECT_TRUE(std::isdigit(static_cast<unsigned char>(ts[k]))) << ts;
  }
}

// A pipe whose read end is drained by the test: lines as they arrive, waiting at most a
// generous bound (only so a broken logger fails instead of hanging).
class LogPipe {
 public:
  LogPipe() {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe");
    r_ = fds[0];
    w_ = fds[1];
  }
  ~LogPipe() {
    close_write();
    if (r_ >= 0) ::close(r_);
  }
  int write_fd() const { return w_; }
  void close_write() {
    if (w_ >= 0) ::close(w_);
    w_ = -1;
  }
  // Whether bytes can be read right now (no waiting).
  bool readable_now() {
    pollfd p{r_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
  }
  // Reads until n whole lines have arrived (or EOF, or the bound); returns the whole lines.
  std::vector<std::string> read_lines(std::size_t n, std::chrono::seconds bound = std::chrono::seconds(30)) {
    const auto deadline = std::chrono::steady_clock::now() + bound;
    while (count_lines() < n) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{r_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[65536];
      const ssize_t got = ::read(r_, buf, sizeof buf);
      if (got == 0) break;  // EOF
      if (got > 0) text_.append(buf, static_cast<std::size_t>(got));
    }
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t nl; (nl = text_.find('\n', start)) != std::string::npos; start = nl + 1)
      out.push_back(text_.substr(start, nl - start));
    return out;
  }
  const std::string& text() const { return text_; }

 private:
  std::size_t count_lines() const { return static_cast<std::size_t>(std::count(text_.begin(), text_.end(), '\n')); }
  int r_ = -1;
  int w_ = -1;
  std::string text_;
};

constexpr std::chrono::milliseconds kNever{std::chrono::hours(24)};

TEST(ServerLog, UnbufferedLinesArriveAtOnce) {
  LogPipe pipe;
  Logger log(LogLevel::info, pipe.write_fd());
  log.log(LogLevel::info, "one", boost::json::object{{"i", 1}});
  auto got = pipe.read_lines(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(boost::json::parse(got[0]).at("msg"), "one");
}

TEST(ServerLog, BufferedInfoWaitsForFlush) {
  LogPipe pipe;
  Logger log(LogLevel::info, pipe.write_fd(), kNever);
  for (int i = 0; i < 5; ++i) log.log(LogLevel::info, "request", boost::json::object{{"i", i}});
  log.log(LogLevel::debug, "below the level");
  EXPECT_FALSE(pipe.readable_now()) << pipe.text();
  log.flush();
  auto got = pipe.read_lines(5);
  ASSERT_EQ(got.size(), 5u) << pipe.text();
  for (int i = 0; i < 5; ++i) {
    auto o = boost::json::parse(got[static_cast<std::size_t>(i)]).as_object();
    EXPECT_EQ(o["msg"], "request");
    EXPECT_EQ(o["i"], i);
  }
  log.flush();  // nothing pending: nothing written
  EXPECT_FALSE(pipe.readable_now()) << pipe.text();
}

TEST(ServerLog, BufferedInfoArrivesAfterTheInterval) {
  LogPipe pipe;
  Logger log(LogLevel::info, pipe.write_fd(), std::chrono::milliseconds(20));
  log.log(LogLevel::info, "a");
  log.log(LogLevel::info, "b");
  auto got = pipe.read_lines(2);  // no flush(): the background thread writes them
  ASSERT_EQ(got.size(), 2u) << pipe.text();
  EXPECT_EQ(boost::json::parse(got[0]).at("msg"), "a");
  EXPECT_EQ(boost::json::parse(got[1]).at("msg"), "b");
}

TEST(ServerLog, WarnGoesOutAtOnceAfterThePendingLines) {
  LogPipe pipe;
  Logger log(LogLevel::info, pipe.write_fd(), kNever);
  log.log(LogLevel::info, "first");
  log.log(LogLevel::info, "second");
  EXPECT_FALSE(pipe.readable_now());
  log.log(LogLevel::warn, "trouble", boost::json::object{{"detail", "x"}});
  auto got = pipe.read_lines(3);  // no flush()
  ASSERT_EQ(got.size(), 3u) << pipe.text();
  EXPECT_EQ(boost::json::parse(got[0]).at("msg"), "first");
  EXPECT_EQ(boost::json::parse(got[1]).at("msg"), "second");
  EXPECT_EQ(boost::json::parse(got[2]).at("msg"), "trouble");
  EXPECT_EQ(boost::json::parse(got[2]).at("level"), "warn");
}

TEST(ServerLog, DestructorFlushes) {
  LogPipe pipe;
  {
    Logger log(LogLevel::info, pipe.write_fd(), kNever);
    log.log(LogLevel::info, "stopped");
    EXPECT_FALSE(pipe.readable_now());
  }
  auto got = pipe.read_lines(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(boost::json::parse(got[0]).at("msg"), "stopped");
}

TEST(ServerLog, ManyThreadsWholeLinesNoneLost) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 2500;
  LogPipe pipe;
  std::vector<std::string> got;
  // The reader drains the pipe while the threads log (a full pipe would block the writers).
  std::thread reader([&] { got = pipe.read_lines(kThreads * kPerThread, std::chrono::seconds(120)); });
  {
    Logger log(LogLevel::info, pipe.write_fd(), std::chrono::milliseconds(5));
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t)
      threads.emplace_back([&log, t] {
        for (int i = 0; i < kPerThread; ++i) {
          // Some warn lines among the info lines, and a padded field so lines vary in size.
          const LogLevel level = i % 97 == 0 ? LogLevel::warn : LogLevel::info;
          log.log(level, "request",
                  boost::json::object{{"thread", t}, {"i", i}, {"pad", std::string(static_cast<std::size_t>(i % 300), 'x')}});
        }
      });
    for (auto& th : threads) th.join();
  }  // the destructor writes what is left
  pipe.close_write();
  reader.join();
  ASSERT_EQ(got.size(), static_cast<std::size_t>(kThreads * kPerThread));
  std::vector<int> next(kThreads, 0);
  for (const auto& line : got) {
    boost::json::error_code ec;
    auto v = boost::json::parse(line, ec);
    ASSERT_FALSE(ec) << line;
    ASSERT_TRUE(v.is_object()) << line;
    const auto& o = v.as_object();
    EXPECT_EQ(o.at("msg"), "request");
    const auto t = static_cast<std::size_t>(o.at("thread").as_int64());
    ASSERT_LT(t, next.size());
    // Each thread's lines arrive in the order it logged them.
    EXPECT_EQ(o.at("i").as_int64(), next[t]) << line;
    next[t] = static_cast<int>(o.at("i").as_int64()) + 1;
  }
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(next[static_cast<std::size_t>(t)], kPerThread);
}

TEST(ServerLog, Levels) {
  EXPECT_EQ(parse_log_level("debug"), LogLevel::debug);
  EXPECT_EQ(parse_log_level("off"), LogLevel::off);
  EXPECT_FALSE(parse_log_level("verbose"));
  Logger warn(LogLevel::warn);
  EXPECT_FALSE(warn.enabled(LogLevel::info));
  EXPECT_TRUE(warn.enabled(LogLevel::error));
  Logger off(LogLevel::off);
  EXPECT_FALSE(off.enabled(LogLevel::error));
}

}  // namespace
}  // namespace tessera::server
