// The OAuth token endpoints of `tessera serve` in process (server/routes/oauth_routes.hpp):
// metadata, /oauth2/token, /introspect, /revoke and /userinfo over a real AuthorizationServer on
// memory stores — status codes, no-store, the WWW-Authenticate challenges, form-only bodies,
// Basic credentials, repeated parameters, the metrics and log lines of the observer. The
// protocol rules themselves are the AuthorizationServer's (its own tests); the authorization
// endpoint and the device list: server_oauth_authorize_test.cpp; e2e/test_oauth.py drives the
// real binary.
#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "server_oauth_fixture.hpp"

namespace tessera::server {
namespace {

using namespace oauth_test;
namespace json = boost::json;

class OAuthRoutes : public Fixture {};

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

TEST_F(OAuthRoutes, RepeatedParametersReachTheLibraryWhichRefusesThem) {
  const std::string auth = basic(svc_.client.client_id, secret_of(svc_));
  Response r = token("grant_type=client_credentials&scope=reports&scope=reports", auth);
  EXPECT_EQ(r.result(), http::status::bad_request) << r.body();
  EXPECT_EQ(error_of(r), "invalid_request");
  const auto [cookie, csrf] = login();
  // A repeated client_id: no client can be trusted with the answer, so an error page.
  r = authorize(authorize_query(app_, "&client_id=" + third_.client.client_id), cookie);
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_EQ(r.find(http::field::location), r.end());
  // A repeated state after a good client and redirect URI: the error goes to the client.
  r = authorize(authorize_query(app_, "&state=again"), cookie);
  ASSERT_EQ(r.result(), http::status::found) << r.body();
  EXPECT_NE(std::string(r[http::field::location]).find("error=invalid_request"), std::string::npos);
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
  // A live token without openid: 403 insufficient_scope.
  const Response a = authorize("/oauth2/authorize?" + form({{"response_type", "code"},
                                                            {"client_id", app_.client.client_id},
                                                            {"redirect_uri", kRedirect},
                                                            {"scope", "profile"},
                                                            {"state", "s"},
                                                            {"code_challenge", kChallenge},
                                                            {"code_challenge_method", "S256"}}),
                               cookie);
  ASSERT_EQ(a.result(), http::status::found) << a.body();
  const std::string loc(a[http::field::location]);
  const auto at_code = loc.find("code=");
  ASSERT_NE(at_code, std::string::npos) << loc;
  const Response t2 = token(form({{"grant_type", "authorization_code"},
                                  {"code", loc.substr(at_code + 5, loc.find('&', at_code) - at_code - 5)},
                                  {"redirect_uri", kRedirect},
                                  {"code_verifier", kVerifier}}),
                            basic(app_.client.client_id, secret_of(app_)));
  ASSERT_EQ(t2.result(), http::status::ok) << t2.body();
  Incoming no_openid = request(http::verb::get, "/userinfo");
  no_openid.msg.set(http::field::authorization,
                    "Bearer " + std::string(json::parse(t2.body()).at("access_token").as_string()));
  r = send(std::move(no_openid));
  EXPECT_EQ(r.result(), http::status::forbidden) << r.body();
  EXPECT_EQ(r[http::field::www_authenticate], "Bearer realm=\"tessera\", error=\"insufficient_scope\"");
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
      if (o->contains(k)) {
        EXPECT_EQ(logs.find(std::string(o->at(k).as_string())), std::string::npos) << k;
      }
  EXPECT_EQ(logs.find(c), std::string::npos);
  EXPECT_EQ(logs.find(secret_of(app_)), std::string::npos);
  EXPECT_NE(logs.find("\"msg\":\"refresh token reuse\""), std::string::npos) << logs;
  EXPECT_NE(logs.find("\"msg\":\"code reuse\""), std::string::npos) << logs;
  EXPECT_NE(logs.find("\"client_id\":\"" + app_.client.client_id + "\""), std::string::npos);
}

TEST(OAuthRoutePatterns, EveryOAuthRouteIsRegisteredAndLabelled) {
  const auto patterns = route_patterns();
  for (const char* p : {"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server",
                        "/oauth2/authorize", "/oauth2/token", "/oauth2/introspect", "/oauth2/revoke", "/userinfo"})
    EXPECT_NE(std::find(patterns.begin(), patterns.end(), p), patterns.end()) << p;
}

}  // namespace
}  // namespace tessera::server
