// Opaque access tokens at the Authenticator: introspection through a fake Introspector, the
// answer's rules, and the cache (bounded by the token's exp, keyed by the token's hash).
#include <thread>

#include "crypto/crypto.hpp"
#include "resource/introspection_cache.hpp"
#include "resource_fixture.hpp"

namespace tessera::test {
namespace {

class ResourceOpaque : public ResourceTest {
 protected:
  std::shared_ptr<FakeIntrospector> introspector = std::make_shared<FakeIntrospector>();
  const std::string token = "opaque-0123456789abcdefghijklmnopqrstuvwxyzABCDEFG";

  AuthenticatorOptions opaque_options(std::int64_t ttl = 5) {
    auto o = options();
    o.accept_jwt = false;
    o.accept_paseto = false;
    o.keys = nullptr;
    o.introspector = introspector;
    o.introspection_cache_ttl = ttl;
    return o;
  }
  IntrospectionAnswer active(std::int64_t expires_in = 300) {
    IntrospectionAnswer a;
    a.active = true;
    a.subject = "alice";
    a.client_id = "app";
    a.scope = "orders:read";
    a.jti = "opaque-jti";
    a.issuer = std::string(kIssuer);
    a.audience = {std::string(kAudience)};
    a.sid = "family-1";
    a.token_type = "Bearer";
    a.issued_at = clock.now();
    a.expires_at = clock.now() + expires_in;
    return a;
  }
};

TEST_F(ResourceOpaque, ActiveAnswerBecomesThePrincipal) {
  introspector->answers[token] = active();
  const auto r = bearer(authenticator(opaque_options()), token);
  ASSERT_TRUE(r.has_value()) << r.error().error.message;
  EXPECT_EQ(r->method, AuthMethod::opaque);
  EXPECT_EQ(r->subject, "alice");
  EXPECT_EQ(r->token_id, "opaque-jti");
  EXPECT_EQ(r->grant_id, "family-1");
  EXPECT_TRUE(r->has_scope("orders:read"));
}

TEST_F(ResourceOpaque, InactiveIsRefused) {
  expect_refused(bearer(authenticator(opaque_options()), token), 401, Errc::invalid_token);
}

TEST_F(ResourceOpaque, AnswerRulesApply) {
  const auto a = authenticator(opaque_options(0));
  auto ans = active();
  ans.audience = {"https://other.example"};
  introspector->answers[token] = ans;
  expect_refused(bearer(a, token), 401, Errc::invalid_audience);
  ans = active();
  ans.audience.clear();
  introspector->answers[token] = ans;
  expect_refused(bearer(a, token), 401, Errc::invalid_audience);
  ans = active();
  ans.issuer = "https://evil.example";
  introspector->answers[token] = ans;
  expect_refused(bearer(a, token), 401, Errc::invalid_issuer);
  ans = active();
  ans.token_type = "refresh_token";
  introspector->answers[token] = ans;
  expect_refused(bearer(a, token), 401, Errc::invalid_token);
  ans = active(-60);
  introspector->answers[token] = ans;
  expect_refused(bearer(a, token), 401, Errc::token_expired);
}

TEST_F(ResourceOpaque, IntrospectorDownFailsClosedWith503) {
  introspector->down = true;
  expect_refused(bearer(authenticator(opaque_options()), token), 503, Errc::store_unavailable);
}

TEST_F(ResourceOpaque, AnswersAreCachedForTheTtl) {
  introspector->answers[token] = active();
  const auto a = authenticator(opaque_options(5));
  ASSERT_TRUE(bearer(a, token).has_value());
  clock.advance(4);
  ASSERT_TRUE(bearer(a, token).has_value());
  EXPECT_EQ(introspector->calls, 1);
  clock.advance(1);
  introspector->answers.erase(token);  // revoked at the issuer
  expect_refused(bearer(a, token), 401, Errc::invalid_token);
  EXPECT_EQ(introspector->calls, 2);
}

TEST_F(ResourceOpaque, CacheNeverOutlivesTheTokensExp) {
  introspector->answers[token] = active(2);  // exp in 2 s, ttl 5 s
  const auto a = authenticator(opaque_options(5));
  ASSERT_TRUE(bearer(a, token).has_value());
  clock.advance(2);
  introspector->answers[token] = active(100);  // what the issuer says now
  ASSERT_TRUE(bearer(a, token).has_value());
  EXPECT_EQ(introspector->calls, 2);  // the cached answer ended at exp
}

TEST_F(ResourceOpaque, InactiveAnswersAreCachedToo) {
  const auto a = authenticator(opaque_options(5));
  expect_refused(bearer(a, token), 401, Errc::invalid_token);
  expect_refused(bearer(a, token), 401, Errc::invalid_token);
  EXPECT_EQ(introspector->calls, 1);
}

TEST_F(ResourceOpaque, ZeroTtlAsksEveryTime) {
  introspector->answers[token] = active();
  const auto a = authenticator(opaque_options(0));
  ASSERT_TRUE(bearer(a, token).has_value());
  ASSERT_TRUE(bearer(a, token).has_value());
  EXPECT_EQ(introspector->calls, 2);
}

TEST_F(ResourceOpaque, FailedCallsAreNotCached) {
  introspector->answers[token] = active();
  introspector->down = true;
  const auto a = authenticator(opaque_options(5));
  expect_refused(bearer(a, token), 503, Errc::store_unavailable);
  introspector->down = false;
  EXPECT_TRUE(bearer(a, token).has_value());
}

TEST_F(ResourceOpaque, CacheIsKeyedByTheTokensSha256NeverTheToken) {
  const auto key = resource::IntrospectionCache::key_of(token);
  const auto h = crypto::sha256(crypto::as_bytes(token));
  EXPECT_EQ(key, std::string(reinterpret_cast<const char*>(h.data()), h.size()));
  EXPECT_EQ(key.find(token), std::string::npos);
  resource::IntrospectionCache cache(5, 10);
  cache.put(key, active(), clock.now());
  EXPECT_TRUE(cache.find(key, clock.now()).has_value());
  EXPECT_FALSE(cache.find(token, clock.now()).has_value());
}

TEST_F(ResourceOpaque, CacheIsBoundedLeastRecentlyUsedFirst) {
  resource::IntrospectionCache cache(5, 2);
  const auto now = clock.now();
  cache.put("a", active(), now);
  cache.put("b", active(), now);
  ASSERT_TRUE(cache.find("a", now));  // b is now the least recently used
  cache.put("c", active(), now);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_TRUE(cache.find("a", now));
  EXPECT_FALSE(cache.find("b", now));
  EXPECT_TRUE(cache.find("c", now));
}

TEST_F(ResourceOpaque, JwtShapedTokensGoToTheIntrospectorWhenJwtIsOff) {
  introspector->answers["a.b.c"] = active();
  EXPECT_TRUE(bearer(authenticator(opaque_options()), "a.b.c").has_value());
}

TEST_F(ResourceOpaque, OversizedOpaqueTokenIsNeverSent) {
  const auto r = bearer(authenticator(opaque_options()), std::string(13000, 'x'));
  ASSERT_NO_FATAL_FAILURE(expect_refused(r, 401, Errc::token_too_large));
  EXPECT_EQ(introspector->calls, 0);
}

// authenticate() is const and thread-safe: threads sharing one Authenticator and its cache
// (small, so entries are evicted while others read) all get the right principal.
TEST_F(ResourceOpaque, ConcurrentRequestsShareTheCache) {
  std::vector<std::string> tokens;
  for (int i = 0; i < 40; ++i) {
    tokens.push_back("opaque-token-" + std::to_string(i));
    auto a = active();
    a.jti = "jti-" + std::to_string(i);
    introspector->answers[tokens.back()] = a;
  }
  auto o = opaque_options(60);
  o.introspection_cache_entries = 16;
  const auto auth = authenticator(o);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int n = 0; n < 300; ++n) {
        const auto i = static_cast<std::size_t>((n * 7 + t) % 40);
        const std::string v = "Bearer " + tokens[i];
        const Headers h{{"Authorization", v}};
        const auto r = auth.authenticate(AuthRequest{"GET", kApiUrl, h});
        if (!r || r->token_id != "jti-" + std::to_string(i)) ++wrong;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong, 0);
  EXPECT_GT(introspector->calls, 0);
}

}  // namespace
}  // namespace tessera::test
