// Introspection (RFC 7662), revocation (RFC 7009), userinfo, device grants, metadata.
#include "oauth_fixture.hpp"

#include "oauth/random_token.hpp"

namespace tessera::test {
namespace {

PresentedToken bearer(std::string_view token) { return PresentedToken{"Bearer", token, "GET", {}}; }

class OauthIntrospect : public OauthTest {
 protected:
  boost::json::object start(const Registered& c, std::string scope = "openid profile offline_access read") {
    auto r = exchange(c, code_for(c, scope));
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : boost::json::object{};
  }
  Registered resource_server(std::string aud = "https://api.example") {
    auto s = web_settings();
    s.name = "API";
    s.redirect_uris.clear();
    s.grants = {"client_credentials"};
    s.resources = {std::move(aud)};
    return add(s);
  }
  void expect_inactive(const Registered& caller, const std::string& token) {
    const auto o = introspect(caller, token);
    EXPECT_EQ(boost::json::serialize(o), R"({"active":false})");
  }
};

TEST_F(OauthIntrospect, ActiveAnswerForEachTokenKind) {
  auto c = add(web_settings());
  auto t = start(c);
  auto o = introspect(c, str(t, "access_token"));
  EXPECT_TRUE(o.at("active").as_bool());
  EXPECT_EQ(str(o, "scope"), "offline_access openid profile read");
  EXPECT_EQ(str(o, "client_id"), c.id);
  EXPECT_EQ(str(o, "username"), "alice");
  EXPECT_EQ(str(o, "sub"), "alice");
  EXPECT_EQ(str(o, "aud"), "https://api.example");
  EXPECT_EQ(str(o, "iss"), std::string(kIssuer));
  EXPECT_EQ(o.at("exp").as_int64(), kStart + 600);
  EXPECT_EQ(o.at("iat").as_int64(), kStart);
  EXPECT_EQ(str(o, "jti").size(), 22u);
  EXPECT_EQ(str(o, "token_type"), "Bearer");
  auto r = introspect(c, str(t, "refresh_token"));
  EXPECT_TRUE(r.at("active").as_bool());
  EXPECT_EQ(str(r, "token_type"), "refresh_token");
  EXPECT_EQ(str(r, "username"), "alice");
  ASSERT_FALSE(events_.empty());
  EXPECT_EQ(events_.back().kind, OAuthEvent::Kind::introspection);
  EXPECT_TRUE(events_.back().active);
}

TEST_F(OauthIntrospect, InactiveIsExactlyActiveFalse) {
  auto c = add(web_settings());
  auto t = start(c);
  for (std::string bad : {std::string("garbage"), std::string("eyJhbGciOiJub25lIn0.e30."), oauth::random_token(),
                          std::string("v4.public.AAAA"), std::string(20000, 'a')})
    expect_inactive(c, bad);
  clock_.advance(600);  // the access token's exp
  expect_inactive(c, str(t, "access_token"));
  EXPECT_FALSE(events_.back().active);
}

TEST_F(OauthIntrospect, CallerMustBeAnAuthenticatedConfidentialClient) {
  auto s = web_settings();
  s.public_client = true;
  auto pub = add(s);
  auto t = start(pub);
  auto r = server_->introspect({{"token", str(t, "access_token")}, {"client_id", pub.id}}, {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_client);
  auto conf = add(web_settings());
  auto bad = conf;
  bad.secret = "wrong";
  r = server_->introspect({{"token", str(t, "access_token")}}, basic(bad));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_client);
  r = server_->introspect({}, basic(conf));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_request);
  r = server_->introspect({{"token", "a"}, {"token", "b"}}, basic(conf));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_request);
  auto rv = server_->revoke({{"token", "a"}, {"token", "b"}}, basic(conf));
  ASSERT_FALSE(rv);
  EXPECT_EQ(rv.error().code, Errc::invalid_request);
  rv = server_->revoke({}, basic(conf));
  ASSERT_FALSE(rv);
  EXPECT_EQ(rv.error().code, Errc::invalid_request);
}

TEST_F(OauthIntrospect, OnlyTheTokensClientOrAResourceServerOfItsAudienceMaySeeIt) {
  auto c = add(web_settings());
  auto t = start(c);
  auto stranger = add(web_settings());
  expect_inactive(stranger, str(t, "access_token"));
  auto api = resource_server("https://api.example");
  EXPECT_TRUE(active(api, str(t, "access_token")));
  auto other_api = resource_server("https://other.example");
  expect_inactive(other_api, str(t, "access_token"));
  // Refresh tokens: only their own client.
  expect_inactive(api, str(t, "refresh_token"));
  EXPECT_TRUE(active(c, str(t, "refresh_token")));
}

TEST_F(OauthIntrospect, StatelessTokensBeforeNotBeforeAreInactive) {
  auto c = add(web_settings());
  auto t = start(c);
  server_->set_not_before(kStart);
  EXPECT_TRUE(active(c, str(t, "access_token")));
  server_->set_not_before(kStart + 1);
  expect_inactive(c, str(t, "access_token"));
}

TEST_F(OauthIntrospect, GenerationDisableAndClientRemovalEndActiveness) {
  auto c = add(web_settings());
  auto t = start(c);
  change_credentials("alice");
  expect_inactive(c, str(t, "access_token"));
  expect_inactive(c, str(t, "refresh_token"));

  auto api = resource_server();
  auto t2 = start(c);
  EXPECT_TRUE(active(api, str(t2, "access_token")));
  ASSERT_TRUE(server_->remove_client(c.id));
  expect_inactive(api, str(t2, "access_token"));
}

TEST_F(OauthIntrospect, OpaqueTokensFollowTheSameRules) {
  auto s = web_settings();
  s.token_format = TokenFormat::opaque;
  auto c = add(s);
  auto t = start(c);
  EXPECT_TRUE(active(c, str(t, "access_token")));
  change_credentials("alice", true);
  expect_inactive(c, str(t, "access_token"));
}

TEST_F(OauthIntrospect, RevokingARefreshTokenEndsItsFamily) {
  auto c = add(web_settings());
  auto t = start(c);
  ASSERT_TRUE(server_->revoke({{"token", str(t, "refresh_token")}}, basic(c)));
  EXPECT_EQ(events_.back().kind, OAuthEvent::Kind::revocation);
  EXPECT_EQ(events_.back().family_id, str(t, "refresh_token").substr(0, 22));
  expect_inactive(c, str(t, "refresh_token"));
  expect_inactive(c, str(t, "access_token"));
  auto r = refresh(c, str(t, "refresh_token"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_grant);
}

TEST_F(OauthIntrospect, RevokingAnAccessTokenDeniesItOrRevokesIt) {
  auto c = add(web_settings());
  auto t = start(c);
  ASSERT_TRUE(server_->revoke({{"token", str(t, "access_token")}}, basic(c)));
  expect_inactive(c, str(t, "access_token"));
  EXPECT_TRUE(active(c, str(t, "refresh_token")));  // the grant lives on

  auto s = web_settings();
  s.token_format = TokenFormat::opaque;
  auto o = add(s);
  auto ot = start(o);
  ASSERT_TRUE(server_->revoke({{"token", str(ot, "access_token")}}, basic(o)));
  expect_inactive(o, str(ot, "access_token"));
}

TEST_F(OauthIntrospect, RevocationLeavesOtherClientsTokensAloneAndSucceedsOnGarbage) {
  auto c = add(web_settings());
  auto t = start(c);
  auto other = add(web_settings());
  EXPECT_TRUE(server_->revoke({{"token", str(t, "refresh_token")}}, basic(other)));
  EXPECT_TRUE(server_->revoke({{"token", str(t, "access_token")}}, basic(other)));
  EXPECT_TRUE(active(c, str(t, "refresh_token")));
  EXPECT_TRUE(active(c, str(t, "access_token")));
  EXPECT_TRUE(server_->revoke({{"token", "garbage"}}, basic(c)));
  auto r = server_->revoke({{"token", "x"}}, ClientAuth{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_client);
}

TEST_F(OauthIntrospect, Userinfo) {
  auto c = add(web_settings());
  auto t = start(c);
  auto u = server_->userinfo(bearer(str(t, "access_token")));
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(str(*u, "sub"), "alice");
  EXPECT_EQ(str(*u, "preferred_username"), "alice");
  auto r = server_->userinfo(bearer(str(t, "refresh_token")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_token);
  auto no_openid = start(c, "read");
  r = server_->userinfo(bearer(str(no_openid, "access_token")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::insufficient_scope);
  change_credentials("alice");
  r = server_->userinfo(bearer(str(t, "access_token")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_token);
}

TEST_F(OauthIntrospect, DeviceGrantsAreListedAndRevocable) {
  auto c = add(web_settings());
  auto t = start(c);
  start(c);
  auto list = server_->grants("alice");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].client_name, "Web App");
  EXPECT_EQ((*list)[0].client_id, c.id);
  EXPECT_NE((*list)[0].client_info_json.find("192.0.2.1"), std::string::npos);
  EXPECT_TRUE(server_->grants("bob")->empty());
  const auto family = str(t, "refresh_token").substr(0, 22);
  auto r = server_->revoke_grant("bob", family);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::session_not_found);
  ASSERT_TRUE(server_->revoke_grant("alice", family));
  expect_inactive(c, str(t, "access_token"));
  EXPECT_EQ(server_->grants("alice")->size(), 1u);
  change_credentials("alice");
  EXPECT_TRUE(server_->grants("alice")->empty());
}

TEST_F(OauthIntrospect, MetadataAndJwks) {
  const auto m = server_->metadata();
  EXPECT_EQ(str(m, "issuer"), std::string(kIssuer));
  EXPECT_EQ(str(m, "authorization_endpoint"), "https://as.example/oauth2/authorize");
  EXPECT_EQ(str(m, "token_endpoint"), "https://as.example/oauth2/token");
  EXPECT_EQ(str(m, "introspection_endpoint"), "https://as.example/oauth2/introspect");
  EXPECT_EQ(str(m, "revocation_endpoint"), "https://as.example/oauth2/revoke");
  EXPECT_EQ(str(m, "userinfo_endpoint"), "https://as.example/userinfo");
  EXPECT_EQ(str(m, "jwks_uri"), "https://as.example/.well-known/jwks.json");
  EXPECT_EQ(boost::json::serialize(m.at("response_types_supported")), R"(["code"])");
  EXPECT_EQ(boost::json::serialize(m.at("code_challenge_methods_supported")), R"(["S256"])");
  EXPECT_EQ(boost::json::serialize(m.at("id_token_signing_alg_values_supported")), R"(["ES256","EdDSA","RS256"])");
  EXPECT_TRUE(m.at("authorization_response_iss_parameter_supported").as_bool());
  auto keys = KeySet::from_jwks(server_->jwks_json());
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->size(), 3u);
  for (const auto& k : keys->keys()) EXPECT_FALSE(k.has_private());
  EXPECT_TRUE(keys->find(oauth_signing_keys().keys()[1].kid()));  // the PASERK pid
}

TEST_F(OauthIntrospect, IssuerAndOptionsAreChecked) {
  for (std::string bad : {"", "as.example", "http://as.example", "https://as.example/", "https://as.example?x=1",
                          "https://as.example#f"}) {
    OAuthOptions o;
    o.issuer = bad;
    auto r = AuthorizationServer::create(*store_, accounts_->users(), oauth_signing_keys(),
                                         SecretBytes(std::string(32, 's')), o, &clock_);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
  }
  OAuthOptions o;
  o.issuer = "http://127.0.0.1:8080";
  EXPECT_TRUE(AuthorizationServer::create(*store_, accounts_->users(), oauth_signing_keys(),
                                          SecretBytes(std::string(32, 's')), o, &clock_));
  EXPECT_FALSE(AuthorizationServer::create(*store_, accounts_->users(), oauth_signing_keys(),
                                           SecretBytes(std::string(31, 's')), o, &clock_));
}

}  // namespace
}  // namespace tessera::test
