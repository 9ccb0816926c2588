// The App of `tessera serve` in process (server/app.hpp, server/routes/, server/request.hpp,
// server/response.hpp): requests built in memory, answered by App::handle on a memory store,
// with the clock injected through AppContext. The e2e tests (e2e/) drive the real binary.
#include "server/app.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include "faulty_account_store.hpp"
#include "server/app_context.hpp"
#include "server/request.hpp"
#include "server/response.hpp"
#include "server_test_keys.hpp"
#include "store/stores.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/oauth_store.hpp"

namespace tessera::server {
namespace {

namespace json = boost::json;

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::string_view kPw = "correct horse battery";

Incoming request(http::verb method, std::string_view target, std::string_view body = {}) {
  Incoming in;
  in.msg.method(method);
  in.msg.target(target);
  in.msg.version(11);
  in.msg.set(http::field::host, "localhost:8080");
  if (!body.empty()) {
    in.msg.set(http::field::content_type, "application/json");
    in.msg.body() = std::string(body);
  }
  in.msg.prepare_payload();
  in.peer_ip = "127.0.0.1";
  return in;
}

std::string cookie_value(const Response& res) {
  const std::string set = std::string(res[http::field::set_cookie]);
  return set.substr(set.find('=') + 1, set.find(';') - set.find('=') - 1);
}

class AppTest : public ::testing::Test {
 protected:
  AppTest() { EXPECT_TRUE(auth_.add_user("alice", kPw)); }
  static AuthOptions fast() {
    AuthOptions ao;
    ao.password = PasswordParams{1, 8u * 1024u * 1024u};
    return ao;
  }

  Response send(Incoming in) {
    asio::io_context ioc;
    auto f = asio::co_spawn(ioc, app_.handle(in), asio::use_future);
    ioc.run();
    return f.get();
  }
  Response login() {
    return send(request(http::verb::post, "/login", R"({"username":"alice","password":"correct horse battery"})"));
  }
  static std::string error_of(const Response& res) { return std::string(json::parse(res.body()).at("error").as_string()); }

  FixedClock service_clock_{kNow};
  FixedClock app_clock_{kNow + 100};  // the server's "now": 100 s after the service's
  std::unique_ptr<AccountStore> inner_ = store::combine(store::make_memory_halves());
  testing::FaultyAccountStore accounts_{*inner_};
  SessionManager sessions_ = SessionManager::create(accounts_.sessions(), SessionOptions{}, &service_clock_).value();
  AuthService auth_ = AuthService::create(sessions_, accounts_, fast(), &service_clock_).value();
  ServerConfig cfg_;
  Logger log_{LogLevel::off};
  Metrics metrics_{route_patterns()};
  asio::thread_pool password_pool_{1};
  std::unique_ptr<OAuthStore> oauth_store_ = open_oauth_store("memory:").value();
  AuthorizationServer oauth_ =
      AuthorizationServer::create(*oauth_store_, accounts_.users(), testing::server_test_keys().signing_keys,
                                  testing::server_test_keys().oauth_key, OAuthOptions{.issuer = "http://localhost:8080"},
                                  &service_clock_)
          .value();
  App app_{AppContext{.cfg = cfg_,
                      .auth = auth_,
                      .oauth = oauth_,
                      .log = log_,
                      .metrics = metrics_,
                      .clock = app_clock_,
                      .password_pool = password_pool_}};
};

TEST_F(AppTest, RoutePatternsAreTheRoutersAndTheMetricsLabels) {
  const std::vector<std::string> expected = {"/login",     "/session",  "/logout",
                                             "/sessions",  "/sessions/{id}", "/sessions/revoke-others",
                                             "/logout-everywhere", "/password", "/.well-known/jwks.json",
                                             "/healthz",   "/readyz", "/.well-known/openid-configuration",
                                             "/.well-known/oauth-authorization-server", "/oauth2/authorize",
                                             "/oauth2/token", "/oauth2/introspect", "/oauth2/revoke",
                                             "/oauth2/revocations", "/userinfo", "/static/style.css",
                                             "/debugger", "/static/debugger/{file}",
                                             "/", "/account", "/account/devices/revoke", "/account/sign-out-others",
                                             "/account/sign-out-everywhere", "/account/password"};
  // The BFF's patterns are labels always, routes only with --bff-client (ctx.bff).
  auto labels = expected;
  for (const char* p : {"/bff/login", "/bff/callback", "/bff/user", "/bff/logout", "/bff/api/{name}/{rest...}",
                        "/bff/app", "/static/bff/{file}"})
    labels.emplace_back(p);
  EXPECT_EQ(route_patterns(), labels);
  EXPECT_EQ(app_.router().patterns(), expected);
}

TEST_F(AppTest, BffRoutesAreAbsentWithoutBffClient) {
  for (const char* path : {"/bff/login", "/bff/user", "/bff/api/notes/x"}) {
    const Response res = send(request(http::verb::get, path));
    EXPECT_EQ(res.result(), http::status::not_found) << path;
  }
}

TEST_F(AppTest, SessionCookieLifetimeComesFromTheInjectedClock) {
  const Response res = login();
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  // absolute expiry (service clock + 12 h) minus the App's now (100 s later).
  const std::string set = std::string(res[http::field::set_cookie]);
  EXPECT_NE(set.find("; Max-Age=" + std::to_string(SessionOptions{}.absolute_timeout - 100)), std::string::npos) << set;
  EXPECT_EQ(metrics_.counter(Counter::sessions_created), 1u);
}

TEST_F(AppTest, StateChangingRoutesNeedTheCsrfTokenAndTheSameOrigin) {
  const Response l = login();
  ASSERT_EQ(l.result(), http::status::ok);
  const std::string id = cookie_value(l);
  const std::string token(json::parse(l.body()).at("csrf_token").as_string());
  auto logout = [&](std::string_view csrf, std::string_view origin) {
    Incoming in = request(http::verb::post, "/logout");
    in.msg.set(http::field::cookie, "__Host-tessera=" + id);
    if (!csrf.empty()) in.msg.set("X-CSRF-Token", csrf);
    if (!origin.empty()) in.msg.set(http::field::origin, origin);
    return send(std::move(in));
  };
  Response r = logout("", "");
  EXPECT_EQ(r.result(), http::status::forbidden);
  EXPECT_EQ(error_of(r), "csrf_failed");
  r = logout("wrong", "");
  EXPECT_EQ(error_of(r), "csrf_failed");
  r = logout(token, "https://evil.example");
  EXPECT_EQ(error_of(r), "csrf_failed");
  // GET /session hands out the same token; with it (same origin) the logout goes through.
  Incoming get = request(http::verb::get, "/session");
  get.msg.set(http::field::cookie, "__Host-tessera=" + id);
  const Response s = send(std::move(get));
  ASSERT_EQ(s.result(), http::status::ok) << s.body();
  EXPECT_EQ(json::parse(s.body()).at("csrf_token").as_string(), token);
  r = logout(token, "http://localhost:8080");
  EXPECT_EQ(r.result(), http::status::no_content) << r.body();
}

TEST_F(AppTest, ReadyzAsksTheServiceWhetherTheStoreAnswers) {
  Response r = send(request(http::verb::get, "/readyz"));
  EXPECT_EQ(r.result(), http::status::ok) << r.body();
  EXPECT_EQ(accounts_.calls().back(), "ping");
  accounts_.down = true;
  r = send(request(http::verb::get, "/readyz"));
  EXPECT_EQ(r.result(), http::status::service_unavailable);
  EXPECT_EQ(error_of(r), "store_unavailable");
  accounts_.down = false;
}

TEST(Request, ClientInfoTrustsTheLastForwardedEntryOnlyBehindAProxy) {
  Incoming in = request(http::verb::get, "/session");
  in.msg.insert("X-Forwarded-For", "198.51.100.1");
  in.msg.insert("X-Forwarded-For", "192.0.2.9, ::FFFF:203.0.113.5");
  in.msg.set(http::field::user_agent, std::string(300, 'u'));
  EXPECT_EQ(client_info(in, false).ip, "127.0.0.1");
  const ClientInfo c = client_info(in, true);
  EXPECT_EQ(c.ip, "203.0.113.5");
  EXPECT_EQ(c.user_agent, std::string(256, 'u'));
  in.msg.set("X-Forwarded-For", "not an address");
  EXPECT_EQ(client_info(in, true).ip, "127.0.0.1");
}

TEST(Request, HeadersMediaTypeAndCookies) {
  EXPECT_EQ(media_type(" Application/JSON ; charset=utf-8"), "application/json");
  EXPECT_EQ(media_type(""), "");
  Incoming in = request(http::verb::get, "/session");
  EXPECT_EQ(header(in.msg, http::field::host), "localhost:8080");
  EXPECT_EQ(header(in.msg, "X-Missing"), std::nullopt);
  in.msg.insert(http::field::cookie, "a=1");
  in.msg.insert(http::field::cookie, "b=2");
  EXPECT_EQ(request_cookie(in.msg, "b"), "2");
  EXPECT_EQ(request_cookie(in.msg, "c"), std::nullopt);
}

TEST(Request, SameOriginAgainstPublicOriginOrHost) {
  Incoming in = request(http::verb::post, "/logout");
  EXPECT_TRUE(same_origin(in.msg, ""));  // no same-origin headers: a non-browser client
  in.msg.set(http::field::origin, "https://localhost:8080");
  EXPECT_TRUE(same_origin(in.msg, ""));
  EXPECT_FALSE(same_origin(in.msg, "https://auth.example"));
  in.msg.set(http::field::origin, "https://auth.example");
  EXPECT_TRUE(same_origin(in.msg, "https://auth.example"));
  in.msg.set("Sec-Fetch-Site", "cross-site");
  EXPECT_FALSE(same_origin(in.msg, "https://auth.example"));
}

TEST(Response, CookiesAndRefusals) {
  Session s;
  s.record.absolute_expires_at = kNow + 60;
  EXPECT_NE(session_cookie(s, "abc", kNow).find("Max-Age=60"), std::string::npos);
  EXPECT_NE(session_cookie(s, "abc", kNow + 600).find("Max-Age=0"), std::string::npos);  // never negative
  EXPECT_NE(session_deletion_cookie().find("Max-Age=0"), std::string::npos);
  const std::string device = device_set_cookie("v");
  EXPECT_EQ(device.rfind("__Host-tessera-device=v;", 0), 0u) << device;
  EXPECT_NE(device.find("SameSite=Strict"), std::string::npos);
  const Response r = refusal_response("not_found");
  EXPECT_EQ(r.result(), http::status::not_found);
  EXPECT_EQ(r[http::field::content_type], "application/json");
}

}  // namespace
}  // namespace tessera::server
