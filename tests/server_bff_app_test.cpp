// The BFF's sample app in process (server/bff/app_page.hpp, server/routes/bff_app_routes.hpp):
// GET /bff/app exists only when the BFF is configured; it carries its CSP (scripts and styles
// from 'self' only, no unsafe-inline, connect-src 'self', form-action / frame-ancestors /
// base-uri 'none') and no-store; it lists the configured upstream names (escaped); the template
// has no inline script, style or event handler and the stable ids the browser tests use; the
// script and stylesheet are served with their types; unknown names are 404; the script keeps
// nothing in storage, never reads cookies, never writes HTML and sends X-CSRF on every call.
// The flow in a real browser: browser/checks/bff.mjs (ctest browser_pages).
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
#include "server/bff/app_page.hpp"
#include "server/pages.hpp"
#include "server/web_assets.hpp"
#include "server_test_keys.hpp"
#include "store/stores.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/oauth_store.hpp"

namespace tessera::server {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::string_view kCsp =
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "script-src 'self'; connect-src 'self'; form-action 'none'";

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

ServerConfig bff_config() {
  ServerConfig cfg;
  cfg.bff_client = "spa";
  cfg.bff_client_secret_file = "/dev/null";
  cfg.bff_upstreams = {"notes=http://127.0.0.1:9000/api", "b_2-x=https://api.example"};
  return cfg;
}

// One App over memory stores with the given config.
class BffAppTest : public ::testing::Test {
 protected:
  explicit BffAppTest(ServerConfig cfg = bff_config()) : cfg_(std::move(cfg)) {}

  Response get(std::string_view target) {
    Incoming in;
    in.msg.method(http::verb::get);
    in.msg.target(target);
    in.msg.version(11);
    in.msg.set(http::field::host, "127.0.0.1:8080");
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

  ServerConfig cfg_;
  FixedClock clock_{kNow};
  std::unique_ptr<AccountStore> accounts_ = store::combine(store::make_memory_halves());
  SessionManager sessions_ = SessionManager::create(accounts_->sessions(), SessionOptions{}, &clock_).value();
  AuthService auth_ = AuthService::create(sessions_, *accounts_, AuthOptions{}, &clock_).value();
  Logger log_{LogLevel::off};
  Metrics metrics_{route_patterns()};
  asio::thread_pool password_pool_{1};
  std::unique_ptr<OAuthStore> oauth_store_ = open_oauth_store("memory:").value();
  AuthorizationServer oauth_ =
      AuthorizationServer::create(*oauth_store_, accounts_->users(), testing::server_test_keys().signing_keys,
                                  testing::server_test_keys().oauth_key,
                                  OAuthOptions{.issuer = "http://127.0.0.1:8080"}, &clock_)
          .value();
  App app_{AppContext{.cfg = cfg_,
                      .auth = auth_,
                      .oauth = oauth_,
                      .log = log_,
                      .metrics = metrics_,
                      .clock = clock_,
                      .password_pool = password_pool_}};
};

class BffAppOffTest : public BffAppTest {
 protected:
  BffAppOffTest() : BffAppTest(ServerConfig{}) {}
};

TEST_F(BffAppTest, PageIsServedWithItsCspAndNoStore) {
  const Response r = get("/bff/app");
  EXPECT_EQ(r.result(), http::status::ok);
  EXPECT_EQ(header(r, "Content-Type"), "text/html; charset=utf-8");
  const std::string csp = header(r, "Content-Security-Policy");
  EXPECT_EQ(csp, kCsp);
  EXPECT_EQ(csp, bff_app_csp());
  EXPECT_FALSE(contains(csp, "unsafe-inline"));
  EXPECT_FALSE(contains(csp, "unsafe-eval"));
  EXPECT_FALSE(contains(csp, "*"));
  EXPECT_EQ(header(r, "Cache-Control"), "no-store");
  EXPECT_EQ(header(r, "X-Frame-Options"), "DENY");
  EXPECT_EQ(header(r, "Referrer-Policy"), "no-referrer");
  // Versioned URLs under this origin (mstch escapes '/' as &#x2F;).
  EXPECT_TRUE(contains(r.body(), R"(<script type="module" src="&#x2F;static&#x2F;bff&#x2F;app.js?v=)")) << r.body();
  EXPECT_TRUE(contains(r.body(), R"(href="&#x2F;static&#x2F;bff&#x2F;app.css?v=)"));
  EXPECT_TRUE(contains(r.body(), R"(href="&#x2F;static&#x2F;style.css?v=)"));
}

TEST_F(BffAppTest, PageListsTheConfiguredUpstreamsInOrderButNotTheirUrls) {
  const std::string body = get("/bff/app").body();
  const auto a = body.find(R"(<option value="notes">notes</option>)");
  const auto b = body.find(R"(<option value="b_2-x">b_2-x</option>)");
  ASSERT_NE(a, std::string::npos) << body;
  ASSERT_NE(b, std::string::npos) << body;
  EXPECT_LT(a, b);
  EXPECT_FALSE(contains(body, "9000"));
  EXPECT_FALSE(contains(body, "api.example"));
  EXPECT_FALSE(contains(body, "no-upstreams"));
}

TEST(BffAppPage, WithoutUpstreamsThePageSaysSoAndHasNoApiControls) {
  const Response r = bff_app_page_response({});
  EXPECT_TRUE(contains(r.body(), R"(id="no-upstreams")"));
  EXPECT_FALSE(contains(r.body(), R"(id="call-api")"));
}

TEST(BffAppPage, UpstreamNamesAreEscaped) {
  // Config refuses such names; the page escapes whatever it is given anyway.
  const Response r = bff_app_page_response({"<b>\"x"});
  EXPECT_FALSE(contains(r.body(), "<b>"));
  EXPECT_TRUE(contains(r.body(), "&lt;b&gt;&quot;x"));
}

TEST_F(BffAppTest, TemplateHasNoInlineCodeAndTheStableIds) {
  const auto t = web_asset("templates/bff_app.mustache");
  ASSERT_TRUE(t.has_value());
  const std::string_view html = t->content;
  const auto first = html.find("<script");
  ASSERT_NE(first, std::string_view::npos);
  EXPECT_EQ(html.find("<script", first + 1), std::string_view::npos);
  EXPECT_TRUE(html.substr(first).starts_with(R"(<script type="module" src="{{app_js}}"></script>)"));
  EXPECT_FALSE(contains(html, "<style"));
  EXPECT_FALSE(contains(html, " style="));
  EXPECT_FALSE(std::regex_search(std::string(html), std::regex(R"( on[a-z]+\s*=)")));
  EXPECT_FALSE(contains(html, "<form"));
  EXPECT_FALSE(contains(html, "{{{"));
  EXPECT_FALSE(contains(html, "{{&"));
  for (std::string_view id : {"message", "user-status", "signed-out", "sign-in", "signed-in", "user-name", "claims",
                              "sign-out", "upstream", "api-path", "call-api", "api-status", "api-result"})
    EXPECT_TRUE(contains(html, "id=\"" + std::string(id) + "\"")) << id;
  // Every input has its label.
  for (std::string_view id : {"upstream", "api-path"})
    EXPECT_TRUE(contains(html, "<label for=\"" + std::string(id) + "\">")) << id;
  EXPECT_TRUE(contains(html, R"(href="/bff/login?return_to=%2Fbff%2Fapp")"));
}

TEST_F(BffAppTest, ScriptKeepsNothingReadsNoCookieWritesNoHtmlAndSendsXCsrf) {
  const auto js = web_asset("static/bff/app.js");
  ASSERT_TRUE(js.has_value());
  const std::string_view s = js->content;
  for (std::string_view banned : {"localStorage", "sessionStorage", "indexedDB", "document.cookie", "innerHTML",
                                  "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "Function("})
    EXPECT_FALSE(contains(s, banned)) << banned;
  // Every fetch passes the X-CSRF headers.
  const std::regex fetch_call(R"(fetch\(([^;]*)\))");
  int fetches = 0;
  const std::string text(s);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), fetch_call); it != std::sregex_iterator(); ++it) {
    ++fetches;
    EXPECT_TRUE(contains((*it)[1].str(), "headers: CSRF")) << (*it)[0].str();
  }
  EXPECT_EQ(fetches, 3);  // /bff/user, /bff/api/..., /bff/logout
  EXPECT_TRUE(contains(s, "const CSRF = { 'X-CSRF': '1' };"));
}

TEST_F(BffAppTest, ScriptAndStylesheetAreServedWithTheirTypes) {
  const Response js = get("/static/bff/app.js?v=1");
  ASSERT_EQ(js.result(), http::status::ok);
  EXPECT_EQ(header(js, "Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(header(js, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(js.body(), web_asset("static/bff/app.js")->content);
  const Response css = get("/static/bff/app.css");
  ASSERT_EQ(css.result(), http::status::ok);
  EXPECT_EQ(header(css, "Content-Type"), "text/css; charset=utf-8");
}

TEST_F(BffAppTest, OnlyEmbeddedScriptsAndStylesheetsAreServed) {
  for (std::string_view target : {"/static/bff/nope.js", "/static/bff/..%2fstyle.css", "/static/bff/app.js.map",
                                  "/static/bff/", "/static/bff/a/app.js", "/static/bff/ui.js"})
    EXPECT_EQ(get(target).result(), http::status::not_found) << target;
}

TEST_F(BffAppOffTest, WithoutTheBffThereIsNoPage) {
  EXPECT_EQ(get("/bff/app").result(), http::status::not_found);
  EXPECT_EQ(get("/static/bff/app.js").result(), http::status::not_found);
}

}  // namespace
}  // namespace tessera::server
