// The account page and `/` of `tessera serve` in process (server/routes/account_routes.hpp,
// server/pages.hpp): / redirects by session; the page lists the user's devices (browser
// sessions and app grants, "this device" marked, user agents HTML-escaped); each form refuses a
// missing or wrong csrf_token and a cross-site Sec-Fetch-Site, and does what the JSON API does
// (revoke one device, sign out the others, sign out everywhere, change the password) with a 303;
// refusals are shown in the page; every page's CSP is strict and the account page is no-store.
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "server/pages.hpp"
#include "server_oauth_fixture.hpp"

namespace tessera::server {
namespace {

using namespace oauth_test;
namespace json = boost::json;

bool contains(std::string_view haystack, std::string_view needle) { return haystack.find(needle) != std::string_view::npos; }

struct Login {
  std::string cookie;
  std::string csrf;
  std::string id_hash;
};

class AccountPage : public Fixture {
 protected:
  // A JSON login from a browser with this user agent; the session's id hash from GET /session.
  Login browser_login(std::string_view user_agent, std::string_view user = "alice") {
    Incoming in = request(http::verb::post, "/login",
                          R"({"username":")" + std::string(user) + R"(","password":"correct horse battery"})",
                          "application/json");
    in.msg.set(http::field::user_agent, user_agent);
    const Response r = send(std::move(in));
    EXPECT_EQ(r.result(), http::status::ok) << r.body();
    const std::string set(r[http::field::set_cookie]);
    Login l{set.substr(set.find('=') + 1, set.find(';') - set.find('=') - 1),
            std::string(json::parse(r.body()).at("csrf_token").as_string()), {}};
    const Response s = get("/session", l.cookie);
    if (s.result() == http::status::ok)
      l.id_hash = std::string(json::parse(s.body()).at("session").at("id").as_string());
    return l;
  }
  Response get(std::string_view target, std::string_view cookie = {}) {
    Incoming in = request(http::verb::get, target);
    if (!cookie.empty()) in.msg.set(http::field::cookie, "__Host-tessera=" + std::string(cookie));
    return send(std::move(in));
  }
  // A form POST as a browser sends it from the account page (Origin: null under no-referrer).
  Response post(std::string_view target, std::string_view cookie, std::string body,
                std::string_view sec_fetch_site = "same-origin") {
    Incoming in = request(http::verb::post, target, body.empty() ? "x=" : body);
    if (!cookie.empty()) in.msg.set(http::field::cookie, "__Host-tessera=" + std::string(cookie));
    if (!sec_fetch_site.empty()) in.msg.set("Sec-Fetch-Site", sec_fetch_site);
    in.msg.set(http::field::origin, "null");
    return send(std::move(in));
  }
  bool alive(const Login& l) { return get("/session", l.cookie).result() == http::status::ok; }
  static std::string location(const Response& r) { return std::string(r[http::field::location]); }
};

// ---- / and GET /account ---------------------------------------------------------------------

TEST_F(AccountPage, HomeLeadsToTheAccountPageWithASessionElseToTheLoginPage) {
  Response r = get("/");
  EXPECT_EQ(r.result(), http::status::see_other);
  EXPECT_EQ(location(r), "/login?return_to=%2Faccount");
  r = get("/", "not-a-live-session");
  EXPECT_EQ(location(r), "/login?return_to=%2Faccount");
  const Login me = browser_login("UA one");
  r = get("/", me.cookie);
  EXPECT_EQ(r.result(), http::status::see_other);
  EXPECT_EQ(location(r), "/account");
}

TEST_F(AccountPage, WithoutASessionTheAccountPageAndItsFormsLeadToTheLoginPage) {
  Response r = get("/account");
  EXPECT_EQ(r.result(), http::status::see_other);
  EXPECT_EQ(location(r), "/login?return_to=%2Faccount");
  for (std::string_view path : {"/account/devices/revoke", "/account/sign-out-others", "/account/sign-out-everywhere",
                                "/account/password"}) {
    r = post(path, "", "csrf_token=x");
    EXPECT_EQ(r.result(), http::status::see_other) << path;
    EXPECT_EQ(location(r), "/login?return_to=%2Faccount") << path;
  }
}

TEST_F(AccountPage, ListsTheUsersSessionsAndAppGrantsAndMarksThisDevice) {
  const Login other = browser_login("Other Browser/1.0");
  const Login me = browser_login("This Browser/2.0");
  const Login bob = browser_login("Bob Browser/3.0", "bob");
  exchange(me.cookie);  // an app grant for "first party"
  const Response r = get("/account", me.cookie);
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  const std::string& html = r.body();
  EXPECT_TRUE(contains(html, "Signed in as <strong>alice</strong>"));
  EXPECT_TRUE(contains(html, "Other Browser&#x2F;1.0"));  // "/" is escaped too
  EXPECT_TRUE(contains(html, "This Browser&#x2F;2.0"));
  EXPECT_FALSE(contains(html, "Bob Browser"));  // only the user's own devices
  EXPECT_TRUE(contains(html, "App: first party"));
  EXPECT_TRUE(contains(html, "127.0.0.1"));
  EXPECT_TRUE(contains(html, "2027-01-15 08:00 UTC"));  // created / last used, kNow in UTC
  // "this device" marks this session, and only it.
  const auto badge = html.find("This device</span>");
  ASSERT_NE(badge, std::string::npos);
  EXPECT_EQ(html.find("This device</span>", badge + 1), std::string::npos);
  const auto mine = html.find("id=\"device-" + me.id_hash + "\"");
  ASSERT_NE(mine, std::string::npos);
  EXPECT_TRUE(contains(html.substr(html.rfind("<li", mine), mine - html.rfind("<li", mine)), "current"));
  EXPECT_LT(mine, badge);
  EXPECT_NE(html.find("id=\"device-" + other.id_hash + "\""), std::string::npos);
  // Every form carries the session's CSRF token.
  std::size_t forms = 0, tokens = 0;
  for (auto at = html.find("<form"); at != std::string::npos; at = html.find("<form", at + 1)) ++forms;
  const std::string token_field = "name=\"csrf_token\" value=\"" + me.csrf + "\"";
  for (auto at = html.find(token_field); at != std::string::npos; at = html.find(token_field, at + 1)) ++tokens;
  EXPECT_EQ(forms, 3u + 3u);  // a revoke form per device (2 sessions + 1 app), 3 others
  EXPECT_EQ(tokens, forms);
  EXPECT_TRUE(alive(bob));
}

TEST_F(AccountPage, UserAgentsAreHtmlEscaped) {
  const Login me = browser_login(R"(<script>alert("ua")</script>)");
  const Response r = get("/account", me.cookie);
  ASSERT_EQ(r.result(), http::status::ok);
  EXPECT_FALSE(contains(r.body(), "<script"));
  EXPECT_TRUE(contains(r.body(), "&lt;script&gt;alert(&quot;ua&quot;)&lt;&#x2F;script&gt;")) << r.body();
}

TEST_F(AccountPage, NoticesComeFromAFixedListNotFromTheQuery) {
  const Login me = browser_login("UA");
  Response r = get("/account?notice=revoked", me.cookie);
  EXPECT_TRUE(contains(r.body(), "The device was signed out."));
  r = get("/account?notice=%3Cb%3Ephish-text", me.cookie);
  EXPECT_FALSE(contains(r.body(), "phish-text"));
  EXPECT_FALSE(contains(r.body(), "id=\"notice\""));
}

// ---- headers of every page ------------------------------------------------------------------

TEST_F(AccountPage, EveryPageHasAStrictCspAndTheAccountPageIsNoStore) {
  const Login me = browser_login("UA");
  const std::pair<std::string, Response> pages[] = {
      {"login", get("/login")},
      {"account", get("/account", me.cookie)},
      {"consent", authorize(authorize_query(third_), me.cookie)},
      {"error", get("/oauth2/authorize?client_id=nope")},
  };
  for (const auto& [name, r] : pages) {
    ASSERT_EQ(r[http::field::content_type], "text/html; charset=utf-8") << name << r.body();
    const std::string csp(r["Content-Security-Policy"]);
    EXPECT_TRUE(csp.starts_with(kPageCsp)) << name << ": " << csp;
    EXPECT_FALSE(contains(csp, "unsafe-inline")) << name;
    EXPECT_FALSE(contains(csp, "script-src")) << name;  // these pages run no script at all
    EXPECT_TRUE(contains(csp, "frame-ancestors 'none'")) << name;
    EXPECT_EQ(r[http::field::cache_control], "no-store") << name;
    EXPECT_EQ(r["X-Frame-Options"], "DENY") << name;
    // No third-party resource: no absolute URL in src= or href=.
    EXPECT_FALSE(contains(r.body(), "src=\"http")) << name;
    EXPECT_FALSE(contains(r.body(), "href=\"http")) << name;
    EXPECT_FALSE(contains(r.body(), "href=\"//")) << name;
    EXPECT_TRUE(contains(r.body(), "<meta name=\"viewport\"")) << name;
  }
  EXPECT_TRUE(contains(std::string(pages[1].second["Content-Security-Policy"]), "form-action 'self'"));
}

TEST(PageHeaders, APageCanAddDirectivesToThePolicy) {
  Response r{http::status::ok, 11};
  set_page_headers(r, std::string(kPageCsp) + "; script-src 'self'");
  EXPECT_EQ(r["Content-Security-Policy"], std::string(kPageCsp) + "; script-src 'self'");
  EXPECT_EQ(r[http::field::cache_control], "no-store");
  EXPECT_EQ(r["X-Frame-Options"], "DENY");
}

// ---- the CSRF rule on every form ------------------------------------------------------------

TEST_F(AccountPage, EveryFormRefusesAMissingOrWrongTokenAndACrossSiteRequest) {
  const Login other = browser_login("Other");
  const Login me = browser_login("Me");
  const std::pair<std::string, std::string> forms[] = {
      {"/account/devices/revoke", "device=" + other.id_hash},
      {"/account/sign-out-others", ""},
      {"/account/sign-out-everywhere", ""},
      {"/account/password", "current_password=correct+horse+battery&new_password=another+long+one"},
  };
  for (const auto& [path, fields] : forms) {
    const std::string sep = fields.empty() ? "" : "&";
    const std::pair<std::string, Response> attempts[] = {
        {"missing", post(path, me.cookie, fields)},
        {"wrong", post(path, me.cookie, fields + sep + "csrf_token=not-the-token")},
        {"other session's", post(path, me.cookie, fields + sep + "csrf_token=" + other.csrf)},
        {"cross-site", post(path, me.cookie, fields + sep + "csrf_token=" + me.csrf, "cross-site")},
        {"same-site", post(path, me.cookie, fields + sep + "csrf_token=" + me.csrf, "same-site")},
    };
    for (const auto& [what, r] : attempts) {
      EXPECT_EQ(r.result(), http::status::forbidden) << path << " " << what << r.body();
      EXPECT_TRUE(contains(r.body(), "This form was sent from another site or has expired.")) << path << " " << what;
      EXPECT_TRUE(contains(r["Content-Security-Policy"], "frame-ancestors 'none'"));
    }
  }
  // Nothing changed: both sessions live, the old password still signs in.
  EXPECT_TRUE(alive(me));
  EXPECT_TRUE(alive(other));
  EXPECT_TRUE(alive(browser_login("again")));
}

// ---- what each form does --------------------------------------------------------------------

TEST_F(AccountPage, RevokeSignsOutOneDeviceOrThisOne) {
  const Login other = browser_login("Other");
  const Login me = browser_login("Me");
  Response r = post("/account/devices/revoke", me.cookie, "device=" + other.id_hash + "&csrf_token=" + me.csrf);
  EXPECT_EQ(r.result(), http::status::see_other) << r.body();
  EXPECT_EQ(location(r), "/account?notice=revoked");
  EXPECT_FALSE(alive(other));
  EXPECT_TRUE(alive(me));
  // Unknown (or already revoked): the page says so.
  r = post("/account/devices/revoke", me.cookie, "device=" + other.id_hash + "&csrf_token=" + me.csrf);
  EXPECT_EQ(r.result(), http::status::not_found);
  EXPECT_TRUE(contains(r.body(), "That device is not signed in any more."));
  // Someone else's session is not found either.
  const Login bob = browser_login("Bob", "bob");
  r = post("/account/devices/revoke", me.cookie, "device=" + bob.id_hash + "&csrf_token=" + me.csrf);
  EXPECT_EQ(r.result(), http::status::not_found);
  EXPECT_TRUE(alive(bob));
  // This device: signed out, cookie deleted, to the login page.
  r = post("/account/devices/revoke", me.cookie, "device=" + me.id_hash + "&csrf_token=" + me.csrf);
  EXPECT_EQ(r.result(), http::status::see_other);
  EXPECT_EQ(location(r), "/login?return_to=%2Faccount");
  EXPECT_TRUE(contains(r[http::field::set_cookie], "Max-Age=0"));
  EXPECT_FALSE(alive(me));
}

TEST_F(AccountPage, RevokeEndsAnAppGrant) {
  const Login me = browser_login("Me");
  const json::object t = exchange(me.cookie);
  const Response s = get("/sessions", me.cookie);
  std::string family;
  const json::value listed = json::parse(s.body());
  for (const auto& v : listed.at("sessions").as_array())
    if (v.at("kind") == "app") family = std::string(v.at("id").as_string());
  ASSERT_FALSE(family.empty());
  const Response r = post("/account/devices/revoke", me.cookie, "device=" + family + "&csrf_token=" + me.csrf);
  EXPECT_EQ(r.result(), http::status::see_other) << r.body();
  const Response refreshed = token(form({{"grant_type", "refresh_token"}, {"refresh_token", t.at("refresh_token").as_string()}}),
                                   basic(app_.client.client_id, secret_of(app_)));
  EXPECT_EQ(error_of(refreshed), "invalid_grant");
  EXPECT_TRUE(alive(me));
}

TEST_F(AccountPage, SignOutOthersKeepsThisSession) {
  const Login a = browser_login("A");
  const Login b = browser_login("B");
  const Login me = browser_login("Me");
  const Response r = post("/account/sign-out-others", me.cookie, "csrf_token=" + me.csrf);
  EXPECT_EQ(r.result(), http::status::see_other) << r.body();
  EXPECT_EQ(location(r), "/account?notice=signed_out_others");
  EXPECT_FALSE(alive(a));
  EXPECT_FALSE(alive(b));
  EXPECT_TRUE(alive(me));
}

TEST_F(AccountPage, SignOutEverywhereEndsThisSessionToo) {
  const Login a = browser_login("A");
  const Login me = browser_login("Me");
  const Response r = post("/account/sign-out-everywhere", me.cookie, "csrf_token=" + me.csrf);
  EXPECT_EQ(r.result(), http::status::see_other) << r.body();
  EXPECT_EQ(location(r), "/login?return_to=%2Faccount");
  EXPECT_TRUE(contains(r[http::field::set_cookie], "Max-Age=0"));
  EXPECT_FALSE(alive(a));
  EXPECT_FALSE(alive(me));
  EXPECT_EQ(location(get("/account", me.cookie)), "/login?return_to=%2Faccount");
}

TEST_F(AccountPage, ChangePasswordShowsErrorsInThePageAndSucceeds) {
  const Login other = browser_login("Other");
  const Login me = browser_login("Me");
  Response r = post("/account/password", me.cookie,
                    "current_password=wrong+password&new_password=another+long+one&csrf_token=" + me.csrf);
  EXPECT_EQ(r.result(), http::status::unauthorized);
  EXPECT_TRUE(contains(r.body(), "The current password is wrong.")) << r.body();
  EXPECT_TRUE(contains(r[http::field::content_type], "text/html"));
  r = post("/account/password", me.cookie, "current_password=correct+horse+battery&new_password=short&csrf_token=" + me.csrf);
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_TRUE(contains(r.body(), "The new password is too short or too long.")) << r.body();
  r = post("/account/password", me.cookie, "current_password=correct+horse+battery&csrf_token=" + me.csrf);
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_TRUE(contains(r.body(), "Enter your current password and a new one."));
  EXPECT_TRUE(alive(me));
  r = post("/account/password", me.cookie,
           "current_password=correct+horse+battery&new_password=another+long+one&csrf_token=" + me.csrf);
  EXPECT_EQ(r.result(), http::status::see_other) << r.body();
  EXPECT_EQ(location(r), "/account?notice=password_changed");
  // The session was rotated: the new cookie works, the other device is signed out.
  const std::string set(r[http::field::set_cookie]);
  const std::string rotated = set.substr(set.find('=') + 1, set.find(';') - set.find('=') - 1);
  EXPECT_EQ(get("/account", rotated).result(), http::status::ok);
  EXPECT_FALSE(alive(other));
  Incoming in = request(http::verb::post, "/login", R"({"username":"alice","password":"another long one"})",
                        "application/json");
  EXPECT_EQ(send(std::move(in)).result(), http::status::ok);
}

TEST_F(AccountPage, ThrottledPasswordChangesSayWhenToTryAgain) {
  const Login me = browser_login("Me");
  Response r{http::status::ok, 11};
  for (int i = 0; i < 50 && r.result() != http::status::too_many_requests; ++i)
    r = post("/account/password", me.cookie,
             "current_password=wrong+password&new_password=another+long+one&csrf_token=" + me.csrf);
  ASSERT_EQ(r.result(), http::status::too_many_requests);
  EXPECT_TRUE(contains(r.body(), "Too many wrong passwords. Wait a moment and try again."));
  EXPECT_FALSE(r[http::field::retry_after].empty());
}

}  // namespace
}  // namespace tessera::server
