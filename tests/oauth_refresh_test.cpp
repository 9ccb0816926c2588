// The refresh_token grant: rotation, reuse detection, grace, narrowing, and the generation rule.
#include "oauth_fixture.hpp"

#include "oauth/random_token.hpp"
#include "tessera/jwt.hpp"

namespace tessera::test {
namespace {

class OauthRefresh : public OauthTest {
 protected:
  // A code exchange's answer for a new client with these settings.
  boost::json::object start(const Registered& c) {
    auto r = exchange(c, code_for(c));
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    return r ? *r : boost::json::object{};
  }
  void expect_error(const Result<boost::json::object>& r, Errc code) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, code) << r.error().message;
  }
};

TEST_F(OauthRefresh, EveryUseRotates) {
  auto c = add(web_settings());
  auto t0 = start(c);
  auto t1 = refresh(c, str(t0, "refresh_token"));
  ASSERT_TRUE(t1) << t1.error().message;
  EXPECT_NE(str(*t1, "refresh_token"), str(t0, "refresh_token"));
  EXPECT_NE(str(*t1, "access_token"), str(t0, "access_token"));
  EXPECT_TRUE(t1->contains("id_token"));  // openid in scope
  EXPECT_FALSE(active(c, str(t0, "refresh_token")));
  EXPECT_TRUE(active(c, str(*t1, "refresh_token")));
  auto t2 = refresh(c, str(*t1, "refresh_token"));
  ASSERT_TRUE(t2);
  EXPECT_EQ(events_.back().grant_type, "refresh_token");
  // The store holds only hashes: the current token's, never the token or its secret.
  const auto token = str(*t2, "refresh_token");
  auto g = store_->get_grant(token.substr(0, 22));
  ASSERT_TRUE(g && *g);
  EXPECT_EQ((*g)->current_hash, oauth::token_hash(token));
  EXPECT_EQ((*g)->previous_hash, oauth::token_hash(str(*t1, "refresh_token")));
  EXPECT_EQ((*g)->current_hash.find(token.substr(23)), std::string::npos);
}

TEST_F(OauthRefresh, ReusingARotatedTokenRevokesTheFamilyAndDeniesItsAccessTokens) {
  auto c = add(web_settings());
  auto t0 = start(c);
  auto t1 = refresh(c, str(t0, "refresh_token"));
  ASSERT_TRUE(t1);
  EXPECT_TRUE(active(c, str(*t1, "access_token")));
  expect_error(refresh(c, str(t0, "refresh_token")), Errc::invalid_grant);
  EXPECT_EQ(count(OAuthEvent::Kind::refresh_reuse), 1u);
  // The whole family is dead: the successor, and every access token it issued.
  expect_error(refresh(c, str(*t1, "refresh_token")), Errc::invalid_grant);
  EXPECT_FALSE(active(c, str(*t1, "access_token")));
  EXPECT_FALSE(active(c, str(t0, "access_token")));
  auto jwt = decode_unverified_for_debugging(str(*t1, "access_token"));
  auto denied = store_->is_denied(std::string(jwt->payload.as_object().at("jti").as_string()), clock_.now());
  EXPECT_TRUE(denied && *denied);
}

TEST_F(OauthRefresh, GraceGivesTheImmediatePredecessorTheSameSuccessorOnlyInTheWindow) {
  auto s = web_settings();
  s.refresh_reuse_grace = 10;
  auto c = add(s);
  auto t0 = start(c);
  auto t1 = refresh(c, str(t0, "refresh_token"));
  ASSERT_TRUE(t1);
  clock_.advance(5);
  auto again = refresh(c, str(t0, "refresh_token"));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(str(*again, "refresh_token"), str(*t1, "refresh_token"));
  EXPECT_NE(str(*again, "access_token"), str(*t1, "access_token"));
  EXPECT_EQ(count(OAuthEvent::Kind::refresh_reuse), 0u);
  // Past the window the predecessor is a reuse.
  clock_.advance(6);
  expect_error(refresh(c, str(t0, "refresh_token")), Errc::invalid_grant);
  EXPECT_EQ(count(OAuthEvent::Kind::refresh_reuse), 1u);
}

TEST_F(OauthRefresh, GraceEndsWhenTheSuccessorIsUsed) {
  auto s = web_settings();
  s.refresh_reuse_grace = 60;
  auto c = add(s);
  auto t0 = start(c);
  auto t1 = refresh(c, str(t0, "refresh_token"));
  ASSERT_TRUE(t1);
  auto t2 = refresh(c, str(*t1, "refresh_token"));
  ASSERT_TRUE(t2);
  expect_error(refresh(c, str(t0, "refresh_token")), Errc::invalid_grant);
  expect_error(refresh(c, str(*t2, "refresh_token")), Errc::invalid_grant);
}

TEST_F(OauthRefresh, IdleAndAbsoluteLifetimes) {
  auto s = web_settings();
  s.refresh_idle_ttl = 100;
  s.refresh_absolute_ttl = 250;
  auto c = add(s);
  auto t0 = start(c);
  clock_.advance(101);
  expect_error(refresh(c, str(t0, "refresh_token")), Errc::invalid_grant);

  auto u0 = start(c);
  clock_.advance(90);
  auto u1 = refresh(c, str(u0, "refresh_token"));
  ASSERT_TRUE(u1);
  clock_.advance(90);
  auto u2 = refresh(c, str(*u1, "refresh_token"));
  ASSERT_TRUE(u2);
  clock_.advance(90);  // 270 s after the exchange: past the absolute lifetime
  expect_error(refresh(c, str(*u2, "refresh_token")), Errc::invalid_grant);
}

TEST_F(OauthRefresh, AnotherClientsTokenIsRefusedAndLeftAlone) {
  auto c = add(web_settings());
  auto other = add(web_settings());
  auto t0 = start(c);
  expect_error(refresh(other, str(t0, "refresh_token")), Errc::invalid_grant);
  EXPECT_TRUE(refresh(c, str(t0, "refresh_token")));
  EXPECT_EQ(count(OAuthEvent::Kind::refresh_reuse), 0u);
}

TEST_F(OauthRefresh, ScopeMayNarrowNeverWiden) {
  auto c = add(web_settings());
  auto t0 = start(c);
  auto narrow = refresh(c, str(t0, "refresh_token"), {{"scope", "read"}});
  ASSERT_TRUE(narrow);
  EXPECT_EQ(str(*narrow, "scope"), "read");
  EXPECT_FALSE(narrow->contains("id_token"));
  // Narrowing one refresh does not shrink the grant.
  auto wide_again = refresh(c, str(*narrow, "refresh_token"));
  ASSERT_TRUE(wide_again);
  EXPECT_EQ(str(*wide_again, "scope"), "offline_access openid profile read");
  expect_error(refresh(c, str(*wide_again, "refresh_token"), {{"scope", "read write"}}), Errc::invalid_scope);
  expect_error(refresh(c, str(*wide_again, "refresh_token"), {{"resource", "https://evil.example"}}),
               Errc::invalid_target);
  // A refused request did not rotate.
  EXPECT_TRUE(refresh(c, str(*wide_again, "refresh_token")));
}

TEST_F(OauthRefresh, AClientThatLostTheGrantIsUnauthorized) {
  auto c = add(web_settings());
  auto t0 = start(c);
  auto rec = store_->get_client(c.id);
  auto s = c.settings;
  s.grants = {"authorization_code"};
  auto changed = **rec;
  auto encoded = server_->add_client(s);  // settings_json of the new settings, by way of a throwaway client
  ASSERT_TRUE(encoded);
  changed.settings_json = (*store_->get_client(encoded->client.client_id))->settings_json;
  ASSERT_TRUE(*store_->put_client(changed, false));
  clock_.advance(OAuthOptions{}.client_cache_ttl);  // a change made elsewhere applies once the cached record expires
  expect_error(refresh(c, str(t0, "refresh_token")), Errc::unauthorized_client);
}

TEST_F(OauthRefresh, ACredentialChangeEndsEveryGrant) {
  auto c = add(web_settings());
  auto t0 = start(c);
  change_credentials("alice");  // logout everywhere / password change
  expect_error(refresh(c, str(t0, "refresh_token")), Errc::invalid_grant);
  EXPECT_FALSE(active(c, str(t0, "access_token")));

  auto u0 = start(c);
  change_credentials("alice", true);  // disabled
  expect_error(refresh(c, str(u0, "refresh_token")), Errc::invalid_grant);
  EXPECT_FALSE(active(c, str(u0, "access_token")));
}

TEST_F(OauthRefresh, GarbageIsInvalidGrant) {
  auto c = add(web_settings());
  for (std::string bad : {std::string("x"), std::string("a.b"), "AAAAAAAAAAAAAAAAAAAAAA." + std::string(43, 'A')})
    expect_error(refresh(c, bad), Errc::invalid_grant);
  expect_error(server_->token({{"grant_type", "refresh_token"}}, basic(c), {}), Errc::invalid_request);
}

}  // namespace
}  // namespace tessera::test
