// The BFF's service (server/bff/bff_service.hpp, bff_sessions.hpp) against a fake issuer and a
// fake upstream on loopback: the sign-in's rules, the session and its sealed tokens, the
// proxy's header rules, refresh (once, also when requests and processes race), the end of the
// session when refresh fails, logout's revocation.
#include "server/bff/bff_service.hpp"

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "bff_fake_issuer.hpp"
#include "server/oauth_request.hpp"
#include "settable_clock.hpp"
#include "tessera/bff_proxy_rules.hpp"
#include "store/stores.hpp"

namespace tessera::server::bff {
namespace {

namespace http = boost::beast::http;
using test::FakeHttpServer;
using test::FakeIssuer;

std::map<std::string, std::string> query_of(const std::string& url) {
  auto params = parse_form_params(url.substr(url.find('?') + 1)).value_or(FormParams{});
  return {params.begin(), params.end()};
}

// The upstream API: answers 200 with a header of its own, a cookie and a hop-by-hop header.
FakeHttpServer::Response upstream_reply(const FakeHttpServer::Request&) {
  auto r = test::json_response(http::status::ok, R"({"notes":[]})");
  r.set("X-Upstream", "yes");
  r.set(http::field::set_cookie, "upstream=1");
  r.set(http::field::connection, "close, x-secret-hop");
  r.set("X-Secret-Hop", "1");
  return r;
}

// One BFF "process": its own HTTP client, issuer client, sessions (with their single-flight
// map) and service, over the shared store.
struct Process {
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<IssuerClient> issuer;
  std::unique_ptr<SessionManager> sessions;
  std::unique_ptr<BffSessions> bff_sessions;
  std::unique_ptr<BffService> service;
};

class BffServiceTest : public ::testing::Test {
 protected:
  test::SettableClock clock{SystemClock::instance().now()};
  FakeIssuer issuer{clock};
  FakeHttpServer upstream{upstream_reply};
  std::unique_ptr<SessionStore> store = store::make_memory_store();
  paseto::LocalKey key = *paseto::LocalKey::generate(paseto::Version::v4);
  ClientInfo client{"203.0.113.9", "test-browser", ""};

  std::unique_ptr<Process> process() {
    auto p = std::make_unique<Process>();
    p->http = std::move(*HttpClient::create({.ca_file = {}, .timeout = std::chrono::milliseconds(3000), .max_body_bytes = 1 << 20}));
    p->issuer = std::make_unique<IssuerClient>(*p->http, issuer.issuer(), FakeIssuer::kClient, "s3cret");
    p->sessions = std::make_unique<SessionManager>(std::move(*SessionManager::create(*store, {}, &clock)));
    p->bff_sessions = std::make_unique<BffSessions>(*p->sessions, *store, *tessera::bff::TokenVault::create(key), 5, clock);
    p->service = std::make_unique<BffService>(
        BffSettings{issuer.issuer(), FakeIssuer::kClient, "https://app.example/bff/callback",
                    {{"notes", upstream.url("/v1")}}},
        *p->issuer, *p->http, *p->bff_sessions, key, clock);
    return p;
  }

  LoginDone sign_in(Process& p) {
    auto start = p.service->start_login("/bff/app?tab=1");
    EXPECT_TRUE(start);
    auto q = query_of(start->authorization_url);
    issuer.expect(q["nonce"]);
    auto done = p.service->finish_login(FakeIssuer::kCode, q["state"], start->sealed, client);
    EXPECT_TRUE(done) << done.error().name() << ": " << done.error().message;
    return done.value_or(LoginDone{});
  }

  ProxyCall call(std::string rest = "/notes?x=1") {
    return ProxyCall{"notes", std::move(rest), "GET",
                     {{"Cookie", "__Host-tessera-bff=the-session"},
                      {"Connection", "keep-alive, X-Private"},
                      {"X-Private", "p"},
                      {"Keep-Alive", "timeout=5"},
                      {"Authorization", "Bearer browser-made"},
                      {"Accept", "application/json"},
                      {"X-CSRF", "1"}},
                     {}};
  }

  std::string attributes(const std::string& session_id) {
    auto r = store->get(SessionManager::hash_id(session_id));
    return r && *r ? (*r)->attributes_json : std::string();
  }
};

TEST_F(BffServiceTest, LoginAsksForCodeWithPkceS256StateAndNonce) {
  auto p = process();
  auto start = p->service->start_login("/bff/app?tab=1");
  ASSERT_TRUE(start) << start.error().message;
  EXPECT_EQ(start->authorization_url.rfind(issuer.issuer() + "/authorize?", 0), 0u);
  auto q = query_of(start->authorization_url);
  EXPECT_EQ(q["response_type"], "code");
  EXPECT_EQ(q["client_id"], "spa");
  EXPECT_EQ(q["redirect_uri"], "https://app.example/bff/callback");
  EXPECT_EQ(q["scope"], "openid profile offline_access");
  EXPECT_EQ(q["code_challenge_method"], "S256");
  EXPECT_EQ(q["code_challenge"].size(), 43u);
  EXPECT_EQ(q["state"].size(), 43u);
  EXPECT_EQ(q["nonce"].size(), 43u);
  // The sealed record keeps the verifier, nonce and state from the browser.
  auto opened = tessera::bff::open_login_request(start->sealed, key, clock.now());
  ASSERT_TRUE(opened);
  EXPECT_EQ(opened->code_challenge, q["code_challenge"]);
  EXPECT_EQ(start->sealed.find(opened->code_verifier), std::string::npos);
  EXPECT_EQ(start->sealed.find(q["nonce"]), std::string::npos);
  EXPECT_EQ(opened->return_to, "/bff/app?tab=1");
}

TEST_F(BffServiceTest, ReturnToOnlySameOriginPaths) {
  auto p = process();
  for (const char* bad : {"https://evil.example/", "//evil.example", "/\\evil", "javascript:alert(1)", ""}) {
    auto start = p->service->start_login(bad);
    ASSERT_TRUE(start);
    EXPECT_EQ(tessera::bff::open_login_request(start->sealed, key, clock.now())->return_to, "/bff/app") << bad;
  }
}

TEST_F(BffServiceTest, CallbackSignsInAndSealsTheTokens) {
  auto p = process();
  auto done = sign_in(*p);
  EXPECT_EQ(done.return_to, "/bff/app?tab=1");
  auto user = p->service->user(done.session_id);
  ASSERT_TRUE(user) << user.error().message;
  EXPECT_EQ(user->at("sub").as_string(), "alice");
  EXPECT_EQ(user->at("name").as_string(), "Alice A.");
  EXPECT_EQ(user->at("email").as_string(), "alice@example.com");
  EXPECT_TRUE(user->contains("auth_time"));
  EXPECT_TRUE(user->at("expires_at").is_int64());
  EXPECT_FALSE(user->contains("nonce"));
  // The record holds the tokens only sealed.
  const std::string attrs = attributes(done.session_id);
  EXPECT_NE(attrs.find("v4.local."), std::string::npos);
  EXPECT_EQ(attrs.find("secret-access"), std::string::npos);
  EXPECT_EQ(attrs.find("secret-refresh"), std::string::npos);
  EXPECT_EQ(attrs.find("eyJ"), std::string::npos);  // nor the ID token
  auto rec = store->get(SessionManager::hash_id(done.session_id));
  EXPECT_EQ((*rec)->user, "bff:alice");
}

TEST_F(BffServiceTest, CallbackRefusesWhatIsNotThisBrowsersSignIn) {
  auto p = process();
  auto start = p->service->start_login("/");
  ASSERT_TRUE(start);
  auto q = query_of(start->authorization_url);
  issuer.expect(q["nonce"]);
  const auto refused = [&](std::string_view code, std::string_view state, std::string_view sealed) {
    auto r = p->service->finish_login(code, state, sealed, client);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::invalid_request) << r.error().message;
  };
  refused(FakeIssuer::kCode, q["state"], "");                               // no sign-in cookie
  refused(FakeIssuer::kCode, "another-state", start->sealed);               // state mismatch
  refused(FakeIssuer::kCode, "", start->sealed);                            // no state
  refused(FakeIssuer::kCode, q["state"], start->sealed + "x");              // tampered record
  refused("", q["state"], start->sealed);                                   // no code
  auto other = p->service->start_login("/");                                // another sign-in's record
  refused(FakeIssuer::kCode, q["state"], other->sealed);
  clock.advance(tessera::bff::kLoginRequestTtlSeconds + 1);
  refused(FakeIssuer::kCode, q["state"], start->sealed);                    // too late
  EXPECT_EQ(issuer.server().count("/token"), 0u);                           // no code was exchanged
}

TEST_F(BffServiceTest, CallbackChecksTheIdToken) {
  auto p = process();
  auto start = p->service->start_login("/");
  auto q = query_of(start->authorization_url);
  issuer.force_nonce("a-replayed-nonce");
  auto r = p->service->finish_login(FakeIssuer::kCode, q["state"], start->sealed, client);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_token);
  // A code the issuer refuses keeps the issuer's code.
  auto bad = p->service->finish_login("not-the-code", q["state"], start->sealed, client);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_grant);
}

TEST_F(BffServiceTest, ProxyAttachesTheTokenAndFiltersHeadersBothWays) {
  auto p = process();
  auto done = sign_in(*p);
  auto res = p->service->proxy(done.session_id, call());
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(res->status, 200u);
  EXPECT_EQ(res->body, R"({"notes":[]})");
  const auto seen = upstream.requests().back();
  EXPECT_EQ(seen.target(), "/v1/notes?x=1");
  EXPECT_EQ(seen[http::field::authorization], "Bearer AT-1-secret-access");
  EXPECT_EQ(seen.count(http::field::cookie), 0u);
  EXPECT_EQ(seen.count("X-Private"), 0u);  // named by Connection
  EXPECT_EQ(seen.count(http::field::keep_alive), 0u);
  EXPECT_EQ(seen[http::field::accept], "application/json");
  std::map<std::string, std::string> back;
  for (const auto& [k, v] : res->headers) back[k] = v;
  EXPECT_EQ(back["X-Upstream"], "yes");
  EXPECT_FALSE(back.contains("Set-Cookie"));
  EXPECT_FALSE(back.contains("X-Secret-Hop"));
  EXPECT_FALSE(back.contains("Connection"));
  EXPECT_EQ(issuer.refreshes(), 0);
}

TEST_F(BffServiceTest, ProxyRefusesUnknownUpstreamsAndPathsOutOfTheUpstream) {
  auto p = process();
  auto done = sign_in(*p);
  auto c = call("/../admin");
  auto r = p->service->proxy(done.session_id, c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_request);
  c = call();
  c.upstream = "other";
  r = p->service->proxy(done.session_id, c);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_TRUE(upstream.requests().empty());
}

TEST_F(BffServiceTest, RefreshesBeforeExpiryAndStoresTheRotatedTokens) {
  auto p = process();
  issuer.set_access_ttl(60);
  auto done = sign_in(*p);
  clock.advance(60 - tessera::bff::kRefreshLeewaySeconds + 1);  // within the leeway
  auto res = p->service->proxy(done.session_id, call());
  ASSERT_TRUE(res) << res.error().message;
  EXPECT_EQ(issuer.refreshes(), 1);
  EXPECT_EQ(upstream.requests().back()[http::field::authorization], "Bearer AT-2-secret-access");
  // Stored: the next call uses the new token without refreshing.
  res = p->service->proxy(done.session_id, call());
  ASSERT_TRUE(res);
  EXPECT_EQ(issuer.refreshes(), 1);
  EXPECT_EQ(upstream.requests().back()[http::field::authorization], "Bearer AT-2-secret-access");
  EXPECT_EQ(attributes(done.session_id).find("bff_lease"), std::string::npos);
  EXPECT_TRUE(issuer.live("RT-2-secret-refresh"));
}

// Requests of one process and of two processes over one store race a due refresh: the issuer
// sees one refresh and never a refresh token twice.
TEST_F(BffServiceTest, RacingRequestsRefreshOnce) {
  auto a = process();
  auto b = process();
  issuer.set_access_ttl(60);
  auto done = sign_in(*a);
  clock.advance(120);  // expired
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      auto& p = i % 2 == 0 ? *a : *b;
      auto r = p.service->proxy(done.session_id, call());
      if (r && r->status == 200) ++ok;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8);
  EXPECT_EQ(issuer.refreshes(), 1);
  EXPECT_FALSE(issuer.reuse_seen());
  for (const auto& r : upstream.requests()) EXPECT_EQ(r[http::field::authorization], "Bearer AT-2-secret-access");
}

TEST_F(BffServiceTest, FailedRefreshEndsTheSession) {
  auto p = process();
  issuer.set_access_ttl(60);
  auto done = sign_in(*p);
  issuer.revoke_all();
  clock.advance(120);
  auto r = p->service->proxy(done.session_id, call());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_grant);
  EXPECT_TRUE(upstream.requests().empty());
  auto user = p->service->user(done.session_id);
  ASSERT_FALSE(user);
  EXPECT_EQ(user.error().code, Errc::session_revoked);
}

TEST_F(BffServiceTest, LogoutRevokesTheRefreshTokenAndEndsTheSession) {
  auto p = process();
  auto done = sign_in(*p);
  auto r = p->service->logout(done.session_id);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(*r);
  EXPECT_EQ(issuer.revoked(), (std::vector<std::string>{"RT-1-secret-refresh"}));
  EXPECT_FALSE(issuer.live("RT-1-secret-refresh"));
  EXPECT_FALSE(p->service->user(done.session_id));
  EXPECT_FALSE(p->service->proxy(done.session_id, call()));
}

TEST_F(BffServiceTest, AnotherSessionsCookieOrAPlainSessionIsNoBffSession) {
  auto p = process();
  auto plain = p->sessions->create("bob", "{}", client);
  ASSERT_TRUE(plain);
  auto r = p->service->user(plain->id);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::session_not_found);
  EXPECT_FALSE(p->service->user("not-a-session-id"));
}

}  // namespace
}  // namespace tessera::server::bff
