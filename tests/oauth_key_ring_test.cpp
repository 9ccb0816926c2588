// AuthorizationServer with a key ring (set_key_ring): tokens are signed with the primary of
// each group and carry its kid, the JWKS holds next, primary and retiring keys but not retired
// ones, tokens signed by a retiring key still introspect, and the ring is checked when set.
#include "oauth_fixture.hpp"

#include "codec/base64url.hpp"
#include "key_ring_keys.hpp"
#include "tessera/paseto_claims.hpp"

namespace tessera::test {
namespace {

std::string jwt_kid(const std::string& token) {
  auto header = codec::base64url_decode_string(token.substr(0, token.find('.')));
  EXPECT_TRUE(header);
  return str(boost::json::parse(*header).as_object(), "kid");
}

class OauthKeyRing : public OauthTest {
 protected:
  const Key es_old_ = ring_es256(), es_new_ = ring_es256();
  const Key ed_old_ = ed25519_named_by_pid(), ed_new_ = ed25519_named_by_pid();

  // Old keys active since 0; new ES256 and Ed25519 keys created at kStart (activate kStart + 30).
  std::shared_ptr<const KeyRing> ring(KeyRingPolicy p = policy()) {
    auto r = KeyRing::create({entry(es_old_, 0), entry(es_new_, kStart), entry(ed_old_, 0), entry(ed_new_, kStart),
                              entry(ring_rs256(0), 0)},
                             p);
    EXPECT_TRUE(r) << r.error().message;
    return std::make_shared<const KeyRing>(std::move(*r));
  }
  static KeyRingPolicy policy() {
    KeyRingPolicy p;
    p.jwks_max_age = 10;
    p.publish_ahead = 30;
    p.max_token_ttl = 86400;
    p.retire_leeway = 60;
    return p;
  }
  bool published(const std::string& kid) {
    auto set = KeySet::from_jwks(server_->jwks_json());
    EXPECT_TRUE(set);
    return set && set->find(kid) != nullptr;
  }
  Registered service(TokenFormat f = TokenFormat::jwt) {
    auto s = web_settings();
    s.redirect_uris.clear();
    s.grants = {"client_credentials"};
    s.token_format = f;
    return add(s);
  }
  std::string access(const Registered& c) {
    auto r = server_->token({{"grant_type", "client_credentials"}}, basic(c), {});
    EXPECT_TRUE(r) << r.error().message;
    return r ? str(*r, "access_token") : "";
  }
};

TEST_F(OauthKeyRing, TokensSwitchToTheNewKeyWhenItActivatesAndTheOldOneStaysPublishedUntilRetired) {
  ASSERT_TRUE(server_->set_key_ring(ring()));
  auto c = service();
  const auto before = access(c);
  EXPECT_EQ(jwt_kid(before), es_old_.kid());
  EXPECT_TRUE(published(es_old_.kid()));
  EXPECT_TRUE(published(es_new_.kid()));  // next: published ahead
  clock_.set(kStart + 29);
  EXPECT_EQ(jwt_kid(access(c)), es_old_.kid());
  clock_.set(kStart + 30);
  const auto after = access(c);
  EXPECT_EQ(jwt_kid(after), es_new_.kid());
  EXPECT_TRUE(published(es_old_.kid()));  // retiring
  EXPECT_TRUE(active(c, after));
  // retire_after = 86400 + 60 after kStart + 30.
  clock_.set(kStart + 30 + 86460 - 1);
  EXPECT_TRUE(published(es_old_.kid()));
  clock_.set(kStart + 30 + 86460);
  EXPECT_FALSE(published(es_old_.kid()));
  EXPECT_TRUE(published(es_new_.kid()));
}

TEST_F(OauthKeyRing, ATokenSignedByARetiringKeyStillIntrospectsActive) {
  ASSERT_TRUE(server_->set_key_ring(ring()));
  auto c = service();
  const auto old_token = access(c);  // exp: kStart + 600
  clock_.set(kStart + 100);          // the old key is retiring
  EXPECT_NE(jwt_kid(access(c)), jwt_kid(old_token));
  EXPECT_TRUE(active(c, old_token));
}

TEST_F(OauthKeyRing, PasetoAccessTokensCarryThePrimaryEd25519Pid) {
  ASSERT_TRUE(server_->set_key_ring(ring()));
  auto c = service(TokenFormat::paseto);
  EXPECT_EQ(**paseto::footer_kid(access(c)), ed_old_.kid());
  clock_.set(kStart + 30);
  const auto t = access(c);
  EXPECT_EQ(**paseto::footer_kid(t), ed_new_.kid());
  EXPECT_TRUE(active(c, t));
}

TEST_F(OauthKeyRing, IdTokensAreSignedWithThePrimaryOfTheirAlgorithm) {
  ASSERT_TRUE(server_->set_key_ring(ring()));
  auto s = web_settings();
  s.id_token_alg = Algorithm::EdDSA;
  auto c = add(s);
  clock_.set(kStart + 30);
  auto r = exchange(c, code_for(c));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(jwt_kid(str(*r, "id_token")), ed_new_.kid());
  EXPECT_EQ(jwt_kid(str(*r, "access_token")), es_new_.kid());
}

TEST_F(OauthKeyRing, WithoutARingTheFixedKeysSignAndTheMaxAgeIsTheDefault) {
  EXPECT_EQ(server_->jwks_max_age(), KeyRingPolicy{}.jwks_max_age);
  EXPECT_EQ(jwt_kid(access(service())), oauth_signing_keys().keys()[0].kid());
  ASSERT_TRUE(server_->set_key_ring(ring()));
  EXPECT_EQ(server_->jwks_max_age(), 10);
  EXPECT_FALSE(published(oauth_signing_keys().keys()[0].kid()));
}

TEST_F(OauthKeyRing, ARingWithoutAPrimaryOfEveryGroupNowIsRefusedAndChangesNothing) {
  // Only next keys for ES256 (created now): no primary ES256 key yet.
  auto r = KeyRing::create({entry(es_new_, kStart), entry(ed_old_, 0), entry(ring_rs256(0), 0)}, policy());
  ASSERT_TRUE(r);
  auto set = server_->set_key_ring(std::make_shared<const KeyRing>(std::move(*r)));
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code, Errc::invalid_argument);
  EXPECT_NE(set.error().message.find("ES256"), std::string::npos);
  auto missing = KeyRing::create({entry(es_old_, 0), entry(ed_old_, 0)}, policy());
  ASSERT_FALSE(server_->set_key_ring(std::make_shared<const KeyRing>(std::move(*missing))));
  EXPECT_EQ(jwt_kid(access(service())), oauth_signing_keys().keys()[0].kid());
  EXPECT_FALSE(server_->set_key_ring(nullptr));
}

TEST_F(OauthKeyRing, ARingThatWouldRetireKeysBeforeTheLongestTokenExpiresIsRefused) {
  OAuthOptions o;
  o.max_token_ttl = 3600;
  make_server(o);
  KeyRingPolicy p = policy();
  p.max_token_ttl = 3599;
  auto set = server_->set_key_ring(ring(p));
  ASSERT_FALSE(set);
  EXPECT_EQ(set.error().code, Errc::invalid_argument);
  p.max_token_ttl = 3600;
  EXPECT_TRUE(server_->set_key_ring(ring(p)));
}

}  // namespace
}  // namespace tessera::test
