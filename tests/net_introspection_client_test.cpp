// The HTTP introspection client (tessera/introspection_client.hpp): the request (POST, form
// token, client_secret_basic), the strict parse of RFC 7662 answers, and failing closed when the
// issuer cannot be asked (unreachable, a status other than 200, a timeout) or answers nonsense.
#include "tessera/introspection_client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "loopback_http_server.hpp"

namespace tessera::test {
namespace {

HttpResponse json_answer(std::string body, http::status status = http::status::ok) {
  HttpResponse r(status, 11);
  r.set(http::field::content_type, "application/json");
  r.body() = std::move(body);
  return r;
}

std::shared_ptr<HttpIntrospector> introspector(const std::string& endpoint,
                                               std::chrono::milliseconds timeout = std::chrono::milliseconds(3000)) {
  auto http = HttpClient::create({});
  EXPECT_TRUE(http);
  auto i = HttpIntrospector::create({.endpoint = endpoint, .client = {"api", SecretBytes(std::string_view("pw"))}, .timeout = timeout},
                                    std::shared_ptr<HttpClient>(std::move(*http)));
  EXPECT_TRUE(i) << i.error().message;
  return i ? *i : nullptr;
}

TEST(NetIntrospection, PostsTheTokenWithBasicAndParsesAnActiveAnswer) {
  OneShotServer srv(json_answer(R"({"active":true,"sub":"alice","client_id":"app","scope":"read write","jti":"j1",)"
                                R"("iss":"https://issuer.example","aud":["https://api.example","x"],"sid":"fam-1",)"
                                R"("cnf":{"jkt":"thumb"},"token_type":"DPoP","exp":1700000600,"iat":1700000000,"extra":{"a":1}})"));
  auto a = introspector(srv.url("/oauth2/introspect"))->introspect("tok+en/=");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_EQ(srv.seen.method(), http::verb::post);
  EXPECT_EQ(srv.seen.target(), "/oauth2/introspect");
  EXPECT_EQ(srv.seen[http::field::authorization], "Basic YXBpOnB3");  // api:pw
  EXPECT_EQ(srv.seen[http::field::content_type], "application/x-www-form-urlencoded");
  EXPECT_EQ(srv.seen.body(), "token=tok%2Ben%2F%3D");
  EXPECT_TRUE(a->active);
  EXPECT_EQ(a->subject, "alice");
  EXPECT_EQ(a->client_id, "app");
  EXPECT_EQ(a->scope, "read write");
  EXPECT_EQ(a->jti, "j1");
  EXPECT_EQ(a->issuer, "https://issuer.example");
  EXPECT_EQ(a->audience, (std::vector<std::string>{"https://api.example", "x"}));
  EXPECT_EQ(a->sid, "fam-1");
  EXPECT_EQ(a->jkt, "thumb");
  EXPECT_EQ(a->token_type, "DPoP");
  EXPECT_EQ(a->expires_at, 1700000600);
  EXPECT_EQ(a->issued_at, 1700000000);
}

TEST(NetIntrospection, InactiveIsActiveFalseWhateverElseItSays) {
  auto a = parse_introspection_answer(R"({"active":false,"sub":"alice","exp":"junk"})");
  ASSERT_TRUE(a) << a.error().message;
  EXPECT_FALSE(a->active);
  EXPECT_TRUE(a->subject.empty());
}

TEST(NetIntrospection, AStringAudienceIsOneAudience) {
  auto a = parse_introspection_answer(R"({"active":true,"aud":"https://api.example"})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->audience, (std::vector<std::string>{"https://api.example"}));
}

TEST(NetIntrospection, ActiveMustBeABool) {
  for (const char* body : {R"({"active":"true"})", R"({"active":1})", R"({"active":null})"}) {
    auto a = parse_introspection_answer(body);
    ASSERT_FALSE(a) << body;
    EXPECT_EQ(a.error().code, Errc::wrong_type) << body;
  }
  auto missing = parse_introspection_answer(R"({"sub":"alice"})");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::malformed);
}

TEST(NetIntrospection, WrongTypesInAnActiveAnswerAreRefused) {
  for (const char* body : {R"({"active":true,"sub":5})", R"({"active":true,"exp":"1700000600"})",
                           R"({"active":true,"aud":7})", R"({"active":true,"aud":["a",7]})",
                           R"({"active":true,"cnf":"thumb"})", R"({"active":true,"cnf":{"jkt":1}})",
                           R"({"active":true,"scope":["read"]})"}) {
    auto a = parse_introspection_answer(body);
    ASSERT_FALSE(a) << body;
    EXPECT_EQ(a.error().code, Errc::wrong_type) << body;
  }
}

TEST(NetIntrospection, NotJsonOrDuplicateMembersAreRefused) {
  EXPECT_EQ(parse_introspection_answer("active=true").error().code, Errc::malformed);
  EXPECT_EQ(parse_introspection_answer("[true]").error().code, Errc::wrong_type);
  EXPECT_EQ(parse_introspection_answer(R"({"active":false,"active":true})").error().code, Errc::duplicate_member);
}

TEST(NetIntrospection, AnAnswerThatDoesNotParseIsAnIoError) {
  OneShotServer srv(json_answer(R"({"active":"yes"})"));
  auto a = introspector(srv.url("/i"))->introspect("t");
  ASSERT_FALSE(a);
  EXPECT_EQ(a.error().code, Errc::io_error);
}

TEST(NetIntrospection, AnErrorStatusIsStoreUnavailable) {
  for (auto status : {http::status::unauthorized, http::status::internal_server_error}) {
    OneShotServer srv(json_answer(R"({"error":"invalid_client"})", status));
    auto a = introspector(srv.url("/i"))->introspect("t");
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().code, Errc::store_unavailable);
  }
}

TEST(NetIntrospection, AnUnreachableOrSilentIssuerIsStoreUnavailable) {
  auto refused = introspector("http://127.0.0.1:1/i")->introspect("t");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::store_unavailable);
  OneShotServer silent(HttpResponse{}, /*silent=*/true);
  auto timed_out = introspector(silent.url("/i"), std::chrono::milliseconds(300))->introspect("t");
  ASSERT_FALSE(timed_out);
  EXPECT_EQ(timed_out.error().code, Errc::store_unavailable);
  EXPECT_NE(timed_out.error().message.find("timed out"), std::string::npos) << timed_out.error().message;
}

TEST(NetIntrospection, TheEndpointMustBeHttpsOrLoopback) {
  auto http = HttpClient::create({});
  ASSERT_TRUE(http);
  std::shared_ptr<HttpClient> shared(std::move(*http));
  for (const char* bad : {"http://issuer.example/i", "ftp://127.0.0.1/i", "not a url"}) {
    auto i = HttpIntrospector::create({.endpoint = bad, .client = {"api", SecretBytes(std::string_view("pw"))}}, shared);
    ASSERT_FALSE(i) << bad;
    EXPECT_EQ(i.error().code, Errc::invalid_argument);
  }
  EXPECT_TRUE(HttpIntrospector::create({.endpoint = "https://issuer.example/i", .client = {"api", SecretBytes(std::string_view("pw"))}}, shared));
  EXPECT_FALSE(HttpIntrospector::create({.endpoint = "https://issuer.example/i", .client = {}}, shared));
}

}  // namespace
}  // namespace tessera::test
