// The cache of remote JWKS (src/keys/remote_key_sets.hpp) with a fake fetcher and a settable
// clock, one test per rule (no usable keys: store_unavailable); and private_key_jwt for
// jwks_uri clients end to end through the AuthorizationServer (there: invalid_client).
#include "keys/remote_key_sets.hpp"

#include <atomic>
#include <thread>
#include <vector>

#include "oauth_fixture.hpp"
#include "tessera/jwt.hpp"

namespace tessera::test {
namespace {

constexpr std::string_view kUrl = "https://svc.example/jwks.json";

// Answers every fetch with `next` and counts the calls (single-threaded tests only).
class FakeFetcher final : public KeySetFetcher {
 public:
  Result<FetchedKeySet> fetch(std::string_view url) override {
    ++calls;
    last_url = std::string(url);
    return next;
  }
  Result<FetchedKeySet> next = fail(Errc::io_error, "not set");
  int calls = 0;
  std::string last_url;
};

Key make_key(std::string kid) { return *Key::generate(KeySpec::p256, std::move(kid)); }

std::string jwks_of(std::initializer_list<const Key*> keys, bool include_private = false) {
  KeySet s;
  for (const Key* k : keys) EXPECT_TRUE(s.add(include_private ? *k : *k->public_key()));
  return *s.to_jwks_json(include_private);
}

FetchedKeySet served(std::string body, std::optional<std::int64_t> max_age = std::nullopt) {
  return FetchedKeySet{std::move(body), max_age};
}

class OauthRemoteKeys : public ::testing::Test {
 protected:
  static constexpr std::int64_t kT0 = 1'700'000'000;
  SettableClock clock_{kT0};
  FakeFetcher fetcher_;
  keys::RemoteKeySets cache_{fetcher_, clock_};
  Key a_ = make_key("a");
  Key b_ = make_key("b");

  // Fetches (or not) and reports whether kid is in what the cache answered.
  bool has(std::string_view kid, std::string_view lookup_kid = {}) {
    auto keys = cache_.keys_for(kUrl, lookup_kid.empty() ? kid : lookup_kid);
    EXPECT_TRUE(keys) << (keys ? "" : keys.error().message);
    return keys && keys->find(kid) != nullptr;
  }
  void expect_refused(std::string_view kid = "a") {
    auto keys = cache_.keys_for(kUrl, kid);
    ASSERT_FALSE(keys);
    EXPECT_EQ(keys.error().code, Errc::store_unavailable);
  }
};

TEST_F(OauthRemoteKeys, FirstUseFetchesThenServesFromTheCache) {
  fetcher_.next = served(jwks_of({&a_}));
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_.last_url, kUrl);
  clock_.advance(299);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_.calls, 1);  // default max-age 300 s
  clock_.advance(1);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_.calls, 2);
}

TEST_F(OauthRemoteKeys, MaxAgeIsClampedToAMinuteAtLeast) {
  fetcher_.next = served(jwks_of({&a_}), 5);
  EXPECT_TRUE(has("a"));
  clock_.advance(59);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_.calls, 1);
  clock_.advance(1);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_.calls, 2);
}

TEST_F(OauthRemoteKeys, MaxAgeIsClampedToADayAtMost) {
  fetcher_.next = served(jwks_of({&a_}), 10 * 86400);
  EXPECT_TRUE(has("a"));
  clock_.advance(86399);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_.calls, 1);
  clock_.advance(1);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_.calls, 2);
}

TEST_F(OauthRemoteKeys, AMaxAgeInsideTheBoundsIsKept) {
  fetcher_.next = served(jwks_of({&a_}), 600);
  EXPECT_TRUE(has("a"));
  clock_.advance(599);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_.calls, 1);
  clock_.advance(1);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_.calls, 2);
}

TEST_F(OauthRemoteKeys, UnknownKidRefetchesAtMostEveryThirtySeconds) {
  fetcher_.next = served(jwks_of({&a_}), 3600);
  EXPECT_TRUE(has("a"));
  for (int i = 0; i < 29; ++i) {
    clock_.advance(1);
    EXPECT_TRUE(has("a", "junk"));  // the cached keys, no fetch
  }
  EXPECT_EQ(fetcher_.calls, 1);
  clock_.advance(1);  // 30 s after the last fetch
  EXPECT_TRUE(has("a", "junk"));
  EXPECT_EQ(fetcher_.calls, 2);
  clock_.advance(29);
  EXPECT_TRUE(has("a", "other-junk"));
  EXPECT_EQ(fetcher_.calls, 2);
  // A known kid never refetches while fresh.
  clock_.advance(100);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_.calls, 2);
}

TEST_F(OauthRemoteKeys, ARotatedKeyIsPickedUpByTheUnknownKidRefetch) {
  fetcher_.next = served(jwks_of({&a_}), 3600);
  EXPECT_TRUE(has("a"));
  fetcher_.next = served(jwks_of({&b_}), 3600);  // the client rotated to b
  clock_.advance(30);
  EXPECT_TRUE(has("b"));
  EXPECT_EQ(fetcher_.calls, 2);
  auto keys = cache_.keys_for(kUrl, "b");
  ASSERT_TRUE(keys);
  EXPECT_EQ(keys->find("a"), nullptr);  // the old key is gone with the old set
}

TEST_F(OauthRemoteKeys, StaleKeysAreServedWhileFetchesFailForAtMostADay) {
  fetcher_.next = served(jwks_of({&a_}), 60);
  EXPECT_TRUE(has("a"));
  fetcher_.next = fail(Errc::io_error, "connection refused");
  clock_.advance(60);  // no longer fresh: a fetch, which fails
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_.calls, 2);
  clock_.advance(10);  // failing again is not retried before 30 s
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_.calls, 2);
  clock_.set(kT0 + 60 + 86400 - 1);
  EXPECT_TRUE(has("a"));
  clock_.advance(1);  // 24 h after the keys stopped being fresh
  expect_refused();
  // The server comes back: the next allowed fetch restores the client.
  fetcher_.next = served(jwks_of({&a_}), 60);
  clock_.advance(30);
  EXPECT_TRUE(has("a"));
}

TEST_F(OauthRemoteKeys, NoKeysEverMeansStoreUnavailableAndFailuresAreNotRetriedAtOnce) {
  fetcher_.next = fail(Errc::io_error, "timeout");
  expect_refused();
  expect_refused();
  EXPECT_EQ(fetcher_.calls, 1);
  clock_.advance(30);
  expect_refused();
  EXPECT_EQ(fetcher_.calls, 2);
}

TEST_F(OauthRemoteKeys, BodySizeIsBounded) {
  std::string body = jwks_of({&a_});
  body.insert(body.size() - 1, kMaxRemoteKeySetBytes - body.size(), ' ');
  ASSERT_EQ(body.size(), kMaxRemoteKeySetBytes);
  fetcher_.next = served(body);
  EXPECT_TRUE(has("a"));  // exactly at the bound: accepted
  body.insert(body.size() - 1, " ");
  fetcher_.next = served(body);
  keys::RemoteKeySets fresh_cache(fetcher_, clock_);
  auto keys = fresh_cache.keys_for(kUrl, "a");
  ASSERT_FALSE(keys);
  EXPECT_EQ(keys.error().code, Errc::store_unavailable);
  EXPECT_NE(keys.error().message.find("bytes"), std::string::npos) << keys.error().message;
}

TEST_F(OauthRemoteKeys, OnlyPublicAsymmetricKeysAreAccepted) {
  const std::vector<std::string> bad = {
      jwks_of({&a_}, /*include_private=*/true),
      R"({"keys":[{"kty":"oct","kid":"h","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}]})",
      R"({"keys":[]})",
      R"({"keys":"nope"})",
      "not json",
  };
  for (const auto& body : bad) {
    FakeFetcher f;
    f.next = served(body);
    keys::RemoteKeySets cache(f, clock_);
    auto keys = cache.keys_for(kUrl, "a");
    ASSERT_FALSE(keys) << body;
    EXPECT_EQ(keys.error().code, Errc::store_unavailable);
  }
  // A bad refetch keeps the last good keys.
  fetcher_.next = served(jwks_of({&a_}), 60);
  EXPECT_TRUE(has("a"));
  fetcher_.next = served(jwks_of({&b_}, true), 60);
  clock_.advance(60);
  EXPECT_TRUE(has("a", "b"));
  EXPECT_EQ(fetcher_.calls, 2);
}

TEST_F(OauthRemoteKeys, KidlessLookupOfOneKeySelectsItAndSeveralKeysStayStrict) {
  fetcher_.next = served(jwks_of({&a_}));
  auto one = cache_.keys_for(kUrl, "");
  ASSERT_TRUE(one);
  EXPECT_TRUE(one->any_kid_selects_the_key());
  auto named = cache_.keys_for(kUrl, "a");
  ASSERT_TRUE(named);
  EXPECT_FALSE(named->any_kid_selects_the_key());
  FakeFetcher f;
  f.next = served(jwks_of({&a_, &b_}));
  keys::RemoteKeySets cache(f, clock_);
  auto two = cache.keys_for(kUrl, "");
  ASSERT_TRUE(two);
  EXPECT_FALSE(two->any_kid_selects_the_key());
}

TEST_F(OauthRemoteKeys, UrlsAreCachedApart) {
  fetcher_.next = served(jwks_of({&a_}), 3600);
  EXPECT_TRUE(has("a"));
  auto other = cache_.keys_for("https://other.example/jwks", "a");
  ASSERT_TRUE(other);
  EXPECT_EQ(fetcher_.calls, 2);
  EXPECT_EQ(fetcher_.last_url, "https://other.example/jwks");
}

// A fetcher several threads may call: counts the calls, always answers the same set.
class CountingFetcher final : public KeySetFetcher {
 public:
  explicit CountingFetcher(std::string body) : body_(std::move(body)) {}
  Result<FetchedKeySet> fetch(std::string_view) override {
    calls.fetch_add(1);
    return FetchedKeySet{body_, 3600};
  }
  std::atomic<int> calls{0};

 private:
  const std::string body_;
};

TEST_F(OauthRemoteKeys, ConcurrentLookupsOfOneUrlFetchItOnce) {
  CountingFetcher f(jwks_of({&a_}));
  keys::RemoteKeySets cache(f, clock_);
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto keys = cache.keys_for(kUrl, "a");
        if (keys && keys->find("a")) ok.fetch_add(1);
        auto other = cache.keys_for("https://other.example/jwks", "a");
        if (other && other->find("a")) ok.fetch_add(1);
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 8 * 50 * 2);
  EXPECT_EQ(f.calls.load(), 2);  // one per URL: the others waited for it, then found it fresh
}

// private_key_jwt for a client registered with a jwks_uri, through the AuthorizationServer.
class OauthJwksUriClient : public OauthTest {
 protected:
  FakeFetcher fetcher_;
  void SetUp() override {
    OauthTest::SetUp();
    OAuthOptions o;
    o.key_set_fetcher = &fetcher_;
    make_server(o);
  }
  Registered service() {
    auto s = web_settings();
    s.name = "Remote keys";
    s.redirect_uris.clear();
    s.grants = {"client_credentials"};
    s.jwks_uri = std::string(kUrl);
    return add(s);
  }
  std::string assertion(const Key& key, const std::string& client_id, std::string jti) {
    JwtBuilder b;
    b.issuer(client_id).subject(client_id).audience("https://as.example/oauth2/token");
    b.issued_at(clock_.now()).expires_at(clock_.now() + 60).jwt_id(jti);
    return *b.sign(key);
  }
  Result<boost::json::object> cc(const std::string& a) {
    return server_->token({{"grant_type", "client_credentials"},
                           {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
                           {"client_assertion", a}},
                          {}, {});
  }
};

TEST_F(OauthJwksUriClient, AnAssertionSignedWithAKeyOnlyTheRemoteSetHasIsAccepted) {
  auto remote = make_key("remote-1");
  fetcher_.next = served(jwks_of({&remote}), 3600);
  auto c = service();
  auto r = cc(assertion(remote, c.id, "j1"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(fetcher_.last_url, kUrl);
  // A key the client's set does not hold is refused.
  auto stranger = make_key("remote-1");
  auto bad = cc(assertion(stranger, c.id, "j2"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_client);
}

TEST_F(OauthJwksUriClient, ARotatedRemoteKeyIsPickedUp) {
  auto k1 = make_key("k1");
  auto k2 = make_key("k2");
  fetcher_.next = served(jwks_of({&k1}), 3600);
  auto c = service();
  ASSERT_TRUE(cc(assertion(k1, c.id, "r1")));
  fetcher_.next = served(jwks_of({&k2}), 3600);
  clock_.advance(30);
  auto r = cc(assertion(k2, c.id, "r2"));
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(fetcher_.calls, 2);
}

TEST_F(OauthJwksUriClient, UnreachableKeysAreInvalidClient) {
  fetcher_.next = fail(Errc::io_error, "connection refused");
  auto c = service();
  auto r = cc(assertion(make_key("x"), c.id, "u1"));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_client);
}

TEST_F(OauthJwksUriClient, TheClientStillCannotUseASecret) {
  auto remote = make_key("remote-1");
  fetcher_.next = served(jwks_of({&remote}), 3600);
  auto c = service();
  auto r = server_->token({{"grant_type", "client_credentials"}}, basic(c), {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_client);
  EXPECT_EQ(fetcher_.calls, 0);
}

}  // namespace
}  // namespace tessera::test
