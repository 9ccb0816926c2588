// Issuer discovery (tessera/issuer_discovery.hpp) against a loopback metadata server: the
// endpoints read, issuer compared exactly, bad metadata and unreachable issuers refused.
#include "tessera/issuer_discovery.hpp"

#include <gtest/gtest.h>

#include "loopback_http_server.hpp"

namespace tessera::test {
namespace {

std::unique_ptr<HttpClient> client() {
  auto c = HttpClient::create({.ca_file = {}, .timeout = std::chrono::milliseconds(2000)});
  EXPECT_TRUE(c);
  return std::move(*c);
}

// Serves /.well-known/openid-configuration with `metadata` (ISSUER replaced by the server's URL).
class Metadata {
 public:
  explicit Metadata(std::string metadata, http::status status = http::status::ok)
      : server_([this, metadata = std::move(metadata), status](const HttpRequest& req) {
          HttpResponse r(status, 11);
          r.set(http::field::content_type, "application/json");
          if (req.target() != "/.well-known/openid-configuration") r.result(http::status::not_found);
          std::string body = metadata;
          for (auto at = body.find("ISSUER"); at != std::string::npos; at = body.find("ISSUER"))
            body.replace(at, 6, issuer());
          r.body() = body;
          return r;
        }) {}
  std::string issuer() const { return server_.url(""); }

 private:
  LoopbackServer server_;
};

TEST(NetIssuerDiscovery, ReadsTheEndpoints) {
  Metadata m(R"({"issuer":"ISSUER","jwks_uri":"ISSUER/oauth2/jwks","introspection_endpoint":"ISSUER/oauth2/introspect","token_endpoint":"x"})");
  auto e = discover_issuer(m.issuer(), *client());
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->issuer, m.issuer());
  EXPECT_EQ(e->jwks_uri, m.issuer() + "/oauth2/jwks");
  EXPECT_EQ(e->introspection_endpoint, m.issuer() + "/oauth2/introspect");
  EXPECT_EQ(e->revocation_feed, m.issuer() + "/oauth2/revocations");
}

TEST(NetIssuerDiscovery, TheIssuerMustMatchExactly) {
  Metadata m(R"({"issuer":"ISSUER/","jwks_uri":"ISSUER/oauth2/jwks"})");
  auto e = discover_issuer(m.issuer(), *client());
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code, Errc::invalid_issuer);
  Metadata absent(R"({"jwks_uri":"ISSUER/oauth2/jwks"})");
  EXPECT_EQ(discover_issuer(absent.issuer(), *client()).error().code, Errc::invalid_issuer);
}

TEST(NetIssuerDiscovery, IntrospectionIsOptionalAndJwksUriIsNot) {
  Metadata none(R"({"issuer":"ISSUER","jwks_uri":"ISSUER/jwks"})");
  auto e = discover_issuer(none.issuer(), *client());
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_TRUE(e->introspection_endpoint.empty());
  Metadata no_jwks(R"({"issuer":"ISSUER"})");
  EXPECT_EQ(discover_issuer(no_jwks.issuer(), *client()).error().code, Errc::missing_claim);
}

TEST(NetIssuerDiscovery, BadMetadataIsRefused) {
  Metadata wrong_type(R"({"issuer":"ISSUER","jwks_uri":["ISSUER/jwks"]})");
  EXPECT_EQ(discover_issuer(wrong_type.issuer(), *client()).error().code, Errc::wrong_type);
  Metadata plain_http(R"({"issuer":"ISSUER","jwks_uri":"http://keys.example/jwks"})");
  EXPECT_EQ(discover_issuer(plain_http.issuer(), *client()).error().code, Errc::invalid_argument);
  Metadata not_json("<html>");
  EXPECT_EQ(discover_issuer(not_json.issuer(), *client()).error().code, Errc::malformed);
  Metadata error_status(R"({"issuer":"ISSUER","jwks_uri":"ISSUER/jwks"})", http::status::service_unavailable);
  EXPECT_EQ(discover_issuer(error_status.issuer(), *client()).error().code, Errc::store_unavailable);
}

TEST(NetIssuerDiscovery, BadIssuersAndUnreachableOnes) {
  auto c = client();
  for (const char* bad : {"http://issuer.example", "https://issuer.example/?q=1", "issuer.example"})
    EXPECT_EQ(discover_issuer(bad, *c).error().code, Errc::invalid_argument) << bad;
  EXPECT_EQ(discover_issuer("http://127.0.0.1:1", *c).error().code, Errc::store_unavailable);
}

TEST(NetIssuerDiscovery, TheFeedUrlDoesNotDoubleASlash) {
  EXPECT_EQ(revocation_feed_url("https://issuer.example/"), "https://issuer.example/oauth2/revocations");
  EXPECT_EQ(revocation_feed_url("https://issuer.example/t1"), "https://issuer.example/t1/oauth2/revocations");
}

}  // namespace
}  // namespace tessera::test
