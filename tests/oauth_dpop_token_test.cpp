// DPoP at the token endpoint (RFC 9449 §5, §6): a valid proof binds the access token (cnf.jkt
// in JWT and PASETO tokens, in introspection for opaque ones; token_type DPoP); bad, doubled,
// replayed or misdirected proofs are invalid_dpop_proof; nonces; DPoP off; metadata.
#include "oauth_dpop_fixture.hpp"

#include "tessera/paseto.hpp"
#include "tessera/paseto_jwk.hpp"

namespace tessera::test {
namespace {

class OauthDpopToken : public OauthDpopTest {};

TEST_F(OauthDpopToken, ProofBindsTheJwtAccessToken) {
  auto c = add(first_party(web_settings()));
  auto r = exchange_dpop(c, code_for(c), {proof()});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(str(*r, "token_type"), "DPoP");
  EXPECT_EQ(cnf_jkt(jwt_claims(str(*r, "access_token"))), key_.thumbprint());
  EXPECT_TRUE(active(c, str(*r, "access_token")));
  // Without a proof: a bearer token, no cnf.
  auto plain = exchange(c, code_for(c));
  ASSERT_TRUE(plain);
  EXPECT_EQ(str(*plain, "token_type"), "Bearer");
  EXPECT_FALSE(jwt_claims(str(*plain, "access_token")).contains("cnf"));
}

TEST_F(OauthDpopToken, ProofBindsThePasetoAccessToken) {
  auto s = first_party(web_settings());
  s.token_format = TokenFormat::paseto;
  auto c = add(s);
  auto r = exchange_dpop(c, code_for(c), {proof()});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(str(*r, "token_type"), "DPoP");
  const auto token = str(*r, "access_token");
  auto ed = paseto::v4_secret_key(oauth_signing_keys().keys()[1]);
  auto payload = paseto::verify(ed->public_key(), token);
  ASSERT_TRUE(payload);
  EXPECT_EQ(cnf_jkt(boost::json::parse(*payload).as_object()), key_.thumbprint());
  // The server reads the binding back: introspection reports it.
  auto o = introspect(c, token);
  EXPECT_EQ(cnf_jkt(o), key_.thumbprint());
  EXPECT_EQ(str(o, "token_type"), "DPoP");
}

TEST_F(OauthDpopToken, OpaqueTokenBindingIsInIntrospection) {
  auto s = first_party(web_settings());
  s.token_format = TokenFormat::opaque;
  auto c = add(s);
  auto r = exchange_dpop(c, code_for(c), {proof()});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(str(*r, "token_type"), "DPoP");
  auto o = introspect(c, str(*r, "access_token"));
  EXPECT_TRUE(o.at("active").as_bool());
  EXPECT_EQ(cnf_jkt(o), key_.thumbprint());
  EXPECT_EQ(str(o, "token_type"), "DPoP");
  auto plain = exchange(c, code_for(c));
  ASSERT_TRUE(plain);
  auto p = introspect(c, str(*plain, "access_token"));
  EXPECT_FALSE(p.contains("cnf"));
  EXPECT_EQ(str(p, "token_type"), "Bearer");
}

TEST_F(OauthDpopToken, ClientCredentialsWithAProofIsBound) {
  ClientSettings s;
  s.name = "Billing";
  s.grants = {"client_credentials"};
  s.scopes = {"read"};
  auto c = add(s);
  auto r = server_->token({{"grant_type", "client_credentials"}}, basic(c), ClientInfo{}, headers({proof()}));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(str(*r, "token_type"), "DPoP");
  EXPECT_EQ(cnf_jkt(jwt_claims(str(*r, "access_token"))), key_.thumbprint());
}

TEST_F(OauthDpopToken, TwoDpopHeadersAreRefused) {
  auto c = add(first_party(web_settings()));
  const auto code = code_for(c);
  expect_error(exchange_dpop(c, code, {proof(), proof()}), Errc::invalid_dpop_proof);
  // The proof is checked before the code: the code is still good.
  EXPECT_TRUE(exchange_dpop(c, code, {proof()}));
}

TEST_F(OauthDpopToken, ReplayedProofIsRefused) {
  auto c = add(first_party(web_settings()));
  const auto p = proof();
  ASSERT_TRUE(exchange_dpop(c, code_for(c), {p}));
  auto again = exchange_dpop(c, code_for(c), {p});
  expect_error(again, Errc::invalid_dpop_proof);
  EXPECT_NE(message(again).find("replay"), std::string::npos) << message(again);
}

TEST_F(OauthDpopToken, ProofForAnotherUrlOrMethodIsRefused) {
  auto c = add(first_party(web_settings()));
  const auto code = code_for(c);
  ProofSpec wrong_url;
  wrong_url.htu = std::string(kIssuer) + "/oauth2/introspect";
  expect_error(exchange_dpop(c, code, {proof(wrong_url)}), Errc::invalid_dpop_proof);
  ProofSpec other_host;
  other_host.htu = "https://evil.example/oauth2/token";
  expect_error(exchange_dpop(c, code, {proof(other_host)}), Errc::invalid_dpop_proof);
  ProofSpec wrong_method;
  wrong_method.htm = "GET";
  expect_error(exchange_dpop(c, code, {proof(wrong_method)}), Errc::invalid_dpop_proof);
  // The token endpoint's URL in another spelling is the same URL (RFC 9449 §4.3).
  ProofSpec spelled;
  spelled.htu = "HTTPS://AS.example:443/oauth2/token?x=1";
  EXPECT_TRUE(exchange_dpop(c, code, {proof(spelled)}));
}

TEST_F(OauthDpopToken, ProofSignedByAnotherKeyThanItsJwkIsRefused) {
  auto c = add(first_party(web_settings()));
  boost::json::object claims{{"jti", "j-forged-0001"}, {"htm", "POST"}, {"htu", token_url()}, {"iat", clock_.now()}};
  expect_error(exchange_dpop(c, code_for(c), {dpop_proof(claims, other_, &key_)}), Errc::invalid_dpop_proof);
  expect_error(exchange_dpop(c, code_for(c), {"not a proof"}), Errc::invalid_dpop_proof);
}

TEST_F(OauthDpopToken, NonceRequiredThenAccepted) {
  enable_dpop(/*nonces=*/true);
  auto c = add(first_party(web_settings()));
  const auto code = code_for(c);
  expect_error(exchange_dpop(c, code, {proof()}), Errc::use_dpop_nonce);
  const auto nonce = server_->dpop_nonce();
  ASSERT_FALSE(nonce.empty());
  ProofSpec p;
  p.nonce = nonce;
  auto r = exchange_dpop(c, code, {proof(p)});  // the code survived the nonce round trip
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(str(*r, "token_type"), "DPoP");
}

TEST_F(OauthDpopToken, StaleNonceIsRefused) {
  enable_dpop(/*nonces=*/true);
  auto c = add(first_party(web_settings()));
  ProofSpec p;
  p.nonce = server_->dpop_nonce();
  clock_.advance(3 * 300);  // two steps later: neither the current nor the previous nonce
  expect_error(exchange_dpop(c, code_for(c), {proof(p)}), Errc::use_dpop_nonce);
  EXPECT_NE(server_->dpop_nonce(), *p.nonce);
  p.nonce = server_->dpop_nonce();
  EXPECT_TRUE(exchange_dpop(c, code_for(c), {proof(p)}));
}

TEST_F(OauthDpopToken, NoNonceWhenNoncesAreOff) { EXPECT_EQ(server_->dpop_nonce(), ""); }

TEST_F(OauthDpopToken, DpopOffRefusesProofsAndMetadataSaysNothing) {
  auto on = server_->metadata();
  ASSERT_TRUE(on.contains("dpop_signing_alg_values_supported"));
  const auto& algs = on.at("dpop_signing_alg_values_supported").as_array();
  EXPECT_NE(std::find(algs.begin(), algs.end(), boost::json::value("ES256")), algs.end());
  EXPECT_NE(std::find(algs.begin(), algs.end(), boost::json::value("EdDSA")), algs.end());
  for (const auto& a : algs) EXPECT_FALSE(a.as_string().starts_with("HS")) << a;
  make_server(OAuthOptions{});  // no replay cache: DPoP off
  EXPECT_FALSE(server_->metadata().contains("dpop_signing_alg_values_supported"));
  auto c = add(first_party(web_settings()));
  auto r = exchange_dpop(c, code_for(c), {proof()});
  expect_error(r, Errc::invalid_dpop_proof);
  EXPECT_NE(message(r).find("not enabled"), std::string::npos) << message(r);
  EXPECT_TRUE(exchange(c, code_for(c)));  // bearer tokens as before
}

TEST_F(OauthDpopToken, CreateRefusesBadDpopAndTtlOptions) {
  const auto attempt = [&](OAuthOptions o) {
    o.issuer = std::string(kIssuer);
    return AuthorizationServer::create(*store_, accounts_->users(), oauth_signing_keys(),
                                       SecretBytes(std::string(32, 's')), o, &clock_);
  };
  OAuthOptions nonces_alone;
  nonces_alone.dpop_nonces =
      std::make_shared<const DpopNonces>(DpopNonces::create(SecretBytes(std::string(32, 'n'))).value());
  auto r = attempt(nonces_alone);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  for (std::int64_t ttl : {0, -5}) {
    OAuthOptions o;
    o.max_token_ttl = ttl;
    auto bad = attempt(o);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::invalid_argument);
    EXPECT_NE(message(bad).find("max_token_ttl"), std::string::npos);
  }
}

TEST_F(OauthDpopToken, AccessTtlAboveMaxTokenTtlIsRefused) {
  OAuthOptions o;
  o.max_token_ttl = 3600;
  make_server(o);
  auto s = web_settings();
  s.access_ttl = 3601;
  auto r = server_->add_client(s);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_NE(message(r).find("access_ttl"), std::string::npos) << message(r);
  s.access_ttl = 3600;
  EXPECT_TRUE(server_->add_client(s));
}

}  // namespace
}  // namespace tessera::test
