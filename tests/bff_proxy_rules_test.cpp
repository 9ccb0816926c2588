// The BFF proxy's rules (tessera/bff_proxy_rules.hpp): the CSRF rule, the headers that cross
// the proxy each way, the upstream URL and when to refresh.
#include <gtest/gtest.h>

#include "tessera/bff_proxy_rules.hpp"

namespace tessera::bff {
namespace {

TEST(BffProxyRules, CsrfHeaderIsRequiredExactly) {
  EXPECT_TRUE(check_api_request("1", std::nullopt));
  EXPECT_TRUE(check_api_request("1", "same-origin"));
  for (auto bad : {std::optional<std::string_view>{}, std::optional<std::string_view>{""},
                   std::optional<std::string_view>{"0"}, std::optional<std::string_view>{"true"},
                   std::optional<std::string_view>{"1 "}}) {
    auto r = check_api_request(bad, "same-origin");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::csrf_failed);
    EXPECT_NE(r.error().message.find("X-CSRF"), std::string::npos);
  }
}

TEST(BffProxyRules, FetchMetadataMustBeSameOriginWhenPresent) {
  for (auto site : {"cross-site", "same-site", "none", "", "Same-Origin"}) {
    auto r = check_api_request("1", site);
    ASSERT_FALSE(r) << site;
    EXPECT_EQ(r.error().code, Errc::csrf_failed);
    EXPECT_NE(r.error().message.find("Sec-Fetch-Site"), std::string::npos);
  }
}

TEST(BffProxyRules, RequestHeadersNeverCarryCookieAuthOrHopByHop) {
  for (auto name : {"Cookie", "cookie", "Authorization", "Host", "Connection", "Keep-Alive", "TE", "Trailer",
                    "Transfer-Encoding", "Upgrade", "Proxy-Authorization", "proxy-connection"}) {
    EXPECT_FALSE(forward_request_header(name, "")) << name;
  }
  // A header the Connection header names is hop-by-hop too.
  EXPECT_FALSE(forward_request_header("X-Secret-Hop", "keep-alive, X-Secret-Hop"));
  EXPECT_FALSE(forward_request_header("x-secret-hop", "X-Secret-Hop"));
  for (auto name : {"Accept", "Content-Type", "X-CSRF", "X-Request-Id", "If-None-Match"}) {
    EXPECT_TRUE(forward_request_header(name, "keep-alive")) << name;
  }
}

TEST(BffProxyRules, ResponseHeadersNeverSetCookiesOrHopByHop) {
  EXPECT_FALSE(forward_response_header("Set-Cookie", ""));
  EXPECT_FALSE(forward_response_header("Transfer-Encoding", ""));
  EXPECT_FALSE(forward_response_header("Proxy-Authenticate", ""));
  EXPECT_FALSE(forward_response_header("X-Hop", "X-Hop"));
  EXPECT_TRUE(forward_response_header("Content-Type", ""));
  EXPECT_TRUE(forward_response_header("ETag", ""));
  EXPECT_TRUE(forward_response_header("WWW-Authenticate", ""));
}

TEST(BffProxyRules, UpstreamUrlStaysUnderTheUpstreamPath) {
  EXPECT_EQ(*upstream_url("http://127.0.0.1:9000/api", ""), "http://127.0.0.1:9000/api");
  EXPECT_EQ(*upstream_url("http://127.0.0.1:9000/api", "/notes/1?x=a/../b"), "http://127.0.0.1:9000/api/notes/1?x=a/../b");
  EXPECT_EQ(*upstream_url("http://127.0.0.1:9000/api", "?q=1"), "http://127.0.0.1:9000/api?q=1");
  EXPECT_EQ(*upstream_url("http://h", "/a..b/.c"), "http://h/a..b/.c");
  for (auto bad : {"notes", "/../admin", "/a/..", "/./a", "/%2e%2e/admin", "/%2E./x", "/a\\..\\b", "@evil.example/"}) {
    auto r = upstream_url("http://127.0.0.1:9000/api", bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid_request) << bad;
  }
}

TEST(BffProxyRules, RefreshShortlyBeforeExpiry) {
  EXPECT_FALSE(needs_refresh(1000, 900));
  EXPECT_FALSE(needs_refresh(1000, 969));
  EXPECT_TRUE(needs_refresh(1000, 970));   // within the 30 s leeway
  EXPECT_TRUE(needs_refresh(1000, 1000));
  EXPECT_TRUE(needs_refresh(1000, 5000));  // expired
  EXPECT_TRUE(needs_refresh(1000, 995, 5));
  EXPECT_FALSE(needs_refresh(1000, 994, 5));
}

}  // namespace
}  // namespace tessera::bff
