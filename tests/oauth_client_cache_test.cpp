// The client cache of the AuthorizationServer (OAuthOptions::client_cache_ttl): a client
// removed or given a new secret by another process (the CLI: here a second AuthorizationServer
// over the same store) keeps its old state for at most the TTL, then the change applies;
// changes made through the server itself apply at once; TTL 0 caches nothing; the TTL is bounded.
#include "oauth_fixture.hpp"

namespace tessera::test {
namespace {

class OauthClientCache : public OauthTest {
 protected:
  static constexpr std::int64_t kTtl = 2;

  void SetUp() override {
    OauthTest::SetUp();
    OAuthOptions o;
    o.client_cache_ttl = kTtl;
    make_server(o);
    // `tessera clients ...` in another process: the same store and server key, its own cache.
    o.issuer = std::string(kIssuer);
    auto cli = AuthorizationServer::create(*store_, accounts_->users(), oauth_signing_keys(),
                                           SecretBytes(std::string(32, 's')), o, &clock_);
    ASSERT_TRUE(cli) << cli.error().message;
    cli_ = std::make_unique<AuthorizationServer>(std::move(*cli));
    auto s = web_settings();
    s.name = "Service";
    s.redirect_uris.clear();
    s.grants = {"client_credentials"};
    svc_ = add(s);
  }

  bool authenticates(const Registered& c) {
    auto r = server_->token({{"grant_type", "client_credentials"}}, basic(c), {});
    if (!r) {
      EXPECT_EQ(r.error().code, Errc::invalid_client) << r.error().message;
    }
    return r.has_value();
  }
  Registered with_secret(const SecretBytes& secret) const {
    auto r = svc_;
    const auto b = secret.reveal(SecretAccess{});
    r.secret.assign(b.begin(), b.end());
    return r;
  }

  std::unique_ptr<AuthorizationServer> cli_;
  Registered svc_;
};

TEST_F(OauthClientCache, ARemovalElsewhereAppliesWhenTheTtlPasses) {
  ASSERT_TRUE(authenticates(svc_));  // read and cached now
  ASSERT_TRUE(cli_->remove_client(svc_.id));
  clock_.advance(kTtl - 1);
  EXPECT_TRUE(authenticates(svc_));   // still within the TTL
  clock_.advance(1);
  EXPECT_FALSE(authenticates(svc_));  // the TTL passed: read again, gone
}

TEST_F(OauthClientCache, ASecretRotatedElsewhereAppliesWhenTheTtlPasses) {
  ASSERT_TRUE(authenticates(svc_));
  auto fresh = cli_->rotate_secret(svc_.id);
  ASSERT_TRUE(fresh);
  const auto rotated = with_secret(*fresh);
  clock_.advance(kTtl - 1);
  EXPECT_TRUE(authenticates(svc_));  // the old secret, within the TTL
  EXPECT_FALSE(authenticates(rotated));
  clock_.advance(1);
  EXPECT_FALSE(authenticates(svc_));
  EXPECT_TRUE(authenticates(rotated));
}

TEST_F(OauthClientCache, ChangesThroughTheServerApplyAtOnce) {
  ASSERT_TRUE(authenticates(svc_));
  auto fresh = server_->rotate_secret(svc_.id);
  ASSERT_TRUE(fresh);
  EXPECT_FALSE(authenticates(svc_));
  EXPECT_TRUE(authenticates(with_secret(*fresh)));
  ASSERT_TRUE(server_->remove_client(svc_.id));
  EXPECT_FALSE(authenticates(with_secret(*fresh)));
}

TEST_F(OauthClientCache, AnUnknownClientIsNotCached) {
  Registered ghost{"ghost", "secret", {}};
  EXPECT_FALSE(authenticates(ghost));
  auto s = web_settings();
  s.name = "Later";
  s.redirect_uris.clear();
  s.grants = {"client_credentials"};
  auto added = cli_->add_client(s);  // added elsewhere after a miss: works at once
  ASSERT_TRUE(added);
  const auto b = added->secret->reveal(SecretAccess{});
  EXPECT_TRUE(authenticates(Registered{added->client.client_id, std::string(b.begin(), b.end()), s}));
}

TEST_F(OauthClientCache, TtlZeroCachesNothing) {
  OAuthOptions o;
  o.client_cache_ttl = 0;
  make_server(o);
  ASSERT_TRUE(authenticates(svc_));
  ASSERT_TRUE(cli_->remove_client(svc_.id));
  EXPECT_FALSE(authenticates(svc_));
}

TEST_F(OauthClientCache, TheTtlIsBounded) {
  for (const std::int64_t ttl : {std::int64_t{-1}, std::int64_t{61}}) {
    OAuthOptions o;
    o.issuer = std::string(kIssuer);
    o.client_cache_ttl = ttl;
    auto s = AuthorizationServer::create(*store_, accounts_->users(), oauth_signing_keys(),
                                         SecretBytes(std::string(32, 's')), o, &clock_);
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::invalid_argument);
    EXPECT_NE(s.error().message.find("client_cache_ttl"), std::string::npos);
  }
}

}  // namespace
}  // namespace tessera::test
