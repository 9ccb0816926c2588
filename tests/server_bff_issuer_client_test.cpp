// The BFF's calls to its issuer (server/bff/issuer_client.hpp) against a loopback server: the
// requests as sent (client_secret_basic, the form) and each kind of answer.
#include "server/bff/issuer_client.hpp"

#include <gtest/gtest.h>

#include "loopback_http_server.hpp"
#include "server/oauth_request.hpp"

namespace tessera::server::bff {
namespace {

namespace http = boost::beast::http;
using test::OneShotServer;

http::response<http::string_body> json_reply(http::status status, std::string body) {
  http::response<http::string_body> r(status, 11);
  r.set(http::field::content_type, "application/json");
  r.body() = std::move(body);
  return r;
}

std::unique_ptr<HttpClient> client() { return std::move(*HttpClient::create({})); }

IssuerEndpoints endpoints(const OneShotServer& srv) {
  return {srv.url("/authorize"), srv.url("/token"), srv.url("/jwks"), srv.url("/revoke")};
}

TEST(BffIssuerClient, BasicAuthorizationIsWhatTheServerParses) {
  for (auto [id, secret] : {std::pair{"spa", "s3cret"}, std::pair{"a:b c", "p@ss/w+rd=="}, std::pair{"x", ""}}) {
    const auto creds = parse_basic_credentials(tessera::basic_authorization({id, SecretBytes(std::string_view(secret))}));
    EXPECT_TRUE(creds.present);
    EXPECT_FALSE(creds.malformed) << id;
    EXPECT_EQ(creds.id, id);
    EXPECT_EQ(creds.secret, secret);
  }
}

TEST(BffIssuerClient, ExchangesTheCodeAsAConfidentialClient) {
  OneShotServer srv(json_reply(http::status::ok,
                               R"({"access_token":"at1","token_type":"Bearer","expires_in":60,"refresh_token":"rt1","id_token":"it1"})"));
  auto http = client();
  IssuerClient issuer(*http, "http://issuer", "spa", "s3cret");
  auto t = issuer.exchange_code(endpoints(srv), "the-code", "the-verifier", "https://app.example/bff/callback", 1000);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->access_token, "at1");
  EXPECT_EQ(t->refresh_token, "rt1");
  EXPECT_EQ(t->id_token, "it1");
  EXPECT_EQ(t->access_expires_at, 1060);
  EXPECT_EQ(srv.seen.method(), http::verb::post);
  EXPECT_EQ(srv.seen.target(), "/token");
  const auto creds = parse_basic_credentials(std::string(srv.seen[http::field::authorization]));
  EXPECT_EQ(creds.id, "spa");
  EXPECT_EQ(creds.secret, "s3cret");
  auto params = parse_form_params(srv.seen.body());
  ASSERT_TRUE(params);
  EXPECT_EQ(*params, (FormParams{{"grant_type", "authorization_code"},
                                 {"code", "the-code"},
                                 {"code_verifier", "the-verifier"},
                                 {"redirect_uri", "https://app.example/bff/callback"}}));
}

TEST(BffIssuerClient, IssuerErrorsKeepTheirCode) {
  OneShotServer srv(json_reply(http::status::bad_request, R"({"error":"invalid_grant"})"));
  auto http = client();
  IssuerClient issuer(*http, "http://issuer", "spa", "s");
  auto t = issuer.refresh(endpoints(srv), {"at", "rt-old", "it", 0}, 1000);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, Errc::invalid_grant);
  auto params = parse_form_params(srv.seen.body());
  ASSERT_TRUE(params);
  EXPECT_EQ(*params, (FormParams{{"grant_type", "refresh_token"}, {"refresh_token", "rt-old"}}));
}

TEST(BffIssuerClient, RefreshKeepsTheOldRefreshAndIdTokenWhenNoneComes) {
  OneShotServer srv(json_reply(http::status::ok, R"({"access_token":"at2","token_type":"Bearer","expires_in":30})"));
  auto http = client();
  IssuerClient issuer(*http, "http://issuer", "spa", "s");
  auto t = issuer.refresh(endpoints(srv), {"at1", "rt1", "it1", 0}, 500);
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(*t, (tessera::bff::BffTokens{"at2", "rt1", "it1", 530}));
}

TEST(BffIssuerClient, AnIncompleteTokenResponseIsRefused) {
  for (const char* body : {R"({"access_token":"a","expires_in":30})", R"({"access_token":"a","token_type":"DPoP","expires_in":30})",
                           R"({"token_type":"Bearer","expires_in":30})", R"({"access_token":"a","token_type":"Bearer"})", "not json"}) {
    OneShotServer srv(json_reply(http::status::ok, body));
    auto http = client();
    IssuerClient issuer(*http, "http://issuer", "spa", "s");
    auto t = issuer.exchange_code(endpoints(srv), "c", "v", "r", 0);
    ASSERT_FALSE(t) << body;
    EXPECT_EQ(t.error().code, Errc::io_error) << body;
  }
}

TEST(BffIssuerClient, DiscoveryChecksTheIssuer) {
  {
    OneShotServer srv(json_reply(http::status::ok, ""));
    const std::string issuer_url = srv.url("");
    srv.reply.body() = R"({"issuer":")" + issuer_url + R"(","authorization_endpoint":"a","token_endpoint":"t","jwks_uri":"j"})";
    auto http = client();
    auto ep = IssuerClient(*http, issuer_url, "spa", "s").discover();
    ASSERT_TRUE(ep) << ep.error().message;
    EXPECT_EQ(srv.seen.target(), "/.well-known/openid-configuration");
    EXPECT_EQ(ep->token_endpoint, "t");
    EXPECT_EQ(ep->jwks_uri, "j");
    EXPECT_TRUE(ep->revocation_endpoint.empty());
  }
  {
    OneShotServer srv(json_reply(http::status::ok, R"({"issuer":"https://evil.example","authorization_endpoint":"a","token_endpoint":"t","jwks_uri":"j"})"));
    auto http = client();
    auto ep = IssuerClient(*http, srv.url(""), "spa", "s").discover();
    ASSERT_FALSE(ep);
    EXPECT_EQ(ep.error().code, Errc::invalid_issuer);
  }
  {
    OneShotServer srv(json_reply(http::status::ok, ""));
    srv.reply.body() = R"({"issuer":")" + srv.url("") + R"(","token_endpoint":"t","jwks_uri":"j"})";
    auto http = client();
    auto ep = IssuerClient(*http, srv.url(""), "spa", "s").discover();
    ASSERT_FALSE(ep);
    EXPECT_EQ(ep.error().code, Errc::io_error);
  }
}

TEST(BffIssuerClient, RevokesTheRefreshToken) {
  OneShotServer srv(json_reply(http::status::ok, ""));
  auto http = client();
  IssuerClient issuer(*http, "http://issuer", "spa", "s");
  ASSERT_TRUE(issuer.revoke(endpoints(srv), "rt1"));
  EXPECT_EQ(srv.seen.target(), "/revoke");
  EXPECT_EQ(parse_basic_credentials(std::string(srv.seen[http::field::authorization])).id, "spa");
  auto params = parse_form_params(srv.seen.body());
  ASSERT_TRUE(params);
  EXPECT_EQ(*params, (FormParams{{"token", "rt1"}, {"token_type_hint", "refresh_token"}}));
  // No revocation endpoint: nothing to call.
  IssuerEndpoints none = endpoints(srv);
  none.revocation_endpoint.clear();
  EXPECT_TRUE(issuer.revoke(none, "rt1"));
}

}  // namespace
}  // namespace tessera::server::bff
