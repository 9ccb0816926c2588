// The authorization endpoint and the device list of `tessera serve` in process
// (server/routes/oauth_routes.hpp, session_routes.hpp): the login redirect, the error page
// versus the redirect to the client, the consent page and its form's CSRF and same-origin rules,
// app grants in GET/DELETE /sessions, and the store epoch gate in front of the OAuth routes.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "server/epoch_file.hpp"
#include "server/epoch_guard.hpp"
#include "server_oauth_fixture.hpp"
#include "store/epoch.hpp"

namespace tessera::server {
namespace {

using namespace oauth_test;
namespace json = boost::json;

class OAuthAuthorize : public Fixture {};

TEST_F(OAuthAuthorize, AuthorizeWithoutSessionRedirectsToLoginAndBack) {
  const std::string target = authorize_query(app_);
  const Response r = authorize(target, "");
  EXPECT_EQ(r.result(), http::status::see_other);
  EXPECT_EQ(r[http::field::location], "/login?return_to=" + percent_encode(target));
  // A dead cookie is no session either.
  EXPECT_EQ(authorize(target, std::string(43, 'A')).result(), http::status::see_other);
}

TEST_F(OAuthAuthorize, ErrorsThatCannotGoToTheClientGetAnErrorPage) {
  const auto [cookie, csrf] = login();
  for (const std::string& target :
       {std::string("/oauth2/authorize?client_id=nobody&response_type=code"),
        "/oauth2/authorize?" + form({{"response_type", "code"},
                                     {"client_id", app_.client.client_id},
                                     {"redirect_uri", "https://evil.example/cb"},
                                     {"code_challenge", kChallenge},
                                     {"code_challenge_method", "S256"}}),
        std::string("/oauth2/authorize?a=%zz")}) {
    const Response r = authorize(target, cookie);
    EXPECT_EQ(r.result(), http::status::bad_request) << target;
    EXPECT_EQ(r.find(http::field::location), r.end()) << target;
    EXPECT_EQ(r[http::field::content_type], "text/html; charset=utf-8");
    EXPECT_EQ(r["Content-Security-Policy"], kPageCspExpected);
    EXPECT_EQ(r["X-Frame-Options"], "DENY");
    EXPECT_EQ(r[http::field::cache_control], "no-store");
  }
  // A registered redirect URI gets the error itself, with state and iss (RFC 9207).
  const Response r = authorize(authorize_query(app_, "&code_challenge_method=plain"), cookie);
  ASSERT_EQ(r.result(), http::status::found) << r.body();
  const std::string loc(r[http::field::location]);
  EXPECT_EQ(loc.rfind(std::string(kRedirect) + "?", 0), 0u) << loc;
  EXPECT_NE(loc.find("error=invalid_request"), std::string::npos) << loc;
  EXPECT_NE(loc.find("state=st4te"), std::string::npos) << loc;
  EXPECT_NE(loc.find("iss=" + percent_encode(kIssuer)), std::string::npos) << loc;
}

TEST_F(OAuthAuthorize, ConsentPageAndItsFormRules) {
  const auto [cookie, csrf] = login();
  const std::string target = authorize_query(third_);
  Response r = authorize(target, cookie);
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  EXPECT_EQ(r["Content-Security-Policy"], kPageCspExpected);  // no form-action
  EXPECT_EQ(r[http::field::cache_control], "no-store");
  const std::string page = r.body();
  EXPECT_NE(page.find("Third &lt;b&gt;Party&lt;"), std::string::npos) << page;  // escaped
  EXPECT_EQ(page.find("<b>Party"), std::string::npos);
  EXPECT_NE(page.find(csrf), std::string::npos);
  EXPECT_NE(page.find(std::string(kChallenge)), std::string::npos);

  const std::string params = target.substr(target.find('?') + 1);
  auto post = [&](std::string body, std::string_view site, std::string_view origin, bool with_cookie = true) {
    Incoming in = request(http::verb::post, "/oauth2/authorize", body);
    if (with_cookie) in.msg.set(http::field::cookie, "__Host-tessera=" + cookie);
    if (!site.empty()) in.msg.set("Sec-Fetch-Site", site);
    if (!origin.empty()) in.msg.set(http::field::origin, origin);
    return send(std::move(in));
  };
  const std::string approve = params + "&decision=approve&csrf_token=" + csrf;
  EXPECT_EQ(post(params + "&decision=approve", "same-origin", "null").result(), http::status::forbidden);
  EXPECT_EQ(post(params + "&decision=approve&csrf_token=" + std::string(43, 'x'), "same-origin", "null").result(),
            http::status::forbidden);
  EXPECT_EQ(post(approve, "cross-site", "https://evil.example").result(), http::status::forbidden);
  EXPECT_EQ(post(approve, "", "https://evil.example").result(), http::status::forbidden);
  EXPECT_EQ(post(approve, "same-origin", "null", false).result(), http::status::unauthorized);
  EXPECT_EQ(post(params + "&decision=maybe&csrf_token=" + csrf, "same-origin", "null").result(), http::status::bad_request);
  EXPECT_EQ(post(approve + "&decision=deny", "same-origin", "null").result(), http::status::bad_request);
  Incoming json_in = request(http::verb::post, "/oauth2/authorize", R"({"decision":"approve"})", "application/json");
  json_in.msg.set(http::field::cookie, "__Host-tessera=" + cookie);
  EXPECT_EQ(send(std::move(json_in)).result(), http::status::bad_request);
  // Deny: access_denied at the client. Approve, as Chromium posts a same-origin form under
  // Referrer-Policy: no-referrer (Origin: null, Sec-Fetch-Site: same-origin): the code.
  r = post(params + "&decision=deny&csrf_token=" + csrf, "same-origin", "null");
  ASSERT_EQ(r.result(), http::status::found) << r.body();
  EXPECT_NE(std::string(r[http::field::location]).find("error=access_denied"), std::string::npos);
  r = post(approve, "same-origin", "null");
  ASSERT_EQ(r.result(), http::status::found) << r.body();
  EXPECT_NE(std::string(r[http::field::location]).find("code="), std::string::npos);
  // Without fetch metadata, the Origin decides.
  r = post(approve, "", "http://localhost:8080");
  EXPECT_EQ(r.result(), http::status::found) << r.body();
}

TEST_F(OAuthAuthorize, DeviceListShowsAppGrantsAndDeleteRevokesThem) {
  const auto [cookie, csrf] = login();
  const json::object t = exchange(cookie);
  Incoming in = request(http::verb::get, "/sessions");
  in.msg.set(http::field::cookie, "__Host-tessera=" + cookie);
  Response r = send(std::move(in));
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  std::string family;
  int browsers = 0;
  const json::value listed = json::parse(r.body());
  for (const auto& v : listed.at("sessions").as_array()) {
    const auto& o = v.as_object();
    if (o.at("kind") == "browser") ++browsers;
    if (o.at("kind") != "app") continue;
    EXPECT_EQ(o.at("client_name"), "first party");
    family = std::string(o.at("id").as_string());
  }
  EXPECT_EQ(browsers, 1);
  ASSERT_EQ(family.size(), 22u) << r.body();
  auto del = [&](const std::string& who_cookie, const std::string& who_csrf) {
    Incoming d = request(http::verb::delete_, "/sessions/" + family);
    d.msg.set(http::field::cookie, "__Host-tessera=" + who_cookie);
    d.msg.set("X-CSRF-Token", who_csrf);
    return send(std::move(d));
  };
  const auto [bob_cookie, bob_csrf] = login("bob");
  EXPECT_EQ(del(bob_cookie, bob_csrf).result(), http::status::not_found);
  EXPECT_EQ(del(cookie, csrf).result(), http::status::no_content);
  r = token(form({{"grant_type", "refresh_token"}, {"refresh_token", t.at("refresh_token").as_string()}}),
            basic(app_.client.client_id, secret_of(app_)));
  EXPECT_EQ(error_of(r), "invalid_grant");
}

TEST_F(OAuthAuthorize, MetadataIsServedWhileTheStoreEpochIsNotReadyAndTheRestIsNot) {
  // A store that was replaced (local epoch A, store epoch B): only what never touches the store.
  const auto dir = std::filesystem::temp_directory_path() / ("tessera-oauth-epoch-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(write_local_epoch(dir.string(), std::string(22, 'A')));
  auto epoch_store = store::make_memory_epoch_store();
  ASSERT_TRUE(epoch_store->replace(EpochMarker{std::string(22, 'B'), {}}));
  EpochGuard guard(std::move(epoch_store), dir.string(), log_);
  ASSERT_EQ(guard.check(), EpochGuard::State::not_ready);
  App gated{AppContext{.cfg = cfg_,
                       .auth = auth_,
                       .oauth = oauth_,
                       .log = log_,
                       .metrics = metrics_,
                       .clock = clock_,
                       .password_pool = password_pool_,
                       .epoch = &guard}};
  auto send_to = [&gated](Incoming in) {
    asio::io_context ioc;
    auto f = asio::co_spawn(ioc, gated.handle(in), asio::use_future);
    ioc.run();
    return f.get();
  };
  for (const char* path : {"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"})
    EXPECT_EQ(send_to(request(http::verb::get, path)).result(), http::status::ok) << path;
  Incoming t = request(http::verb::post, "/oauth2/token", form({{"grant_type", "client_credentials"}}));
  t.msg.set(http::field::authorization, basic(svc_.client.client_id, secret_of(svc_)));
  const Response r = send_to(std::move(t));
  EXPECT_EQ(r.result(), http::status::service_unavailable);
  EXPECT_EQ(error_of(r), "store_epoch_mismatch");  // in the token endpoint's shape, never cached
  EXPECT_TRUE(json::parse(r.body()).as_object().contains("error_description")) << r.body();
  EXPECT_EQ(r[http::field::cache_control], "no-store");
  const Response page = send_to(request(http::verb::get, authorize_query(app_)));
  EXPECT_EQ(page.result(), http::status::service_unavailable);
  EXPECT_EQ(page[http::field::content_type], "text/html; charset=utf-8");
  const Response other = send_to(request(http::verb::get, "/session"));
  EXPECT_EQ(other.result(), http::status::service_unavailable);
  EXPECT_TRUE(json::parse(other.body()).as_object().contains("message")) << other.body();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace tessera::server
