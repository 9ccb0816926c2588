// A GoogleTest conformance suite for any OAuthStore backend: the contract of
// include/tessera/oauth_store.hpp, written once, run against memory, SQLite, Redis and Redis
// Cluster (tests/oauth_store_test.cpp). In a backend's test file (a fresh store per test; a
// nullptr factory result skips the test):
//   TESSERA_OAUTH_STORE_CONFORMANCE(memory, {}, [] { return tessera::store::make_memory_oauth_store(); });
// registers "OauthStoreConformance/<backend>.<case>". Random ids and hashes make a shared Redis
// (or a reused SQLite file) fine. The cases themselves are in oauth_store_cases.hpp (grants)
// and below (clients, codes, consents, access tokens, denylist, sweep).
// What the suite pins down beyond the header comments:
//  - revoke_access is false when absent or already revoked.
//  - A denial is never shortened by a second deny_jti with an earlier expiry.
//  - A grace use changes nothing but the access list (current, previous, rotated_at and the
//    idle window stay).
//  - Times are near the real clock (expiries in the future) so native TTLs keep the records;
//    with native_expiry, sweep() may return 0.
// Thread safety: registration runs during static initialisation; tests run one at a time.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"
#include "tessera/clock.hpp"
#include "tessera/oauth_store.hpp"

namespace tessera::test {

using OAuthStoreFactory = std::function<std::unique_ptr<OAuthStore>()>;

struct OAuthConformanceOptions {
  bool native_expiry = false;  // sweep() may leave expired records to the backend's TTLs
};

inline auto client_fields(const ClientRecord& c) {
  return std::make_tuple(c.client_id, c.name, c.secret_hash, c.settings_json, c.created_at, c.updated_at);
}
inline auto code_fields(const CodeRecord& c) {
  return std::make_tuple(c.code_hash, c.client_id, c.user, c.redirect_uri, c.scope, c.audience, c.code_challenge,
                         c.nonce, c.family_id, c.auth_time, c.created_at, c.expires_at, c.generation);
}
inline auto access_list(const std::vector<IssuedAccess>& v) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& a : v) out.emplace_back(a.jti, a.expires_at);
  return out;
}
inline auto grant_fields(const GrantRecord& g) {
  return std::make_tuple(g.family_id, g.user, g.client_id, g.scope, g.audience, g.auth_time, g.created_at,
                         g.last_used_at, g.idle_expires_at, g.absolute_expires_at, g.generation, g.current_hash,
                         g.previous_hash, g.rotated_at, g.revoked, access_list(g.access), g.client_info_json);
}
inline auto access_fields(const AccessRecord& a) {
  return std::make_tuple(a.token_hash, a.jti, a.family_id, a.client_id, a.user, a.scope, a.audience, a.auth_time,
                         a.issued_at, a.expires_at, a.generation, a.revoked);
}

// Records of the real shapes around a base time near the real clock (base()), each with fresh
// random keys; for the suite and for backend-specific tests.
class OAuthRecords {
 public:
  std::int64_t base() const { return base_; }

  // A fresh hash of the real shape: base64url(SHA-256(32 random bytes)), 43 characters.
  static std::string hash() { return codec::base64url_encode(crypto::sha256(crypto::random_bytes(32))); }
  // A fresh family id: 22 base64url characters.
  static std::string family_id() { return codec::base64url_encode(crypto::random_bytes(16)); }
  // A name (user, client id, jti) no other test uses; valid as a client id.
  static std::string unique(std::string_view tag) {
    return "conf-" + std::string(tag) + "-" + codec::hex_encode(crypto::random_bytes(8));
  }

  ClientRecord client(std::string id) const {
    return {std::move(id), "Example \"App\" caf\u00e9", hash(),
            R"({"redirect_uris":["https://app.example/cb"],"grant_types":["authorization_code"]})", base_, base_ + 1};
  }
  CodeRecord code(std::int64_t ttl = 60) const {
    CodeRecord c;
    c.code_hash = hash();
    c.client_id = unique("client");
    c.user = unique("user");
    c.redirect_uri = "https://app.example/cb?x=1&y=\"2\"";
    c.scope = "email openid profile";
    c.audience = "https://api.example";
    c.code_challenge = hash();
    c.nonce = "n-0S6_WzA2Mj";
    c.family_id = family_id();
    c.auth_time = base_ - 5;
    c.created_at = base_;
    c.expires_at = base_ + ttl;
    c.generation = 7;
    return c;
  }
  // A live family of user created at base + offset: idle window 600 s, absolute 3600 s, one
  // access token remembered.
  GrantRecord grant(const std::string& user, std::int64_t offset = 0) const {
    GrantRecord g;
    const std::int64_t t = base_ + offset;
    g.family_id = family_id();
    g.user = user;
    g.client_id = unique("client");
    g.scope = "offline_access openid";
    g.audience = "https://api.example";
    g.auth_time = t - 3;
    g.created_at = g.last_used_at = g.rotated_at = t;
    g.idle_expires_at = t + 600;
    g.absolute_expires_at = t + 3600;
    g.generation = 3;
    g.current_hash = hash();
    g.access = {{unique("jti"), t + 300}};
    g.client_info_json = R"({"ip":"203.0.113.7","user_agent":"Mozilla/5.0 \"q\" caf\u00e9"})";
    return g;
  }
  AccessRecord access(std::string family = {}) const {
    return {hash(), unique("jti"), std::move(family), unique("client"), unique("user"), "read write",
            "https://api.example", base_ - 2, base_, base_ + 300, 4, false};
  }
  // A rotation request for g at base + offset with grace 10 s and idle_ttl 600 s.
  RotateRequest rotation(const GrantRecord& g, std::string presented, std::int64_t offset = 1) const {
    return {g.family_id, std::move(presented), hash(), base_ + offset, 10, 600, {unique("jti"), base_ + offset + 300}};
  }

 private:
  std::int64_t base_ = SystemClock::instance().now();
};

// The fixture every conformance case runs in; Body is the case itself.
class OAuthStoreConformanceTest : public ::testing::Test, public OAuthRecords {
 public:
  using Body = void (*)(OAuthStoreConformanceTest&);
  OAuthStoreConformanceTest(OAuthStoreFactory make, OAuthConformanceOptions options, Body body)
      : make_(std::move(make)), options_(options), body_(body) {}

  void SetUp() override {
    if (!(store_ = make_())) GTEST_SKIP() << "oauth store backend not available";
  }
  void TestBody() override { body_(*this); }

  OAuthStore& store() { return *store_; }
  const OAuthConformanceOptions& options() const { return options_; }

  // The value of a call that must succeed; a store error fails the test (and gives V{}).
  template <class V>
  static V ok(Result<V> r) {
    if (r) return std::move(*r);
    ADD_FAILURE() << "store error: " << r.error().name() << ": " << r.error().message;
    return V{};
  }
  static void ok(Result<void> r) {
    if (!r) ADD_FAILURE() << "store error: " << r.error().name() << ": " << r.error().message;
  }
  template <class V>
  static void invalid(const Result<V>& r) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
  }
  GrantRecord must_create(const GrantRecord& g) {
    EXPECT_TRUE(ok(store().create_grant(g)));
    return g;
  }
  GrantRecord must_get(std::string_view family) {
    auto g = ok(store().get_grant(family));
    if (!g) ADD_FAILURE() << "family missing: " << family;
    return g.value_or(GrantRecord{});
  }
  RotateResult rotate(const RotateRequest& r) { return ok(store().rotate_refresh(r)); }
  std::vector<std::string> listed(std::string_view user, std::int64_t now) {
    std::vector<std::string> out;
    for (const auto& g : ok(store().list_grants(user, now))) out.push_back(g.family_id);
    return out;
  }

 private:
  OAuthStoreFactory make_;
  OAuthConformanceOptions options_;
  Body body_;
  std::unique_ptr<OAuthStore> store_;
};

namespace oauth_conformance {

using T = OAuthStoreConformanceTest;

// ---- clients ---------------------------------------------------------------------------------

inline void clients_create_replace_list_remove(T& t) {
  auto a = t.client(T::unique("b")), b = t.client(T::unique("a"));
  EXPECT_FALSE(T::ok(t.store().put_client(a, false))) << "replace of an unknown id must write nothing";
  EXPECT_FALSE(T::ok(t.store().get_client(a.client_id)).has_value());
  EXPECT_TRUE(T::ok(t.store().put_client(a, true)));
  auto again = a;
  again.name = "other";
  EXPECT_FALSE(T::ok(t.store().put_client(again, true))) << "create of an existing id must write nothing";
  EXPECT_EQ(client_fields(T::ok(t.store().get_client(a.client_id)).value_or(ClientRecord{})), client_fields(a));
  again.secret_hash.clear();  // a public client
  again.updated_at += 10;
  EXPECT_TRUE(T::ok(t.store().put_client(again, false)));
  EXPECT_EQ(client_fields(T::ok(t.store().get_client(a.client_id)).value_or(ClientRecord{})), client_fields(again));
  EXPECT_TRUE(T::ok(t.store().put_client(b, true)));
  std::vector<std::string> ids;
  for (const auto& c : T::ok(t.store().list_clients()))
    if (c.client_id == a.client_id || c.client_id == b.client_id) ids.push_back(c.client_id);
  EXPECT_EQ(ids, (std::vector<std::string>{std::min(a.client_id, b.client_id), std::max(a.client_id, b.client_id)}));
  auto all = T::ok(t.store().list_clients());
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(),
                             [](const ClientRecord& x, const ClientRecord& y) { return x.client_id < y.client_id; }));
  EXPECT_TRUE(T::ok(t.store().remove_client(a.client_id)));
  EXPECT_FALSE(T::ok(t.store().remove_client(a.client_id)));
  EXPECT_FALSE(T::ok(t.store().get_client(a.client_id)).has_value());
  for (const auto& c : T::ok(t.store().list_clients())) EXPECT_NE(c.client_id, a.client_id);
}

inline void client_id_must_be_well_formed(T& t) {
  for (std::string bad : {std::string(), std::string("a b"), std::string("a{b}"), std::string(129, 'x'),
                          std::string("caf\xc3\xa9")}) {
    SCOPED_TRACE(bad);
    T::invalid(t.store().put_client(t.client(bad), true));
  }
  EXPECT_TRUE(T::ok(t.store().put_client(t.client(std::string(100, 'x') + T::unique("") + "._~-"), true)));
}

// ---- codes -----------------------------------------------------------------------------------

inline void code_is_taken_exactly_once(T& t) {
  auto c = t.code();
  T::ok(t.store().create_code(c));
  T::invalid(t.store().create_code(c));  // an existing hash is refused
  auto first = T::ok(t.store().take_code(c.code_hash, t.base() + 1));
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(first->used);
  EXPECT_EQ(code_fields(*first), code_fields(c));
  auto second = T::ok(t.store().take_code(c.code_hash, t.base() + 2));
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(second->used) << "a second exchange must be told the code was used";
  EXPECT_EQ(second->family_id, c.family_id);
  EXPECT_FALSE(T::ok(t.store().take_code(T::hash(), t.base())).has_value());
}

inline void expired_code_is_nullopt(T& t) {
  auto c = t.code(30);
  T::ok(t.store().create_code(c));
  EXPECT_FALSE(T::ok(t.store().take_code(c.code_hash, c.expires_at)).has_value());
  EXPECT_FALSE(T::ok(t.store().take_code(c.code_hash, c.expires_at + 1)).has_value());
  auto live = T::ok(t.store().take_code(c.code_hash, c.expires_at - 1));  // the record was not consumed
  ASSERT_TRUE(live.has_value());
  EXPECT_FALSE(live->used);
}

inline void racing_takes_one_winner(T& t) {
  for (int round = 0; round < 5; ++round) {
    auto c = t.code();
    T::ok(t.store().create_code(c));
    std::atomic<int> winners{0}, losers{0}, errors{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&] {
        auto r = t.store().take_code(c.code_hash, t.base() + 1);
        if (!r || !*r) ++errors;
        else if ((*r)->used) ++losers;
        else ++winners;
      });
    for (auto& th : threads) th.join();
    EXPECT_EQ(winners.load(), 1);
    EXPECT_EQ(losers.load(), 7);
    EXPECT_EQ(errors.load(), 0);
  }
}

// ---- consents --------------------------------------------------------------------------------

inline void consent_put_replace_remove(T& t) {
  const auto user = T::unique("user"), client = T::unique("client");
  EXPECT_FALSE(T::ok(t.store().get_consent(user, client)).has_value());
  T::ok(t.store().put_consent({user, client, "openid", t.base()}));
  T::ok(t.store().put_consent({user, T::unique("other"), "email", t.base()}));
  T::ok(t.store().put_consent({user, client, "email openid profile", t.base() + 5}));
  auto c = T::ok(t.store().get_consent(user, client));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->user, user);
  EXPECT_EQ(c->client_id, client);
  EXPECT_EQ(c->scope, "email openid profile");
  EXPECT_EQ(c->granted_at, t.base() + 5);
  EXPECT_FALSE(T::ok(t.store().get_consent(T::unique("user"), client)).has_value());
  EXPECT_TRUE(T::ok(t.store().remove_consent(user, client)));
  EXPECT_FALSE(T::ok(t.store().remove_consent(user, client)));
  EXPECT_FALSE(T::ok(t.store().get_consent(user, client)).has_value());
}

// ---- opaque access tokens and the denylist ---------------------------------------------------

inline void access_put_get_revoke(T& t) {
  auto a = t.access(T::family_id());
  T::ok(t.store().put_access(a));
  T::invalid(t.store().put_access(a));
  EXPECT_EQ(access_fields(T::ok(t.store().get_access(a.token_hash)).value_or(AccessRecord{})), access_fields(a));
  auto cc = t.access();  // client_credentials: no family
  T::ok(t.store().put_access(cc));
  EXPECT_EQ(access_fields(T::ok(t.store().get_access(cc.token_hash)).value_or(AccessRecord{})), access_fields(cc));
  EXPECT_TRUE(T::ok(t.store().revoke_access(a.token_hash)));
  EXPECT_FALSE(T::ok(t.store().revoke_access(a.token_hash)));
  EXPECT_FALSE(T::ok(t.store().revoke_access(T::hash())));
  a.revoked = true;
  EXPECT_EQ(access_fields(T::ok(t.store().get_access(a.token_hash)).value_or(AccessRecord{})), access_fields(a));
  EXPECT_FALSE(T::ok(t.store().get_access(T::hash())).has_value());
}

inline void denial_holds_until_expiry(T& t) {
  const auto jti = T::unique("jti");
  EXPECT_FALSE(T::ok(t.store().is_denied(jti, t.base())));
  T::ok(t.store().deny_jti(jti, t.base() + 300));
  EXPECT_TRUE(T::ok(t.store().is_denied(jti, t.base())));
  EXPECT_TRUE(T::ok(t.store().is_denied(jti, t.base() + 300)));
  T::ok(t.store().deny_jti(jti, t.base() + 10));  // never shortened
  EXPECT_TRUE(T::ok(t.store().is_denied(jti, t.base() + 200)));
  if (!t.options().native_expiry) {
    EXPECT_FALSE(T::ok(t.store().is_denied(jti, t.base() + 300 + kExpiredGrace)));
  }
  // A denial whose token expired long ago is not kept.
  const auto old = T::unique("jti");
  T::ok(t.store().deny_jti(old, t.base() - kExpiredGrace - 10));
  EXPECT_FALSE(T::ok(t.store().is_denied(old, t.base())));
  EXPECT_FALSE(T::ok(t.store().is_denied(T::unique("jti"), t.base())));
}

inline void sweep_removes_long_expired(T& t) {
  const std::int64_t gone = t.base() - kExpiredGrace - 10;
  auto old_code = t.code(), live_code = t.code();
  old_code.created_at = gone - 60;
  old_code.expires_at = gone;
  auto old_grant = t.grant(T::unique("user"), -7200), live_grant = t.grant(old_grant.user);
  old_grant.idle_expires_at = old_grant.absolute_expires_at = gone;
  auto old_access = t.access(), live_access = t.access();
  old_access.expires_at = gone;
  const auto old_jti = T::unique("jti"), live_jti = T::unique("jti");
  T::ok(t.store().create_code(old_code));
  T::ok(t.store().create_code(live_code));
  t.must_create(old_grant);
  t.must_create(live_grant);
  const auto tomb = T::family_id();
  EXPECT_FALSE(T::ok(t.store().revoke_grant(tomb, gone - 100, 100)).has_value());
  T::ok(t.store().put_access(old_access));
  T::ok(t.store().put_access(live_access));
  T::ok(t.store().deny_jti(old_jti, gone));
  T::ok(t.store().deny_jti(live_jti, t.base() + 60));
  const auto n = T::ok(t.store().sweep(t.base()));
  if (!t.options().native_expiry) {
    EXPECT_GE(n, 5u);
  }
  EXPECT_FALSE(T::ok(t.store().get_grant(old_grant.family_id)).has_value());
  EXPECT_FALSE(T::ok(t.store().get_grant(tomb)).has_value());
  EXPECT_FALSE(T::ok(t.store().get_access(old_access.token_hash)).has_value());
  EXPECT_FALSE(T::ok(t.store().is_denied(old_jti, gone - 1)));
  // The swept family's index entry is dropped: only the live family is listed.
  EXPECT_EQ(t.listed(old_grant.user, t.base()), std::vector<std::string>{live_grant.family_id});
  // Live records stay.
  EXPECT_TRUE(T::ok(t.store().take_code(live_code.code_hash, t.base())).has_value());
  EXPECT_TRUE(T::ok(t.store().get_grant(live_grant.family_id)).has_value());
  EXPECT_TRUE(T::ok(t.store().get_access(live_access.token_hash)).has_value());
  EXPECT_TRUE(T::ok(t.store().is_denied(live_jti, t.base())));
}

inline void ping_answers(T& t) { T::ok(t.store().ping()); }

}  // namespace oauth_conformance
}  // namespace tessera::test

#include "oauth_store_cases.hpp"  // the grant cases and the registration
