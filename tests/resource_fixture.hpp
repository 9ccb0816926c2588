// Shared by the resource-server tests (resource_*_test.cpp): tokens minted exactly as Tessera
// issues them (src/oauth/access_token.cpp, with the OAuth tests' signing keys), an
// Authenticator over them with a settable clock, requests built from header lists, and fakes
// for the Introspector and the RevocationState.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "codec/json.hpp"
#include "oauth/access_token.hpp"
#include "oauth/server_keys.hpp"
#include "oauth_keys.hpp"
#include "settable_clock.hpp"
#include "tessera/authenticator.hpp"
#include "tessera/jws.hpp"

namespace tessera::test {

inline constexpr std::int64_t kResourceNow = 1'750'000'000;
inline constexpr std::string_view kIssuer = "https://as.example";
inline constexpr std::string_view kAudience = "https://api.example";
inline constexpr std::string_view kApiUrl = "https://api.example/orders?id=7";

// Answers from a map of token -> answer; counts calls; can be "down". introspect() may be
// called from several threads (the map is set up before).
class FakeIntrospector final : public Introspector {
 public:
  std::map<std::string, IntrospectionAnswer> answers;
  std::atomic<int> calls{0};
  bool down = false;
  std::vector<std::string> seen;  // the tokens asked about, in order
  Result<IntrospectionAnswer> introspect(std::string_view token) override {
    ++calls;
    {
      std::lock_guard lock(mu_);
      seen.emplace_back(token);
    }
    if (down) return fail(Errc::store_unavailable, "introspection endpoint unreachable");
    auto it = answers.find(std::string(token));
    if (it == answers.end()) return IntrospectionAnswer{};  // active = false
    return it->second;
  }

 private:
  std::mutex mu_;
};

// A deny list the test fills by hand.
class FakeRevocations final : public RevocationState {
 public:
  std::vector<std::string> jtis, sids;
  std::map<std::string, std::int64_t> not_before;  // subject -> tokens issued before are revoked
  bool is_fresh = true;
  std::int64_t unknown = 0;
  bool is_revoked(std::string_view jti, std::string_view subject, std::string_view sid, std::int64_t issued_at,
                  std::int64_t) const override {
    for (const auto& j : jtis)
      if (j == jti) return true;
    for (const auto& s : sids)
      if (!sid.empty() && s == sid) return true;
    auto it = not_before.find(std::string(subject));
    return it != not_before.end() && issued_at < it->second;
  }
  bool fresh(std::int64_t) const override { return is_fresh; }
  std::int64_t unknown_before() const override { return unknown; }
};

class ResourceTest : public ::testing::Test {
 protected:
  SettableClock clock{kResourceNow};
  const oauth::ServerKeys& server_keys() {
    static const oauth::ServerKeys k = oauth::ServerKeys::create(oauth_signing_keys()).value();
    return k;
  }

  oauth::AccessClaims claims() {
    oauth::AccessClaims c;
    c.issuer = std::string(kIssuer);
    c.subject = "alice";
    c.audience = {std::string(kAudience)};
    c.client_id = "app";
    c.scope = "orders:read profile";
    c.jti = "jti-" + std::to_string(++counter_);
    c.sid = "family-1";
    c.issued_at = clock.now();
    c.expires_at = clock.now() + 300;
    return c;
  }
  std::string jwt(const oauth::AccessClaims& c) { return oauth::sign_jwt_access(server_keys(), c).value(); }
  std::string jwt() { return jwt(claims()); }
  std::string paseto(const oauth::AccessClaims& c) { return oauth::sign_paseto_access(server_keys(), c).value(); }
  std::string paseto() { return paseto(claims()); }

  // The claims of claims() as a JWT claims object, for tokens the tests build by hand.
  boost::json::object claims_json() {
    const auto c = claims();
    return {{"iss", c.issuer}, {"sub", c.subject}, {"aud", c.audience.front()}, {"client_id", c.client_id},
            {"scope", c.scope}, {"jti", c.jti},     {"iat", c.issued_at},        {"exp", c.expires_at}};
  }
  // A JWS over claims with key, header typ/alg/kid plus extra members.
  static std::string sign_raw(const Key& key, const boost::json::object& claims, boost::json::object extra = {},
                              std::optional<Algorithm> alg = std::nullopt, std::string typ = "at+jwt") {
    JwsSignOptions o;
    o.alg = alg;
    o.typ = std::move(typ);
    o.extra_header = std::move(extra);
    return jws_sign(key, codec::to_json(claims), o).value();
  }

  AuthenticatorOptions options() {
    AuthenticatorOptions o;
    o.issuer = std::string(kIssuer);
    o.audiences = {std::string(kAudience)};
    o.keys = make_static_verification_keys(server_keys().public_keys());
    o.clock = &clock;
    return o;
  }
  Authenticator authenticator(AuthenticatorOptions o) {
    auto a = Authenticator::create(std::move(o));
    EXPECT_TRUE(a.has_value()) << a.error().message;
    return std::move(*a);
  }
  Authenticator authenticator() { return authenticator(options()); }

  using Headers = std::vector<std::pair<std::string_view, std::string_view>>;
  AuthResult<Principal> call(const Authenticator& a, const Headers& headers, std::string_view method = "GET",
                             std::string_view url = kApiUrl) {
    return a.authenticate(AuthRequest{method, url, headers});
  }
  AuthResult<Principal> bearer(const Authenticator& a, const std::string& token) {
    const std::string value = "Bearer " + token;
    return call(a, {{"Authorization", value}});
  }

  static void expect_refused(const AuthResult<Principal>& r, unsigned status, Errc code) {
    ASSERT_FALSE(r.has_value()) << "accepted; expected " << code_name(code);
    EXPECT_EQ(r.error().status, status) << r.error().error.message;
    EXPECT_EQ(r.error().error.name(), code_name(code)) << r.error().error.message;
  }

 private:
  int counter_ = 0;
};

}  // namespace tessera::test
