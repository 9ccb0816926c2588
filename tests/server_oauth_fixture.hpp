// Tests: the App of `tessera serve` with a real AuthorizationServer on memory stores, as
// server_oauth_test.cpp and server_oauth_authorize_test.cpp drive it in process: three clients
// (a first-party app, a third-party one, a client_credentials service), users alice and bob,
// a fixed clock, a log file to read back, a memory revocation log and its feed, helpers for forms, Basic credentials, logins, codes and
// token requests.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include "server/app.hpp"
#include "server/app_context.hpp"
#include "server/keys_dir.hpp"
#include "server/oauth_observer.hpp"
#include "server/oauth_request.hpp"
#include "server/revocation_feed.hpp"
#include "store/revocation_logs.hpp"
#include "store/stores.hpp"
#include "tessera/authorization_server.hpp"
#include "server_test_keys.hpp"
#include "tessera/oauth_store.hpp"

namespace tessera::server::oauth_test {

namespace json = boost::json;

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::string_view kPw = "correct horse battery";
constexpr std::string_view kIssuer = "http://localhost:8080";
constexpr std::string_view kRedirect = "https://app.example/cb";
constexpr std::string_view kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";  // RFC 7636 Appendix B
constexpr std::string_view kPageCspExpected =
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'";

inline std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    for (int s : {18, 12, 6, 0}) out += kAlphabet[(v >> s) & 63];
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    for (int s : {18, 12, 6}) out += kAlphabet[(v >> s) & 63];
    out += '=';
  }
  return out;
}

inline std::string basic(std::string_view id, std::string_view secret) {
  return "Basic " + base64(percent_encode(id) + ":" + percent_encode(secret));
}

inline std::string form(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += percent_encode(k) + "=" + percent_encode(v);
  }
  return out;
}

inline const DataDir& keys() { return testing::server_test_keys(); }

// The AuthorizationServer's KeySetFetcher: serves `jwks` and records the thread it ran on.
class RecordingFetcher final : public KeySetFetcher {
 public:
  Result<FetchedKeySet> fetch(std::string_view) override {
    thread = std::this_thread::get_id();
    return FetchedKeySet{jwks, 3600};
  }
  std::string jwks = R"({"keys":[]})";
  std::atomic<std::thread::id> thread{};
};

class Fixture : public ::testing::Test {
 protected:
  Fixture() {
    EXPECT_TRUE(auth_.add_user("alice", kPw));
    EXPECT_TRUE(auth_.add_user("bob", kPw));
    ClientSettings app;
    app.name = "first party";
    app.first_party = true;
    app.redirect_uris = {std::string(kRedirect)};
    app.audiences = {"https://api.example"};
    app_ = oauth_.add_client(app).value();
    ClientSettings third = app;
    third.name = "Third <b>Party</b>";
    third.first_party = false;
    third_ = oauth_.add_client(third).value();
    ClientSettings svc;
    svc.name = "batch";
    svc.grants = {"client_credentials"};
    svc.scopes = {"reports"};
    svc_ = oauth_.add_client(svc).value();
  }
  ~Fixture() override { std::filesystem::remove(log_path_); }

  static AuthOptions fast(RevocationLog* revocations = nullptr) {
    AuthOptions ao;
    ao.password = PasswordParams{1, 8u * 1024u * 1024u};
    ao.revocations = revocations;
    return ao;
  }
  static std::string secret_of(const NewClient& c) {
    const auto b = c.secret->reveal(SecretAccess{});
    return std::string(b.begin(), b.end());
  }

  Incoming request(http::verb method, std::string_view target, std::string_view body = {},
                   std::string_view content_type = "application/x-www-form-urlencoded") {
    Incoming in;
    in.msg.method(method);
    in.msg.target(target);
    in.msg.version(11);
    in.msg.set(http::field::host, "localhost:8080");
    if (!body.empty()) {
      in.msg.set(http::field::content_type, content_type);
      in.msg.body() = std::string(body);
    }
    in.msg.prepare_payload();
    in.peer_ip = "127.0.0.1";
    return in;
  }
  Response send(Incoming in) {
    asio::io_context ioc;
    auto f = asio::co_spawn(ioc, app_server_.handle(in), asio::use_future);
    ioc.run();
    return f.get();
  }
  // A session cookie and CSRF token for user.
  std::pair<std::string, std::string> login(std::string_view user = "alice") {
    const Response r = send(request(http::verb::post, "/login",
                                    R"({"username":")" + std::string(user) + R"(","password":"correct horse battery"})",
                                    "application/json"));
    EXPECT_EQ(r.result(), http::status::ok) << r.body();
    const std::string set(r[http::field::set_cookie]);
    return {set.substr(set.find('=') + 1, set.find(';') - set.find('=') - 1),
            std::string(json::parse(r.body()).at("csrf_token").as_string())};
  }
  std::string authorize_query(const NewClient& c, std::string_view extra = {}) {
    return "/oauth2/authorize?" +
           form({{"response_type", "code"},
                 {"client_id", c.client.client_id},
                 {"redirect_uri", kRedirect},
                 {"scope", "openid profile offline_access"},
                 {"state", "st4te"},
                 {"code_challenge", kChallenge},
                 {"code_challenge_method", "S256"}}) +
           std::string(extra);
  }
  Response authorize(std::string_view target, std::string_view cookie) {
    Incoming in = request(http::verb::get, target);
    if (!cookie.empty()) in.msg.set(http::field::cookie, "__Host-tessera=" + std::string(cookie));
    return send(std::move(in));
  }
  // The code from a first-party authorization (no consent).
  std::string code(std::string_view cookie) {
    const Response r = authorize(authorize_query(app_), cookie);
    EXPECT_EQ(r.result(), http::status::found) << r.body();
    const std::string loc(r[http::field::location]);
    const auto at = loc.find("code=");
    EXPECT_NE(at, std::string::npos) << loc;
    return loc.substr(at + 5, loc.find('&', at) - at - 5);
  }
  Response token(std::string body, std::string_view authorization = {}) {
    Incoming in = request(http::verb::post, "/oauth2/token", body);
    if (!authorization.empty()) in.msg.set(http::field::authorization, authorization);
    return send(std::move(in));
  }
  json::object exchange(std::string_view cookie) {
    const Response r = token(form({{"grant_type", "authorization_code"},
                                   {"code", code(cookie)},
                                   {"redirect_uri", kRedirect},
                                   {"code_verifier", kVerifier}}),
                             basic(app_.client.client_id, secret_of(app_)));
    EXPECT_EQ(r.result(), http::status::ok) << r.body();
    return json::parse(r.body()).as_object();
  }
  static std::string error_of(const Response& r) {
    return std::string(json::parse(r.body()).at("error").as_string());
  }
  std::string log_text() {
    std::ifstream in(log_path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  FixedClock clock_{kNow};
  // The revocation feed's log (both services announce on it) and its fan-out, whose pump only
  // the feed's tests start (server_revocation_feed_test.cpp).
  std::unique_ptr<RevocationLog> revocations_ = store::make_memory_revocation_log(3600);
  std::unique_ptr<AccountStore> accounts_ = store::combine(store::make_memory_halves());
  SessionManager sessions_ = SessionManager::create(accounts_->sessions(), SessionOptions{}, &clock_).value();
  AuthService auth_ = AuthService::create(sessions_, *accounts_, fast(revocations_.get()), &clock_).value();
  std::unique_ptr<OAuthStore> oauth_store_ = open_oauth_store("memory:").value();
  std::string log_path_ = [] {
    char path[] = "/tmp/tessera-oauth-log-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd >= 0) ::close(fd);
    return std::string(path);
  }();
  int log_fd_ = ::open(log_path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  Logger log_{LogLevel::debug, log_fd_};
  RevocationFeed feed_{*revocations_, log_};
  Metrics metrics_{route_patterns()};
  RecordingFetcher jwks_fetcher_;
  AuthorizationServer oauth_ =
      AuthorizationServer::create(*oauth_store_, accounts_->users(), keys().signing_keys, keys().oauth_key,
                                  OAuthOptions{.issuer = std::string(kIssuer),
                                               .key_set_fetcher = &jwks_fetcher_,
                                               .revocations = revocations_.get()},
                                  &clock_, oauth_observer(log_, metrics_))
          .value();
  NewClient app_, third_, svc_;
  ServerConfig cfg_;
  asio::thread_pool password_pool_{1};
  App app_server_{AppContext{.cfg = cfg_,
                             .auth = auth_,
                             .oauth = oauth_,
                             .log = log_,
                             .metrics = metrics_,
                             .clock = clock_,
                             .password_pool = password_pool_,
                             .feed = &feed_}};
};

}  // namespace tessera::server::oauth_test
