// libtessera's HTTP client (tessera/http_client.hpp) against an in-process plain-HTTP server on
// loopback: the request as sent (method, path, headers, body, Host), the response as received
// (any status, headers, body), bad URLs, the body limit and the deadline.
#include "tessera/http_client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <stop_token>
#include <string>
#include <thread>

#include "loopback_http_server.hpp"

namespace tessera {
namespace {

namespace http = boost::beast::http;
using test::OneShotServer;

std::unique_ptr<HttpClient> client(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000),
                                   std::size_t max_body = 1024) {
  auto c = HttpClient::create({.ca_file = {}, .timeout = timeout, .max_body_bytes = max_body});
  EXPECT_TRUE(c) << c.error().message;
  return std::move(*c);
}

TEST(NetHttpClient, SendsTheRequestAndReturnsAnyStatus) {
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

TEST(NetHttpClient, BodyOverTheLimitIsAnError) {
  http::response<http::string_body> reply(http::status::ok, 11);
  reply.body() = std::string(2000, 'x');
  OneShotServer srv(reply);
  auto r = client(std::chrono::milliseconds(5000), 1024)->send({.method = "GET", .url = srv.url("/big"), .headers = {}, .body = {}});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::io_error);
  EXPECT_FALSE(HttpClient::is_timeout(r.error()));
}

TEST(NetHttpClient, ASilentServerIsATimeout) {
  OneShotServer srv(http::response<http::string_body>{}, /*silent=*/true);
  auto r = client(std::chrono::milliseconds(300))->send({.method = "GET", .url = srv.url("/slow"), .headers = {}, .body = {}});
  ASSERT_FALSE(r);
  EXPECT_TRUE(HttpClient::is_timeout(r.error())) << r.error().message;
}

TEST(NetHttpClient, BadUrlsAndMethods) {
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

TEST(NetHttpClient, AStopRequestEndsACallAtOnce) {
  std::atomic<bool> asked{false};
  std::atomic<bool> release{false};
  test::LoopbackServer srv([&](const test::HttpRequest&) {
    asked = true;
    while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return test::HttpResponse(http::status::ok, 11);
  });
  std::stop_source stop;
  std::thread stopper([&] {
    while (!asked) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    stop.request_stop();
  });
  // A 60 s deadline: only the stop request can end the call while the server holds it.
  auto r = client(std::chrono::milliseconds(60000))->send({.method = "GET", .url = srv.url("/poll"), .headers = {}, .body = {}},
                                                          std::chrono::milliseconds(60000), 1024, stop.get_token());
  stopper.join();
  release = true;  // the server answers only now: the call ended without its answer
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("cancelled"), std::string::npos) << r.error().message;
  EXPECT_FALSE(HttpClient::is_timeout(r.error()));
}

TEST(NetHttpClient, OnlyHttpsOrLoopbackHttpIsASecureUrl) {
  for (const char* ok : {"https://issuer.example/x", "http://127.0.0.1:8080/x", "http://127.1.2.3/", "http://[::1]:9/x",
                         "http://localhost:1/"})
    EXPECT_TRUE(secure_or_loopback_url(ok)) << ok;
  for (const char* bad : {"http://issuer.example/x", "http://10.0.0.1/", "ftp://127.0.0.1/", "/relative", "http://localhost.evil.example/"})
    EXPECT_FALSE(secure_or_loopback_url(bad)) << bad;
}

}  // namespace
}  // namespace tessera
