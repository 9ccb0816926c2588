// AuthorizationServer::token: the authorization_code and client_credentials grants, the
// token formats, and the request rules.
#include "oauth_fixture.hpp"

#include "tessera/jwt.hpp"
#include "tessera/paseto.hpp"
#include "oauth/access_token.hpp"
#include "tessera/paseto_jwk.hpp"

namespace tessera::test {
namespace {

class OauthToken : public OauthTest {
 protected:
  Result<VerifiedJwt> verify_access_jwt(const std::string& token, std::string aud = "https://api.example") {
    auto validator = ClaimsValidator::Builder().expect_issuer(std::string(kIssuer)).expect_audience(aud).clock(clock_).build();
    auto keys = KeySet::from_jwks(server_->jwks_json());
    auto v = JwtVerifier::Builder(*keys, *validator).allow_algorithms({Algorithm::ES256}).expect_type("at+jwt").build();
    return v->verify(token);
  }
  void expect_error(const Result<boost::json::object>& r, Errc code) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, code) << r.error().message;
  }
};

TEST_F(OauthToken, CodeExchangeIssuesAJwtAccessTokenARefreshTokenAndAnIdToken) {
  auto c = add(web_settings());
  auto r = exchange(c, code_for(c));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(str(*r, "token_type"), "Bearer");
  EXPECT_EQ(r->at("expires_in").as_int64(), 600);
  EXPECT_EQ(str(*r, "scope"), "offline_access openid profile read");
  auto jwt = verify_access_jwt(str(*r, "access_token"));
  ASSERT_TRUE(jwt) << jwt.error().message;
  const auto& o = jwt->claims().json();
  EXPECT_EQ(str(o, "sub"), "alice");
  EXPECT_EQ(str(o, "client_id"), c.id);
  EXPECT_EQ(str(o, "scope"), "offline_access openid profile read");
  EXPECT_EQ(o.at("auth_time").as_int64(), kStart - 100);
  EXPECT_EQ(o.at("exp").as_int64(), kStart + 600);
  EXPECT_EQ(str(o, "jti").size(), 22u);
  EXPECT_FALSE(str(o, "sid").empty());
  EXPECT_EQ(jwt->key_id(), oauth_signing_keys().keys()[0].kid());
  // Refresh token: family.secret; the family is the access token's sid.
  const auto refresh = str(*r, "refresh_token");
  EXPECT_EQ(refresh.substr(0, refresh.find('.')), str(o, "sid"));
  // ID token: aud = client, nonce, at_hash, azp, auth_time.
  auto validator = ClaimsValidator::Builder().expect_issuer(std::string(kIssuer)).expect_audience(c.id).clock(clock_).build();
  auto keys = KeySet::from_jwks(server_->jwks_json());
  auto idv = JwtVerifier::Builder(*keys, *validator).allow_algorithms({Algorithm::ES256}).build();
  auto id = idv->verify(str(*r, "id_token"));
  ASSERT_TRUE(id) << id.error().message;
  const auto& io = id->claims().json();
  EXPECT_EQ(str(io, "nonce"), "n-0S6");
  EXPECT_EQ(str(io, "azp"), c.id);
  EXPECT_EQ(str(io, "at_hash"), oauth::at_hash(Algorithm::ES256, str(*r, "access_token")));
  EXPECT_EQ(io.at("auth_time").as_int64(), kStart - 100);
  // The observer saw the jti, never the token.
  ASSERT_EQ(count(OAuthEvent::Kind::token_issued), 1u);
  EXPECT_EQ(events_.back().jti, str(o, "jti"));
  EXPECT_EQ(events_.back().grant_type, "authorization_code");
  EXPECT_EQ(events_.back().format, "jwt");
}

TEST_F(OauthToken, IdTokenAlgorithmIsTheClients) {
  auto s = web_settings();
  s.id_token_alg = Algorithm::EdDSA;
  auto c = add(s);
  auto r = exchange(c, code_for(c));
  ASSERT_TRUE(r);
  auto u = decode_unverified_for_debugging(str(*r, "id_token"));
  EXPECT_EQ(str(u->header, "alg"), "EdDSA");
  // Without openid, no ID token.
  auto r2 = exchange(c, code_for(c, "read offline_access"));
  ASSERT_TRUE(r2);
  EXPECT_FALSE(r2->contains("id_token"));
}

TEST_F(OauthToken, ResourceParameterPicksTheAudience) {
  auto s = web_settings();
  s.first_party = true;
  s.audiences = {"https://api.example", "https://billing.example"};
  auto c = add(s);
  auto p = authorize_params(c);
  p.emplace_back("resource", "https://billing.example");
  auto sess = session();
  auto a = server_->authorize(p, &sess, ConsentDecision::none);
  auto r = exchange(c, *query_value(a->location, "code"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(verify_access_jwt(str(*r, "access_token"), "https://billing.example"));
  // Without audiences, the issuer is the audience.
  s.audiences.clear();
  auto plain = add(s);
  auto r2 = exchange(plain, code_for(plain));
  EXPECT_TRUE(verify_access_jwt(str(*r2, "access_token"), std::string(kIssuer)));
}

TEST_F(OauthToken, PasetoAccessTokensVerifyWithThePidKey) {
  auto s = web_settings();
  s.token_format = TokenFormat::paseto;
  auto c = add(s);
  auto r = exchange(c, code_for(c));
  ASSERT_TRUE(r);
  const auto token = str(*r, "access_token");
  ASSERT_TRUE(token.starts_with("v4.public."));
  auto kid = paseto::footer_kid(token);
  auto ed = paseto::v4_secret_key(oauth_signing_keys().keys()[1]);
  EXPECT_EQ(**kid, oauth_signing_keys().keys()[1].kid());
  auto payload = paseto::verify(ed->public_key(), token);
  ASSERT_TRUE(payload);
  auto o = boost::json::parse(*payload).as_object();
  EXPECT_EQ(str(o, "sub"), "alice");
  EXPECT_EQ(str(o, "exp"), "2023-11-14T22:23:20+00:00");
  EXPECT_TRUE(active(c, token));
  EXPECT_EQ(events_.front().format, "paseto");
}

TEST_F(OauthToken, OpaqueAccessTokensAreStoredOnlyByHash) {
  auto s = web_settings();
  s.token_format = TokenFormat::opaque;
  auto c = add(s);
  auto r = exchange(c, code_for(c));
  ASSERT_TRUE(r);
  const auto token = str(*r, "access_token");
  EXPECT_EQ(token.size(), 43u);
  auto raw = store_->get_access(token);
  ASSERT_TRUE(raw);
  EXPECT_FALSE(*raw);
  EXPECT_TRUE(active(c, token));
}

TEST_F(OauthToken, CodeIsSingleUseAndASecondUseRevokesWhatTheFirstIssued) {
  auto c = add(web_settings());
  const auto code = code_for(c);
  auto first = exchange(c, code);
  ASSERT_TRUE(first);
  EXPECT_TRUE(active(c, str(*first, "access_token")));
  expect_error(exchange(c, code), Errc::invalid_grant);
  EXPECT_EQ(count(OAuthEvent::Kind::code_reuse), 1u);
  EXPECT_FALSE(active(c, str(*first, "access_token")));
  EXPECT_FALSE(active(c, str(*first, "refresh_token")));
  expect_error(refresh(c, str(*first, "refresh_token")), Errc::invalid_grant);
  // The JWT's jti is on the denylist (resource servers asking introspection see it dead).
  auto jwt = verify_access_jwt(str(*first, "access_token"));
  auto denied = store_->is_denied(std::string(*jwt->claims().jwt_id()), clock_.now());
  EXPECT_TRUE(denied && *denied);
}

TEST_F(OauthToken, CodeLivesAtMostCodeTtl) {
  auto c = add(web_settings());
  const auto code = code_for(c);
  clock_.advance(60);
  expect_error(exchange(c, code), Errc::invalid_grant);
  OAuthOptions o;
  o.code_ttl = 61;
  o.issuer = std::string(kIssuer);
  auto bad = AuthorizationServer::create(*store_, accounts_->users(), oauth_signing_keys(),
                                         SecretBytes(std::string(32, 's')), o, &clock_);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_argument);
}

TEST_F(OauthToken, CodeIsBoundToItsClientRedirectUriAndVerifier) {
  auto c = add(web_settings());
  auto other = add(web_settings());
  expect_error(exchange(other, code_for(c)), Errc::invalid_grant);

  auto s = web_settings();
  s.redirect_uris.push_back("https://app.example/cb2");
  auto two = add(s);
  Params form{{"grant_type", "authorization_code"}, {"code", code_for(two)},
              {"redirect_uri", "https://app.example/cb2"}, {"code_verifier", verifier_}};
  expect_error(server_->token(form, basic(two), {}), Errc::invalid_grant);

  Params wrong{{"grant_type", "authorization_code"}, {"code", code_for(c)},
               {"redirect_uri", std::string(kRedirect)}, {"code_verifier", std::string(43, 'w')}};
  expect_error(server_->token(wrong, basic(c), {}), Errc::invalid_grant);
}

TEST_F(OauthToken, ACredentialChangeBetweenAuthorizeAndExchangeEndsTheCode) {
  auto c = add(web_settings());
  const auto code = code_for(c);
  change_credentials("alice");
  expect_error(exchange(c, code), Errc::invalid_grant);
  const auto code2 = code_for(c);
  change_credentials("alice", true);
  expect_error(exchange(c, code2), Errc::invalid_grant);
}

TEST_F(OauthToken, RequestRules) {
  auto c = add(web_settings());
  expect_error(server_->token({{"grant_type", "password"}}, basic(c), {}), Errc::unsupported_grant_type);
  expect_error(server_->token({}, basic(c), {}), Errc::invalid_request);
  expect_error(server_->token({{"grant_type", "authorization_code"}, {"code", "x"}}, basic(c), {}), Errc::invalid_request);
  expect_error(server_->token({{"grant_type", "authorization_code"}, {"grant_type", "authorization_code"}}, basic(c), {}),
               Errc::invalid_request);
  Params repeated{{"grant_type", "authorization_code"}, {"code", code_for(c)}, {"code", "other"},
                  {"redirect_uri", std::string(kRedirect)}, {"code_verifier", verifier_}};
  expect_error(server_->token(repeated, basic(c), {}), Errc::invalid_request);
  // A grant the client does not have.
  expect_error(server_->token({{"grant_type", "client_credentials"}}, basic(c), {}), Errc::unauthorized_client);
}

TEST_F(OauthToken, NoRefreshTokenWithoutTheRefreshGrant) {
  auto s = web_settings();
  s.grants = {"authorization_code"};
  auto c = add(s);
  auto r = exchange(c, code_for(c));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->contains("refresh_token"));
  EXPECT_TRUE(active(c, str(*r, "access_token")));
}

TEST_F(OauthToken, PublicClientsUsePkceWithoutASecret) {
  auto s = web_settings();
  s.public_client = true;
  auto c = add(s);
  EXPECT_TRUE(c.secret.empty());
  auto r = exchange(c, code_for(c));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->contains("refresh_token"));
}

TEST_F(OauthToken, ClientCredentials) {
  auto s = web_settings();
  s.redirect_uris.clear();
  s.grants = {"client_credentials"};
  auto c = add(s);
  auto r = server_->token({{"grant_type", "client_credentials"}}, basic(c), {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(str(*r, "scope"), "read write");  // the OIDC scopes are not for services
  EXPECT_FALSE(r->contains("refresh_token"));
  EXPECT_FALSE(r->contains("id_token"));
  auto jwt = verify_access_jwt(str(*r, "access_token"));
  ASSERT_TRUE(jwt);
  EXPECT_EQ(str(jwt->claims().json(), "sub"), c.id);
  EXPECT_FALSE(jwt->claims().contains("auth_time"));
  EXPECT_FALSE(jwt->claims().contains("sid"));
  EXPECT_TRUE(active(c, str(*r, "access_token")));
  auto narrowed = server_->token({{"grant_type", "client_credentials"}, {"scope", "read"}}, basic(c), {});
  EXPECT_EQ(str(*narrowed, "scope"), "read");
  expect_error(server_->token({{"grant_type", "client_credentials"}, {"scope", "openid"}}, basic(c), {}),
               Errc::invalid_scope);
  expect_error(server_->token({{"grant_type", "client_credentials"}, {"scope", "admin"}}, basic(c), {}),
               Errc::invalid_scope);
  expect_error(server_->token({{"grant_type", "client_credentials"}, {"resource", "https://x.example"}}, basic(c), {}),
               Errc::invalid_target);
  EXPECT_EQ(events_.back().grant_type, "client_credentials");
}

}  // namespace
}  // namespace tessera::test
