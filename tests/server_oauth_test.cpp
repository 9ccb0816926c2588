// The OAuth routes of `tessera serve` in process (server/routes/oauth_routes.hpp): the HTTP-level
// rules over a real AuthorizationServer on memory stores — status codes, no-store, the
// WWW-Authenticate challenges, form-only bodies, Basic credentials, the error page versus the
// redirect, the login redirect, the consent form's CSRF and same-origin checks, the device list,
// the metrics and log lines of the observer, the epoch gate. The protocol rules themselves are
// the AuthorizationServer's (its own tests); e2e/test_oauth.py drives the real binary.
#include <gtest/gtest.h>

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
#include "server_test_keys.hpp"
#include "server/oauth_observer.hpp"
#include "server/oauth_request.hpp"
#include "store/stores.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/oauth_store.hpp"

namespace tessera::server {
namespace {

namespace json = boost::json;

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::string_view kPw = "correct horse battery";
constexpr std::string_view kIssuer = "http://localhost:8080";
constexpr std::string_view kRedirect = "https://app.example/cb";
constexpr std::string_view kVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr std::string_view kChallenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";  // RFC 7636 Appendix B
constexpr std::string_view kPageCspExpected =
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'";

std::string base64(std::string_view in) {
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

std::string basic(std::string_view id, std::string_view secret) {
  return "Basic " + base64(percent_encode(id) + ":" + percent_encode(secret));
}

std::string form(std::initializer_list<std::pair<std::string_view, std::string_view>> fields) {
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    out += percent_encode(k) + "=" + percent_encode(v);
  }
  return out;
}

const DataDir& keys() { return testing::server_test_keys(); }

class OAuthRoutes : public ::testing::Test {
 protected:
  OAuthRoutes() {
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
  ~OAuthRoutes() override { std::filesystem::remove(log_path_); }

  static AuthOptions fast() {
    AuthOptions ao;
    ao.password = PasswordParams{1, 8u * 1024u * 1024u};
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
  std::unique_ptr<AccountStore> accounts_ = store::combine(store::make_memory_halves());
  SessionManager sessions_ = SessionManager::create(accounts_->sessions(), SessionOptions{}, &clock_).value();
  AuthService auth_ = AuthService::create(sessions_, *accounts_, fast(), &clock_).value();
  std::unique_ptr<OAuthStore> oauth_store_ = open_oauth_store("memory:").value();
  std::string log_path_ = [] {
    char path[] = "/tmp/tessera-oauth-log-XXXXXX";
    const int fd = ::mkstemp(path);
    if (fd >= 0) ::close(fd);
    return std::string(path);
  }();
  int log_fd_ = ::open(log_path_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  Logger log_{LogLevel::debug, log_fd_};
  Metrics metrics_{route_patterns()};
  AuthorizationServer oauth_ =
      AuthorizationServer::create(*oauth_store_, accounts_->users(), keys().signing_keys, keys().oauth_key,
                                  OAuthOptions{.issuer = std::string(kIssuer)}, &clock_, oauth_observer(log_, metrics_))
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
                             .jwks_json = R"({"keys":[]})"}};
};

TEST_F(OAuthRoutes, MetadataAtBothWellKnownPaths) {
  for (const char* path : {"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"}) {
    const Response r = send(request(http::verb::get, path));
    ASSERT_EQ(r.result(), http::status::ok) << path;
    EXPECT_EQ(r[http::field::content_type], "application/json");
    EXPECT_EQ(r[http::field::cache_control], "public, max-age=300");
    EXPECT_EQ(json::parse(r.body()).at("issuer").as_string(), kIssuer);
  }
}

TEST_F(OAuthRoutes, TokenEndpointTakesFormsOnlyAndIsNeverCached) {
  const std::string ok = form({{"grant_type", "client_credentials"}, {"scope", "reports"}});
  const std::string auth = basic(svc_.client.client_id, secret_of(svc_));
  Incoming in = request(http::verb::post, "/oauth2/token", R"({"grant_type":"client_credentials"})", "application/json");
  in.msg.set(http::field::authorization, auth);
  Response r = send(std::move(in));
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_EQ(error_of(r), "invalid_request");
  EXPECT_TRUE(json::parse(r.body()).as_object().contains("error_description"));
  EXPECT_EQ(r[http::field::cache_control], "no-store");
  EXPECT_EQ(r[http::field::pragma], "no-cache");
  r = token(ok, auth);
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  EXPECT_EQ(r[http::field::cache_control], "no-store");
  EXPECT_EQ(r[http::field::pragma], "no-cache");
  EXPECT_EQ(metrics_.tokens_issued("client_credentials", "jwt"), 1u);
  // Needlessly percent-encoded Basic halves decode to the same credentials.
  std::string encoded_id;
  for (unsigned char c : svc_.client.client_id) encoded_id += "%" + std::string(1, "0123456789ABCDEF"[c >> 4]) + "0123456789ABCDEF"[c & 15];
  r = token(ok, "Basic " + base64(encoded_id + ":" + percent_encode(secret_of(svc_))));
  EXPECT_EQ(r.result(), http::status::ok) << r.body();
}

TEST_F(OAuthRoutes, InvalidClientIs401WithABasicChallengeOnlyWhenBasicWasUsed) {
  const std::string ok = form({{"grant_type", "client_credentials"}, {"scope", "reports"}});
  for (const std::string& h : {basic(svc_.client.client_id, "wrong"), std::string("Basic !!!"), std::string("Basic YWJj")}) {
    const Response r = token(ok, h);
    EXPECT_EQ(r.result(), http::status::unauthorized) << h << ": " << r.body();
    EXPECT_EQ(error_of(r), "invalid_client");
    EXPECT_EQ(r[http::field::www_authenticate], "Basic realm=\"tessera\"");
  }
  const Response r = token(form({{"grant_type", "client_credentials"},
                                 {"client_id", svc_.client.client_id},
                                 {"client_secret", "wrong"}}));
  EXPECT_EQ(r.result(), http::status::unauthorized) << r.body();
  EXPECT_EQ(error_of(r), "invalid_client");
  EXPECT_EQ(r.find(http::field::www_authenticate), r.end());
  // Library details about a credential never reach the client: the fixed text does.
  EXPECT_EQ(json::parse(r.body()).at("error_description").as_string(), "client authentication failed");
}

TEST_F(OAuthRoutes, AuthorizeWithoutSessionRedirectsToLoginAndBack) {
  const std::string target = authorize_query(app_);
  const Response r = authorize(target, "");
  EXPECT_EQ(r.result(), http::status::see_other);
  EXPECT_EQ(r[http::field::location], "/login?return_to=" + percent_encode(target));
  // A dead cookie is no session either.
  EXPECT_EQ(authorize(target, std::string(43, 'A')).result(), http::status::see_other);
}

TEST_F(OAuthRoutes, ErrorsThatCannotGoToTheClientGetAnErrorPage) {
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

TEST_F(OAuthRoutes, ConsentPageAndItsFormRules) {
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

TEST_F(OAuthRoutes, UserinfoChallengesPerRfc6750) {
  const auto [cookie, csrf] = login();
  const json::object t = exchange(cookie);
  const std::string at(t.at("access_token").as_string());
  for (auto method : {http::verb::get, http::verb::post}) {
    Incoming in = request(method, "/userinfo");
    in.msg.set(http::field::authorization, "Bearer " + at);
    const Response r = send(std::move(in));
    ASSERT_EQ(r.result(), http::status::ok) << r.body();
    EXPECT_EQ(json::parse(r.body()).at("sub").as_string(), "alice");
    EXPECT_EQ(r[http::field::cache_control], "no-store");
  }
  Response r = send(request(http::verb::get, "/userinfo"));
  EXPECT_EQ(r.result(), http::status::unauthorized);
  EXPECT_EQ(r[http::field::www_authenticate], "Bearer realm=\"tessera\"");
  Incoming bad = request(http::verb::get, "/userinfo");
  bad.msg.set(http::field::authorization, "Bearer not-a-token");
  r = send(std::move(bad));
  EXPECT_EQ(r.result(), http::status::unauthorized);
  EXPECT_EQ(r[http::field::www_authenticate], "Bearer realm=\"tessera\", error=\"invalid_token\"");
  Incoming malformed = request(http::verb::get, "/userinfo");
  malformed.msg.set(http::field::authorization, "Bearer a b");
  r = send(std::move(malformed));
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_EQ(r[http::field::www_authenticate], "Bearer realm=\"tessera\", error=\"invalid_request\"");
}

TEST_F(OAuthRoutes, IntrospectionRevocationAndTheirCounters) {
  const auto [cookie, csrf] = login();
  const json::object t = exchange(cookie);
  const std::string at(t.at("access_token").as_string());
  const std::string auth = basic(app_.client.client_id, secret_of(app_));
  auto call = [&](std::string_view path, std::string body) {
    Incoming in = request(http::verb::post, path, body);
    in.msg.set(http::field::authorization, auth);
    return send(std::move(in));
  };
  Response r = call("/oauth2/introspect", form({{"token", at}}));
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  EXPECT_EQ(r[http::field::cache_control], "no-store");
  EXPECT_TRUE(json::parse(r.body()).at("active").as_bool());
  r = call("/oauth2/revoke", form({{"token", at}}));
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  r = call("/oauth2/introspect", form({{"token", at}}));
  EXPECT_FALSE(json::parse(r.body()).at("active").as_bool());
  EXPECT_EQ(metrics_.introspections(true), 1u);
  EXPECT_EQ(metrics_.introspections(false), 1u);
  EXPECT_EQ(metrics_.counter(Counter::oauth_revocations), 1u);
  r = send(request(http::verb::post, "/oauth2/introspect", form({{"token", at}})));  // no client authentication
  EXPECT_EQ(r.result(), http::status::unauthorized);
  EXPECT_EQ(error_of(r), "invalid_client");
}

TEST_F(OAuthRoutes, RefreshReuseAndCodeReuseAreCountedAndLoggedWithIdsOnly) {
  const auto [cookie, csrf] = login();
  const std::string c = code(cookie);
  const std::string exchange_form =
      form({{"grant_type", "authorization_code"}, {"code", c}, {"redirect_uri", kRedirect}, {"code_verifier", kVerifier}});
  const std::string auth = basic(app_.client.client_id, secret_of(app_));
  Response r = token(exchange_form, auth);
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  const json::object first = json::parse(r.body()).as_object();
  const std::string rt(first.at("refresh_token").as_string());
  r = token(form({{"grant_type", "refresh_token"}, {"refresh_token", rt}}), auth);
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  const json::object second = json::parse(r.body()).as_object();
  r = token(form({{"grant_type", "refresh_token"}, {"refresh_token", rt}}), auth);
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_EQ(error_of(r), "invalid_grant");
  EXPECT_EQ(metrics_.counter(Counter::oauth_refresh_reuse), 1u);
  r = token(exchange_form, auth);
  EXPECT_EQ(error_of(r), "invalid_grant");
  EXPECT_EQ(metrics_.counter(Counter::oauth_code_reuse), 1u);
  EXPECT_EQ(metrics_.tokens_issued("authorization_code", "jwt"), 1u);
  EXPECT_EQ(metrics_.tokens_issued("refresh_token", "jwt"), 1u);
  log_.flush();
  const std::string logs = log_text();
  for (const auto* o : {&first, &second})
    for (const char* k : {"access_token", "refresh_token", "id_token"})
      if (o->contains(k)) EXPECT_EQ(logs.find(std::string(o->at(k).as_string())), std::string::npos) << k;
  EXPECT_EQ(logs.find(c), std::string::npos);
  EXPECT_EQ(logs.find(secret_of(app_)), std::string::npos);
  EXPECT_NE(logs.find("\"msg\":\"refresh token reuse\""), std::string::npos) << logs;
  EXPECT_NE(logs.find("\"msg\":\"code reuse\""), std::string::npos) << logs;
  EXPECT_NE(logs.find("\"client_id\":\"" + app_.client.client_id + "\""), std::string::npos);
}

TEST_F(OAuthRoutes, DeviceListShowsAppGrantsAndDeleteRevokesThem) {
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

TEST(OAuthRoutePatterns, EveryOAuthRouteIsRegisteredAndLabelled) {
  const auto patterns = route_patterns();
  for (const char* p : {"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server",
                        "/oauth2/authorize", "/oauth2/token", "/oauth2/introspect", "/oauth2/revoke", "/userinfo"})
    EXPECT_NE(std::find(patterns.begin(), patterns.end(), p), patterns.end()) << p;
}

}  // namespace
}  // namespace tessera::server
