// The BFF's HTTP client (server/bff/http_client.hpp) against an in-process plain-HTTP server on
// loopback: the request as sent (method, path, headers, body, Host), the response as received
// (any status, headers, body), bad URLs, the body limit and the deadline.
#include "server/bff/http_client.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "loopback_http_server.hpp"

namespace tessera::server::bff {
namespace {

namespace http = boost::beast::http;
using test::OneShotServer;

std::unique_ptr<HttpClient> client(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000),
                                   std::size_t max_body = 1024) {
  auto c = HttpClient::create({.ca_file = {}, .timeout = timeout, .max_body_bytes = max_body});
  EXPECT_TRUE(c) << c.error().message;
  return std::move(*c);
}

TEST(BffHttpClient, SendsTheRequestAndReturnsAnyStatus) {
  http::response<http::string_body> reply(http::status::unauthorized, 11);
  reply.set("WWW-Authenticate", "Bearer error=\"invalid_token\"");
  reply.body() = "{\"error\":\"invalid_token\"}";
  OneShotServer srv(reply);
  auto r = client()->send({.method = "POST", .url = srv.url("/api/notes?x=1"),
                           .headers = {{"Authorization", "Bearer at"}, {"Content-Type", "application/json"}},
                           .body = "{\"a\":1}"});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->status, 401u);
  EXPECT_EQ(r->body, "{\"error\":\"invalid_token\"}");
  bool www = false;
  for (const auto& [n, v] : r->headers) www = www || (n == "WWW-Authenticate" && v == "Bearer error=\"invalid_token\"");
  EXPECT_TRUE(www);
  EXPECT_EQ(srv.seen.method(), http::verb::post);
  EXPECT_EQ(srv.seen.target(), "/api/notes?x=1");
  EXPECT_EQ(srv.seen[http::field::authorization], "Bearer at");
  EXPECT_EQ(srv.seen[http::field::host], "127.0.0.1:" + std::to_string(srv.acceptor.local_endpoint().port()));
  EXPECT_EQ(srv.seen.body(), "{\"a\":1}");
}

TEST(BffHttpClient, BodyOverTheLimitIsAnError) {
  http::response<http::string_body> reply(http::status::ok, 11);
  reply.body() = std::string(2000, 'x');
  OneShotServer srv(reply);
  auto r = client(std::chrono::milliseconds(5000), 1024)->send({.method = "GET", .url = srv.url("/big"), .headers = {}, .body = {}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::io_error);
  EXPECT_FALSE(HttpClient::is_timeout(r.error()));
}

TEST(BffHttpClient, ASilentServerIsATimeout) {
  OneShotServer srv(http::response<http::string_body>{}, /*silent=*/true);
  auto r = client(std::chrono::milliseconds(300))->send({.method = "GET", .url = srv.url("/slow"), .headers = {}, .body = {}});
  ASSERT_FALSE(r);
  EXPECT_TRUE(HttpClient::is_timeout(r.error())) << r.error().message;
}

TEST(BffHttpClient, BadUrlsAndMethods) {
  auto c = client();
  for (const char* bad : {"ftp://a.example/", "not a url", "http://u:p@a.example/", "/relative"}) {
    auto r = c->send({.method = "GET", .url = bad, .headers = {}, .body = {}});
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid_argument) << bad;
  }
  auto m = c->send({.method = "BREW", .url = "http://127.0.0.1:1/", .headers = {}, .body = {}});
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, Errc::invalid_argument);
  // Nothing listens on port 1: a connect error, not a timeout.
  auto refused = c->send({.method = "GET", .url = "http://127.0.0.1:1/", .headers = {}, .body = {}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::io_error);
  EXPECT_FALSE(HttpClient::is_timeout(refused.error()));
}

}  // namespace
}  // namespace tessera::server::bff
