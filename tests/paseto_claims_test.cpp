// PASETO claims: RFC 3339 times in the shared Claims model, the shared validator policy, the
// footer kid (bounded, strict, read before verification only to pick a key), key sets that
// fail closed, and round trips for every version and purpose, plus the official vectors.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "codec/base64url.hpp"
#include "codec/json.hpp"
#include "tessera/paseto_claims.hpp"
#include "test_util.hpp"

namespace tessera {
namespace {

using paseto::LocalKey;
using paseto::LocalKeySet;
using paseto::Purpose;
using paseto::PublicKey;
using paseto::PublicKeySet;
using paseto::SecretKey;
using paseto::Version;

constexpr std::int64_t kNow = 1'700'000'000;  // 2023-11-14T22:13:20Z
const std::string kIssuer = "https://issuer.example";

template <class T>
Errc code_of(const Result<T>& r) {
  EXPECT_FALSE(r);
  return r ? Errc::internal : r.error().code;
}

boost::json::object object(std::string_view json) { return codec::parse_json_object(json).value(); }

// ---- Claims with RFC 3339 times ---------------------------------------------------------

TEST(PasetoClaimsModelTest, ReadsRfc3339Times) {
  auto c = Claims::from_paseto(object(
      R"({"iss":"i","sub":"s","aud":["a","b"],"jti":"j","exp":"2022-01-01T00:00:00+00:00",)"
      R"("nbf":"2021-12-31T23:00:00Z","iat":"2021-12-31T23:00:00.5-01:00"})"));
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->expires_at(), 1'640'995'200);
  EXPECT_EQ(c->not_before(), 1'640'991'600);
  EXPECT_EQ(c->issued_at(), 1'640'995'200);
  EXPECT_EQ(c->issuer(), "i");
  EXPECT_EQ(c->subject(), "s");
  EXPECT_EQ(c->jwt_id(), "j");
  ASSERT_EQ(c->audience().size(), 2u);
  EXPECT_EQ(c->audience()[1], "b");

  // A copy re-extracts with the same time format.
  Claims copy = *c;
  EXPECT_EQ(copy.expires_at(), 1'640'995'200);
  Claims assigned = Claims::from_paseto(object(R"({"exp":"1970-01-01T00:00:00Z"})")).value();
  assigned = copy;
  EXPECT_EQ(assigned.not_before(), 1'640'991'600);
}

TEST(PasetoClaimsModelTest, TimesMustBeRfc3339Strings) {
  for (const char* json : {R"({"exp":1640995200})", R"({"nbf":1640995200})", R"({"iat":1.5})",
                           R"({"exp":"1640995200"})", R"({"exp":"2022-01-01T00:00:00"})",
                           R"({"exp":"2022-02-30T00:00:00Z"})", R"({"exp":null})", R"({"iat":true})",
                           R"({"nbf":["2022-01-01T00:00:00Z"]})", R"({"exp":"2016-12-31T23:59:60Z"})"}) {
    EXPECT_EQ(code_of(Claims::from_paseto(object(json))), Errc::wrong_type) << json;
    EXPECT_EQ(code_of(Claims::check_paseto(object(json))), Errc::wrong_type) << json;
  }
  EXPECT_EQ(code_of(Claims::from_paseto(object(R"({"iss":7})"))), Errc::wrong_type);
  EXPECT_EQ(code_of(Claims::from_paseto(object(R"({"aud":{}})"))), Errc::wrong_type);
  EXPECT_TRUE(Claims::check_paseto(object(R"({"exp":"2022-01-01T00:00:00Z","other":1})")));
  // And JWT keeps NumericDate: the two formats do not leak into each other.
  EXPECT_EQ(code_of(Claims::from_jwt(object(R"({"exp":"2022-01-01T00:00:00Z"})"))), Errc::wrong_type);
  EXPECT_TRUE(Claims::from_jwt(object(R"({"exp":1640995200})")));
}

// ---- builder and verifier ---------------------------------------------------------------

struct Suite {
  Version v;
  Purpose p;
};
std::string suite_name(const ::testing::TestParamInfo<Suite>& info) {
  return std::string(paseto::version_name(info.param.v)) + (info.param.p == Purpose::local ? "_local" : "_public");
}

class PasetoClaimsTest : public ::testing::TestWithParam<Suite> {
 protected:
  FixedClock clock{kNow};

  void SetUp() override {
    local = LocalKey::generate(version()).value();
    secret = SecretKey::generate(version()).value();
    other_local = LocalKey::generate(version()).value();
    other_secret = SecretKey::generate(version()).value();
  }
  Version version() const { return GetParam().v; }
  bool is_local() const { return GetParam().p == Purpose::local; }
  std::string implicit_for_version() const { return version() == Version::v2 ? "" : "bound-context"; }

  ClaimsValidator::Builder policy() {
    ClaimsValidator::Builder b;
    b.clock(clock).expect_issuer(kIssuer).expect_audience("api");
    return b;
  }
  PasetoVerifier verifier(ClaimsValidator::Builder b) {
    return PasetoVerifier::Builder(b.build().value()).implicit(implicit_for_version()).build();
  }
  PasetoVerifier verifier() { return verifier(policy()); }

  PasetoBuilder good() {
    PasetoBuilder b;
    b.issuer(kIssuer).audience("api").subject("user-1").issued_at(kNow - 10).expires_at(kNow + 300);
    b.implicit(implicit_for_version());
    return b;
  }
  std::string issue(const PasetoBuilder& b) {
    auto t = is_local() ? b.encrypt(*local) : b.sign(*secret);
    EXPECT_TRUE(t) << t.error().message;
    return t.value_or("");
  }
  // A token over a raw payload, bypassing the builder's type checks.
  std::string issue_raw(std::string_view payload, std::string_view footer = {}) {
    auto t = is_local() ? paseto::encrypt(*local, payload, footer, implicit_for_version())
                        : paseto::sign(*secret, payload, footer, implicit_for_version());
    EXPECT_TRUE(t) << t.error().message;
    return t.value_or("");
  }
  Result<VerifiedPaseto> accept(const PasetoVerifier& v, std::string_view token) {
    return is_local() ? v.decrypt(*local, token) : v.verify(secret->public_key(), token);
  }
  // Through key sets: entries are (kid, use the right key?).
  Result<VerifiedPaseto> accept_with_set(const PasetoVerifier& v, std::string_view token,
                                         std::initializer_list<std::pair<const char*, bool>> entries) {
    if (is_local()) {
      LocalKeySet set;
      for (auto [kid, right] : entries) EXPECT_TRUE(set.add(right ? *local : *other_local, kid));
      return v.decrypt(set, token);
    }
    PublicKeySet set;
    for (auto [kid, right] : entries)
      EXPECT_TRUE(set.add(right ? secret->public_key() : other_secret->public_key(), kid));
    return v.verify(set, token);
  }

  std::optional<LocalKey> local, other_local;
  std::optional<SecretKey> secret, other_secret;
};

// Re-encode a token's footer (after verification this must fail: the footer is authenticated).
std::string with_footer(std::string_view token, std::string_view footer) {
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  const auto third = token.find('.', second + 1);
  std::string out(token.substr(0, third));
  out += "." + codec::base64url_encode(footer);
  return out;
}

TEST_P(PasetoClaimsTest, RoundTrip) {
  auto b = good();
  b.jwt_id("id-1").not_before(kNow - 5).claim("scope", "read").footer_kid("k-1");
  const std::string token = issue(b);
  EXPECT_EQ(token.rfind(paseto::header(version(), GetParam().p), 0), 0u) << token;

  auto v = accept(verifier(), token);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->claims().issuer(), kIssuer);
  EXPECT_EQ(v->claims().subject(), "user-1");
  EXPECT_EQ(v->claims().jwt_id(), "id-1");
  EXPECT_EQ(v->claims().expires_at(), kNow + 300);
  EXPECT_EQ(v->claims().not_before(), kNow - 5);
  EXPECT_EQ(v->claims().issued_at(), kNow - 10);
  EXPECT_EQ(v->claims().json().at("exp").as_string(), "2023-11-14T22:18:20+00:00");
  EXPECT_EQ(v->claims().json().at("scope").as_string(), "read");
  EXPECT_EQ(v->footer(), R"({"kid":"k-1"})");
  EXPECT_EQ(v->version(), version());
  EXPECT_EQ(v->purpose(), GetParam().p);
  EXPECT_FALSE(v->key_id());

  auto via_set = accept_with_set(verifier(), token, {{"k-0", false}, {"k-1", true}, {"k-2", false}});
  ASSERT_TRUE(via_set) << via_set.error().message;
  EXPECT_EQ(via_set->key_id(), "k-1");
  EXPECT_EQ(via_set->claims().subject(), "user-1");
}

TEST_P(PasetoClaimsTest, AudienceArrayAndExpiresIn) {
  PasetoBuilder b;
  b.issuer(kIssuer).audience("web").audience("api").expires_in(600, clock).implicit(implicit_for_version());
  auto v = accept(verifier(), issue(b));
  ASSERT_TRUE(v) << v.error().message;
  ASSERT_EQ(v->claims().audience().size(), 2u);
  EXPECT_EQ(v->claims().issued_at(), kNow);
  EXPECT_EQ(v->claims().expires_at(), kNow + 600);
}

TEST_P(PasetoClaimsTest, SharedPolicyRejections) {
  auto expired = good();
  expired.issued_at(kNow - 7200).expires_at(kNow - 3600);
  EXPECT_EQ(code_of(accept(verifier(), issue(expired))), Errc::token_expired);

  auto early = good();
  early.not_before(kNow + 3600);
  EXPECT_EQ(code_of(accept(verifier(), issue(early))), Errc::token_not_yet_valid);

  auto future = good();
  future.issued_at(kNow + 3600);
  EXPECT_EQ(code_of(accept(verifier(), issue(future))), Errc::token_issued_in_future);

  auto issuer = good();
  issuer.issuer("https://evil.example");
  EXPECT_EQ(code_of(accept(verifier(), issue(issuer))), Errc::invalid_issuer);

  auto audience = good();
  audience.claims(boost::json::object{}).issuer(kIssuer).audience("other").expires_at(kNow + 300);
  audience.implicit(implicit_for_version());
  EXPECT_EQ(code_of(accept(verifier(), issue(audience))), Errc::invalid_audience);

  PasetoBuilder no_exp;
  no_exp.issuer(kIssuer).audience("api").implicit(implicit_for_version());
  const std::string t = issue(no_exp);
  EXPECT_EQ(code_of(accept(verifier(), t)), Errc::missing_claim);  // exp required by default
  auto lenient = policy();
  lenient.allow_missing_expiration();
  EXPECT_TRUE(accept(verifier(lenient), t));
}

TEST_P(PasetoClaimsTest, WrongTypesAreRefusedBothWays) {
  // The builder refuses to issue them...
  auto b = good();
  b.claim("exp", kNow + 300);
  EXPECT_EQ(code_of(is_local() ? b.encrypt(*local) : b.sign(*secret)), Errc::wrong_type);
  auto c = good();
  c.claim("nbf", "yesterday");
  EXPECT_EQ(code_of(is_local() ? c.encrypt(*local) : c.sign(*secret)), Errc::wrong_type);
  auto d = good();
  d.expires_at(INT64_MAX);  // not representable in RFC 3339
  EXPECT_EQ(code_of(is_local() ? d.encrypt(*local) : d.sign(*secret)), Errc::invalid_argument);

  // ...and the verifier rejects them from another issuer.
  const std::string exp_number = R"({"iss":")" + kIssuer + R"(","aud":"api","exp":)" + std::to_string(kNow + 300) + "}";
  EXPECT_EQ(code_of(accept(verifier(), issue_raw(exp_number))), Errc::wrong_type);
  EXPECT_EQ(code_of(accept(verifier(), issue_raw(R"({"iss":")" + kIssuer + R"(","exp":"tomorrow"})"))),
            Errc::wrong_type);
}

TEST_P(PasetoClaimsTest, PayloadMustBeAStrictJsonObject) {
  EXPECT_EQ(code_of(accept(verifier(), issue_raw("not json"))), Errc::malformed);
  EXPECT_EQ(code_of(accept(verifier(), issue_raw(R"(["a"])"))), Errc::wrong_type);
  EXPECT_EQ(code_of(accept(verifier(), issue_raw(R"({"iss":"x","iss":")" + kIssuer + R"("})"))),
            Errc::duplicate_member);
  std::string deep(20, '[');
  deep += std::string(20, ']');
  EXPECT_EQ(code_of(accept(verifier(), issue_raw(R"({"x":)" + deep + "}"))), Errc::json_too_deep);
}

TEST_P(PasetoClaimsTest, KeySetSelectionFailsClosed) {
  auto b = good();
  b.footer_kid("k-9");
  const std::string with_unknown_kid = issue(b);
  // A kid that matches no key never falls back to another key, not even the only one.
  EXPECT_EQ(code_of(accept_with_set(verifier(), with_unknown_kid, {{"k-1", true}})), Errc::key_not_found);
  EXPECT_EQ(code_of(accept_with_set(verifier(), with_unknown_kid, {{"k-1", true}, {"k-2", true}})),
            Errc::key_not_found);

  const std::string no_kid = issue(good());
  EXPECT_TRUE(accept_with_set(verifier(), no_kid, {{"only", true}}));
  EXPECT_EQ(code_of(accept_with_set(verifier(), no_kid, {{"k-1", true}, {"k-2", false}})), Errc::key_not_found);
  EXPECT_EQ(code_of(accept_with_set(verifier(), no_kid, {})), Errc::key_not_found);

  auto plain = good();
  plain.footer("not-json-at-all");  // no kid: treated as no kid
  EXPECT_TRUE(accept_with_set(verifier(), issue(plain), {{"only", true}}));

  // The kid selects the wrong key: authentication fails.
  auto k1 = good();
  k1.footer_kid("k-1");
  EXPECT_EQ(code_of(accept_with_set(verifier(), issue(k1), {{"k-1", false}, {"k-2", true}})), Errc::bad_signature);
}

TEST_P(PasetoClaimsTest, TamperedFooterIsRejected) {
  auto b = good();
  b.footer_kid("k-1");
  const std::string token = issue(b);
  // Both kids name the same key, so the tampered kid still selects a key that would verify.
  const std::string tampered = with_footer(token, R"({"kid":"k-2"})");
  EXPECT_TRUE(accept_with_set(verifier(), token, {{"k-1", true}, {"k-2", true}}));
  EXPECT_EQ(code_of(accept_with_set(verifier(), tampered, {{"k-1", true}, {"k-2", true}})), Errc::bad_signature);
  EXPECT_EQ(code_of(accept(verifier(), tampered)), Errc::bad_signature);
  EXPECT_EQ(code_of(accept(verifier(), with_footer(token, "x"))), Errc::bad_signature);
}

TEST_P(PasetoClaimsTest, ExpectedFooterAndImplicitAssertion) {
  auto b = good();
  b.footer("tenant=7");
  const std::string token = issue(b);
  auto vb = PasetoVerifier::Builder(policy().build().value());
  vb.implicit(implicit_for_version()).expect_footer("tenant=7");
  auto ok = accept(vb.build(), token);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->footer(), "tenant=7");
  vb.expect_footer("tenant=8");
  EXPECT_EQ(code_of(accept(vb.build(), token)), Errc::bad_signature);

  if (version() == Version::v2) {
    // v2 has no implicit assertions.
    auto v2 = good();
    v2.implicit("x");
    EXPECT_EQ(code_of(is_local() ? v2.encrypt(*local) : v2.sign(*secret)), Errc::invalid_argument);
  } else {
    auto wrong = PasetoVerifier::Builder(policy().build().value()).implicit("other-context").build();
    EXPECT_EQ(code_of(accept(wrong, token)), Errc::bad_signature);
  }
}

TEST_P(PasetoClaimsTest, TokenSizeBound) {
  auto b = good();
  b.claim("pad", boost::json::string(std::string(4000, 'x')));
  const std::string token = issue(b);
  auto small = PasetoVerifier::Builder(policy().build().value()).implicit(implicit_for_version()).max_token_bytes(1024);
  EXPECT_EQ(code_of(accept(small.build(), token)), Errc::token_too_large);
  EXPECT_EQ(code_of(accept_with_set(small.build(), token, {{"k", true}})), Errc::token_too_large);
}

INSTANTIATE_TEST_SUITE_P(AllSuites, PasetoClaimsTest,
                         ::testing::Values(Suite{Version::v4, Purpose::local}, Suite{Version::v4, Purpose::public_},
                                           Suite{Version::v3, Purpose::local}, Suite{Version::v3, Purpose::public_},
                                           Suite{Version::v2, Purpose::local}, Suite{Version::v2, Purpose::public_}),
                         suite_name);

// ---- footer kid ---------------------------------------------------------------------------

class FooterKidTest : public ::testing::Test {
 protected:
  void SetUp() override { key = LocalKey::generate(Version::v4).value(); }
  std::string token(std::string_view footer) {
    return paseto::encrypt(*key, R"({"exp":"2030-01-01T00:00:00Z"})", footer).value();
  }
  std::optional<LocalKey> key;
};

TEST_F(FooterKidTest, ReadsKid) {
  EXPECT_EQ(paseto::footer_kid(token(R"({"kid":"k-1"})")).value(), "k-1");
  EXPECT_EQ(paseto::footer_kid(token(R"({"kid":"k-1","wpk":"x","n":{"a":1}})")).value(), "k-1");
  EXPECT_EQ(paseto::footer_kid(token(R"({"other":"x"})")).value(), std::nullopt);
  EXPECT_EQ(paseto::footer_kid(token("")).value(), std::nullopt);
  EXPECT_EQ(paseto::footer_kid(token("plain text footer")).value(), std::nullopt);
  EXPECT_EQ(paseto::footer_kid(token(R"(["kid"])")).value(), std::nullopt);  // not '{': not JSON here
}

TEST_F(FooterKidTest, JsonFootersAreBoundedAndStrict) {
  std::string big = R"({"kid":"k","pad":")" + std::string(3000, 'x') + R"("})";
  EXPECT_EQ(code_of(paseto::footer_kid(token(big))), Errc::token_too_large);
  EXPECT_TRUE(paseto::footer_kid(token(big), 4096));
  EXPECT_EQ(code_of(paseto::footer_kid(token(R"({"kid":"k-1"})"), 8)), Errc::token_too_large);

  EXPECT_TRUE(paseto::footer_kid(token(R"({"kid":"k","a":{"b":1},"c":[1]})")));  // depth 2
  EXPECT_EQ(code_of(paseto::footer_kid(token(R"({"kid":"k","a":{"b":{}}})"))), Errc::json_too_deep);
  EXPECT_EQ(code_of(paseto::footer_kid(token(R"({"a":[[1]]})"))), Errc::json_too_deep);
  std::string very_deep = R"({"a":)" + std::string(10000, '[') + std::string(10000, ']') + "}";
  EXPECT_EQ(code_of(paseto::footer_kid(token(very_deep), 65536)), Errc::json_too_deep);

  EXPECT_EQ(code_of(paseto::footer_kid(token(R"({"kid":"k-1","kid":"k-2"})"))), Errc::duplicate_member);
  EXPECT_EQ(code_of(paseto::footer_kid(token(R"({"kid":7})"))), Errc::wrong_type);
  EXPECT_EQ(code_of(paseto::footer_kid(token(R"({"kid":null})"))), Errc::wrong_type);
  EXPECT_EQ(code_of(paseto::footer_kid(token(R"({"kid":"k-1")"))), Errc::malformed);
  EXPECT_EQ(code_of(paseto::footer_kid(token(R"({"kid":"k-1"} trailing)"))), Errc::malformed);
}

TEST_F(FooterKidTest, VerifierAppliesTheFooterBounds) {
  auto validator = ClaimsValidator::Builder().ignore_issuer().build().value();
  LocalKeySet set;
  ASSERT_TRUE(set.add(*key, "k"));
  const std::string big = token(R"({"kid":"k","pad":")" + std::string(3000, 'x') + R"("})");
  EXPECT_EQ(code_of(PasetoVerifier::Builder(validator).build().decrypt(set, big)), Errc::token_too_large);
  EXPECT_TRUE(PasetoVerifier::Builder(validator).max_footer_bytes(4096).build().decrypt(set, big));
  EXPECT_EQ(code_of(PasetoVerifier::Builder(validator).build().decrypt(set, token(R"({"kid":"k","a":{"b":{}}})"))),
            Errc::json_too_deep);
  EXPECT_EQ(code_of(PasetoVerifier::Builder(validator).build().decrypt(set, token(R"({"kid":"k","kid":"k"})"))),
            Errc::duplicate_member);
}

TEST_F(FooterKidTest, RejectsNonTokens) {
  EXPECT_EQ(code_of(paseto::footer_kid("not a token")), Errc::malformed);
  EXPECT_EQ(code_of(paseto::footer_kid(token(R"({"kid":"k"})"), 2048, 16)), Errc::token_too_large);
}

TEST(PasetoKeySetTest, AddAndFind) {
  LocalKeySet set;
  auto k = LocalKey::generate(Version::v4).value();
  EXPECT_TRUE(set.empty());
  EXPECT_TRUE(set.add(k, "a"));
  EXPECT_EQ(code_of(set.add(k, "a")), Errc::invalid_argument);
  EXPECT_EQ(code_of(set.add(k, "")), Errc::invalid_argument);
  EXPECT_NE(set.find("a"), nullptr);
  EXPECT_EQ(set.find("b"), nullptr);
  EXPECT_EQ(set.size(), 1u);
}

TEST(PasetoKeySetTest, KidSelectingAKeyOfAnotherVersionIsWrongKeyType) {
  auto v4 = LocalKey::generate(Version::v4).value();
  auto v3 = LocalKey::generate(Version::v3).value();
  LocalKeySet set;
  ASSERT_TRUE(set.add(v3, "old"));
  ASSERT_TRUE(set.add(v4, "new"));
  PasetoBuilder b;
  b.issuer("i").expires_at(SystemClock::instance().now() + 60).footer_kid("old");
  auto verifier = PasetoVerifier::Builder(ClaimsValidator::Builder().ignore_issuer().build().value()).build();
  EXPECT_EQ(code_of(verifier.decrypt(set, b.encrypt(v4).value())), Errc::wrong_key_type);
  b.footer_kid("new");
  EXPECT_TRUE(verifier.decrypt(set, b.encrypt(v4).value()));
}

// ---- official vectors ----------------------------------------------------------------------

SecretBytes secret_hex(const boost::json::value& v) {
  auto bytes = codec::hex_decode(test::str(v)).value();
  return SecretBytes(std::span<const std::uint8_t>(bytes));
}

TEST(PasetoClaimsVectorsTest, ClaimsAndFooterKidOfTheOfficialVectors) {
  int checked = 0;
  for (const char* file : {"v2.json", "v3.json", "v4.json"}) {
    const auto doc = test::read_vector(std::string("paseto/") + file);
    for (const auto& tv : doc.at("tests").as_array()) {
      const auto& t = tv.as_object();
      if (t.at("expect-fail").as_bool()) continue;
      const std::string name = test::str(t.at("name"));
      const std::string token = test::str(t.at("token"));
      const std::string footer = test::str(t.at("footer"));
      const auto version = static_cast<Version>(name[0] - '0');
      const std::string implicit = version == Version::v2 ? "" : test::str(t.at("implicit-assertion"));

      // exp is the only time claim; validate just before it.
      const auto payload = codec::parse_json_object(test::str(t.at("payload"))).value();
      const auto exp = Claims::from_paseto(payload).value().expires_at().value();
      FixedClock clock(exp - 3600);
      auto validator = ClaimsValidator::Builder().clock(clock).ignore_issuer().build().value();
      const auto verifier = PasetoVerifier::Builder(validator).implicit(implicit).build();

      auto kid = paseto::footer_kid(token);
      ASSERT_TRUE(kid) << name;
      if (!footer.empty() && footer.front() == '{') {
        EXPECT_EQ(*kid, codec::get_string(codec::parse_json_object(footer).value(), "kid").value()) << name;
      } else {
        EXPECT_FALSE(*kid) << name;
      }

      Result<VerifiedPaseto> v = fail(Errc::internal);
      if (t.contains("key")) {
        auto key = LocalKey::from_bytes(version, secret_hex(t.at("key"))).value();
        LocalKeySet set;
        ASSERT_TRUE(set.add(key, kid->value_or("the-only-key")));
        if (*kid) {
          ASSERT_TRUE(set.add(LocalKey::generate(version).value(), "decoy"));
        }
        v = verifier.decrypt(set, token);
      } else {
        auto pub_bytes = codec::hex_decode(test::str(t.at("public-key"))).value();
        auto pub = PublicKey::from_bytes(version, pub_bytes).value();
        PublicKeySet set;
        ASSERT_TRUE(set.add(pub, kid->value_or("the-only-key")));
        if (*kid) {
          ASSERT_TRUE(set.add(SecretKey::generate(version).value().public_key(), "decoy"));
        }
        v = verifier.verify(set, token);
      }
      ASSERT_TRUE(v) << name << ": " << v.error().message;
      EXPECT_EQ(v->claims().expires_at(), exp) << name;
      EXPECT_EQ(v->footer(), footer) << name;
      EXPECT_EQ(v->version(), version) << name;

      // After exp, the shared policy says expired.
      FixedClock later(exp + 3600);
      auto late = PasetoVerifier::Builder(ClaimsValidator::Builder().clock(later).ignore_issuer().build().value())
                      .implicit(implicit)
                      .build();
      if (t.contains("key")) {
        EXPECT_EQ(code_of(late.decrypt(LocalKey::from_bytes(version, secret_hex(t.at("key"))).value(), token)),
                  Errc::token_expired)
            << name;
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, 30);
}

}  // namespace
}  // namespace tessera
