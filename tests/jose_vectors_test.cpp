// Official JOSE examples: RFC 7520 §4 (read from tests/vectors/jose), RFC 8037 Ed25519,
// RFC 7515 Appendix A.1 and A.5. Deterministic signatures are reproduced byte for byte.
#include <gtest/gtest.h>

#include "codec/base64url.hpp"
#include "keys/key_impl.hpp"
#include "tessera/jwt.hpp"
#include "test_util.hpp"

namespace tessera {
namespace {

using test::read_vector;
using test::str;

struct Case {
  const char* file;
  bool reproducible;
};

class JoseVector : public ::testing::TestWithParam<Case> {};

TEST_P(JoseVector, CompactVerifiesAndReproduces) {
  auto v = read_vector(GetParam().file);
  const auto& input = v.at("input").as_object();
  auto key = Key::from_jwk(input.at("key").as_object());
  ASSERT_TRUE(key) << key.error().message;
  const auto alg = parse_algorithm(str(input.at("alg")));
  ASSERT_TRUE(alg);
  EXPECT_TRUE(key->allows(*alg));

  KeySet set;
  ASSERT_TRUE(set.add(*key));
  JwsVerifier verifier(set);
  const std::string compact = str(v.at("output").at("compact"));
  auto verified = verifier.verify(compact);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->payload(), str(input.at("payload")));
  EXPECT_EQ(verified->algorithm(), *alg);

  // The signature over the vector's own signing input.
  const auto& signing = v.at("signing").as_object();
  const std::string sig_input = str(signing.at("sig-input"));
  if (GetParam().reproducible) {
    auto sig = keys::sign(*key, *alg, crypto::as_bytes(sig_input));
    ASSERT_TRUE(sig);
    EXPECT_EQ(codec::base64url_encode(*sig), str(signing.at("sig")));
    // And the whole token from Tessera's own signer, header member order included.
    JwsSignOptions opt;
    opt.alg = *alg;
    opt.include_kid = signing.at("protected").as_object().contains("kid");
    auto token = jws_sign(*key, str(input.at("payload")), opt);
    ASSERT_TRUE(token);
    EXPECT_EQ(*token, compact);
  } else {
    // Randomised schemes: a fresh signature must verify, and differ from the vector's.
    auto sig = keys::sign(*key, *alg, crypto::as_bytes(sig_input));
    ASSERT_TRUE(sig);
    EXPECT_TRUE(keys::verify(*key, *alg, crypto::as_bytes(sig_input), *sig));
  }

  // One flipped bit anywhere in the signature fails.
  std::string tampered = compact;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  auto bad = verifier.verify(tampered);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::bad_signature);
}

INSTANTIATE_TEST_SUITE_P(Rfc7520, JoseVector,
                         ::testing::Values(Case{"jose/jws/4_1.rsa_v15_signature.json", true},
                                           Case{"jose/jws/4_2.rsa-pss_signature.json", false},
                                           Case{"jose/jws/4_3.ecdsa_signature.json", false},
                                           Case{"jose/jws/4_4.hmac-sha2_integrity_protection.json", true},
                                           Case{"jose/curve25519/jws.json", true}));

TEST(JoseVectors, DetachedContent_4_5) {
  auto v = read_vector("jose/jws/4_5.signature_with_detached_content.json");
  auto key = Key::from_jwk(v.at("input").at("key").as_object()).value();
  KeySet set;
  ASSERT_TRUE(set.add(key));
  JwsVerifier verifier(set);
  const std::string compact = str(v.at("output").at("compact"));
  const std::string payload = str(v.at("input").at("payload"));
  auto ok = verifier.verify_detached(compact, payload);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->payload(), payload);
  // Without the payload the signature does not hold; with another payload neither.
  EXPECT_EQ(verifier.verify(compact).error().code, Errc::bad_signature);
  EXPECT_EQ(verifier.verify_detached(compact, payload + "!").error().code, Errc::bad_signature);
}

TEST(JoseVectors, Rfc7797UnencodedPayloadIsRejectedAsCrit) {
  // Tessera implements no JWS extension; b64=false arrives with crit ["b64"].
  auto v = read_vector("jose/rfc7797/hmac-sha2_b64_false.json");
  auto key = Key::from_jwk(v.at("input").at("key").as_object()).value();
  KeySet set;
  ASSERT_TRUE(set.add(key));
  auto r = JwsVerifier(set).verify(str(v.at("output").at("compact")));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::crit_unsupported);
}

TEST(JoseVectors, Rfc7520Keys) {
  for (const char* f : {"jose/jwk/3_1.ec_public_key.json", "jose/jwk/3_2.ec_private_key.json",
                        "jose/jwk/3_3.rsa_public_key.json", "jose/jwk/3_4.rsa_private_key.json",
                        "jose/jwk/3_5.symmetric_key_mac_computation.json",
                        "jose/jwk/3_6.symmetric_key_encryption.json"}) {
    auto text = test::read_file(test::vectors_dir() + "/" + f);
    auto key = Key::from_jwk(text);
    ASSERT_TRUE(key) << f << ": " << key.error().message;
    EXPECT_EQ(key->kid(), str(boost::json::parse(text).at("kid"))) << f;
  }
}

// RFC 7515 Appendix A.1: HS256 over a JWT whose header and claims contain CR LF whitespace.
TEST(Rfc7515, AppendixA1) {
  auto key = Key::from_jwk(
      R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})");
  ASSERT_TRUE(key) << key.error().message;
  const std::string token =
      "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
      ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
      ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
  KeySet set;
  ASSERT_TRUE(set.add(*key));
  FixedClock clock(1300819380 - 10);
  auto validator = ClaimsValidator::Builder().clock(clock).expect_issuer("joe").build().value();
  auto verifier = JwtVerifier::Builder(set, validator).expect_type("JWT").build().value();
  auto jwt = verifier.verify(token);
  ASSERT_TRUE(jwt) << jwt.error().message;
  EXPECT_EQ(*jwt->claims().issuer(), "joe");
  EXPECT_TRUE(jwt->claims().json().at("http://example.com/is_root").as_bool());
  // The same token after its exp (1300819380) plus leeway is expired.
  FixedClock later(1300819380 + 61);
  auto late = JwtVerifier::Builder(set, ClaimsValidator::Builder().clock(later).expect_issuer("joe").build().value())
                  .build()
                  .value()
                  .verify(token);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, Errc::token_expired);
}

// RFC 7515 Appendix A.5: an Unsecured JWS ("alg":"none") never verifies, whatever the key.
TEST(Rfc7515, AppendixA5UnsecuredIsRejected) {
  const std::string token =
      "eyJhbGciOiJub25lIn0"
      ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
      ".";
  auto key = Key::generate(KeySpec::hs256).value();
  KeySet set;
  ASSERT_TRUE(set.add(key));
  auto r = JwsVerifier(set).verify(token);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::alg_not_allowed);
}

}  // namespace
}  // namespace tessera
