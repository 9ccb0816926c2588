// A resource server's remote key set (tessera/remote_key_set.hpp) with a fake fetcher and a
// settable clock (the HTTPS side: net_key_set_fetcher_test.cpp): max-age clamped, an unknown
// kid refetched then rate-limited, stale keys served while the issuer is down up to the bound
// and store_unavailable after it, only public asymmetric keys, an oversized set refused, and
// a timeout through the real fetcher.
#include "tessera/remote_key_set.hpp"

#include <gtest/gtest.h>

#include "loopback_http_server.hpp"
#include "settable_clock.hpp"

namespace tessera::test {
namespace {

constexpr std::int64_t kT0 = 1'700'000'000;
constexpr std::string_view kUrl = "https://issuer.example/jwks";

class FakeFetcher final : public KeySetFetcher {
 public:
  Result<FetchedKeySet> fetch(std::string_view url) override {
    ++calls;
    last_url = std::string(url);
    return next;
  }
  Result<FetchedKeySet> next = fail(Errc::io_error, "connection refused");
  int calls = 0;
  std::string last_url;
};

Key make_key(std::string kid) { return *Key::generate(KeySpec::p256, std::move(kid)); }

FetchedKeySet served(std::initializer_list<const Key*> keys, std::optional<std::int64_t> max_age = std::nullopt,
                     bool include_private = false) {
  KeySet s;
  for (const Key* k : keys) EXPECT_TRUE(s.add(include_private ? *k : *k->public_key()));
  return FetchedKeySet{*s.to_jwks_json(include_private), max_age};
}

class NetRemoteKeySet : public ::testing::Test {
 protected:
  std::shared_ptr<RemoteKeySet> make(RemoteKeySetRules rules = {}) {
    auto k = RemoteKeySet::create({.jwks_uri = std::string(kUrl), .ca_file = {}, .timeout = std::chrono::milliseconds(3000),
                                   .rules = rules, .clock = &clock_, .fetcher = fetcher_});
    EXPECT_TRUE(k) << k.error().message;
    return k ? *k : nullptr;
  }
  bool has(std::string_view kid) {
    auto keys = set_->keys_for(kid);
    return keys && keys->find(kid) != nullptr;
  }
  Errc refusal(std::string_view kid) {
    auto keys = set_->keys_for(kid);
    return keys ? Errc::internal : keys.error().code;
  }

  SettableClock clock_{kT0};
  std::shared_ptr<FakeFetcher> fetcher_ = std::make_shared<FakeFetcher>();
  std::shared_ptr<RemoteKeySet> set_ = make();
  Key a_ = make_key("a");
  Key b_ = make_key("b");
};

TEST_F(NetRemoteKeySet, FetchesOnFirstUseAndServesFromTheCacheForMaxAge) {
  fetcher_->next = served({&a_}, 120);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_->last_url, kUrl);
  clock_.advance(119);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_->calls, 1);
  clock_.advance(1);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_->calls, 2);
}

TEST_F(NetRemoteKeySet, MaxAgeIsClampedToTheBounds) {
  fetcher_->next = served({&a_}, 1);  // below the 60 s floor
  EXPECT_TRUE(has("a"));
  clock_.advance(59);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_->calls, 1);
  clock_.advance(1);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_->calls, 2);
  fetcher_->next = served({&a_}, 10 * 365 * 24 * 3600);  // ten years: 24 h at most
  clock_.advance(60);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_->calls, 3);
  clock_.advance(24 * 3600 - 1);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_->calls, 3);
  clock_.advance(1);
  EXPECT_TRUE(has("a"));
  EXPECT_EQ(fetcher_->calls, 4);
}

TEST_F(NetRemoteKeySet, AnUnknownKidIsRefetchedThenRateLimited) {
  fetcher_->next = served({&a_}, 3600);
  EXPECT_TRUE(has("a"));
  // The issuer rotated in b; a token names it 31 s later: one refetch finds it.
  fetcher_->next = served({&a_, &b_}, 3600);
  clock_.advance(31);
  EXPECT_TRUE(has("b"));
  EXPECT_EQ(fetcher_->calls, 2);
  // Junk kids: at most one fetch per 30 s, whatever the number of tokens.
  for (int i = 0; i < 100; ++i) EXPECT_EQ(refusal("junk-" + std::to_string(i)), Errc::key_not_found);
  EXPECT_EQ(fetcher_->calls, 2);
  clock_.advance(30);
  EXPECT_EQ(refusal("junk"), Errc::key_not_found);
  EXPECT_EQ(fetcher_->calls, 3);
  EXPECT_TRUE(has("a"));  // known keys are not held up
}

TEST_F(NetRemoteKeySet, StaleKeysAreServedWhileTheIssuerIsDownThenRefused) {
  set_ = make({.default_max_age = 300, .min_max_age = 60, .max_max_age = 3600, .min_refetch_interval = 30, .max_stale = 600});
  fetcher_->next = served({&a_}, 60);
  EXPECT_TRUE(has("a"));
  fetcher_->next = fail(Errc::io_error, "connection refused");
  clock_.advance(60 + 599);  // stale for 599 s of the 600 allowed
  EXPECT_TRUE(has("a"));
  EXPECT_GE(fetcher_->calls, 2);
  clock_.advance(1);
  EXPECT_EQ(refusal("a"), Errc::store_unavailable);
  // Back up: fresh keys again.
  fetcher_->next = served({&a_}, 60);
  clock_.advance(30);
  EXPECT_TRUE(has("a"));
}

TEST_F(NetRemoteKeySet, NoKeysBeforeAGoodFetchIsStoreUnavailable) {
  EXPECT_EQ(refusal("a"), Errc::store_unavailable);
  auto warm = set_->prefetch();
  ASSERT_FALSE(warm);
  EXPECT_EQ(warm.error().code, Errc::store_unavailable);
}

TEST_F(NetRemoteKeySet, OnlyPublicAsymmetricKeysAreAccepted) {
  const std::vector<FetchedKeySet> bad = {
      served({&a_}, 60, /*include_private=*/true),
      {R"({"keys":[{"kty":"oct","kid":"a","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA"}]})", 60},
      {R"({"keys":[]})", 60},
      {"not json", 60},
  };
  for (const auto& body : bad) {
    fetcher_ = std::make_shared<FakeFetcher>();
    fetcher_->next = body;
    set_ = make();
    EXPECT_EQ(refusal("a"), Errc::store_unavailable) << body.body;
  }
}

TEST_F(NetRemoteKeySet, AnOversizedSetIsRefused) {
  fetcher_->next = FetchedKeySet{std::string(kMaxRemoteKeySetBytes + 1, ' '), 60};
  EXPECT_EQ(refusal("a"), Errc::store_unavailable);
}

TEST_F(NetRemoteKeySet, AKidlessTokenGetsTheSetOfOneKey) {
  fetcher_->next = served({&a_}, 60);
  auto keys = set_->keys_for("");
  ASSERT_TRUE(keys);
  EXPECT_TRUE(keys->any_kid_selects_the_key());
  EXPECT_TRUE(set_->prefetch());
}

TEST_F(NetRemoteKeySet, BadOptionsAreRefused) {
  const auto refused = [&](RemoteKeySetOptions o) {
    o.fetcher = fetcher_;
    auto k = RemoteKeySet::create(std::move(o));
    return !k && k.error().code == Errc::invalid_argument;
  };
  EXPECT_TRUE(refused({.jwks_uri = "http://issuer.example/jwks"}));
  EXPECT_TRUE(refused({.jwks_uri = "jwks"}));
  EXPECT_TRUE(refused({.jwks_uri = std::string(kUrl), .rules = {.min_max_age = 600, .max_max_age = 60}}));
  EXPECT_TRUE(refused({.jwks_uri = std::string(kUrl), .rules = {.max_stale = -1}}));
  auto no_ca = RemoteKeySet::create({.jwks_uri = std::string(kUrl), .ca_file = "/nonexistent/ca.pem"});
  ASSERT_FALSE(no_ca);
  EXPECT_EQ(no_ca.error().code, Errc::invalid_argument);
}

// The real fetcher over plain HTTP on loopback (the HTTPS cases: net_key_set_fetcher_test.cpp).
TEST(NetRemoteKeySetHttp, FetchesFromALoopbackIssuerAndTimesOut) {
  const Key k = make_key("k1");
  LoopbackServer issuer([&](const HttpRequest& req) {
    HttpResponse r(http::status::ok, 11);
    r.set(http::field::content_type, "application/jwk-set+json");
    r.set(http::field::cache_control, "max-age=600");
    KeySet s;
    EXPECT_TRUE(s.add(*k.public_key()));
    r.body() = *s.to_jwks_json(false);
    EXPECT_EQ(req.target(), "/jwks");
    return r;
  });
  auto set = RemoteKeySet::create({.jwks_uri = issuer.url("/jwks")});
  ASSERT_TRUE(set) << set.error().message;
  auto keys = (*set)->keys_for("k1");
  ASSERT_TRUE(keys) << keys.error().message;
  EXPECT_NE(keys->find("k1"), nullptr);

  OneShotServer silent(HttpResponse{}, /*silent=*/true);
  auto slow = RemoteKeySet::create({.jwks_uri = silent.url("/jwks"), .timeout = std::chrono::milliseconds(300)});
  ASSERT_TRUE(slow);
  auto none = (*slow)->keys_for("k1");
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().code, Errc::store_unavailable);
  EXPECT_NE(none.error().message.find("timed out"), std::string::npos) << none.error().message;
}

}  // namespace
}  // namespace tessera::test
