// The Authenticator and the deny list (RevocationState, docs/revocation-feed.md): revoked jti,
// revoked grant, subject not-before; a stale state fails closed, or falls back to introspection
// when the options say so; tokens older than unknown_before() likewise.
#include "resource_fixture.hpp"

namespace tessera::test {
namespace {

class ResourceRevocation : public ResourceTest {
 protected:
  std::shared_ptr<FakeRevocations> deny = std::make_shared<FakeRevocations>();
  std::shared_ptr<FakeIntrospector> introspector = std::make_shared<FakeIntrospector>();

  AuthenticatorOptions revocation_options(bool fallback = false) {
    auto o = options();
    o.revocations = deny;
    if (fallback) {
      o.introspector = introspector;
      o.introspect_when_feed_stale = true;
    }
    return o;
  }
  IntrospectionAnswer active_answer() {
    IntrospectionAnswer a;
    a.active = true;
    a.subject = "alice";
    a.audience = {std::string(kAudience)};
    a.expires_at = clock.now() + 300;
    return a;
  }
};

TEST_F(ResourceRevocation, RevokedJtiIsRefused) {
  const auto c = claims();
  const auto a = authenticator(revocation_options());
  ASSERT_TRUE(bearer(a, jwt(c)).has_value());
  deny->jtis.push_back(c.jti);
  expect_refused(bearer(a, jwt(c)), 401, Errc::invalid_token);
  expect_refused(bearer(a, paseto(c)), 401, Errc::invalid_token);
}

TEST_F(ResourceRevocation, RevokedGrantIsRefused) {
  deny->sids.push_back("family-1");
  const auto a = authenticator(revocation_options());
  expect_refused(bearer(a, jwt()), 401, Errc::invalid_token);
  auto c = claims();
  c.sid = "family-2";
  EXPECT_TRUE(bearer(a, jwt(c)).has_value());
}

TEST_F(ResourceRevocation, SubjectNotBeforeRefusesOlderTokens) {
  const auto old = jwt();
  clock.advance(10);
  deny->not_before["alice"] = clock.now();
  const auto a = authenticator(revocation_options());
  expect_refused(bearer(a, old), 401, Errc::invalid_token);
  EXPECT_TRUE(bearer(a, jwt()).has_value());  // issued at the not-before: live
}

TEST_F(ResourceRevocation, StaleStateFailsClosed) {
  deny->is_fresh = false;
  const auto r = bearer(authenticator(revocation_options()), jwt());
  ASSERT_NO_FATAL_FAILURE(expect_refused(r, 503, Errc::store_unavailable));
  EXPECT_TRUE(r.error().www_authenticate.empty());
}

TEST_F(ResourceRevocation, StaleStateFallsBackToIntrospection) {
  deny->is_fresh = false;
  const auto token = jwt();
  const auto a = authenticator(revocation_options(true));
  expect_refused(bearer(a, token), 401, Errc::invalid_token);  // the issuer says inactive
  EXPECT_EQ(introspector->seen, std::vector<std::string>{token});
  const auto other = jwt();
  introspector->answers[other] = active_answer();
  EXPECT_TRUE(bearer(a, other).has_value());
  introspector->down = true;
  expect_refused(bearer(a, jwt()), 503, Errc::store_unavailable);
}

TEST_F(ResourceRevocation, TokensOlderThanUnknownBeforeAreTreatedAsStale) {
  const auto old = jwt();
  clock.advance(5);
  deny->unknown = clock.now();
  expect_refused(bearer(authenticator(revocation_options()), old), 503, Errc::store_unavailable);
  EXPECT_TRUE(bearer(authenticator(revocation_options()), jwt()).has_value());
  introspector->answers[old] = active_answer();
  EXPECT_TRUE(bearer(authenticator(revocation_options(true)), old).has_value());
}

TEST_F(ResourceRevocation, RevokedStaysRevokedWhenStale) {
  const auto c = claims();
  deny->jtis.push_back(c.jti);
  deny->is_fresh = false;
  const auto token = jwt(c);
  introspector->answers[token] = active_answer();
  expect_refused(bearer(authenticator(revocation_options(true)), token), 401, Errc::invalid_token);
  EXPECT_EQ(introspector->calls, 0);
}

TEST_F(ResourceRevocation, OpaqueTokensAreVouchedByIntrospectionButStillDenied) {
  auto o = revocation_options();
  o.introspector = introspector;
  deny->is_fresh = false;
  auto ans = active_answer();
  ans.jti = "opaque-jti";
  introspector->answers["opaque-token"] = ans;
  const auto a = authenticator(o);
  EXPECT_TRUE(bearer(a, "opaque-token").has_value());  // stale feed: the issuer itself answered
  deny->jtis.push_back("opaque-jti");
  expect_refused(bearer(a, "opaque-token"), 401, Errc::invalid_token);
}

}  // namespace
}  // namespace tessera::test
