// The pages of `tessera serve` in process (server/pages.hpp, server/routes/page_routes.hpp,
// server/return_to.hpp): templates render with HTML escaping and never use the unescaped forms;
// each page carries its CSP (form-action only on the login page); GET /login and the form POST
// to /login: same-origin first (Sec-Fetch-Site decides when present, so Origin: null with
// Sec-Fetch-Site: same-origin passes), the same login as JSON (cookies, throttling with
// Retry-After), 303 only to a local return_to; the JSON login still answers JSON.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include "server/app.hpp"
#include "server/app_context.hpp"
#include "server/pages.hpp"
#include "server/return_to.hpp"
#include "server/web_assets.hpp"
#include "server_test_keys.hpp"
#include "store/stores.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/oauth_store.hpp"

namespace tessera::server {
namespace {

namespace json = boost::json;

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::string_view kForm = "application/x-www-form-urlencoded";

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

Incoming request(http::verb method, std::string_view target) {
  Incoming in;
  in.msg.method(method);
  in.msg.target(target);
  in.msg.version(11);
  in.msg.set(http::field::host, "localhost:8080");
  in.peer_ip = "127.0.0.1";
  return in;
}

// A form POST to /login as a browser sends it from the login page.
Incoming form_post(std::string_view body, std::string_view sec_fetch_site = "same-origin",
                   std::string_view origin = "null") {
  Incoming in = request(http::verb::post, "/login");
  in.msg.set(http::field::content_type, kForm);
  if (!sec_fetch_site.empty()) in.msg.set("Sec-Fetch-Site", sec_fetch_site);
  if (!origin.empty()) in.msg.set(http::field::origin, origin);
  in.msg.body() = std::string(body);
  in.msg.prepare_payload();
  return in;
}

class PagesTest : public ::testing::Test {
 protected:
  PagesTest() { EXPECT_TRUE(auth_.add_user("alice", "correct horse battery")); }
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
  Response login_form(std::string_view return_to) {
    return send(form_post("username=alice&password=correct+horse+battery&return_to=" + std::string(return_to)));
  }

  FixedClock clock_{kNow};
  std::unique_ptr<AccountStore> accounts_ = store::combine(store::make_memory_halves());
  SessionManager sessions_ = SessionManager::create(accounts_->sessions(), SessionOptions{}, &clock_).value();
  AuthService auth_ = AuthService::create(sessions_, *accounts_, fast(), &clock_).value();
  ServerConfig cfg_;
  Logger log_{LogLevel::off};
  Metrics metrics_{route_patterns()};
  asio::thread_pool password_pool_{1};
  std::unique_ptr<OAuthStore> oauth_store_ = open_oauth_store("memory:").value();
  AuthorizationServer oauth_ =
      AuthorizationServer::create(*oauth_store_, accounts_->users(), testing::server_test_keys().signing_keys,
                                  testing::server_test_keys().oauth_key, OAuthOptions{.issuer = "http://localhost:8080"},
                                  &clock_)
          .value();
  App app_{AppContext{.cfg = cfg_,
                      .auth = auth_,
                      .oauth = oauth_,
                      .log = log_,
                      .metrics = metrics_,
                      .clock = clock_,
                      .password_pool = password_pool_}};
};

// ---- templates ------------------------------------------------------------------------------

TEST(Pages, EveryPageHasATemplateAndNoneOutputsUnescaped) {
  for (Page p : {Page::login, Page::consent, Page::error, Page::account})
    EXPECT_TRUE(web_asset("templates/" + std::string(page_name(p)) + ".mustache").has_value()) << page_name(p);
  std::size_t templates = 0;
  for (const WebAsset& a : web_assets()) {
    if (!a.path.ends_with(".mustache")) continue;
    ++templates;
    EXPECT_FALSE(contains(a.content, "{{{")) << a.path;
    EXPECT_FALSE(contains(a.content, "{{&")) << a.path;
    // No inline JavaScript: only the debugger page and the BFF sample app have a script, an
    // external module (server_debugger_test.cpp and server_bff_app_test.cpp check them).
    if (a.path != "templates/debugger.mustache" && a.path != "templates/bff_app.mustache") {
      EXPECT_FALSE(contains(a.content, "<script")) << a.path;
    }
  }
  EXPECT_GE(templates, 3u);
}

TEST(Pages, ValuesAreHtmlEscaped) {
  const std::string evil = R"(<script>alert("x")</script>' onmouseover='x)";
  for (Page p : {Page::login, Page::consent, Page::error, Page::account}) {
    mstch::array scopes{mstch::map{{"name", evil}, {"description", evil}}};
    mstch::array fields{mstch::map{{"name", evil}, {"value", evil}}};
    mstch::array devices{mstch::map{{"id", evil}, {"kind", evil}, {"app", true}, {"client_name", evil}, {"ip", evil},
                                    {"user_agent", evil}, {"created", evil}, {"last_used", evil}, {"current", true}}};
    const std::string html = render_page(p, mstch::map{{"return_to", evil}, {"username", evil}, {"message", evil},
                                                       {"client_name", evil}, {"user", evil}, {"scopes", scopes},
                                                       {"fields", fields}, {"csrf_token", evil}, {"error", evil},
                                                       {"notice", evil}, {"devices", devices}});
    EXPECT_FALSE(contains(html, "<script")) << page_name(p);
    EXPECT_FALSE(contains(html, "' onmouseover")) << page_name(p);
    EXPECT_TRUE(contains(html, "&lt;script&gt;alert(&quot;x&quot;)&lt;")) << html;
  }
}

TEST(Pages, ConsentPageShowsClientScopesAndPostsTheAuthorizeParameters) {
  mstch::array scopes{mstch::map{{"name", std::string("openid")}},
                      mstch::map{{"name", std::string("offline_access")}, {"description", std::string("stay signed in")}}};
  mstch::array fields{mstch::map{{"name", std::string("client_id")}, {"value", std::string("c1")}},
                      mstch::map{{"name", std::string("state")}, {"value", std::string("s&t")}}};
  const std::string html =
      render_page(Page::consent, mstch::map{{"client_name", std::string("Photo App")}, {"user", std::string("alice")},
                                            {"scopes", scopes}, {"fields", fields}, {"csrf_token", std::string("tok")}});
  EXPECT_TRUE(contains(html, "Photo App"));
  EXPECT_TRUE(contains(html, "<code>openid</code>"));
  EXPECT_TRUE(contains(html, "stay signed in"));
  EXPECT_TRUE(contains(html, R"(<form method="post" action="/oauth2/authorize">)"));
  EXPECT_TRUE(contains(html, R"(<input type="hidden" name="client_id" value="c1">)")) << html;
  EXPECT_TRUE(contains(html, R"(<input type="hidden" name="state" value="s&amp;t">)")) << html;
  EXPECT_TRUE(contains(html, R"(<input type="hidden" name="csrf_token" value="tok">)"));
  EXPECT_TRUE(contains(html, R"(name="decision" value="approve")"));
  EXPECT_TRUE(contains(html, R"(name="decision" value="deny")"));
}

TEST(Pages, ErrorPageShowsCodeAndMessage) {
  const std::string html = render_page(
      Page::error, mstch::map{{"error", std::string("invalid_request")}, {"message", std::string("redirect_uri is not registered")}});
  EXPECT_TRUE(contains(html, "<code>invalid_request</code>"));
  EXPECT_TRUE(contains(html, "redirect_uri is not registered"));
}

TEST(Pages, CspAllowsFormActionOnlyOnTheLoginAndAccountPages) {
  for (Page p : {Page::login, Page::consent, Page::error, Page::account}) {
    const std::string csp = page_csp(p);
    EXPECT_TRUE(contains(csp, "default-src 'none'")) << csp;
    EXPECT_TRUE(contains(csp, "style-src 'self'"));
    EXPECT_TRUE(contains(csp, "img-src 'self'"));
    EXPECT_TRUE(contains(csp, "frame-ancestors 'none'"));
    EXPECT_TRUE(contains(csp, "base-uri 'none'"));
    EXPECT_FALSE(contains(csp, "script-src"));
    EXPECT_EQ(contains(csp, "form-action 'self'"), p == Page::login || p == Page::account) << page_name(p);
  }
  const Response res = page_response(http::status::ok, Page::consent, mstch::map{});
  EXPECT_EQ(res[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(res["Content-Security-Policy"], page_csp(Page::consent));
  EXPECT_EQ(res["X-Frame-Options"], "DENY");
  EXPECT_EQ(res["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(res[http::field::cache_control], "no-store");
}

TEST(ReturnTo, OnlyLocalPathsAreFollowed) {
  for (std::string_view ok : {"/", "/account", "/oauth2/authorize?client_id=a&state=b%2F%2F", "/a//b", "/a/b?x=//y"})
    EXPECT_TRUE(is_local_return_to(ok)) << ok;
  const std::string_view bads[] = {"", "//evil.example", "//evil.example/path", "/\\evil.example",
                                   "\\\\evil.example", "https://evil.example", "http:/evil.example",
                                   "javascript:alert(1)", "evil.example", "/a\\b", "/\t/evil.example", "/a\nb",
                                   "/a\rb", "/a b", "/\x7f", "/caf\xc3\xa9", std::string_view("/a\0b", 4)};
  for (std::string_view bad : bads) EXPECT_FALSE(is_local_return_to(bad)) << bad;
  EXPECT_FALSE(is_local_return_to("/" + std::string(kMaxReturnTo, 'a')));
  EXPECT_EQ(safe_return_to("//evil.example"), "/");
  EXPECT_EQ(safe_return_to("/next"), "/next");
}

// ---- routes -----------------------------------------------------------------------------------

TEST_F(PagesTest, LoginPageRendersTheFormWithItsHeaders) {
  const Response res = send(request(http::verb::get, "/login?return_to=%2Foauth2%2Fauthorize%3Fclient_id%3Dc1"));
  ASSERT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(res["Content-Security-Policy"], page_csp(Page::login));
  EXPECT_EQ(res["X-Frame-Options"], "DENY");
  EXPECT_EQ(res["Referrer-Policy"], "no-referrer");
  EXPECT_EQ(res[http::field::cache_control], "no-store");
  const std::string& html = res.body();
  EXPECT_TRUE(contains(html, R"(<form method="post" action="/login">)")) << html;
  EXPECT_TRUE(contains(html, R"(<label for="username">)"));
  EXPECT_TRUE(contains(html, R"(<label for="password">)"));
  EXPECT_TRUE(contains(html, R"(name="return_to" value="&#x2F;oauth2&#x2F;authorize?client_id=c1")")) << html;
  EXPECT_TRUE(contains(html, R"(<link rel="stylesheet" href="&#x2F;static&#x2F;style.css?v=)")) << html;
  // An open-redirect return_to is not even put into the form.
  const Response evil = send(request(http::verb::get, "/login?return_to=%2F%2Fevil.example"));
  EXPECT_FALSE(contains(evil.body(), "evil.example"));
}

TEST_F(PagesTest, StylesheetIsServedWithItsTypeAndALongCache) {
  const Response res = send(request(http::verb::get, "/static/style.css"));
  ASSERT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "text/css; charset=utf-8");
  EXPECT_EQ(res[http::field::cache_control], "public, max-age=31536000, immutable");
  EXPECT_EQ(res.body(), web_asset("static/style.css")->content);
}

TEST_F(PagesTest, FormLoginRedirectsToALocalReturnToWithTheCookies) {
  const Response res = login_form("%2Foauth2%2Fauthorize%3Fclient_id%3Dc1");
  ASSERT_EQ(res.result(), http::status::see_other) << res.body();
  EXPECT_EQ(res[http::field::location], "/oauth2/authorize?client_id=c1");
  EXPECT_EQ(std::string(res[http::field::set_cookie]).rfind("__Host-tessera=", 0), 0u);
  EXPECT_EQ(metrics_.counter(Counter::sessions_created), 1u);
}

TEST_F(PagesTest, FormLoginNeverRedirectsToAnotherOrigin) {
  for (std::string_view evil : {"%2F%2Fevil.example", "%2F%5Cevil.example", "https%3A%2F%2Fevil.example",
                                "javascript%3Aalert(1)", "%2F%09%2Fevil.example", "", "evil.example"}) {
    const Response res = login_form(evil);
    ASSERT_EQ(res.result(), http::status::see_other) << evil << res.body();
    EXPECT_EQ(res[http::field::location], "/") << evil;
  }
  // No return_to field at all: "/".
  const Response res = send(form_post("username=alice&password=correct+horse+battery"));
  ASSERT_EQ(res.result(), http::status::see_other);
  EXPECT_EQ(res[http::field::location], "/");
}

TEST_F(PagesTest, CrossSiteFormPostIsRefused) {
  const std::string body = "username=alice&password=correct+horse+battery&return_to=%2F";
  for (auto [site, origin] : {std::pair<std::string_view, std::string_view>{"cross-site", "https://evil.example"},
                              {"same-site", "https://sub.localhost:8080"},
                              {"cross-site", "null"},
                              {"", "https://evil.example"},
                              {"", "null"}}) {
    const Response res = send(form_post(body, site, origin));
    EXPECT_EQ(res.result(), http::status::forbidden) << site << " " << origin;
    EXPECT_EQ(res[http::field::content_type], "text/html; charset=utf-8");
    EXPECT_TRUE(contains(res.body(), "csrf_failed"));
    EXPECT_EQ(res.count(http::field::set_cookie), 0u);
  }
  EXPECT_EQ(metrics_.counter(Counter::sessions_created), 0u);
  // What Chromium sends for the real form under Referrer-Policy: no-referrer: accepted.
  EXPECT_EQ(send(form_post(body, "same-origin", "null")).result(), http::status::see_other);
  // Without fetch metadata, the Origin decides.
  EXPECT_EQ(send(form_post(body, "", "http://localhost:8080")).result(), http::status::see_other);
}

TEST_F(PagesTest, FailedFormLoginShowsThePageAgainEscaped) {
  const Response res =
      send(form_post("username=%3Cscript%3Ex%3C%2Fscript%3E&password=wrong&return_to=%2Fnext%3Fa%3D%22%3E%3Cscript%3E"));
  ASSERT_EQ(res.result(), http::status::unauthorized);
  EXPECT_EQ(res[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ(res["Content-Security-Policy"], page_csp(Page::login));
  EXPECT_TRUE(contains(res.body(), "Wrong username or password."));
  EXPECT_FALSE(contains(res.body(), "<script>"));
  EXPECT_TRUE(contains(res.body(), "&lt;script&gt;x&lt;&#x2F;script&gt;")) << res.body();
  EXPECT_EQ(res.count(http::field::set_cookie), 0u);
  EXPECT_EQ(metrics_.counter(Counter::logins_failed), 1u);
  // A form without a password: the page again, 400.
  const Response missing = send(form_post("username=alice"));
  EXPECT_EQ(missing.result(), http::status::bad_request);
  EXPECT_TRUE(contains(missing.body(), "<form"));
}

TEST_F(PagesTest, ThrottledFormLoginIs429WithRetryAfter) {
  const std::string wrong = "username=alice&password=wrong&return_to=%2F";
  Response res;
  for (int i = 0; i < 10 && res.result() != http::status::too_many_requests; ++i) res = send(form_post(wrong));
  ASSERT_EQ(res.result(), http::status::too_many_requests) << res.body();
  EXPECT_EQ(res[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_FALSE(std::string(res[http::field::retry_after]).empty());
  EXPECT_TRUE(contains(res.body(), "Too many failed sign-ins"));
  EXPECT_GE(metrics_.counter(Counter::logins_throttled), 1u);
}

TEST_F(PagesTest, JsonLoginStillAnswersJson) {
  Incoming in = request(http::verb::post, "/login");
  in.msg.set(http::field::content_type, "application/json");
  in.msg.body() = R"({"username":"alice","password":"correct horse battery"})";
  in.msg.prepare_payload();
  const Response res = send(std::move(in));
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  EXPECT_EQ(res[http::field::content_type], "application/json");
  EXPECT_EQ(json::parse(res.body()).at("user").as_string(), "alice");
  EXPECT_EQ(res["Content-Security-Policy"], "default-src 'none'; frame-ancestors 'none'");
}

}  // namespace
}  // namespace tessera::server
