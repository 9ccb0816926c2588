// The fixture of the OAuthStore conformance suite (oauth_store_conformance.hpp): a fresh store
// per case, records of the real shapes around a base time near the real clock (OAuthRecords,
// also for backend-specific tests), and the field tuples every backend is compared by.
// Thread safety: a fixture is used by one test; the store it holds by many threads.
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
                         c.nonce, c.family_id, c.auth_time, c.created_at, c.expires_at, c.generation, c.dpop_jkt);
}
inline auto access_list(const std::vector<IssuedAccess>& v) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  for (const auto& a : v) out.emplace_back(a.jti, a.expires_at);
  return out;
}
inline auto grant_fields(const GrantRecord& g) {
  return std::make_tuple(g.family_id, g.user, g.client_id, g.scope, g.audience, g.auth_time, g.created_at,
                         g.last_used_at, g.idle_expires_at, g.absolute_expires_at, g.generation, g.current_hash,
                         g.previous_hash, g.rotated_at, g.revoked, access_list(g.access), g.client_info_json, g.jkt);
}
inline auto access_fields(const AccessRecord& a) {
  return std::make_tuple(a.token_hash, a.jti, a.family_id, a.client_id, a.user, a.scope, a.audience, a.auth_time,
                         a.issued_at, a.expires_at, a.generation, a.revoked, a.jkt);
}

// Records of the real shapes around a base time near the real clock (base()), each with fresh
// random keys (codes, grants and opaque access tokens DPoP-bound); for the suite and for
// backend-specific tests.
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
    c.dpop_jkt = hash();  // a DPoP key thumbprint has the same shape (RFC 7638, SHA-256)
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
    g.jkt = hash();
    return g;
  }
  AccessRecord access(std::string family = {}) const {
    return {hash(), unique("jti"), std::move(family), unique("client"), unique("user"), "read write",
            "https://api.example", base_ - 2, base_, base_ + 300, 4, false, hash()};
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

// The cases' name for their fixture.
namespace oauth_conformance {
using T = OAuthStoreConformanceTest;
}  // namespace oauth_conformance

}  // namespace tessera::test
