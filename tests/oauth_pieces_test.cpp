// The pieces of src/oauth/ that need no store: scopes, PKCE, redirect URIs, params, client
// ids and secrets, refresh tokens, server keys, access and ID tokens.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"
#include "oauth/access_token.hpp"
#include "oauth/client_secret.hpp"
#include "oauth/params.hpp"
#include "oauth/pkce.hpp"
#include "oauth/redirect_uri.hpp"
#include "oauth/refresh_token.hpp"
#include "oauth/scope.hpp"
#include "oauth/server_keys.hpp"
#include "oauth_keys.hpp"
#include "tessera/jwt.hpp"
#include "tessera/paseto_claims.hpp"

namespace tessera {
namespace {

using namespace oauth;

TEST(OauthScope, ParsesToASortedSetAndRefusesBadTokens) {
  auto s = parse_scope("profile openid profile");
  ASSERT_TRUE(s);
  EXPECT_EQ(*s, (ScopeSet{"openid", "profile"}));
  EXPECT_TRUE(parse_scope("")->empty());
  for (std::string_view bad : {"a  b", " a", "a ", "a\"b", "a\\b", "caf\xc3\xa9", "a\tb"}) {
    auto r = parse_scope(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid_scope);
  }
  EXPECT_TRUE(parse_scope("read:all !#$%&'()*+,-./:;<=>?@[]^_`{|}~"));
}

TEST(OauthScope, SubsetAndUnion) {
  EXPECT_TRUE(scope_subset({"a"}, {"a", "b"}));
  EXPECT_TRUE(scope_subset({}, {"a"}));
  EXPECT_FALSE(scope_subset({"a", "c"}, {"a", "b"}));
  EXPECT_EQ(scope_union({"a", "c"}, {"b", "c"}), (ScopeSet{"a", "b", "c"}));
}

TEST(OauthPkce, S256MatchesRfc7636AppendixB) {
  const std::string verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  EXPECT_EQ(s256_challenge(verifier), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  EXPECT_TRUE(pkce_matches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"));
  EXPECT_FALSE(pkce_matches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cN"));
  // "plain" would be challenge == verifier: never matches.
  EXPECT_FALSE(pkce_matches(verifier, verifier));
}

TEST(OauthPkce, VerifierShapeIsRfc7636Section4_1) {
  EXPECT_TRUE(valid_code_verifier(std::string(43, 'a')));
  EXPECT_TRUE(valid_code_verifier(std::string(128, '~')));
  EXPECT_FALSE(valid_code_verifier(std::string(42, 'a')));
  EXPECT_FALSE(valid_code_verifier(std::string(129, 'a')));
  EXPECT_FALSE(valid_code_verifier(std::string(42, 'a') + "+"));
  EXPECT_FALSE(valid_code_verifier(std::string(42, 'a') + "/"));
  const std::string v(50, 'x');
  EXPECT_FALSE(pkce_matches(std::string(42, 'x'), s256_challenge(std::string(42, 'x'))));
  EXPECT_TRUE(pkce_matches(v, s256_challenge(v)));
  EXPECT_TRUE(valid_code_challenge(s256_challenge(v)));
  EXPECT_FALSE(valid_code_challenge("short"));
  EXPECT_FALSE(valid_code_challenge(std::string(43, '*')));
}

TEST(OauthRedirectUri, RegistrationRules) {
  for (std::string_view ok : {"https://app.example.com/cb", "https://app.example.com:8443/cb?x=1",
                              "http://127.0.0.1/cb", "http://127.0.0.1:51000/cb", "http://[::1]:8080/cb",
                              "com.example.app:/oauth2redirect", "com.example.app://cb"}) {
    EXPECT_TRUE(check_redirect_uri(ok)) << ok;
  }
  for (std::string_view bad : {"", "/cb", "cb", "https://app.example.com/cb#frag", "http://example.com/cb",
                               "http://localhost/cb", "http://127.0.0.1.evil.com/cb", "javascript:alert(1)",
                               "data:text/html,x", "file:///etc/passwd", "https://user@example.com/cb",
                               "https:///cb", "https://example.com:99999999/cb", "https://example.com/c b"}) {
    auto r = check_redirect_uri(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
  }
}

TEST(OauthRedirectUri, ExactMatchExceptTheLoopbackPort) {
  EXPECT_TRUE(redirect_uri_matches("https://a.example/cb", "https://a.example/cb"));
  EXPECT_FALSE(redirect_uri_matches("https://a.example/cb", "https://a.example/cb/"));
  EXPECT_FALSE(redirect_uri_matches("https://a.example/cb", "https://A.example/cb"));
  EXPECT_FALSE(redirect_uri_matches("https://a.example/cb", "https://a.example:443/cb"));
  EXPECT_FALSE(redirect_uri_matches("https://a.example/cb", "https://a.example/cb?x=1"));
  EXPECT_TRUE(redirect_uri_matches("http://127.0.0.1/cb", "http://127.0.0.1:49152/cb"));
  EXPECT_TRUE(redirect_uri_matches("http://[::1]:80/cb", "http://[::1]:1234/cb"));
  EXPECT_FALSE(redirect_uri_matches("http://127.0.0.1/cb", "http://127.0.0.1:49152/other"));
  EXPECT_FALSE(redirect_uri_matches("http://127.0.0.1/cb", "http://[::1]:49152/cb"));
  EXPECT_FALSE(redirect_uri_matches("https://a.example:8443/cb", "https://a.example:9443/cb"));
  EXPECT_FALSE(redirect_uri_matches("com.example.app:/cb", "com.example.app:/cb2"));
}

TEST(OauthRedirectUri, AppendsAnEncodedQuery) {
  EXPECT_EQ(append_query("https://a/cb", {{"code", "x y"}, {"state", "a&b=c"}}), "https://a/cb?code=x%20y&state=a%26b%3Dc");
  EXPECT_EQ(append_query("https://a/cb?k=v", {{"code", "1"}}), "https://a/cb?k=v&code=1");
}

TEST(OauthParams, RepeatedParameterIsInvalidRequest) {
  Params p{{"a", "1"}, {"b", "2"}, {"a", "3"}};
  auto r = check_no_repeats(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_request);
  EXPECT_TRUE(check_no_repeats({{"a", "1"}, {"b", ""}}));
  // An empty value is as if omitted (RFC 6749 §3.1).
  EXPECT_FALSE(param({{"b", ""}}, "b"));
  EXPECT_EQ(param({{"b", "x"}}, "b"), "x");
}

TEST(OauthClientId, FromTheNameWithinTheCharset) {
  const auto a = make_client_id("My App (iOS)!");
  const auto b = make_client_id("My App (iOS)!");
  EXPECT_NE(a, b);
  EXPECT_TRUE(a.starts_with("my-app-ios-")) << a;
  EXPECT_TRUE(valid_client_id(a));
  EXPECT_TRUE(valid_client_id(make_client_id("\xc3\xa9\xc3\xa9")));
  EXPECT_TRUE(make_client_id("***").starts_with("client-"));
  EXPECT_FALSE(valid_client_id("a b"));
  EXPECT_FALSE(valid_client_id(""));
  EXPECT_FALSE(valid_client_id(std::string(129, 'a')));
}

TEST(OauthClientSecret, KeyedHashVerifiesInConstantTimeAndBindsTheClient) {
  auto h = SecretHasher::create(SecretBytes(std::string(32, 'k')));
  ASSERT_TRUE(h);
  const auto secret = new_client_secret();
  EXPECT_EQ(secret.size(), 43u);
  const auto s = secret.reveal(SecretAccess{});
  const std::string text(s.begin(), s.end());
  const auto stored = h->hash("client-1", text);
  EXPECT_TRUE(h->verify("client-1", text, stored));
  EXPECT_FALSE(h->verify("client-2", text, stored));
  EXPECT_FALSE(h->verify("client-1", text + "x", stored));
  EXPECT_FALSE(h->verify("client-1", text, ""));
  auto other = SecretHasher::create(SecretBytes(std::string(32, 'j')));
  EXPECT_FALSE(other->verify("client-1", text, stored));
  auto short_key = SecretHasher::create(SecretBytes(std::string(31, 'k')));
  ASSERT_FALSE(short_key);
  EXPECT_EQ(short_key.error().code, Errc::invalid_argument);
}

TEST(OauthRefreshToken, ShapeAndDerivedSuccessor) {
  auto h = SecretHasher::create(SecretBytes(std::string(32, 'k')));
  const auto family = new_family_id();
  EXPECT_TRUE(valid_family_id(family));
  const auto t = new_refresh_token(family);
  EXPECT_EQ(refresh_family(t), family);
  const auto next = refresh_successor(*h, t);
  EXPECT_EQ(next, refresh_successor(*h, t));  // the grace path hands back the same successor
  EXPECT_NE(next, refresh_successor(*h, new_refresh_token(family)));
  EXPECT_EQ(refresh_family(next), family);
  auto other = SecretHasher::create(SecretBytes(std::string(32, 'j')));
  EXPECT_NE(next, refresh_successor(*other, t));
  for (std::string_view bad : {"", ".", "abc.def", "eyJ.a.b", "v4.public.x"}) EXPECT_FALSE(refresh_family(bad)) << bad;
  EXPECT_FALSE(refresh_family(family + "." + std::string(43, '*')));
}

TEST(OauthServerKeys, NeedsEveryKindAndThePidKid) {
  const auto& keys = test::oauth_signing_keys();
  auto sk = ServerKeys::create(keys);
  ASSERT_TRUE(sk) << sk.error().message;
  EXPECT_EQ(sk->paseto_kid().substr(0, 7), "k4.pid.");
  EXPECT_EQ(sk->public_keys().size(), 3u);
  EXPECT_EQ(sk->jwks_json().find("\"d\""), std::string::npos);  // public halves only

  KeySet wrong_kid;
  ASSERT_TRUE(wrong_kid.add(keys.keys()[0]));
  ASSERT_TRUE(wrong_kid.add(*Key::generate(KeySpec::ed25519)));  // named by thumbprint
  ASSERT_TRUE(wrong_kid.add(keys.keys()[2]));
  auto r = ServerKeys::create(wrong_kid);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);

  KeySet no_rsa;
  ASSERT_TRUE(no_rsa.add(keys.keys()[0]));
  ASSERT_TRUE(no_rsa.add(keys.keys()[1]));
  EXPECT_FALSE(ServerKeys::create(no_rsa));
}

AccessClaims sample_claims() {
  AccessClaims c;
  c.issuer = "https://as.example";
  c.subject = "alice";
  c.audience = {"https://api.example"};
  c.client_id = "app-1";
  c.scope = "openid read";
  c.jti = "jti-1";
  c.sid = "family";
  c.issued_at = 1'700'000'000;
  c.expires_at = 1'700'000'600;
  c.auth_time = 1'699'999'000;
  return c;
}

TEST(OauthAccessToken, JwtIsRfc9068AndVerifiesWithJwtVerifier) {
  auto sk = ServerKeys::create(test::oauth_signing_keys());
  FixedClock clock(1'700'000'100);
  auto token = sign_jwt_access(*sk, sample_claims());
  ASSERT_TRUE(token);
  auto validator = ClaimsValidator::Builder().expect_issuer("https://as.example").expect_audience("https://api.example").clock(clock).build();
  auto v = JwtVerifier::Builder(sk->public_keys(), *validator).allow_algorithms({Algorithm::ES256}).expect_type("at+jwt").build();
  auto jwt = v->verify(*token);
  ASSERT_TRUE(jwt) << jwt.error().message;
  EXPECT_EQ(jwt->header().at("typ").as_string(), "at+jwt");
  EXPECT_EQ(jwt->key_id(), sk->es256().kid());
  const auto& o = jwt->claims().json();
  EXPECT_EQ(o.at("sub").as_string(), "alice");
  EXPECT_EQ(o.at("client_id").as_string(), "app-1");
  EXPECT_EQ(o.at("scope").as_string(), "openid read");
  EXPECT_EQ(o.at("auth_time").as_int64(), 1'699'999'000);
  EXPECT_EQ(o.at("sid").as_string(), "family");
  EXPECT_EQ(o.at("jti").as_string(), "jti-1");

  auto back = AccessVerifier::create(*sk, "https://as.example", clock)->verify(*token);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->sid, "family");
  FixedClock later(1'700'000'600);
  auto expired = AccessVerifier::create(*sk, "https://as.example", later)->verify(*token);
  ASSERT_FALSE(expired);
  EXPECT_EQ(expired.error().code, Errc::invalid_token);
  EXPECT_FALSE(AccessVerifier::create(*sk, "https://other.example", clock)->verify(*token));
}

TEST(OauthAccessToken, PasetoV4PublicWithPidFooterVerifiesWithPaseto) {
  auto sk = ServerKeys::create(test::oauth_signing_keys());
  FixedClock clock(1'700'000'100);
  auto token = sign_paseto_access(*sk, sample_claims());
  ASSERT_TRUE(token);
  ASSERT_TRUE(token->starts_with("v4.public."));
  auto kid = paseto::footer_kid(*token);
  ASSERT_TRUE(kid && *kid);
  EXPECT_EQ(**kid, sk->paseto_kid());
  auto payload = paseto::verify(sk->paseto_key().public_key(), *token);
  ASSERT_TRUE(payload);
  auto o = boost::json::parse(*payload).as_object();
  EXPECT_EQ(o.at("iat").as_string(), "2023-11-14T22:13:20+00:00");
  EXPECT_EQ(o.at("client_id").as_string(), "app-1");
  auto back = AccessVerifier::create(*sk, "https://as.example", clock)->verify(*token);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->expires_at, 1'700'000'600);
}

TEST(OauthAccessToken, AJwtWithAnotherTypIsNotAnAccessToken) {
  auto sk = ServerKeys::create(test::oauth_signing_keys());
  FixedClock clock(1'700'000'100);
  auto c = sample_claims();
  IdTokenClaims id{c.issuer, c.subject, c.client_id, "n", c.issued_at, c.expires_at, 0};
  auto id_token = sign_id_token(*sk, Algorithm::ES256, id, "at");
  ASSERT_TRUE(id_token);
  EXPECT_FALSE(AccessVerifier::create(*sk, "https://as.example", clock)->verify(*id_token));
}

TEST(OauthIdToken, AtHashIsTheLeftHalfOfTheAlgorithmsHash) {
  const std::string at = "access-token-value";
  const auto h256 = crypto::sha256(crypto::as_bytes(at));
  EXPECT_EQ(at_hash(Algorithm::ES256, at), codec::base64url_encode(std::span<const std::uint8_t>(h256.data(), 16)));
  EXPECT_EQ(at_hash(Algorithm::RS256, at), at_hash(Algorithm::ES256, at));
  const auto h512 = crypto::digest(crypto::Hash::sha512, crypto::as_bytes(at));
  EXPECT_EQ(at_hash(Algorithm::EdDSA, at), codec::base64url_encode(std::span<const std::uint8_t>(h512.data(), 32)));
}

TEST(OauthIdToken, SignedWithTheClientsAlgorithm) {
  auto sk = ServerKeys::create(test::oauth_signing_keys());
  FixedClock clock(1'700'000'100);
  for (auto alg : {Algorithm::ES256, Algorithm::EdDSA, Algorithm::RS256}) {
    IdTokenClaims id{"https://as.example", "alice", "app-1", "nonce-1", 1'700'000'000, 1'700'000'600, 1'699'999'000};
    auto t = sign_id_token(*sk, alg, id, "the-access-token");
    ASSERT_TRUE(t);
    auto validator = ClaimsValidator::Builder().expect_issuer("https://as.example").expect_audience("app-1").clock(clock).build();
    auto v = JwtVerifier::Builder(sk->public_keys(), *validator).allow_algorithms({alg}).build();
    auto jwt = v->verify(*t);
    ASSERT_TRUE(jwt) << alg_name(alg) << ": " << jwt.error().message;
    const auto& o = jwt->claims().json();
    EXPECT_EQ(o.at("azp").as_string(), "app-1");
    EXPECT_EQ(o.at("nonce").as_string(), "nonce-1");
    EXPECT_EQ(o.at("auth_time").as_int64(), 1'699'999'000);
    EXPECT_EQ(o.at("at_hash").as_string(), at_hash(alg, "the-access-token"));
  }
}

}  // namespace
}  // namespace tessera
