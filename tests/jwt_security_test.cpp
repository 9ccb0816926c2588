// docs/design.md invariants 1, 2, 3 and 7 for JWS/JWT: one test per rule, each asserting the code.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "codec/base64url.hpp"
#include "keys/key_impl.hpp"
#include "tessera/jwt.hpp"

namespace tessera {
namespace {

using codec::base64url_encode;

constexpr std::int64_t kNow = 1'700'000'000;

std::string b64(std::string_view s) { return base64url_encode(s); }

// A token with an arbitrary header and payload, HMAC-signed with key (or unsigned).
std::string forge(const Key& key, Algorithm alg, std::string_view header, std::string_view payload) {
  std::string input = b64(header) + "." + b64(payload);
  auto sig = keys::sign(key, alg, crypto::as_bytes(input));
  EXPECT_TRUE(sig) << (sig ? "" : sig.error().message);
  return input + "." + base64url_encode(*sig);
}

class JwtSecurity : public ::testing::Test {
 protected:
  FixedClock clock{kNow};
  Key hs = Key::generate(KeySpec::hs256, "hs").value();
  Key rsa = Key::generate(KeySpec::rsa2048, "rsa").value();
  Key ec = Key::generate(KeySpec::p256, "ec").value();
  Key ed = Key::generate(KeySpec::ed25519, "ed").value();
  std::string claims = R"({"iss":"me","exp":)" + std::to_string(kNow + 300) + "}";

  JwtVerifier verifier(const Key& key, std::vector<Algorithm> algs = {}) {
    KeySet set;
    EXPECT_TRUE(set.add(key));
    auto v = ClaimsValidator::Builder().clock(clock).expect_issuer("me").build().value();
    return JwtVerifier::Builder(set, v).allow_algorithms(std::move(algs)).build().value();
  }
  Errc code(const JwtVerifier& v, std::string_view token) {
    auto r = v.verify(token);
    EXPECT_FALSE(r) << token;
    return r ? Errc::internal : r.error().code;
  }
};

TEST_F(JwtSecurity, GoodTokensVerifyForEveryAlgorithm) {
  struct { KeySpec spec; std::vector<Algorithm> algs; } cases[] = {
      {KeySpec::hs256, {Algorithm::HS256}}, {KeySpec::hs384, {Algorithm::HS384}}, {KeySpec::hs512, {Algorithm::HS512}},
      {KeySpec::rsa2048, {Algorithm::RS256, Algorithm::RS384, Algorithm::RS512, Algorithm::PS256, Algorithm::PS384, Algorithm::PS512}},
      {KeySpec::p256, {Algorithm::ES256}}, {KeySpec::p384, {Algorithm::ES384}}, {KeySpec::p521, {Algorithm::ES512}},
      {KeySpec::ed25519, {Algorithm::EdDSA}}};
  for (const auto& c : cases) {
    auto key = Key::generate(c.spec).value();
    for (auto alg : c.algs) {
      auto token = JwtBuilder().issuer("me").subject("alice").audience("api").expires_at(kNow + 60).algorithm(alg).sign(key);
      ASSERT_TRUE(token) << alg_name(alg);
      auto pub = key.is_symmetric() ? key : key.public_key().value();
      KeySet set;
      ASSERT_TRUE(set.add(pub));
      auto v = ClaimsValidator::Builder().clock(clock).expect_issuer("me").expect_audience("api").build().value();
      auto jwt = JwtVerifier::Builder(set, v).build().value().verify(*token);
      ASSERT_TRUE(jwt) << alg_name(alg) << ": " << jwt.error().message;
      EXPECT_EQ(jwt->algorithm(), alg);
      EXPECT_EQ(*jwt->claims().subject(), "alice");
    }
  }
}

// Invariant 1: "none" never verifies, in any spelling.
TEST_F(JwtSecurity, AlgNoneNeverVerifies) {
  for (std::string_view none : {"none", "None", "NONE", "nOnE"}) {
    std::string token = b64(std::string(R"({"alg":")") + std::string(none) + R"("})") + "." + b64(claims) + ".";
    EXPECT_EQ(code(verifier(hs), token), Errc::alg_not_allowed) << none;
    EXPECT_EQ(code(verifier(rsa), token), Errc::alg_not_allowed) << none;
  }
}

// Invariant 1: RS/HS confusion: HMAC with the RSA public key as secret does not verify.
TEST_F(JwtSecurity, RsaPublicKeyIsNeverAnHmacSecret) {
  auto pub = rsa.public_key().value();
  const std::string pem = pub.to_pem().value();
  auto secret = Key::from_secret(SecretBytes(pem), Algorithm::HS256, "rsa").value();
  std::string token = forge(secret, Algorithm::HS256, R"({"alg":"HS256","kid":"rsa"})", claims);
  EXPECT_EQ(code(verifier(pub), token), Errc::alg_not_allowed);
  std::string no_kid = forge(secret, Algorithm::HS256, R"({"alg":"HS256"})", claims);
  EXPECT_EQ(code(verifier(pub), no_kid), Errc::alg_not_allowed);
}

// Invariant 1: the header cannot pick an algorithm outside the key's or the verifier's list.
TEST_F(JwtSecurity, AlgorithmAllowList) {
  auto es384_claim = std::string(R"({"alg":"ES384","kid":"ec"})");
  std::string token = b64(es384_claim) + "." + b64(claims) + "." + b64(std::string(96, 'x'));
  EXPECT_EQ(code(verifier(ec), token), Errc::alg_not_allowed);
  auto rs512 = JwtBuilder().claims(boost::json::parse(claims).as_object()).algorithm(Algorithm::RS512).sign(rsa).value();
  EXPECT_TRUE(verifier(rsa).verify(rs512));
  EXPECT_EQ(code(verifier(rsa, {Algorithm::RS256}), rs512), Errc::alg_not_allowed);
  // An Ed25519 key does not verify an ES256 token, even with the right kid.
  auto es = JwtBuilder().claims(boost::json::parse(claims).as_object()).key_id("ed").sign(ec).value();
  EXPECT_EQ(code(verifier(ed), es), Errc::alg_not_allowed);
  EXPECT_EQ(code(verifier(hs), "eyJhbGciOiJYWTEyMyJ9." + b64(claims) + ".AAAA"), Errc::alg_not_allowed);
}

// Invariant 2: embedded or fetched keys are never used.
TEST_F(JwtSecurity, EmbeddedKeyHeadersAreIgnored) {
  auto attacker = Key::generate(KeySpec::ed25519, "ed").value();
  const std::string jwk = attacker.public_key().value().to_jwk_json().value();
  for (std::string extra : {R"("jwk":)" + jwk, std::string(R"("jku":"https://evil.example/jwks")"),
                            std::string(R"("x5u":"https://evil.example/cert")"), std::string(R"("x5c":["MIIB"])")}) {
    std::string header = R"({"alg":"EdDSA","kid":"ed",)" + extra + "}";
    std::string input = b64(header) + "." + b64(claims);
    auto sig = keys::sign(attacker, Algorithm::EdDSA, crypto::as_bytes(input)).value();
    EXPECT_EQ(code(verifier(ed), input + "." + base64url_encode(sig)), Errc::bad_signature) << extra;
  }
}

// Invariant 2: kid only selects among configured keys.
TEST_F(JwtSecurity, KidOnlySelectsConfiguredKeys) {
  for (std::string kid : {std::string("other"), std::string("../../../dev/null"), std::string(), std::string("hs\0", 3),
                          std::string("HS")}) {
    boost::json::object h{{"alg", "HS256"}, {"kid", kid}};
    EXPECT_EQ(code(verifier(hs), forge(hs, Algorithm::HS256, boost::json::serialize(h), claims)), Errc::key_not_found);
  }
  EXPECT_EQ(code(verifier(hs), forge(hs, Algorithm::HS256, R"({"alg":"HS256","kid":7})", claims)), Errc::wrong_type);
}

TEST_F(JwtSecurity, KeySetSelectsByKidAndTriesAllowedKeysWithout) {
  auto hs2 = Key::generate(KeySpec::hs256, "hs2").value();
  KeySet set;
  ASSERT_TRUE(set.add(hs));
  ASSERT_TRUE(set.add(hs2));
  auto v = JwtVerifier::Builder(set, ClaimsValidator::Builder().clock(clock).expect_issuer("me").build().value()).build().value();
  EXPECT_TRUE(v.verify(forge(hs2, Algorithm::HS256, R"({"alg":"HS256","kid":"hs2"})", claims)));
  EXPECT_TRUE(v.verify(forge(hs2, Algorithm::HS256, R"({"alg":"HS256"})", claims)));
  EXPECT_EQ(code(v, forge(hs2, Algorithm::HS256, R"({"alg":"HS256","kid":"hs"})", claims)), Errc::bad_signature);
}

// One key that no one named (a PEM key, a JWK without kid) verifies whatever kid a token
// carries, as node jose and PyJWT do with one key; everything else selects strictly by kid.
class UnnamedKey : public JwtSecurity {
 protected:
  JwtVerifier from_file(std::string_view text, std::vector<Algorithm> algs = {}) {
    auto set = load_key_set(text);
    EXPECT_TRUE(set) << (set ? "" : set.error().message);
    auto v = ClaimsValidator::Builder().clock(clock).expect_issuer("me").build().value();
    return JwtVerifier::Builder(std::move(*set), v).allow_algorithms(std::move(algs)).build().value();
  }
  static std::string header(std::string_view alg, std::string_view kid) {
    return boost::json::serialize(boost::json::object{{"alg", alg}, {"kid", kid}});
  }
  static std::string without_kid(const Key& key) {
    auto jwk = key.public_key().value().to_jwk().value();
    jwk.erase("kid");
    return boost::json::serialize(jwk);
  }
  const std::vector<std::string> kids{"k1", "", "other", "rsa", "../../etc/passwd", std::string("k\0", 2)};
};

TEST_F(UnnamedKey, PemKeyVerifiesWhateverKidTheTokenCarries) {
  const auto v = from_file(rsa.public_key().value().to_pem().value());
  for (const auto& kid : kids)
    EXPECT_TRUE(v.verify(forge(rsa, Algorithm::RS256, header("RS256", kid), claims))) << kid;
  EXPECT_TRUE(v.verify(forge(rsa, Algorithm::PS256, R"({"alg":"PS256"})", claims)));
  // Any kid finds the key, but only the key's own signature verifies.
  auto other = Key::generate(KeySpec::rsa2048, "k1").value();
  EXPECT_EQ(code(v, forge(other, Algorithm::RS256, header("RS256", "k1"), claims)), Errc::bad_signature);
}

TEST_F(UnnamedKey, JwkWithoutKidVerifiesWhateverKidTheTokenCarries) {
  const auto v = from_file(without_kid(ec));
  for (const auto& kid : kids)
    EXPECT_TRUE(v.verify(forge(ec, Algorithm::ES256, header("ES256", kid), claims))) << kid;
}

TEST_F(UnnamedKey, AJwkWithAKidAndAnyJwksSelectStrictly) {
  const auto named = from_file(rsa.public_key().value().to_jwk_json().value());  // kid "rsa"
  EXPECT_TRUE(named.verify(forge(rsa, Algorithm::RS256, header("RS256", "rsa"), claims)));
  EXPECT_TRUE(named.verify(forge(rsa, Algorithm::RS256, R"({"alg":"RS256"})", claims)));
  EXPECT_EQ(code(named, forge(rsa, Algorithm::RS256, header("RS256", "k1"), claims)), Errc::key_not_found);
  // A JWKS of one key, even a key without kid (named by its thumbprint), is a key *set*.
  const auto jwks = from_file(R"({"keys":[)" + without_kid(rsa) + "]}");
  EXPECT_TRUE(jwks.verify(forge(rsa, Algorithm::RS256, R"({"alg":"RS256"})", claims)));
  EXPECT_TRUE(jwks.verify(forge(rsa, Algorithm::RS256, header("RS256", rsa.thumbprint()), claims)));
  for (const auto& kid : kids)
    EXPECT_EQ(code(jwks, forge(rsa, Algorithm::RS256, header("RS256", kid), claims)), Errc::key_not_found) << kid;
  // A set built by add() names every key; a second key ends the single-key rule.
  auto single = KeySet::single_key(rsa.public_key().value()).value();
  EXPECT_TRUE(single.any_kid_selects_the_key());
  EXPECT_EQ(single.select_by_token_kid("k1"), single.primary());
  EXPECT_EQ(single.find("k1"), nullptr);  // find stays exact
  ASSERT_TRUE(single.add(ec.public_key().value()));
  EXPECT_FALSE(single.any_kid_selects_the_key());
  EXPECT_EQ(single.select_by_token_kid("k1"), nullptr);
  KeySet added;
  ASSERT_TRUE(added.add(rsa.public_key().value().with_kid("")));
  EXPECT_FALSE(added.any_kid_selects_the_key());
}

// Invariant 1 holds for the unnamed key: a kid finds it, but alg never picks another key type.
TEST_F(UnnamedKey, AlgStillCannotPickAnotherKeyType) {
  const std::string pem = rsa.public_key().value().to_pem().value();
  const auto v = from_file(pem);
  auto hmac = Key::from_secret(SecretBytes(pem), Algorithm::HS256, "k1").value();
  for (const auto& kid : {std::string("k1"), rsa.thumbprint()})
    EXPECT_EQ(code(v, forge(hmac, Algorithm::HS256, header("HS256", kid), claims)), Errc::alg_not_allowed) << kid;
  EXPECT_EQ(code(v, forge(hmac, Algorithm::HS256, R"({"alg":"HS256"})", claims)), Errc::alg_not_allowed);
  const std::string fake_sig = "." + b64(std::string(64, 'x'));
  for (std::string alg : {"ES256", "EdDSA", "HS512", "none", "RS1"})
    EXPECT_EQ(code(v, b64(header(alg, "k1")) + "." + b64(claims) + fake_sig), Errc::alg_not_allowed) << alg;
  // The verifier's own list still narrows it.
  const auto rs256_only = from_file(pem, {Algorithm::RS256});
  EXPECT_EQ(code(rs256_only, forge(rsa, Algorithm::PS256, header("PS256", "k1"), claims)), Errc::alg_not_allowed);
  // An EC key without kid: an Ed25519 or ES384 token with some kid is still not for it.
  const auto ec_v = from_file(without_kid(ec));
  EXPECT_EQ(code(ec_v, forge(ed, Algorithm::EdDSA, header("EdDSA", "k1"), claims)), Errc::alg_not_allowed);
  auto ec384 = Key::generate(KeySpec::p384, "k1").value();
  EXPECT_EQ(code(ec_v, forge(ec384, Algorithm::ES384, header("ES384", "k1"), claims)), Errc::alg_not_allowed);
  // use / key_ops still apply.
  auto enc = ec.public_key().value().to_jwk().value();
  enc.erase("kid");
  enc["use"] = "enc";
  EXPECT_EQ(code(from_file(boost::json::serialize(enc)), forge(ec, Algorithm::ES256, header("ES256", "k1"), claims)),
            Errc::key_not_permitted);
}

// crit with anything in it is refused (no extensions implemented).
TEST_F(JwtSecurity, CritIsRejected) {
  for (std::string crit : {R"(["exp"])", R"(["b64"])", R"(["x-unknown"])", R"([])", R"("exp")"}) {
    std::string header = R"({"alg":"HS256","crit":)" + crit + R"(,"exp":1})";
    EXPECT_EQ(code(verifier(hs), forge(hs, Algorithm::HS256, header, claims)), Errc::crit_unsupported) << crit;
  }
}

// Invariant 3: HMAC keys shorter than the hash are refused.
TEST_F(JwtSecurity, ShortHmacKeysAreRefused) {
  EXPECT_EQ(Key::from_secret(SecretBytes(std::string(31, 'k')), Algorithm::HS256).error().code, Errc::key_too_short);
  EXPECT_EQ(Key::from_secret(SecretBytes(std::string(47, 'k')), Algorithm::HS384).error().code, Errc::key_too_short);
  EXPECT_EQ(Key::from_secret(SecretBytes(std::string(63, 'k')), Algorithm::HS512).error().code, Errc::key_too_short);
  EXPECT_EQ(Key::from_jwk(R"({"kty":"oct","k":"c2VjcmV0"})").error().code, Errc::key_too_short);
  EXPECT_TRUE(Key::from_secret(SecretBytes(std::string(32, 'k')), Algorithm::HS256));
}

// Invariant 7: duplicate member names, in the header and in the claims.
TEST_F(JwtSecurity, DuplicateMembersAreRejected) {
  EXPECT_EQ(code(verifier(hs), forge(hs, Algorithm::HS256, R"({"alg":"HS256","alg":"HS256"})", claims)),
            Errc::duplicate_member);
  std::string dup = R"({"iss":"me","exp":)" + std::to_string(kNow + 300) + R"(,"sub":"a","sub":"admin"})";
  EXPECT_EQ(code(verifier(hs), forge(hs, Algorithm::HS256, R"({"alg":"HS256"})", dup)), Errc::duplicate_member);
}

TEST_F(JwtSecurity, OversizedTokensAreRefusedBeforeDecoding) {
  std::string huge(64 * 1024 + 1, 'A');
  EXPECT_EQ(code(verifier(hs), huge), Errc::token_too_large);
  KeySet set;
  ASSERT_TRUE(set.add(hs));
  auto v = JwtVerifier::Builder(set, ClaimsValidator::Builder().clock(clock).expect_issuer("me").build().value())
               .max_token_bytes(100)
               .build()
               .value();
  auto token = forge(hs, Algorithm::HS256, R"({"alg":"HS256"})", claims + std::string(60, ' '));
  EXPECT_EQ(code(v, token), Errc::token_too_large);
}

TEST_F(JwtSecurity, DeepNestingIsBounded) {
  std::string deep = R"({"iss":"me","exp":)" + std::to_string(kNow + 300) + R"(,"x":)" + std::string(40, '[') +
                     std::string(40, ']') + "}";
  EXPECT_EQ(code(verifier(hs), forge(hs, Algorithm::HS256, R"({"alg":"HS256"})", deep)), Errc::json_too_deep);
  std::string deep_header = R"({"alg":"HS256","x":[[[[[1]]]]]})";
  EXPECT_EQ(code(verifier(hs), forge(hs, Algorithm::HS256, deep_header, claims)), Errc::json_too_deep);
}

TEST_F(JwtSecurity, WrongTypesAreErrors) {
  auto with = [&](std::string c) { return forge(hs, Algorithm::HS256, R"({"alg":"HS256"})", c); };
  EXPECT_EQ(code(verifier(hs), with(R"({"iss":"me","exp":"1700000300"})")), Errc::wrong_type);
  EXPECT_EQ(code(verifier(hs), with(R"({"iss":"me","exp":1700000300,"aud":{"a":1}})")), Errc::wrong_type);
  EXPECT_EQ(code(verifier(hs), with(R"({"iss":["me"],"exp":1700000300})")), Errc::wrong_type);
  EXPECT_EQ(code(verifier(hs), with(R"(["not","an","object"])")), Errc::wrong_type);
  EXPECT_EQ(code(verifier(hs), with("not json")), Errc::malformed);
  EXPECT_EQ(code(verifier(hs), forge(hs, Algorithm::HS256, R"({"alg":256})", claims)), Errc::wrong_type);
  EXPECT_EQ(code(verifier(hs), forge(hs, Algorithm::HS256, R"({"typ":"JWT"})", claims)), Errc::malformed);
}

TEST_F(JwtSecurity, MalformedCompactSerializations) {
  auto good = forge(hs, Algorithm::HS256, R"({"alg":"HS256"})", claims);
  auto v = verifier(hs);
  EXPECT_TRUE(v.verify(good));
  const auto d1 = good.find('.');
  const auto d2 = good.rfind('.');
  for (std::string bad : {std::string(""), std::string("."), std::string(".."), good.substr(0, d2), good + ".",
                          good + ".x", "x" + good.substr(d1), good.substr(0, d1) + ".!!!" + good.substr(d2),
                          good.substr(0, d2) + ".AAA=", good.substr(0, d2) + ".", good + "=",
                          " " + good, good.substr(0, d1) + "=" + good.substr(d1)}) {
    auto r = v.verify(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_TRUE(r.error().code == Errc::malformed || r.error().code == Errc::bad_signature) << bad << " " << r.error().name();
  }
  // A signature with one stray trailing bit (non-canonical base64url) is malformed, not accepted.
  std::string sig = good.substr(d2 + 1);
  std::string last = sig.substr(sig.size() - 1);
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const auto idx = alphabet.find(last[0]);
  std::string noncanon = good.substr(0, good.size() - 1) + alphabet[idx ^ 1];
  EXPECT_EQ(code(v, noncanon), Errc::malformed);
}

// ECDSA: only the raw fixed-length r||s form; DER, wrong lengths and r = s = 0 fail.
TEST_F(JwtSecurity, EcdsaSignatureForms) {
  auto token = JwtBuilder().claims(boost::json::parse(claims).as_object()).sign(ec).value();
  auto v = verifier(ec);
  ASSERT_TRUE(v.verify(token));
  const auto dot = token.rfind('.');
  auto raw = codec::base64url_decode(token.substr(dot + 1)).value();
  ASSERT_EQ(raw.size(), 64u);
  auto der = crypto::ecdsa_raw_to_der(raw, 32).value();
  EXPECT_EQ(code(v, token.substr(0, dot + 1) + base64url_encode(der)), Errc::bad_signature);
  std::vector<std::uint8_t> zeros(64, 0);
  EXPECT_EQ(code(v, token.substr(0, dot + 1) + base64url_encode(zeros)), Errc::bad_signature);
  std::vector<std::uint8_t> shorter(raw.begin(), raw.end() - 1);
  EXPECT_EQ(code(v, token.substr(0, dot + 1) + base64url_encode(shorter)), Errc::bad_signature);
  EXPECT_EQ(code(v, token.substr(0, dot + 1)), Errc::bad_signature);
}

TEST_F(JwtSecurity, TypCheck) {
  KeySet set;
  ASSERT_TRUE(set.add(hs));
  auto val = ClaimsValidator::Builder().clock(clock).expect_issuer("me").build().value();
  auto v = JwtVerifier::Builder(set, val).expect_type("at+jwt").build().value();
  auto builder = JwtBuilder().claims(boost::json::parse(claims).as_object());
  EXPECT_TRUE(v.verify(JwtBuilder(builder).type("at+jwt").sign(hs).value()));
  EXPECT_TRUE(v.verify(JwtBuilder(builder).type("application/AT+JWT").sign(hs).value()));
  EXPECT_EQ(code(v, JwtBuilder(builder).type("JWT").sign(hs).value()), Errc::invalid_type);
  EXPECT_EQ(code(v, builder.sign(hs).value()), Errc::invalid_type);
}

TEST_F(JwtSecurity, UseAndKeyOpsAreHonoured) {
  auto enc = Key::from_jwk(R"({"kty":"oct","use":"enc","k":")" + std::string(43, 'A') + R"("})").value();
  EXPECT_FALSE(enc.can_verify());
  EXPECT_EQ(JwtBuilder().claims(boost::json::parse(claims).as_object()).sign(enc).error().code, Errc::key_not_permitted);
  auto token = forge(hs, Algorithm::HS256, R"({"alg":"HS256"})", claims);
  auto jwk = boost::json::parse(hs.to_jwk_json(true).value()).as_object();
  jwk["key_ops"] = boost::json::array{"sign"};
  auto sign_only = Key::from_jwk(jwk).value();
  EXPECT_EQ(code(verifier(sign_only), token), Errc::key_not_permitted);
  auto pub = rsa.public_key().value();
  EXPECT_FALSE(pub.can_sign());
  EXPECT_EQ(JwtBuilder().claims(boost::json::parse(claims).as_object()).sign(pub).error().code, Errc::key_not_permitted);
}

TEST_F(JwtSecurity, BuilderRefusesWrongClaimTypes) {
  EXPECT_EQ(JwtBuilder().claim("exp", "tomorrow").sign(hs).error().code, Errc::wrong_type);
  EXPECT_EQ(JwtBuilder().claim("aud", boost::json::object{{"a", 1}}).sign(hs).error().code, Errc::wrong_type);
}

TEST_F(JwtSecurity, DecodeUnverifiedIsOnlyDecoding) {
  auto token = forge(hs, Algorithm::HS256, R"({"alg":"HS256"})", claims);
  token.back() = token.back() == 'A' ? 'B' : 'A';  // broken signature: still decodes
  auto d = decode_unverified_for_debugging(token);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->header.at("alg").as_string(), "HS256");
  EXPECT_EQ(d->payload.at("iss").as_string(), "me");
  EXPECT_FALSE(decode_unverified_for_debugging("a.b"));
}

}  // namespace
}  // namespace tessera
