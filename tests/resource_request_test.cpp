// The Authenticator's request parsing and refusals (RFC 6750 §2.1, §3; RFC 9449 §7.1): the
// Authorization header's syntax, malformed and oversized input, the challenges sent back.
#include <random>

#include "resource/request_credentials.hpp"
#include "resource_fixture.hpp"

namespace tessera::test {
namespace {

class ResourceRequest : public ResourceTest {};

TEST_F(ResourceRequest, NoCredentialsGets401WithAChallengeWithoutError) {
  auto o = options();
  o.realm = "orders";
  const auto r = call(authenticator(o), {{"Accept", "*/*"}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().status, 401u);
  EXPECT_EQ(r.error().www_authenticate, "Bearer realm=\"orders\"");
}

TEST_F(ResourceRequest, InvalidTokenChallengeCarriesErrorAndNoInternals) {
  auto c = claims();
  c.audience = {"https://other.example"};
  const auto r = bearer(authenticator(), jwt(c));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().www_authenticate,
            "Bearer error=\"invalid_token\", error_description=\"The access token is not valid\"");
  EXPECT_EQ(r.error().www_authenticate.find("audience"), std::string::npos);
}

TEST_F(ResourceRequest, SchemeIsCaseInsensitive) {
  const auto token = jwt();
  for (const char* scheme : {"bearer ", "BEARER ", "Bearer   "}) {
    const std::string v = scheme + token;
    EXPECT_TRUE(call(authenticator(), {{"authorization", v}}).has_value()) << scheme;
  }
}

TEST_F(ResourceRequest, SeveralAuthorizationHeadersAre400InvalidRequest) {
  const std::string v = "Bearer " + jwt();
  const auto r = call(authenticator(), {{"Authorization", v}, {"AUTHORIZATION", v}});
  ASSERT_NO_FATAL_FAILURE(expect_refused(r, 400, Errc::invalid_request));
  EXPECT_NE(r.error().www_authenticate.find("error=\"invalid_request\""), std::string::npos);
}

TEST_F(ResourceRequest, TokenThatIsNotToken68Is400) {
  for (const char* v : {"Bearer a b", "Bearer ab\"c", "Bearer ==abc", "Bearer abc=d", "Bearer \x01", "Bearer",
                        "Bearer    "}) {
    expect_refused(call(authenticator(), {{"Authorization", v}}), 400, Errc::invalid_request);
  }
}

TEST_F(ResourceRequest, OversizedAuthorizationIs400) {
  const std::string v = "Bearer " + std::string(resource::kMaxAuthorizationBytes, 'a');
  expect_refused(call(authenticator(), {{"Authorization", v}}), 400, Errc::invalid_request);
}

TEST_F(ResourceRequest, LargeTokenUnderTheHeaderBoundIsRefusedAsInvalidToken) {
  const std::string v = "Bearer " + std::string(13000, 'a') + "." + std::string(10, 'b') + ".c";
  expect_refused(call(authenticator(), {{"Authorization", v}}), 401, Errc::token_too_large);
}

TEST_F(ResourceRequest, OtherSchemesAreNoCredentials) {
  const auto r = call(authenticator(), {{"Authorization", "Basic YWxpY2U6c2VjcmV0"}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().status, 401u);
  EXPECT_EQ(r.error().www_authenticate, "Bearer");
}

TEST_F(ResourceRequest, GarbageTokenIsInvalidToken) {
  expect_refused(call(authenticator(), {{"Authorization", "Bearer not-a-token"}}), 401, Errc::invalid_token);
  expect_refused(call(authenticator(), {{"Authorization", "Bearer a.b.c"}}), 401, Errc::malformed);
  expect_refused(call(authenticator(), {{"Authorization", "Bearer v4.public.AAAA"}}), 401, Errc::malformed);
}

TEST_F(ResourceRequest, WithDpopConfiguredA401CarriesBothChallenges) {
  auto o = options();
  DpopOptions d;
  d.algorithms = {Algorithm::ES256, Algorithm::EdDSA};
  d.clock = &clock;
  o.dpop = std::make_shared<const DpopVerifier>(
      DpopVerifier::create(d, make_memory_dpop_replay_cache(100, clock)).value());
  const auto none = call(authenticator(o), {});
  ASSERT_FALSE(none.has_value());
  EXPECT_EQ(none.error().www_authenticate, "Bearer, DPoP algs=\"ES256 EdDSA\"");
  auto c = claims();
  c.issuer = "https://evil.example";
  const auto bad = bearer(authenticator(o), jwt(c));
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().www_authenticate,
            "Bearer error=\"invalid_token\", error_description=\"The access token is not valid\", DPoP algs=\"ES256 EdDSA\"");
  o.require_dpop = true;
  const auto required = call(authenticator(o), {});
  ASSERT_FALSE(required.has_value());
  EXPECT_EQ(required.error().www_authenticate, "DPoP algs=\"ES256 EdDSA\"");
}

TEST_F(ResourceRequest, RealmIsQuoted) {
  auto o = options();
  o.realm = R"(a"b\c)";
  const auto r = call(authenticator(o), {});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().www_authenticate, R"(Bearer realm="a\"b\\c")");
}

TEST_F(ResourceRequest, Token68Syntax) {
  EXPECT_TRUE(resource::is_token68("abc-._~+/09=="));
  EXPECT_FALSE(resource::is_token68(""));
  EXPECT_FALSE(resource::is_token68("="));
  EXPECT_FALSE(resource::is_token68("a=b"));
  EXPECT_FALSE(resource::is_token68("a,b"));
}

TEST_F(ResourceRequest, RandomHeadersNeverCrashAndGetAClearRefusal) {
  std::mt19937 rng(7);
  const auto a = authenticator();
  const std::string token = jwt();
  for (int i = 0; i < 2000; ++i) {
    std::string v = i % 2 ? "Bearer " + token : "DPoP ";
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int f = 0; f < flips; ++f) {
      const auto pos = rng() % (v.size() + 1);
      v.insert(v.begin() + static_cast<std::ptrdiff_t>(pos), static_cast<char>(rng() % 256));
    }
    const auto r = call(a, {{"Authorization", v}, {"DPoP", v}});
    if (r) continue;  // an inserted byte can land in the scheme's whitespace
    EXPECT_TRUE(r.error().status == 400 || r.error().status == 401) << r.error().status;
    EXPECT_EQ(r.error().www_authenticate.find(token), std::string::npos);
  }
}

}  // namespace
}  // namespace tessera::test

namespace tessera::test {
namespace {

// Logs carry reasons, never tokens: no refusal's reason or challenge repeats the token.
TEST_F(ResourceRequest, ReasonsNeverCarryTheToken) {
  auto c = claims();
  c.audience = {"https://other.example"};
  const std::vector<std::string> tokens{jwt(c), paseto(c), "opaque-token-never-in-a-log-0123456789"};
  for (const auto& token : tokens) {
    const auto r = bearer(authenticator(), token);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().error.message.find(token), std::string::npos) << r.error().error.message;
    EXPECT_EQ(r.error().www_authenticate.find(token), std::string::npos);
  }
}

}  // namespace
}  // namespace tessera::test
