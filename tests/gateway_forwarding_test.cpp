// The gateway's pure rules (gateway/forwarding.hpp, gateway/upstream.hpp's URL parsing,
// gateway/config.hpp's file loading): what is stripped from and added to a forwarded request,
// what is dropped from the response, which upstream URLs are refused, which config files.
#include <fstream>
#include <string>

#include <unistd.h>

#include <gtest/gtest.h>

#include "gateway/config.hpp"
#include "gateway/forwarding.hpp"
#include "gateway/upstream.hpp"

namespace tessera::gateway {
namespace {

namespace http = boost::beast::http;

Principal principal() {
  Principal p;
  p.subject = "alice";
  p.client_id = "app";
  p.scopes = {"read", "write"};
  return p;
}

TEST(GatewayForwarding, StripsCredentialsClientTesseraFieldsAndHopByHop) {
  server::Request req{http::verb::post, "/a?b=c", 11};
  req.set(http::field::host, "api.example");
  req.set(http::field::authorization, "Bearer t");
  req.set("DPoP", "proof");
  req.set("X-Tessera-Subject", "forged");
  req.insert("x-tessera-scope", "admin");
  req.set("X-TESSERA-anything", "x");
  req.set(http::field::connection, "keep-alive, X-Private");
  req.set("X-Private", "1");
  req.set(http::field::keep_alive, "timeout=5");
  req.set(http::field::te, "trailers");
  req.set(http::field::upgrade, "websocket");
  req.set(http::field::proxy_authorization, "Basic x");
  req.set("X-Kept", "yes");
  req.body() = "body";
  prepare_upstream_request(req, principal(), ForwardInfo{"10.0.0.1", true, "rid", ""});
  for (std::string_view gone : {"Authorization", "DPoP", "X-Private", "Keep-Alive", "TE", "Upgrade",
                                "Proxy-Authorization", "X-TESSERA-anything"})
    EXPECT_EQ(req.count(gone), 0u) << gone;
  EXPECT_EQ(req["X-Tessera-Subject"], "alice");
  EXPECT_EQ(req.count("X-Tessera-Subject"), 1u);
  EXPECT_EQ(req["X-Tessera-Client"], "app");
  EXPECT_EQ(req["X-Tessera-Scope"], "read write");
  EXPECT_EQ(req.count("X-Tessera-Scope"), 1u);
  EXPECT_EQ(req["X-Tessera-Request-Id"], "rid");
  EXPECT_EQ(req["X-Forwarded-For"], "10.0.0.1");
  EXPECT_EQ(req["X-Forwarded-Proto"], "https");
  EXPECT_EQ(req["X-Kept"], "yes");
  EXPECT_EQ(req[http::field::host], "api.example");
  EXPECT_EQ(req.target(), "/a?b=c");
  EXPECT_EQ(req[http::field::content_length], "4");
  EXPECT_TRUE(req.keep_alive());
}

TEST(GatewayForwarding, AppendsToForwardedListsAndPrefixesTheBasePath) {
  server::Request req{http::verb::get, "/x", 11};
  req.insert("X-Forwarded-For", "203.0.113.1");
  req.insert("X-Forwarded-For", "203.0.113.2");
  req.set("X-Forwarded-Proto", "https");
  prepare_upstream_request(req, principal(), ForwardInfo{"127.0.0.1", false, "r", "/api"});
  EXPECT_EQ(req["X-Forwarded-For"], "203.0.113.1, 203.0.113.2, 127.0.0.1");
  EXPECT_EQ(req.count("X-Forwarded-For"), 1u);
  EXPECT_EQ(req["X-Forwarded-Proto"], "https, http");
  EXPECT_EQ(req.target(), "/api/x");
}

TEST(GatewayForwarding, ResponseLosesHopByHopOnly) {
  server::Response res{http::status::created, 11};
  res.set(http::field::connection, "close, X-Hop");
  res.set("X-Hop", "1");
  res.set(http::field::transfer_encoding, "chunked");
  res.set(http::field::keep_alive, "timeout=5");
  res.set("X-Upstream", "kept");
  res.set(http::field::set_cookie, "a=b");
  prepare_client_response(res);
  for (std::string_view gone : {"Connection", "X-Hop", "Transfer-Encoding", "Keep-Alive"})
    EXPECT_EQ(res.count(gone), 0u) << gone;
  EXPECT_EQ(res["X-Upstream"], "kept");
  EXPECT_EQ(res[http::field::set_cookie], "a=b");
  EXPECT_EQ(res.result(), http::status::created);
}

TEST(GatewayForwarding, TesseraFieldNames) {
  EXPECT_TRUE(is_tessera_field("x-tessera-subject"));
  EXPECT_TRUE(is_tessera_field("X-Tessera-"));
  EXPECT_FALSE(is_tessera_field("X-Tesser"));
  EXPECT_FALSE(is_tessera_field("X-Tessera"));
}

TEST(GatewayUpstream, ParsesHttpUrlsAndRefusesTheRest) {
  auto t = resolve_upstream("http://127.0.0.1:9000/base/");
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->host, "127.0.0.1");
  EXPECT_EQ(t->port, "9000");
  EXPECT_EQ(t->base_path, "/base");
  EXPECT_FALSE(t->endpoints.empty());
  auto v6 = resolve_upstream("http://[::1]");
  ASSERT_TRUE(v6) << v6.error().message;
  EXPECT_EQ(v6->port, "80");
  EXPECT_EQ(v6->base_path, "");
  for (std::string_view bad : {"https://127.0.0.1", "127.0.0.1:80", "http://u@127.0.0.1", "http://127.0.0.1/?q",
                               "http://127.0.0.1:0", "http://127.0.0.1:99999", "http://:80", "http://[::1"}) {
    auto r = resolve_upstream(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid_argument) << bad;
  }
}

Result<void> load(const std::vector<std::string>& args, const std::string& toml, GatewayConfig& cfg) {
  // One file per process: ctest runs each test as its own process, side by side.
  const std::string path = ::testing::TempDir() + "/gateway_test_" + std::to_string(::getpid()) + ".toml";
  std::ofstream(path) << toml;
  CLI::App app;
  add_gateway_options(app, cfg);
  std::vector<std::string> argv = args;
  argv.push_back("--config");
  argv.push_back(path);
  std::reverse(argv.begin(), argv.end());
  app.parse(argv);
  return load_gateway_config(app, cfg);
}

TEST(GatewayConfigFile, FileFillsWhatNoFlagSet) {
  GatewayConfig cfg;
  auto ok = load({"--leeway", "7"},
                 "upstream = \"http://127.0.0.1:1\"\nissuer = \"https://auth.example\"\naudience = [\"a\", \"b\"]\n"
                 "scope = [\"read\"]\nleeway = 9\nrequire_dpop = true\nrequest_timeout = 3\n",
                 cfg);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(cfg.leeway, 7);  // the flag wins
  EXPECT_EQ(cfg.audiences, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(cfg.scopes, (std::vector<std::string>{"read"}));
  EXPECT_TRUE(cfg.require_dpop);
  EXPECT_EQ(cfg.http.request_timeout, std::chrono::seconds(3));
  EXPECT_EQ(cfg.http.max_body_bytes, kGatewayMaxBody);
}

TEST(GatewayConfigFile, RefusesUnknownKeysBadValuesAndMissingSettings) {
  const std::string base = "upstream = \"http://127.0.0.1:1\"\nissuer = \"https://auth.example\"\naudience = [\"a\"]\n";
  for (const std::string& bad : {base + "no_such = 1\n", base + "leeway = 301\n", base + "leeway = \"x\"\n",
                                 base + "config = \"other.toml\"\n", base + "client_id = \"gw\"\n",
                                 std::string("issuer = \"https://auth.example\"\naudience = [\"a\"]\n"),
                                 base + "[table]\nx = 1\n", base + "leeway = \n"}) {
    GatewayConfig cfg;
    auto r = load({}, bad, cfg);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace tessera::gateway
