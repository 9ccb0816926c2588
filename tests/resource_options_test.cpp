// Authenticator::create refuses options that cannot work (tessera/authenticator.hpp).
#include "resource_fixture.hpp"

namespace tessera::test {
namespace {

class ResourceOptions : public ResourceTest {
 protected:
  void expect_invalid(AuthenticatorOptions o, std::string_view fragment) {
    auto a = Authenticator::create(std::move(o));
    ASSERT_FALSE(a.has_value()) << "accepted; expected: " << fragment;
    EXPECT_EQ(a.error().code, Errc::invalid_argument);
    EXPECT_NE(a.error().message.find(fragment), std::string::npos) << a.error().message;
  }
};

TEST_F(ResourceOptions, EachBadOptionIsRefused) {
  auto o = options();
  o.issuer.clear();
  expect_invalid(o, "issuer");
  o = options();
  o.audiences.clear();
  expect_invalid(o, "audience");
  o = options();
  o.audiences = {""};
  expect_invalid(o, "audience");
  o = options();
  o.leeway = kMaxLeeway + 1;
  expect_invalid(o, "leeway");
  o.leeway = -1;
  expect_invalid(o, "leeway");
  o = options();
  o.introspection_cache_ttl = kMaxIntrospectionCache + 1;
  expect_invalid(o, "cache");
  o = options();
  o.algorithms.push_back(Algorithm::HS256);
  expect_invalid(o, "symmetric");
  o = options();
  o.algorithms.clear();
  expect_invalid(o, "algorithm");
  o = options();
  o.keys = nullptr;
  expect_invalid(o, "keys");
  o = options();
  o.require_dpop = true;
  expect_invalid(o, "require_dpop");
  o = options();
  o.accept_jwt = o.accept_paseto = false;
  o.keys = nullptr;
  expect_invalid(o, "nothing");
  o = options();
  o.introspect_when_feed_stale = true;
  expect_invalid(o, "introspect_when_feed_stale");
  o = options();
  o.clock = nullptr;
  expect_invalid(o, "clock");
}

TEST_F(ResourceOptions, DefaultsWithIssuerAudienceAndKeysAreFine) {
  EXPECT_TRUE(Authenticator::create(options()).has_value());
  EXPECT_EQ(authenticator().options().leeway, 30);
}

TEST_F(ResourceOptions, StaticKeysSelectByKid) {
  auto keys = make_static_verification_keys(server_keys().public_keys());
  EXPECT_TRUE(keys->keys_for("").has_value());
  EXPECT_TRUE(keys->keys_for(server_keys().es256().kid()).has_value());
  const auto r = keys->keys_for("nope");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::key_not_found);
}

}  // namespace
}  // namespace tessera::test
