// PASETO v4.public access tokens at the Authenticator, as Tessera issues them (footer kid =
// the Ed25519 key's PASERK pid; RFC 3339 times): accepted, and each rule broken once.
#include "resource_fixture.hpp"
#include "tessera/paseto_claims.hpp"
#include "tessera/paseto_jwk.hpp"

namespace tessera::test {
namespace {

class ResourcePaseto : public ResourceTest {
 protected:
  // claims() as a PASETO builder, for tokens the tests build by hand.
  PasetoBuilder builder() {
    const auto c = claims();
    PasetoBuilder b;
    b.issuer(c.issuer).subject(c.subject).audience(c.audience.front()).issued_at(c.issued_at).expires_at(c.expires_at);
    b.jwt_id(c.jti).claim("client_id", "app").claim("scope", "profile");
    return b;
  }
};

TEST_F(ResourcePaseto, AcceptsTesserasPasetoAccessToken) {
  const auto c = claims();
  const auto r = bearer(authenticator(), paseto(c));
  ASSERT_TRUE(r.has_value()) << r.error().error.message;
  EXPECT_EQ(r->method, AuthMethod::paseto);
  EXPECT_EQ(r->subject, "alice");
  EXPECT_EQ(r->token_id, c.jti);
  EXPECT_EQ(r->expires_at, c.expires_at);
  EXPECT_TRUE(r->has_scope("orders:read"));
}

TEST_F(ResourcePaseto, SignedByAnotherKeyUnderOurKidIsRefused) {
  const auto other = paseto::SecretKey::generate(paseto::Version::v4).value();
  const auto token = builder().footer_kid(server_keys().paseto_kid()).sign(other).value();
  expect_refused(bearer(authenticator(), token), 401, Errc::bad_signature);
}

TEST_F(ResourcePaseto, UnknownKidIsRefused) {
  const auto other = paseto::SecretKey::generate(paseto::Version::v4).value();
  const auto token = builder().footer_kid("k4.pid.unknown").sign(other).value();
  expect_refused(bearer(authenticator(), token), 401, Errc::key_not_found);
}

TEST_F(ResourcePaseto, KidNamingANonEd25519KeyIsRefused) {
  const auto other = paseto::SecretKey::generate(paseto::Version::v4).value();
  const auto token = builder().footer_kid(server_keys().es256().kid()).sign(other).value();
  expect_refused(bearer(authenticator(), token), 401, Errc::wrong_key_type);
}

TEST_F(ResourcePaseto, LocalTokensAreRefused) {
  const auto local = paseto::LocalKey::generate(paseto::Version::v4).value();
  const auto token = builder().footer_kid(server_keys().paseto_kid()).encrypt(local).value();
  expect_refused(bearer(authenticator(), token), 401, Errc::wrong_key_type);
}

TEST_F(ResourcePaseto, OtherVersionsAreRefused) {
  const auto v2 = paseto::SecretKey::generate(paseto::Version::v2).value();
  expect_refused(bearer(authenticator(), builder().sign(v2).value()), 401, Errc::wrong_key_type);
}

TEST_F(ResourcePaseto, ClaimRulesApply) {
  auto c = claims();
  c.audience = {"https://other.example"};
  expect_refused(bearer(authenticator(), paseto(c)), 401, Errc::invalid_audience);
  c = claims();
  c.issuer = "https://evil.example";
  expect_refused(bearer(authenticator(), paseto(c)), 401, Errc::invalid_issuer);
  const auto token = paseto();
  const auto a = authenticator();
  clock.advance(300 + 30);
  expect_refused(bearer(a, token), 401, Errc::token_expired);
}

TEST_F(ResourcePaseto, WithoutAKidTheSetsEd25519KeyVerifies) {
  const auto key = paseto::v4_secret_key(server_keys().eddsa()).value();
  EXPECT_TRUE(bearer(authenticator(), builder().sign(key).value()).has_value());
}

TEST_F(ResourcePaseto, PasetoNotAcceptedWhenTurnedOff) {
  auto o = options();
  o.accept_paseto = false;
  expect_refused(bearer(authenticator(o), paseto()), 401, Errc::invalid_token);
}

}  // namespace
}  // namespace tessera::test
