// The Authenticator's JWT access-token rules (RFC 9068; docs/resource-server.md): each test
// breaks one rule with a token Tessera would otherwise accept.
#include "codec/base64url.hpp"
#include "resource_fixture.hpp"
#include "tessera/jwt.hpp"

namespace tessera::test {
namespace {

class ResourceJwt : public ResourceTest {};

TEST_F(ResourceJwt, AcceptsTesserasAccessTokenAndReadsItsClaims) {
  auto c = claims();
  c.jkt.clear();
  const auto r = bearer(authenticator(), jwt(c));
  ASSERT_TRUE(r.has_value()) << r.error().error.message;
  EXPECT_EQ(r->subject, "alice");
  EXPECT_EQ(r->client_id, "app");
  EXPECT_EQ(r->scopes, (std::vector<std::string>{"orders:read", "profile"}));
  EXPECT_EQ(r->token_id, c.jti);
  EXPECT_EQ(r->grant_id, "family-1");
  EXPECT_EQ(r->method, AuthMethod::jwt);
  EXPECT_FALSE(r->dpop_bound);
  EXPECT_EQ(r->issued_at, c.issued_at);
  EXPECT_EQ(r->expires_at, c.expires_at);
}

TEST_F(ResourceJwt, EdDsaTokenVerifiesWithTheKeyItNames) {
  JwtBuilder b;
  const auto c = claims();
  b.type("at+jwt").algorithm(Algorithm::EdDSA).issuer(c.issuer).subject(c.subject).audience(c.audience.front());
  b.claim("client_id", "app").claim("scope", "profile").jwt_id(c.jti).issued_at(c.issued_at).expires_at(c.expires_at);
  const auto r = bearer(authenticator(), b.sign(server_keys().eddsa()).value());
  ASSERT_TRUE(r.has_value()) << r.error().error.message;
  EXPECT_TRUE(r->has_scope("profile"));
}

TEST_F(ResourceJwt, WrongAudienceIsRefused) {
  auto c = claims();
  c.audience = {"https://other-api.example"};
  const auto r = bearer(authenticator(), jwt(c));
  ASSERT_NO_FATAL_FAILURE(expect_refused(r, 401, Errc::invalid_audience));
  EXPECT_NE(r.error().www_authenticate.find("error=\"invalid_token\""), std::string::npos);
}

TEST_F(ResourceJwt, AnyOfSeveralAudiencesMatches) {
  auto c = claims();
  c.audience = {"https://other.example", std::string(kAudience)};
  EXPECT_TRUE(bearer(authenticator(), jwt(c)).has_value());
  auto o = options();
  o.audiences = {"https://v2.api.example", std::string(kAudience)};
  EXPECT_TRUE(bearer(authenticator(o), jwt()).has_value());
}

TEST_F(ResourceJwt, WrongIssuerIsRefused) {
  auto c = claims();
  c.issuer = "https://as.example/";  // exact: a trailing slash is another issuer
  expect_refused(bearer(authenticator(), jwt(c)), 401, Errc::invalid_issuer);
}

TEST_F(ResourceJwt, TypJwtInsteadOfAtJwtIsRefused) {
  const Key& es = server_keys().es256();
  expect_refused(bearer(authenticator(), sign_raw(es, claims_json(), {}, std::nullopt, "JWT")), 401, Errc::invalid_type);
  // The same token with typ at+jwt, and with the media-type form, is accepted.
  EXPECT_TRUE(bearer(authenticator(), sign_raw(es, claims_json())).has_value());
  EXPECT_TRUE(bearer(authenticator(), sign_raw(es, claims_json(), {}, std::nullopt, "application/at+jwt")).has_value());
}

TEST_F(ResourceJwt, MissingTypIsRefused) {
  JwsSignOptions o;  // no typ
  const auto token = jws_sign(server_keys().es256(), codec::to_json(claims_json()), o).value();
  expect_refused(bearer(authenticator(), token), 401, Errc::invalid_type);
}

TEST_F(ResourceJwt, ExpiredBeyondLeewayIsRefusedWithinLeewayAccepted) {
  const auto token = jwt();  // exp = now + 300; leeway 30
  const auto a = authenticator();
  clock.advance(300 + 29);
  EXPECT_TRUE(bearer(a, token).has_value());
  clock.advance(1);
  expect_refused(bearer(a, token), 401, Errc::token_expired);
}

TEST_F(ResourceJwt, NotBeforeInTheFutureIsRefusedWithinLeewayAccepted) {
  auto c = claims_json();
  c["nbf"] = clock.now() + 31;
  expect_refused(bearer(authenticator(), sign_raw(server_keys().es256(), c)), 401, Errc::token_not_yet_valid);
  c["nbf"] = clock.now() + 30;
  EXPECT_TRUE(bearer(authenticator(), sign_raw(server_keys().es256(), c)).has_value());
}

TEST_F(ResourceJwt, IssuedInTheFutureIsRefused) {
  auto c = claims_json();
  c["iat"] = clock.now() + 120;
  expect_refused(bearer(authenticator(), sign_raw(server_keys().es256(), c)), 401, Errc::token_issued_in_future);
}

TEST_F(ResourceJwt, MissingExpAndRfc9068ClaimsAreRefused) {
  for (const char* name : {"exp", "sub", "client_id", "iat", "jti"}) {
    auto c = claims_json();
    c.erase(name);
    expect_refused(bearer(authenticator(), sign_raw(server_keys().es256(), c)), 401, Errc::missing_claim);
  }
  auto c = claims_json();
  c["client_id"] = 7;
  expect_refused(bearer(authenticator(), sign_raw(server_keys().es256(), c)), 401, Errc::invalid_token);
}

TEST_F(ResourceJwt, KeyFromTheJwkHeaderIsNeverUsed) {
  const Key attacker = Key::generate(KeySpec::p256).value();
  boost::json::object extra{{"jwk", attacker.public_key()->to_jwk().value()}};
  // Named by the server's kid: the server's key does not verify the attacker's signature.
  extra["kid"] = server_keys().es256().kid();
  JwsSignOptions o;
  o.typ = "at+jwt";
  o.include_kid = false;
  o.extra_header = extra;
  expect_refused(bearer(authenticator(), jws_sign(attacker, codec::to_json(claims_json()), o).value()), 401,
                 Errc::bad_signature);
  // Named by its own kid: no such key.
  expect_refused(bearer(authenticator(), sign_raw(attacker, claims_json(), {{"jwk", extra["jwk"]}})), 401,
                 Errc::key_not_found);
}

TEST_F(ResourceJwt, KeyFromJkuOrX5uIsNeverFetched) {
  const Key attacker = Key::generate(KeySpec::p256).value();
  for (const char* member : {"jku", "x5u"}) {
    boost::json::object extra{{member, "https://attacker.example/jwks.json"}};
    extra["kid"] = server_keys().es256().kid();
    JwsSignOptions o;
    o.typ = "at+jwt";
    o.include_kid = false;
    o.extra_header = extra;
    expect_refused(bearer(authenticator(), jws_sign(attacker, codec::to_json(claims_json()), o).value()), 401,
                   Errc::bad_signature);
  }
}

TEST_F(ResourceJwt, UnknownKidIsRefused) {
  const Key other = Key::generate(KeySpec::p256, "rotated-away").value();
  expect_refused(bearer(authenticator(), sign_raw(other, claims_json())), 401, Errc::key_not_found);
}

TEST_F(ResourceJwt, AlgNoneIsRefused) {
  const auto h = codec::base64url_encode(std::string(R"({"alg":"none","typ":"at+jwt","kid":")") +
                                         server_keys().es256().kid() + "\"}");
  const auto p = codec::base64url_encode(codec::to_json(claims_json()));
  expect_refused(bearer(authenticator(), h + "." + p + "."), 401, Errc::alg_not_allowed);
  expect_refused(bearer(authenticator(), h + "." + p + ".AAAA"), 401, Errc::alg_not_allowed);
}

TEST_F(ResourceJwt, Hs256WithThePublicKeyAsSecretIsRefused) {
  const Key& es = server_keys().es256();
  const auto pem = es.public_key()->to_pem().value();
  const Key hmac = Key::from_secret(SecretBytes(pem), Algorithm::HS256, es.kid()).value();
  expect_refused(bearer(authenticator(), sign_raw(hmac, claims_json())), 401, Errc::alg_not_allowed);
}

TEST_F(ResourceJwt, AlgorithmsOptionNarrowsTheKeysAllowList) {
  auto o = options();
  o.algorithms = {Algorithm::EdDSA};
  expect_refused(bearer(authenticator(o), jwt()), 401, Errc::alg_not_allowed);  // an ES256 token
}

TEST_F(ResourceJwt, TamperedPayloadIsRefused) {
  auto token = jwt();
  const auto d1 = token.find('.');
  auto c = claims_json();
  c["sub"] = "mallory";
  const auto forged = token.substr(0, d1 + 1) + codec::base64url_encode(codec::to_json(c)) + token.substr(token.rfind('.'));
  expect_refused(bearer(authenticator(), forged), 401, Errc::bad_signature);
}

TEST_F(ResourceJwt, JwtNotAcceptedWhenTurnedOff) {
  auto o = options();
  o.accept_jwt = false;
  expect_refused(bearer(authenticator(o), jwt()), 401, Errc::invalid_token);
}

TEST_F(ResourceJwt, KeysUnavailableFailClosedWith503) {
  class Down final : public VerificationKeys {
   public:
    Result<KeySet> keys_for(std::string_view) override { return fail(Errc::store_unavailable, "issuer unreachable"); }
  };
  auto o = options();
  o.keys = std::make_shared<Down>();
  const auto r = bearer(authenticator(o), jwt());
  ASSERT_NO_FATAL_FAILURE(expect_refused(r, 503, Errc::store_unavailable));
  EXPECT_TRUE(r.error().www_authenticate.empty());
}

}  // namespace
}  // namespace tessera::test
