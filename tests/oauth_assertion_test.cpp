// private_key_jwt client assertions (src/oauth/client_assertion.hpp), RFC 7523 §3.
#include <gtest/gtest.h>

#include "oauth/client_assertion.hpp"
#include "tessera/jwt.hpp"

namespace tessera {
namespace {

using namespace oauth;

constexpr std::int64_t kNow = 1'700'000'000;
const AssertionPolicy kPolicy{"https://as.example", "https://as.example/oauth2/token", 30, 300};

struct ClientKey {
  Key key = *Key::generate(KeySpec::p256, "client-key-1");
  KeySet public_set() const {
    KeySet s;
    EXPECT_TRUE(s.add(*key.public_key()));
    return s;
  }
};

JwtBuilder assertion() {
  JwtBuilder b;
  b.issuer("svc").subject("svc").audience("https://as.example/oauth2/token").issued_at(kNow).expires_at(kNow + 60);
  b.jwt_id("jti-1");
  return b;
}

Result<VerifiedAssertion> check(const ClientKey& k, const JwtBuilder& b, std::int64_t now = kNow) {
  FixedClock clock(now);
  auto token = b.sign(k.key);
  EXPECT_TRUE(token);
  return verify_client_assertion(*token, "svc", k.public_set(), kPolicy, clock);
}

void expect_invalid_client(const Result<VerifiedAssertion>& r) {
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_client);
}

TEST(OauthClientAssertion, AcceptsAGoodAssertion) {
  ClientKey k;
  auto r = check(k, assertion());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->jti, "jti-1");
  EXPECT_EQ(r->expires_at, kNow + 60);
  auto issuer_aud = assertion();
  issuer_aud.claims({});
  issuer_aud.issuer("svc").subject("svc").audience("https://as.example").expires_at(kNow + 60).jwt_id("j");
  EXPECT_TRUE(check(k, issuer_aud));
  EXPECT_EQ(assertion_issuer_unverified(*assertion().sign(k.key)), "svc");
}

TEST(OauthClientAssertion, EachClaimRule) {
  ClientKey k;
  auto b = assertion();
  expect_invalid_client(check(k, b.issuer("other")));
  b = assertion();
  expect_invalid_client(check(k, b.subject("other")));
  b = assertion();
  b.claims({});
  b.issuer("svc").subject("svc").audience("https://elsewhere.example").expires_at(kNow + 60).jwt_id("j");
  expect_invalid_client(check(k, b));
  b = assertion();
  b.claims({});
  b.issuer("svc").subject("svc").audience("https://as.example/oauth2/token").jwt_id("j");  // no exp
  expect_invalid_client(check(k, b));
  b = assertion();
  b.claims({});
  b.issuer("svc").subject("svc").audience("https://as.example/oauth2/token").expires_at(kNow + 60);  // no jti
  expect_invalid_client(check(k, b));
  // Expired beyond the leeway; within it still accepted.
  expect_invalid_client(check(k, assertion(), kNow + 60 + 31));
  EXPECT_TRUE(check(k, assertion(), kNow + 60 + 29));
  // Lives too long.
  b = assertion();
  expect_invalid_client(check(k, b.expires_at(kNow + 301)));
  // Issued in the future beyond the leeway; nbf likewise.
  b = assertion();
  expect_invalid_client(check(k, b.issued_at(kNow + 40).expires_at(kNow + 100)));
  b = assertion();
  expect_invalid_client(check(k, b.not_before(kNow + 40)));
}

TEST(OauthClientAssertion, OnlyTheClientsRegisteredKeysVerify) {
  ClientKey k, other;
  FixedClock clock(kNow);
  auto token = assertion().sign(other.key);
  expect_invalid_client(verify_client_assertion(*token, "svc", k.public_set(), kPolicy, clock));
  // An HMAC "signed" with the public key's JWK text is refused (no HS algorithm is allowed).
  auto hs = Key::from_secret(SecretBytes(*k.key.public_key()->to_jwk_json()), Algorithm::HS256, "client-key-1");
  ASSERT_TRUE(hs);
  auto forged = assertion().sign(*hs);
  ASSERT_TRUE(forged);
  expect_invalid_client(verify_client_assertion(*forged, "svc", k.public_set(), kPolicy, clock));
  expect_invalid_client(verify_client_assertion("garbage", "svc", k.public_set(), kPolicy, clock));
}

}  // namespace
}  // namespace tessera
