// The BFF's ID token check (tessera/bff_id_token.hpp): each OIDC Core §3.1.3.7 rule refuses a
// token that breaks it.
#include <gtest/gtest.h>

#include "tessera/bff_id_token.hpp"
#include "tessera/jwt.hpp"
#include "tessera/keys.hpp"

namespace tessera::bff {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::string_view kIssuer = "https://id.example";

struct Issuer {
  Key key = *Key::generate(KeySpec::p256);
  std::string jwks() const {
    auto set = KeySet::single_key(key);
    return *set->to_jwks_json();
  }
  JwtBuilder token() const {
    JwtBuilder b;
    b.issuer(std::string(kIssuer)).subject("alice").audience("spa").issued_at(kNow - 5).expires_at(kNow + 300).claim(
        "nonce", boost::json::value("n-123"));
    return b;
  }
  std::string sign(const JwtBuilder& b) const { return *b.sign(key); }
};

const IdTokenExpectations kExpect{kIssuer, "spa", "n-123"};
const FixedClock kClock(kNow);

TEST(BffIdToken, AValidTokenGivesItsClaims) {
  Issuer iss;
  auto claims = verify_id_token(iss.sign(iss.token()), iss.jwks(), kExpect, kClock);
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->subject(), "alice");
}

TEST(BffIdToken, EachRuleRefuses) {
  Issuer iss;
  const auto refused = [&](const std::string& token, Errc code, const IdTokenExpectations& e = kExpect) {
    auto r = verify_id_token(token, iss.jwks(), e, kClock);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, code) << r.error().message;
  };
  refused(iss.sign(iss.token().issuer("https://evil.example")), Errc::invalid_issuer);
  refused(iss.sign(iss.token().expires_at(kNow - 120)), Errc::token_expired);
  refused(iss.sign(iss.token().claim("nonce", boost::json::value("other"))), Errc::invalid_token);
  refused(iss.sign(iss.token()), Errc::invalid_token, IdTokenExpectations{kIssuer, "spa", ""});
  refused(iss.sign(iss.token()), Errc::invalid_audience, IdTokenExpectations{kIssuer, "other-client", "n-123"});
  JwtBuilder no_sub;
  no_sub.issuer(std::string(kIssuer)).audience("spa").issued_at(kNow).expires_at(kNow + 300).claim("nonce", boost::json::value("n-123"));
  refused(iss.sign(no_sub), Errc::missing_claim);
  // Several audiences without azp = the client.
  refused(iss.sign(iss.token().audience("api")), Errc::invalid_token);
  auto with_azp = verify_id_token(iss.sign(iss.token().audience("api").claim("azp", boost::json::value("spa"))),
                                  iss.jwks(), kExpect, kClock);
  EXPECT_TRUE(with_azp) << with_azp.error().message;
  // Signed by another key than the issuer's JWKS holds.
  Issuer other;
  auto foreign = verify_id_token(other.sign(other.token()), iss.jwks(), kExpect, kClock);
  EXPECT_FALSE(foreign);
  // A symmetric (HS256) token is never accepted, whatever the key set.
  auto hs = Key::generate(KeySpec::hs256);
  ASSERT_TRUE(hs);
  auto hs_token = iss.token().sign(*hs);
  ASSERT_TRUE(hs_token);
  EXPECT_FALSE(verify_id_token(*hs_token, iss.jwks(), kExpect, kClock));
  // A JWKS that does not parse.
  auto bad_jwks = verify_id_token(iss.sign(iss.token()), "{", kExpect, kClock);
  ASSERT_FALSE(bad_jwks);
  EXPECT_EQ(bad_jwks.error().code, Errc::invalid_argument);
  EXPECT_FALSE(verify_id_token("not.a.jwt", iss.jwks(), kExpect, kClock));
}

}  // namespace
}  // namespace tessera::bff
