// The BFF's routes (server/routes/bff_routes.hpp) in process: App::handle with a BffService over
// a fake issuer and upstream (tests/bff_fake_issuer.hpp): the redirects and cookies of sign-in,
// the CSRF rule of the proxy and of logout, the 401 without a session, the metric.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include "bff_fake_issuer.hpp"
#include "server/app.hpp"
#include "server/bff/bff_service.hpp"
#include "server/oauth_request.hpp"
#include "server/routes/bff_routes.hpp"
#include "server_test_keys.hpp"
#include "settable_clock.hpp"
#include "store/stores.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/oauth_store.hpp"

namespace tessera::server {
namespace {

namespace json = boost::json;
using test::FakeHttpServer;
using test::FakeIssuer;

Incoming request(http::verb method, std::string_view target, std::vector<std::pair<std::string, std::string>> headers = {}) {
  Incoming in;
  in.msg.method(method);
  in.msg.target(target);
  in.msg.version(11);
  in.msg.set(http::field::host, "app.example");
  for (const auto& [k, v] : headers) in.msg.set(k, v);
  in.msg.prepare_payload();
  in.peer_ip = "127.0.0.1";
  return in;
}

// name -> the whole Set-Cookie value, for every Set-Cookie of the response.
std::map<std::string, std::string> set_cookies(const Response& res) {
  std::map<std::string, std::string> out;
  for (auto it = res.find(http::field::set_cookie); it != res.end() && it->name() == http::field::set_cookie; ++it) {
    const std::string v(it->value());
    out[v.substr(0, v.find('='))] = v;
  }
  return out;
}
std::string value_of(const std::string& set_cookie) {
  const auto eq = set_cookie.find('=');
  return set_cookie.substr(eq + 1, set_cookie.find(';') - eq - 1);
}

class BffRoutesTest : public ::testing::Test {
 protected:
  Response send(Incoming in) {
    asio::io_context ioc;
    auto f = asio::co_spawn(ioc, app_.handle(in), asio::use_future);
    ioc.run();
    return f.get();
  }
  static std::string error_of(const Response& res) { return std::string(json::parse(res.body()).at("error").as_string()); }

  // Sign-in through the routes; the BFF session cookie's value.
  std::string sign_in() {
    Response login = send(request(http::verb::get, "/bff/login?return_to=%2Fnotes"));
    EXPECT_EQ(login.result(), http::status::found);
    const std::string location(login[http::field::location]);
    auto params = parse_form_params(location.substr(location.find('?') + 1)).value_or(FormParams{});
    std::map<std::string, std::string> q(params.begin(), params.end());
    issuer_.expect(q["nonce"]);
    const std::string sealed = value_of(set_cookies(login)[std::string(kBffLoginCookie)]);
    Response cb = send(request(http::verb::get, "/bff/callback?code=" + std::string(FakeIssuer::kCode) + "&state=" + q["state"],
                               {{"Cookie", std::string(kBffLoginCookie) + "=" + sealed}}));
    EXPECT_EQ(cb.result(), http::status::found) << cb.body();
    return value_of(set_cookies(cb)[std::string(kBffSessionCookie)]);
  }
  std::vector<std::pair<std::string, std::string>> api_headers(const std::string& cookie) {
    return {{"Cookie", std::string(kBffSessionCookie) + "=" + cookie}, {"X-CSRF", "1"}, {"Sec-Fetch-Site", "same-origin"}};
  }

  test::SettableClock clock_{SystemClock::instance().now()};
  FakeIssuer issuer_{clock_};
  FakeHttpServer upstream_{[](const FakeHttpServer::Request&) { return test::json_response(http::status::created, R"({"ok":1})"); }};
  std::unique_ptr<AccountStore> accounts_ = store::combine(store::make_memory_halves());
  SessionManager sessions_ = SessionManager::create(accounts_->sessions(), SessionOptions{}, &clock_).value();
  AuthService auth_ = AuthService::create(sessions_, *accounts_, AuthOptions{}, &clock_).value();
  ServerConfig cfg_;
  Logger log_{LogLevel::off};
  Metrics metrics_{route_patterns()};
  asio::thread_pool password_pool_{1};
  asio::thread_pool bff_pool_{2};
  std::unique_ptr<OAuthStore> oauth_store_ = open_oauth_store("memory:").value();
  AuthorizationServer oauth_ =
      AuthorizationServer::create(*oauth_store_, accounts_->users(), testing::server_test_keys().signing_keys,
                                  testing::server_test_keys().oauth_key, OAuthOptions{.issuer = "http://localhost:8080"},
                                  &clock_)
          .value();
  paseto::LocalKey key_ = *paseto::LocalKey::generate(paseto::Version::v4);
  std::unique_ptr<HttpClient> http_ = std::move(*HttpClient::create({}));
  bff::IssuerClient issuer_client_{*http_, issuer_.issuer(), FakeIssuer::kClient, "s3cret"};
  bff::BffSessions bff_sessions_{sessions_, accounts_->sessions(), *tessera::bff::TokenVault::create(key_), 5, clock_};
  bff::BffService bff_{bff::BffSettings{issuer_.issuer(), FakeIssuer::kClient, "https://app.example/bff/callback",
                                        {{"notes", upstream_.url("/v1")}}},
                       issuer_client_, *http_, bff_sessions_, key_, clock_};
  App app_{AppContext{.cfg = cfg_,
                      .auth = auth_,
                      .oauth = oauth_,
                      .log = log_,
                      .metrics = metrics_,
                      .clock = clock_,
                      .password_pool = password_pool_,
                      .bff = &bff_,
                      .bff_pool = &bff_pool_}};
};

TEST_F(BffRoutesTest, LoginRedirectsToTheIssuerWithASealedSignInCookie) {
  Response res = send(request(http::verb::get, "/bff/login"));
  ASSERT_EQ(res.result(), http::status::found);
  EXPECT_EQ(std::string(res[http::field::location]).rfind(issuer_.issuer() + "/authorize?", 0), 0u);
  const std::string c = set_cookies(res)[std::string(kBffLoginCookie)];
  EXPECT_EQ(c.rfind(std::string(kBffLoginCookie) + "=v4.local.", 0), 0u) << c;
  for (const char* attr : {"; Max-Age=600", "; Path=/", "; Secure", "; HttpOnly", "; SameSite=Lax"})
    EXPECT_NE(c.find(attr), std::string::npos) << attr << " in " << c;
  EXPECT_EQ(metrics_.bff_requests("login", "ok"), 1u);
}

TEST_F(BffRoutesTest, CallbackSetsTheSessionCookieAndClearsTheSignIn) {
  Response login = send(request(http::verb::get, "/bff/login?return_to=%2Fnotes%3Fa%3D1"));
  const std::string location(login[http::field::location]);
  auto params = parse_form_params(location.substr(location.find('?') + 1)).value_or(FormParams{});
  std::map<std::string, std::string> q(params.begin(), params.end());
  issuer_.expect(q["nonce"]);
  const std::string sealed = value_of(set_cookies(login)[std::string(kBffLoginCookie)]);
  Response cb = send(request(http::verb::get, "/bff/callback?code=the-code&state=" + q["state"],
                             {{"Cookie", std::string(kBffLoginCookie) + "=" + sealed}}));
  ASSERT_EQ(cb.result(), http::status::found) << cb.body();
  EXPECT_EQ(cb[http::field::location], "/notes?a=1");
  auto cookies = set_cookies(cb);
  const std::string session = cookies[std::string(kBffSessionCookie)];
  for (const char* attr : {"; Path=/", "; Secure", "; HttpOnly", "; SameSite=Lax"})
    EXPECT_NE(session.find(attr), std::string::npos) << attr << " in " << session;
  EXPECT_EQ(value_of(session).size(), 43u);
  EXPECT_EQ(value_of(cookies[std::string(kBffLoginCookie)]), "");  // cleared
  // A wrong state: 400 invalid_request, and the sign-in cookie cleared all the same.
  Response bad = send(request(http::verb::get, "/bff/callback?code=the-code&state=nope",
                              {{"Cookie", std::string(kBffLoginCookie) + "=" + sealed}}));
  EXPECT_EQ(bad.result(), http::status::bad_request);
  EXPECT_EQ(error_of(bad), "invalid_request");
  EXPECT_EQ(value_of(set_cookies(bad)[std::string(kBffLoginCookie)]), "");
  EXPECT_EQ(metrics_.bff_requests("callback", "invalid"), 1u);
}

TEST_F(BffRoutesTest, UserNeedsTheSession) {
  Response none = send(request(http::verb::get, "/bff/user"));
  EXPECT_EQ(none.result(), http::status::unauthorized);
  EXPECT_EQ(error_of(none), "login_required");
  const std::string cookie = sign_in();
  Response res = send(request(http::verb::get, "/bff/user", {{"Cookie", std::string(kBffSessionCookie) + "=" + cookie}}));
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  EXPECT_EQ(json::parse(res.body()).at("sub").as_string(), "alice");
  EXPECT_EQ(res[http::field::cache_control], "no-store");
  EXPECT_EQ(metrics_.bff_requests("user", "login_required"), 1u);
  EXPECT_EQ(metrics_.bff_requests("user", "ok"), 1u);
}

TEST_F(BffRoutesTest, ApiAndLogoutNeedXCsrfAndSameOrigin) {
  const std::string cookie = sign_in();
  auto h = api_headers(cookie);
  auto without = [&](std::string_view name) {
    auto out = h;
    std::erase_if(out, [&](const auto& kv) { return kv.first == name; });
    return out;
  };
  for (auto verb : {http::verb::get, http::verb::post, http::verb::delete_}) {
    Response r = send(request(verb, "/bff/api/notes/items", without("X-CSRF")));
    EXPECT_EQ(r.result(), http::status::forbidden);
    EXPECT_EQ(error_of(r), "csrf_failed");
  }
  auto cross = without("Sec-Fetch-Site");
  cross.emplace_back("Sec-Fetch-Site", "cross-site");
  EXPECT_EQ(send(request(http::verb::get, "/bff/api/notes/items", cross)).result(), http::status::forbidden);
  EXPECT_EQ(send(request(http::verb::post, "/bff/logout", without("X-CSRF"))).result(), http::status::forbidden);
  EXPECT_TRUE(upstream_.requests().empty());
  EXPECT_EQ(metrics_.bff_requests("api", "csrf_failed"), 4u);

  Response ok = send(request(http::verb::get, "/bff/api/notes/items?x=1", h));
  EXPECT_EQ(ok.result(), http::status::created);  // the upstream's status
  EXPECT_EQ(ok.body(), R"({"ok":1})");
  EXPECT_EQ(upstream_.requests().back().target(), "/v1/items?x=1");
  EXPECT_EQ(send(request(http::verb::get, "/bff/api/other/items", h)).result(), http::status::not_found);
  EXPECT_EQ(send(request(http::verb::options, "/bff/api/notes/items", h)).result(), http::status::method_not_allowed);
  Response noauth = send(request(http::verb::get, "/bff/api/notes/items", without("Cookie")));
  EXPECT_EQ(noauth.result(), http::status::unauthorized);

  Response out = send(request(http::verb::post, "/bff/logout", h));
  EXPECT_EQ(out.result(), http::status::no_content);
  EXPECT_EQ(value_of(set_cookies(out)[std::string(kBffSessionCookie)]), "");
  EXPECT_EQ(issuer_.revoked().size(), 1u);
  Response after = send(request(http::verb::get, "/bff/api/notes/items", h));
  EXPECT_EQ(after.result(), http::status::unauthorized);
  EXPECT_EQ(error_of(after), "login_required");
  EXPECT_EQ(value_of(set_cookies(after)[std::string(kBffSessionCookie)]), "");  // the dead cookie cleared
}

}  // namespace
}  // namespace tessera::server
