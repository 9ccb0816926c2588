// Metrics (server/metrics.hpp): bounded labels and the Prometheus text exposition 0.0.4.
#include "server/metrics.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include <algorithm>
#include <cctype>

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
