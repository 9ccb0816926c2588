// The token debugger page in process (server/debugger_page.hpp, server/routes/debugger_routes.hpp):
// GET /debugger carries its CSP (scripts and styles from 'self' only, no unsafe-inline, connect-src
// exactly this server's JWKS URL, form-action / frame-ancestors / base-uri 'none'), the template
// has no inline script, style or event handler and the stable element ids the browser tests use;
// the ES modules and stylesheet are served with their Content-Type, nosniff and no-cache;
// unknown names are 404; the JWKS URL comes from the issuer's origin and an unsafe issuer falls
// back to connect-src 'none'. The modules' own logic: tests/js (ctest debugger_js).
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>

#include "server/app.hpp"
#include "server/app_context.hpp"
#include "server/debugger_page.hpp"
#include "server/web_assets.hpp"
#include "server_test_keys.hpp"
#include "store/stores.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/oauth_store.hpp"

namespace tessera::server {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::string_view kCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src "
    "https://auth.example:8443/.well-known/jwks.json; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

class DebuggerTest : public ::testing::Test {
 protected:
  Response get(std::string_view target) {
    Incoming in;
    in.msg.method(http::verb::get);
    in.msg.target(target);
    in.msg.version(11);
    in.msg.set(http::field::host, "auth.example:8443");
    in.peer_ip = "127.0.0.1";
    asio::io_context ioc;
    auto f = asio::co_spawn(ioc, app_.handle(in), asio::use_future);
    ioc.run();
    return f.get();
  }
  static std::string header(const Response& r, std::string_view name) {
    auto it = r.find(name);
    return it == r.end() ? std::string() : std::string(it->value());
  }

  FixedClock clock_{kNow};
  std::unique_ptr<AccountStore> accounts_ = store::combine(store::make_memory_halves());
  SessionManager sessions_ = SessionManager::create(accounts_->sessions(), SessionOptions{}, &clock_).value();
  AuthService auth_ = AuthService::create(sessions_, *accounts_, AuthOptions{}, &clock_).value();
  ServerConfig cfg_;
  Logger log_{LogLevel::off};
  Metrics metrics_{route_patterns()};
  asio::thread_pool password_pool_{1};
  std::unique_ptr<OAuthStore> oauth_store_ = open_oauth_store("memory:").value();
  AuthorizationServer oauth_ =
      AuthorizationServer::create(*oauth_store_, accounts_->users(), testing::server_test_keys().signing_keys,
                                  testing::server_test_keys().oauth_key,
                                  OAuthOptions{.issuer = "https://auth.example:8443/tenant"}, &clock_)
          .value();
  App app_{AppContext{.cfg = cfg_,
                      .auth = auth_,
                      .oauth = oauth_,
                      .log = log_,
                      .metrics = metrics_,
                      .clock = clock_,
                      .password_pool = password_pool_}};
};

TEST_F(DebuggerTest, PageIsServedWithItsCsp) {
  const Response r = get("/debugger");
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(header(r, "Content-Type"), "text/html; charset=utf-8");
  const std::string csp = header(r, "Content-Security-Policy");
  EXPECT_EQ(csp, kCsp);
  EXPECT_FALSE(contains(csp, "unsafe-inline"));
  EXPECT_FALSE(contains(csp, "unsafe-eval"));
  EXPECT_FALSE(contains(csp, "connect-src 'self'"));
  EXPECT_EQ(header(r, "Cache-Control"), "no-store");
  EXPECT_EQ(header(r, "X-Frame-Options"), "DENY");
  EXPECT_EQ(header(r, "Referrer-Policy"), "no-referrer");
  // The module and stylesheets are versioned URLs under this origin.
  EXPECT_TRUE(contains(r.body(), R"(<script type="module" src="/static/debugger/ui.js?v=)")) << r.body();
  EXPECT_TRUE(contains(r.body(), R"(href="/static/debugger/debugger.css?v=)"));
  EXPECT_TRUE(contains(r.body(), R"(href="/static/style.css?v=)"));
  EXPECT_TRUE(contains(r.body(), "https://auth.example:8443/.well-known/jwks.json"));
}

TEST_F(DebuggerTest, TemplateHasNoInlineCodeAndTheStableIds) {
  const auto t = web_asset("templates/debugger.mustache");
  ASSERT_TRUE(t.has_value());
  const std::string_view html = t->content;
  // Exactly one script element, external and empty.
  const auto first = html.find("<script");
  ASSERT_NE(first, std::string_view::npos);
  EXPECT_EQ(html.find("<script", first + 1), std::string_view::npos);
  EXPECT_TRUE(html.substr(first).starts_with(R"(<script type="module" src="{{debugger_js}}"></script>)"));
  EXPECT_FALSE(contains(html, "<style"));
  EXPECT_FALSE(contains(html, " style="));
  EXPECT_FALSE(std::regex_search(std::string(html), std::regex(R"( on[a-z]+\s*=)")));  // no onclick= handlers
  EXPECT_FALSE(contains(html, "<form"));
  for (std::string_view id : {"token", "decode", "header", "claims", "times", "warnings", "error", "key-source", "key",
                              "verify", "result", "eddsa", "sign-claims", "sign", "signed-token", "public-jwk",
                              "use-signed"})
    EXPECT_TRUE(contains(html, "id=\"" + std::string(id) + "\"")) << id;
}

TEST_F(DebuggerTest, ModulesAndStylesheetAreServedWithTheirTypes) {
  for (std::string_view file : {"ui.js", "decode.js", "verify.js", "sign.js"}) {
    const Response r = get("/static/debugger/" + std::string(file));
    ASSERT_EQ(r.result(), http::status::ok) << file;
    EXPECT_EQ(header(r, "Content-Type"), "text/javascript; charset=utf-8") << file;
    EXPECT_EQ(header(r, "X-Content-Type-Options"), "nosniff") << file;
    EXPECT_EQ(header(r, "Cache-Control"), "no-cache") << file;
    EXPECT_EQ(header(r, "Content-Security-Policy"), "default-src 'none'; frame-ancestors 'none'") << file;
    EXPECT_EQ(r.body(), web_asset("static/debugger/" + std::string(file))->content) << file;
  }
  const Response css = get("/static/debugger/debugger.css?v=1");
  ASSERT_EQ(css.result(), http::status::ok);
  EXPECT_EQ(header(css, "Content-Type"), "text/css; charset=utf-8");
}

TEST_F(DebuggerTest, OnlyEmbeddedScriptsAndStylesheetsAreServed) {
  for (std::string_view target : {"/static/debugger/nope.js", "/static/debugger/..%2fstyle.css",
                                  "/static/debugger/ui.js.map", "/static/debugger/", "/static/debugger/a/ui.js"})
    EXPECT_EQ(get(target).result(), http::status::not_found) << target;
}

TEST(DebuggerPage, JwksUrlIsTheIssuersOriginAndUnsafeIssuersConnectNowhere) {
  EXPECT_EQ(jwks_url_for("http://127.0.0.1:8080"), "http://127.0.0.1:8080/.well-known/jwks.json");
  EXPECT_EQ(jwks_url_for("https://auth.example/tenant/a"), "https://auth.example/.well-known/jwks.json");
  EXPECT_EQ(jwks_url_for("http://[::1]:9000/"), "http://[::1]:9000/.well-known/jwks.json");
  EXPECT_EQ(jwks_url_for("ftp://auth.example"), std::nullopt);
  EXPECT_EQ(jwks_url_for("not a url"), std::nullopt);
  EXPECT_EQ(jwks_url_for("http://a;b'c/"), std::nullopt);  // would end the CSP source early
  EXPECT_TRUE(contains(debugger_csp(std::nullopt), "connect-src 'none';"));
}

}  // namespace
}  // namespace tessera::server
