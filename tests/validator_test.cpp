// The shared claims policy: each strict default and each named leniency.
#include <gtest/gtest.h>

#include "codec/json.hpp"
#include "tessera/validator.hpp"

namespace tessera {
namespace {

constexpr std::int64_t kNow = 1'700'000'000;

Claims claims(std::string_view json) {
  auto o = codec::parse_json_object(json);
  EXPECT_TRUE(o) << json;
  auto c = Claims::from_jwt(std::move(*o));
  EXPECT_TRUE(c) << json;
  return std::move(*c);
}

Errc code_of(const ClaimsValidator& v, std::string_view json) {
  auto r = v.validate(claims(json));
  EXPECT_FALSE(r) << json;
  return r ? Errc::internal : r.error().code;
}

class ValidatorTest : public ::testing::Test {
 protected:
  FixedClock clock{kNow};
  ClaimsValidator::Builder base() {
    ClaimsValidator::Builder b;
    b.clock(clock).expect_issuer("https://issuer.example").expect_audience("api");
    return b;
  }
  std::string good(std::string extra = "") {
    return R"({"iss":"https://issuer.example","aud":"api","exp":)" + std::to_string(kNow + 300) + extra + "}";
  }
};

TEST_F(ValidatorTest, AcceptsAGoodToken) {
  auto v = base().build();
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->validate(claims(good())));
}

TEST_F(ValidatorTest, IssuerPolicyMustBeChosen) {
  ClaimsValidator::Builder b;
  auto v = b.build();
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, Errc::invalid_argument);
  EXPECT_FALSE(ClaimsValidator::Builder().expect_issuer("a").ignore_issuer().build());
  EXPECT_FALSE(ClaimsValidator::Builder().ignore_issuer().leeway(-1).build());
}

TEST_F(ValidatorTest, ExpIsRequiredUnlessAllowed) {
  auto v = base().build().value();
  EXPECT_EQ(code_of(v, R"({"iss":"https://issuer.example","aud":"api"})"), Errc::missing_claim);
  auto lenient = base().allow_missing_expiration().build().value();
  EXPECT_TRUE(lenient.validate(claims(R"({"iss":"https://issuer.example","aud":"api"})")));
}

TEST_F(ValidatorTest, ExpiryWithLeeway) {
  auto v = base().leeway(60).build().value();
  auto tok = [](std::int64_t exp) { return R"({"iss":"https://issuer.example","aud":"api","exp":)" + std::to_string(exp) + "}"; };
  EXPECT_TRUE(v.validate(claims(tok(kNow - 59))));
  EXPECT_EQ(code_of(v, tok(kNow - 60)), Errc::token_expired);
  auto strict = base().leeway(0).build().value();
  EXPECT_EQ(code_of(strict, tok(kNow)), Errc::token_expired);  // exp is exclusive
  EXPECT_TRUE(strict.validate(claims(tok(kNow + 1))));
}

TEST_F(ValidatorTest, NotBeforeAndIssuedAt) {
  auto v = base().leeway(10).build().value();
  EXPECT_TRUE(v.validate(claims(good(",\"nbf\":" + std::to_string(kNow + 10)))));
  EXPECT_EQ(code_of(v, good(",\"nbf\":" + std::to_string(kNow + 11))), Errc::token_not_yet_valid);
  EXPECT_TRUE(v.validate(claims(good(",\"iat\":" + std::to_string(kNow + 10)))));
  EXPECT_EQ(code_of(v, good(",\"iat\":" + std::to_string(kNow + 11))), Errc::token_issued_in_future);
}

TEST_F(ValidatorTest, MaxAge) {
  auto v = base().leeway(0).max_age(3600).build().value();
  EXPECT_TRUE(v.validate(claims(good(",\"iat\":" + std::to_string(kNow - 3600)))));
  EXPECT_EQ(code_of(v, good(",\"iat\":" + std::to_string(kNow - 3601))), Errc::token_too_old);
  EXPECT_EQ(code_of(v, good()), Errc::missing_claim);
}

TEST_F(ValidatorTest, Issuer) {
  auto v = base().build().value();
  auto exp = std::to_string(kNow + 300);
  EXPECT_EQ(code_of(v, R"({"iss":"https://evil.example","aud":"api","exp":)" + exp + "}"), Errc::invalid_issuer);
  EXPECT_EQ(code_of(v, R"({"aud":"api","exp":)" + exp + "}"), Errc::missing_claim);
  auto several = ClaimsValidator::Builder().clock(clock).expect_issuers({"a", "b"}).ignore_audience().build().value();
  EXPECT_TRUE(several.validate(claims(R"({"iss":"b","exp":)" + exp + "}")));
  auto ignore = ClaimsValidator::Builder().clock(clock).ignore_issuer().build().value();
  EXPECT_TRUE(ignore.validate(claims(R"({"iss":"anything","exp":)" + exp + "}")));
}

TEST_F(ValidatorTest, Audience) {
  auto v = base().build().value();
  auto exp = std::to_string(kNow + 300);
  auto with_aud = [&](std::string aud) { return R"({"iss":"https://issuer.example","aud":)" + aud + R"(,"exp":)" + exp + "}"; };
  EXPECT_TRUE(v.validate(claims(with_aud(R"(["other","api"])"))));
  EXPECT_EQ(code_of(v, with_aud(R"("other")")), Errc::invalid_audience);
  EXPECT_EQ(code_of(v, with_aud(R"([])")), Errc::invalid_audience);
  EXPECT_EQ(code_of(v, R"({"iss":"https://issuer.example","exp":)" + exp + "}"), Errc::missing_claim);
  // A token with aud is rejected by a validator that expects none (RFC 7519 4.1.3)...
  auto none = ClaimsValidator::Builder().clock(clock).ignore_issuer().build().value();
  EXPECT_EQ(code_of(none, with_aud(R"("api")")), Errc::invalid_audience);
  // ...unless ignoring the audience is asked for by name.
  auto ignore = ClaimsValidator::Builder().clock(clock).ignore_issuer().ignore_audience().build().value();
  EXPECT_TRUE(ignore.validate(claims(with_aud(R"("api")"))));
}

TEST_F(ValidatorTest, RequiredClaims) {
  auto v = base().require_claim("sub").require_claim("jti").build().value();
  EXPECT_EQ(code_of(v, good(",\"sub\":\"alice\"")), Errc::missing_claim);
  EXPECT_TRUE(v.validate(claims(good(",\"sub\":\"alice\",\"jti\":\"1\""))));
}

TEST(Claims, WrongTypesAreErrors) {
  for (std::string_view bad : {R"({"exp":"1700000000"})", R"({"nbf":true})", R"({"iat":[1]})", R"({"iss":5})",
                               R"({"sub":{}})", R"({"jti":1})", R"({"aud":{"a":1}})", R"({"aud":["a",1]})",
                               R"({"aud":5})", R"({"exp":1e300})"}) {
    auto o = codec::parse_json_object(bad);
    ASSERT_TRUE(o);
    auto c = Claims::from_jwt(std::move(*o));
    ASSERT_FALSE(c) << bad;
    EXPECT_EQ(c.error().code, Errc::wrong_type) << bad;
  }
}

TEST(Claims, ExtractsRegisteredClaims) {
  auto o = codec::parse_json_object(R"({"iss":"i","sub":"s","aud":["a","b"],"exp":10,"nbf":5,"iat":4,"jti":"j","x":1})");
  auto c = Claims::from_jwt(std::move(*o)).value();
  EXPECT_EQ(*c.issuer(), "i");
  EXPECT_EQ(*c.subject(), "s");
  ASSERT_EQ(c.audience().size(), 2u);
  EXPECT_EQ(c.audience()[1], "b");
  EXPECT_EQ(*c.expires_at(), 10);
  EXPECT_EQ(*c.not_before(), 5);
  EXPECT_EQ(*c.issued_at(), 4);
  EXPECT_EQ(*c.jwt_id(), "j");
  Claims copy = c;  // views must point into the copy
  EXPECT_EQ(*copy.issuer(), "i");
  EXPECT_NE(copy.issuer()->data(), c.issuer()->data());
}

}  // namespace
}  // namespace tessera
