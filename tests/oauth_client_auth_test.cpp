// Client authentication at the token endpoint (and introspection/revocation, which share it),
// and the client administration calls.
#include "oauth_fixture.hpp"

#include "tessera/jwt.hpp"

namespace tessera::test {
namespace {

class OauthClientAuth : public OauthTest {
 protected:
  Registered service(std::string jwks = {}, std::string jwks_uri = {}) {
    auto s = web_settings();
    s.name = "Service";
    s.redirect_uris.clear();
    s.grants = {"client_credentials"};
    s.jwks_json = std::move(jwks);
    s.jwks_uri = std::move(jwks_uri);
    return add(s);
  }
  Result<boost::json::object> cc(Params form, const ClientAuth& auth = {}) {
    form.emplace_back("grant_type", "client_credentials");
    return server_->token(form, auth, {});
  }
  static void expect_error(const Result<boost::json::object>& r, Errc code) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, code) << r.error().message;
  }
  std::string assertion(const Key& key, const std::string& client_id, std::string jti = "jti-1",
                        std::string aud = "https://as.example/oauth2/token") {
    JwtBuilder b;
    b.issuer(client_id).subject(client_id).audience(aud).issued_at(clock_.now()).expires_at(clock_.now() + 60);
    b.jwt_id(jti);
    return *b.sign(key);
  }
  static std::string jwks_of(const Key& k) {
    KeySet s;
    EXPECT_TRUE(s.add(*k.public_key()));
    return *s.to_jwks_json(false);
  }
  static Params assertion_form(const std::string& a) {
    return {{"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
            {"client_assertion", a}};
  }
};

TEST_F(OauthClientAuth, SecretBasicAndPostWorkButNotBothAtOnce) {
  auto c = service();
  EXPECT_EQ(c.secret.size(), 43u);
  EXPECT_TRUE(cc({}, basic(c)));
  EXPECT_TRUE(cc({{"client_id", c.id}, {"client_secret", c.secret}}));
  expect_error(cc({{"client_id", c.id}, {"client_secret", c.secret}}, basic(c)), Errc::invalid_request);
  auto other = service();
  expect_error(cc({{"client_id", other.id}}, basic(c)), Errc::invalid_request);
}

TEST_F(OauthClientAuth, FailuresAreInvalidClient) {
  auto c = service();
  auto wrong = c;
  wrong.secret = c.secret.substr(1) + "A";
  expect_error(cc({}, basic(wrong)), Errc::invalid_client);
  expect_error(cc({{"client_id", c.id}}), Errc::invalid_client);  // confidential without secret
  expect_error(cc({{"client_id", "nobody-12345678"}, {"client_secret", c.secret}}), Errc::invalid_client);
  expect_error(cc({}), Errc::invalid_client);
  ClientAuth malformed;
  malformed.malformed_basic = true;
  expect_error(cc({}, malformed), Errc::invalid_client);
  // Another client's secret.
  auto other = service();
  auto swapped = c;
  swapped.secret = other.secret;
  expect_error(cc({}, basic(swapped)), Errc::invalid_client);
}

TEST_F(OauthClientAuth, PublicClientsPresentNoSecret) {
  auto s = web_settings();
  s.public_client = true;
  auto c = add(s);
  const auto code = code_for(c);
  Params form{{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", std::string(kRedirect)},
              {"code_verifier", verifier_}, {"client_id", c.id}, {"client_secret", "anything"}};
  expect_error(server_->token(form, {}, {}), Errc::invalid_client);
  auto with_basic = c;
  with_basic.secret = "x";
  expect_error(server_->token({{"grant_type", "authorization_code"}, {"code", code}}, basic(with_basic), {}),
               Errc::invalid_client);
}

TEST_F(OauthClientAuth, PrivateKeyJwt) {
  auto key = *Key::generate(KeySpec::p256, "svc-key");
  auto c = service(jwks_of(key));
  EXPECT_TRUE(cc(assertion_form(assertion(key, c.id, "a1"))));
  // The jti is single-use.
  expect_error(cc(assertion_form(assertion(key, c.id, "a1"))), Errc::invalid_client);
  // The issuer as audience works too; another audience does not.
  EXPECT_TRUE(cc(assertion_form(assertion(key, c.id, "a2", std::string(kIssuer)))));
  expect_error(cc(assertion_form(assertion(key, c.id, "a3", "https://elsewhere.example"))), Errc::invalid_client);
  // Another key, another type, or with a secret method too.
  auto other = *Key::generate(KeySpec::p256, "svc-key");
  expect_error(cc(assertion_form(assertion(other, c.id, "a4"))), Errc::invalid_client);
  auto bad_type = assertion_form(assertion(key, c.id, "a5"));
  bad_type[0].second = "urn:ietf:params:oauth:client-assertion-type:saml2-bearer";
  expect_error(cc(bad_type), Errc::invalid_client);
  auto both = assertion_form(assertion(key, c.id, "a6"));
  both.emplace_back("client_secret", "x");
  expect_error(cc(both), Errc::invalid_request);
  // client_id in the form must name the same client as the assertion.
  auto named = assertion_form(assertion(key, c.id, "a7"));
  named.emplace_back("client_id", c.id);
  EXPECT_TRUE(cc(named));
}

TEST_F(OauthClientAuth, AClientWithKeysMustUseThem) {
  auto key = *Key::generate(KeySpec::p256, "svc-key");
  auto c = service(jwks_of(key));
  EXPECT_TRUE(c.secret.size() == 43u);
  expect_error(cc({}, basic(c)), Errc::invalid_client);
  // A client without keys cannot use private_key_jwt.
  auto plain = service();
  expect_error(cc(assertion_form(assertion(key, plain.id, "b1"))), Errc::invalid_client);
}

TEST_F(OauthClientAuth, JwksUriClientsAreRefusedPrivateKeyJwt) {
  auto key = *Key::generate(KeySpec::p256, "svc-key");
  auto c = service({}, "https://svc.example/jwks.json");
  auto r = cc(assertion_form(assertion(key, c.id, "c1")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_client);
  EXPECT_NE(r.error().message.find("jwks_uri"), std::string::npos);
}

TEST_F(OauthClientAuth, ClientAdministration) {
  auto c = service();
  auto got = server_->client(c.id);
  ASSERT_TRUE(got);
  EXPECT_TRUE(got->has_secret);
  EXPECT_EQ(got->settings.name, "Service");
  EXPECT_EQ(server_->clients()->size(), 1u);
  // The store holds only the keyed hash.
  auto rec = store_->get_client(c.id);
  EXPECT_EQ((*rec)->secret_hash.find(c.secret), std::string::npos);
  EXPECT_EQ((*rec)->secret_hash.size(), 43u);
  // Rotation: the old secret stops working.
  auto fresh = server_->rotate_secret(c.id);
  ASSERT_TRUE(fresh);
  expect_error(cc({}, basic(c)), Errc::invalid_client);
  auto rotated = c;
  const auto b = fresh->reveal(SecretAccess{});
  rotated.secret.assign(b.begin(), b.end());
  EXPECT_TRUE(cc({}, basic(rotated)));
  // Bad settings name the setting.
  auto bad = web_settings();
  bad.refresh_reuse_grace = 90;
  auto r = server_->add_client(bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_NE(r.error().message.find("refresh_reuse_grace"), std::string::npos);
  // Public clients have no secret to rotate; absent clients are invalid_client.
  auto s = web_settings();
  s.public_client = true;
  auto pub = add(s);
  EXPECT_EQ(server_->rotate_secret(pub.id).error().code, Errc::invalid_argument);
  EXPECT_EQ(server_->rotate_secret("nobody").error().code, Errc::invalid_client);
  EXPECT_EQ(server_->client("nobody").error().code, Errc::invalid_client);
  ASSERT_TRUE(server_->remove_client(c.id));
  EXPECT_EQ(server_->remove_client(c.id).error().code, Errc::invalid_client);
  expect_error(cc({}, basic(rotated)), Errc::invalid_client);
}

}  // namespace
}  // namespace tessera::test
