// Tests for src/keys: algorithm names, JWK / PEM / JWKS loading and writing, the RFC 7638
// thumbprint, the allow-list bound to each key, use / key_ops, and generation round trips.
// Vectors: RFC 7520 §3 JWKs and §4 JWS signatures, RFC 8037 Ed25519 (TESSERA_VECTORS_DIR).
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "codec/base64url.hpp"
#include "codec/json.hpp"
#include "keys/key_impl.hpp"

namespace tessera {
namespace {

namespace json = boost::json;

#define ASSERT_OK(r) ASSERT_TRUE((r).has_value()) << (r).error().name() << ": " << (r).error().message

template <class T>
std::string err(const Result<T>& r) {
  return r ? std::string("ok") : std::string(r.error().name());
}

std::string vector_file(const std::string& rel) {
  std::ifstream in(std::string(TESSERA_VECTORS_DIR) + "/jose/" + rel, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

json::object vector_json(const std::string& rel) {
  auto o = codec::parse_json_object(vector_file(rel));
  return o ? std::move(*o) : json::object{};
}

crypto::ByteView bytes(std::string_view s) { return crypto::as_bytes(s); }
constexpr std::string_view kMsg = "a message to sign";

// ---- names -------------------------------------------------------------------------------

TEST(Algorithm, NamesRoundTripAndNoneIsUnknown) {
  for (std::size_t i = 0; i < kAlgorithmCount; ++i) {
    const auto alg = static_cast<Algorithm>(i);
    EXPECT_EQ(parse_algorithm(alg_name(alg)), alg) << alg_name(alg);
  }
  EXPECT_EQ(alg_name(Algorithm::EdDSA), "EdDSA");
  EXPECT_FALSE(parse_algorithm("none"));
  EXPECT_FALSE(parse_algorithm("hs256"));
  EXPECT_FALSE(parse_algorithm(""));
  EXPECT_EQ(parse_key_spec("rsa3072"), KeySpec::rsa3072);
  EXPECT_EQ(parse_key_spec("ed25519"), KeySpec::ed25519);
  EXPECT_FALSE(parse_key_spec("rsa1024"));
}

// ---- RFC 7638 / RFC 7520 -----------------------------------------------------------------

TEST(Thumbprint, Rfc7638Example) {
  // RFC 7638 §3.1.
  const auto key = Key::from_jwk(
      R"({"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"})");
  ASSERT_OK(key);
  EXPECT_EQ(key->thumbprint(), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
  EXPECT_EQ(key->kid(), "2011-04-29");
}

// Loads an RFC 7520 JWK, checks the basics and that to_jwk reproduces it.
Key load_rfc7520(const std::string& file, std::string_view kty, std::vector<Algorithm> algs) {
  const json::object original = vector_json("jwk/" + file);
  auto key = Key::from_jwk(original);
  EXPECT_TRUE(key.has_value()) << file << ": " << (key ? "" : key.error().message);
  if (!key) return *Key::generate(KeySpec::hs256);
  EXPECT_EQ(key->kid(), original.at("kid").as_string());
  EXPECT_EQ(key->kty(), kty);
  EXPECT_EQ(std::vector<Algorithm>(key->algorithms().begin(), key->algorithms().end()), algs);
  const auto full = key->to_jwk(true);
  EXPECT_TRUE(full.has_value() && *full == original) << file;
  if (!key->is_symmetric()) {
    auto pub = key->to_jwk();
    EXPECT_TRUE(pub.has_value());
    if (pub) {
      EXPECT_FALSE(pub->contains("d"));
      auto reloaded = Key::from_jwk(*pub);
      EXPECT_TRUE(reloaded && !reloaded->has_private() && reloaded->thumbprint() == key->thumbprint());
    }
  }
  return *key;
}

const std::vector<Algorithm> kRsaAlgs = {Algorithm::RS256, Algorithm::RS384, Algorithm::RS512,
                                         Algorithm::PS256, Algorithm::PS384, Algorithm::PS512};

TEST(Rfc7520, EcKeys) {
  const Key pub = load_rfc7520("3_1.ec_public_key.json", "EC", {Algorithm::ES512});
  EXPECT_FALSE(pub.has_private());
  EXPECT_FALSE(pub.can_sign());
  EXPECT_TRUE(pub.can_verify());
  EXPECT_EQ(err(keys::sign(pub, Algorithm::ES512, bytes(kMsg))), "key_not_permitted");

  const Key priv = load_rfc7520("3_2.ec_private_key.json", "EC", {Algorithm::ES512});
  EXPECT_TRUE(priv.can_sign());
  EXPECT_EQ(priv.default_algorithm(), Algorithm::ES512);
  auto sig = keys::sign(priv, Algorithm::ES512, bytes(kMsg));
  ASSERT_OK(sig);
  EXPECT_EQ(sig->size(), 132u);
  EXPECT_EQ(err(keys::verify(pub, Algorithm::ES512, bytes(kMsg), *sig)), "ok");
  EXPECT_EQ(err(keys::verify(pub, Algorithm::ES256, bytes(kMsg), *sig)), "alg_not_allowed");
  EXPECT_EQ(err(keys::verify(pub, Algorithm::ES512, bytes("other"), *sig)), "bad_signature");
  EXPECT_EQ(pub.thumbprint(), priv.thumbprint());
}

TEST(Rfc7520, RsaKeys) {
  const Key pub = load_rfc7520("3_3.rsa_public_key.json", "RSA", kRsaAlgs);
  const Key priv = load_rfc7520("3_4.rsa_private_key.json", "RSA", kRsaAlgs);
  EXPECT_EQ(priv.default_algorithm(), Algorithm::RS256);
  EXPECT_FALSE(pub.can_sign());
  for (const Algorithm alg : kRsaAlgs) {
    auto sig = keys::sign(priv, alg, bytes(kMsg));
    ASSERT_OK(sig);
    EXPECT_EQ(err(keys::verify(pub, alg, bytes(kMsg), *sig)), "ok") << alg_name(alg);
  }
  EXPECT_EQ(err(keys::sign(priv, Algorithm::HS256, bytes(kMsg))), "alg_not_allowed");
  EXPECT_EQ(err(keys::sign(priv, Algorithm::ES256, bytes(kMsg))), "alg_not_allowed");
}

TEST(Rfc7520, SymmetricKeys) {
  const Key mac = load_rfc7520("3_5.symmetric_key_mac_computation.json", "oct", {Algorithm::HS256});
  EXPECT_TRUE(mac.is_symmetric());
  EXPECT_TRUE(mac.has_private());
  EXPECT_TRUE(mac.can_sign() && mac.can_verify());
  EXPECT_EQ(mac.default_algorithm(), Algorithm::HS256);
  EXPECT_EQ(err(mac.to_jwk()), "invalid_argument");
  EXPECT_EQ(err(mac.to_pem()), "unsupported");
  EXPECT_EQ(err(mac.public_key()), "unsupported");
  EXPECT_EQ(err(keys::sign(mac, Algorithm::HS384, bytes(kMsg))), "alg_not_allowed");

  // 3.6 is an encryption key ("use":"enc", "alg":"A256GCM"): no JWS use at all.
  const Key enc = load_rfc7520("3_6.symmetric_key_encryption.json", "oct", {});
  EXPECT_FALSE(enc.can_sign());
  EXPECT_FALSE(enc.can_verify());
  EXPECT_EQ(err(keys::sign(enc, Algorithm::HS256, bytes(kMsg))), "key_not_permitted");
  EXPECT_EQ(err(keys::verify(enc, Algorithm::HS256, bytes(kMsg), bytes("x"))), "key_not_permitted");
}

// RFC 7520 §4 and RFC 8037 §A.4: the deterministic signatures are reproduced byte for byte,
// and every signature verifies through the key's own contexts.
TEST(Rfc7520, JwsSignaturesThroughKeys) {
  for (const char* file : {"jws/4_1.rsa_v15_signature.json", "jws/4_2.rsa-pss_signature.json",
                           "jws/4_3.ecdsa_signature.json", "jws/4_4.hmac-sha2_integrity_protection.json",
                           "curve25519/jws.json"}) {
    SCOPED_TRACE(file);
    const json::object v = vector_json(file);
    ASSERT_FALSE(v.empty());
    const auto key = Key::from_jwk(v.at("input").at("key").as_object());
    ASSERT_OK(key);
    const auto alg = parse_algorithm(std::string_view(v.at("input").at("alg").as_string()));
    ASSERT_TRUE(alg);
    const std::string_view input = v.at("signing").at("sig-input").as_string();
    const auto expected = codec::base64url_decode(std::string_view(v.at("signing").at("sig").as_string()));
    ASSERT_OK(expected);
    EXPECT_EQ(err(keys::verify(*key, *alg, bytes(input), *expected)), "ok");
    const auto sig = keys::sign(*key, *alg, bytes(input));
    ASSERT_OK(sig);
    if (const auto* r = v.if_contains("reproducible"); r && r->is_bool() && r->get_bool()) {
      EXPECT_EQ(*sig, *expected);
    }
    EXPECT_EQ(err(keys::verify(*key, *alg, bytes(input), *sig)), "ok");
  }
}

// ---- generation round trips --------------------------------------------------------------

struct SpecCase {
  KeySpec spec;
  std::vector<Algorithm> algs;
};

class Generate : public ::testing::TestWithParam<SpecCase> {};

TEST_P(Generate, RoundTripsThroughJwkAndPem) {
  const auto& [spec, algs] = GetParam();
  const auto key = Key::generate(spec);
  ASSERT_OK(key);
  EXPECT_EQ(key->kid(), key->thumbprint());
  EXPECT_EQ(std::vector<Algorithm>(key->algorithms().begin(), key->algorithms().end()), algs);
  EXPECT_EQ(key->default_algorithm(), algs.front());
  ASSERT_TRUE(key->can_sign());

  // Private JWK round trip: the reloaded key signs, the original verifies, and back.
  const auto priv_json = key->to_jwk_json(true);
  ASSERT_OK(priv_json);
  const auto reloaded = Key::from_jwk(*priv_json);
  ASSERT_OK(reloaded);
  EXPECT_EQ(reloaded->kid(), key->kid());
  EXPECT_EQ(reloaded->thumbprint(), key->thumbprint());
  for (const Algorithm alg : algs) {
    const auto sig = keys::sign(*reloaded, alg, bytes(kMsg));
    ASSERT_OK(sig);
    EXPECT_EQ(err(keys::verify(*key, alg, bytes(kMsg), *sig)), "ok") << alg_name(alg);
  }

  if (key->is_symmetric()) {
    EXPECT_EQ(err(key->to_jwk()), "invalid_argument");
    EXPECT_EQ(err(key->to_pem(true)), "unsupported");
    return;
  }
  const Algorithm alg = key->default_algorithm();
  const auto sig = keys::sign(*key, alg, bytes(kMsg));
  ASSERT_OK(sig);

  // Public JWK: verifies, never signs.
  const auto pub_json = key->to_jwk_json();
  ASSERT_OK(pub_json);
  const auto pub = Key::from_jwk(*pub_json);
  ASSERT_OK(pub);
  EXPECT_FALSE(pub->has_private());
  EXPECT_FALSE(pub->can_sign());
  EXPECT_EQ(err(keys::sign(*pub, alg, bytes(kMsg))), "key_not_permitted");
  EXPECT_EQ(err(keys::verify(*pub, alg, bytes(kMsg), *sig)), "ok");
  std::vector<std::uint8_t> bad = *sig;
  bad[bad.size() / 2] ^= 1;
  EXPECT_EQ(err(keys::verify(*pub, alg, bytes(kMsg), bad)), "bad_signature");

  // PEM: PKCS#8 private signs, SPKI public verifies; the kid defaults to the same thumbprint.
  const auto priv_pem = key->to_pem(true);
  const auto pub_pem = key->to_pem();
  ASSERT_OK(priv_pem);
  ASSERT_OK(pub_pem);
  EXPECT_NE(priv_pem->find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  EXPECT_NE(pub_pem->find("-----BEGIN PUBLIC KEY-----"), std::string::npos);
  const auto from_priv = Key::from_pem(*priv_pem);
  const auto from_pub = Key::from_pem(*pub_pem, "given-kid");
  ASSERT_OK(from_priv);
  ASSERT_OK(from_pub);
  EXPECT_EQ(from_priv->kid(), key->kid());
  EXPECT_EQ(from_pub->kid(), "given-kid");
  EXPECT_EQ(err(from_pub->to_pem(true)), "invalid_argument");
  const auto sig2 = keys::sign(*from_priv, alg, bytes(kMsg));
  ASSERT_OK(sig2);
  EXPECT_EQ(err(keys::verify(*from_pub, alg, bytes(kMsg), *sig2)), "ok");

  const auto half = key->public_key();
  ASSERT_OK(half);
  EXPECT_EQ(half->kid(), key->kid());
  EXPECT_FALSE(half->can_sign());
  EXPECT_EQ(err(keys::verify(*half, alg, bytes(kMsg), *sig2)), "ok");
}

INSTANTIATE_TEST_SUITE_P(
    AllSpecs, Generate,
    ::testing::Values(SpecCase{KeySpec::hs256, {Algorithm::HS256}},
                      SpecCase{KeySpec::hs384, {Algorithm::HS384}},
                      SpecCase{KeySpec::hs512, {Algorithm::HS512}},
                      SpecCase{KeySpec::rsa2048, kRsaAlgs}, SpecCase{KeySpec::rsa3072, kRsaAlgs},
                      SpecCase{KeySpec::rsa4096, kRsaAlgs},
                      SpecCase{KeySpec::p256, {Algorithm::ES256}},
                      SpecCase{KeySpec::p384, {Algorithm::ES384}},
                      SpecCase{KeySpec::p521, {Algorithm::ES512}},
                      SpecCase{KeySpec::ed25519, {Algorithm::EdDSA}}));

// ---- HMAC secrets --------------------------------------------------------------------------

std::string oct_jwk(std::size_t len, std::string_view extra = "") {
  const std::string k = codec::base64url_encode(std::string(len, 'k'));
  return R"({"kty":"oct","k":")" + k + "\"" + std::string(extra) + "}";
}

TEST(Oct, AlgorithmsFollowSecretLength) {
  const std::vector<std::pair<std::size_t, std::vector<Algorithm>>> cases = {
      {32, {Algorithm::HS256}},
      {47, {Algorithm::HS256}},
      {48, {Algorithm::HS384, Algorithm::HS256}},
      {64, {Algorithm::HS512, Algorithm::HS384, Algorithm::HS256}}};
  for (const auto& [len, algs] : cases) {
    const auto key = Key::from_jwk(oct_jwk(len));
    ASSERT_OK(key);
    EXPECT_EQ(std::vector<Algorithm>(key->algorithms().begin(), key->algorithms().end()), algs);
    EXPECT_EQ(key->default_algorithm(), algs.front());
    EXPECT_TRUE(key->kid().empty());
  }
  EXPECT_EQ(err(Key::from_jwk(oct_jwk(31))), "key_too_short");
  EXPECT_EQ(err(Key::from_jwk(oct_jwk(32, R"(,"alg":"HS512")"))), "key_too_short");
  EXPECT_EQ(err(Key::from_jwk(oct_jwk(64, R"(,"alg":"RS256")"))), "invalid_key");
  // A key-wrapping key is no HMAC key: it loads, binds no algorithm, and round-trips its alg.
  const auto kw = Key::from_jwk(oct_jwk(16, R"(,"alg":"A128KW")"));
  ASSERT_OK(kw);
  EXPECT_TRUE(kw->algorithms().empty());
  EXPECT_EQ(err(keys::sign(*kw, Algorithm::HS256, bytes(kMsg))), "key_not_permitted");
  EXPECT_EQ(kw->to_jwk(true)->at("alg").as_string(), "A128KW");
}

TEST(Oct, FromSecret) {
  const SecretBytes s32(std::string(32, 's'));
  EXPECT_EQ(err(Key::from_secret(s32, Algorithm::HS384)), "key_too_short");
  EXPECT_EQ(err(Key::from_secret(s32, Algorithm::RS256)), "invalid_argument");
  EXPECT_EQ(err(Key::from_secret(SecretBytes(std::string(31, 's')), Algorithm::HS256)), "key_too_short");
  const auto key = Key::from_secret(s32, Algorithm::HS256);
  ASSERT_OK(key);
  EXPECT_EQ(key->kid(), key->thumbprint());
  EXPECT_EQ(key->to_jwk(true)->at("alg").as_string(), "HS256");
}

// ---- rejected input ------------------------------------------------------------------------

constexpr std::string_view kEcX = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
constexpr std::string_view kEcY = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";

std::string ec_jwk(std::string_view extra = "", std::string_view crv = "P-256", std::string_view x = kEcX) {
  return R"({"kty":"EC","crv":")" + std::string(crv) + R"(","x":")" + std::string(x) + R"(","y":")" +
         std::string(kEcY) + "\"" + std::string(extra) + "}";
}

TEST(Jwk, RejectsBadInput) {
  ASSERT_OK(Key::from_jwk(ec_jwk()));
  EXPECT_EQ(err(Key::from_jwk(R"({"kty":"XYZ"})")), "unsupported");
  EXPECT_EQ(err(Key::from_jwk(R"({"kty":"OKP","crv":"X25519","x":"AAAA"})")), "unsupported");
  EXPECT_EQ(err(Key::from_jwk(ec_jwk("", "P-192"))), "unsupported");
  EXPECT_EQ(err(Key::from_jwk(R"({"k":"AAAA"})")), "invalid_key");
  EXPECT_EQ(err(Key::from_jwk(R"({"kty":7})")), "wrong_type");
  EXPECT_EQ(err(Key::from_jwk(R"({"kty":"RSA","n":12,"e":"AQAB"})")), "wrong_type");
  EXPECT_EQ(err(Key::from_jwk(R"({"kty":"RSA","e":"AQAB"})")), "invalid_key");
  EXPECT_EQ(err(Key::from_jwk(ec_jwk(R"(,"kid":5)"))), "wrong_type");
  EXPECT_EQ(err(Key::from_jwk(ec_jwk(R"(,"use":true)"))), "wrong_type");
  EXPECT_EQ(err(Key::from_jwk(ec_jwk(R"(,"key_ops":"verify")"))), "wrong_type");
  EXPECT_EQ(err(Key::from_jwk(ec_jwk(R"(,"key_ops":["verify",1])"))), "wrong_type");
  EXPECT_EQ(err(Key::from_jwk(ec_jwk(R"(,"key_ops":["verify","verify"])"))), "invalid_key");
  EXPECT_EQ(err(Key::from_jwk(ec_jwk(R"(,"crv":"P-256")"))), "duplicate_member");
  EXPECT_EQ(err(Key::from_jwk("[1]")), "wrong_type");
  EXPECT_EQ(err(Key::from_jwk("{")), "malformed");
  // base64url must be strict: no padding, no '+' '/', no whitespace.
  EXPECT_EQ(err(Key::from_jwk(ec_jwk("", "P-256", std::string(kEcX) + "="))), "malformed");
  EXPECT_EQ(err(Key::from_jwk(ec_jwk("", "P-256", "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVE+"))), "malformed");
  EXPECT_EQ(err(Key::from_jwk(R"({"kty":"oct","k":"a2tr a2tr"})")), "malformed");
  // Field elements have a fixed length.
  EXPECT_EQ(err(Key::from_jwk(ec_jwk("", "P-256", kEcX.substr(0, 40)))), "invalid_key");
  EXPECT_EQ(err(Key::from_jwk(ec_jwk("", "P-384"))), "invalid_key");
  // alg must fit the key.
  EXPECT_EQ(err(Key::from_jwk(ec_jwk(R"(,"alg":"ES384")"))), "invalid_key");
  EXPECT_EQ(err(Key::from_jwk(ec_jwk(R"(,"alg":"HS256")"))), "invalid_key");
  const json::object rsa = vector_json("jwk/3_3.rsa_public_key.json");
  json::object rsa_es = rsa;
  rsa_es["alg"] = "ES256";
  EXPECT_EQ(err(Key::from_jwk(rsa_es)), "invalid_key");
  json::object rsa_ps = rsa;
  rsa_ps["alg"] = "PS384";
  const auto ps = Key::from_jwk(rsa_ps);
  ASSERT_OK(ps);
  EXPECT_EQ(ps->algorithms().size(), 1u);
  EXPECT_EQ(ps->default_algorithm(), Algorithm::PS384);
  // "none" is no algorithm: such a key binds nothing.
  const auto none = Key::from_jwk(ec_jwk(R"(,"alg":"none")"));
  ASSERT_OK(none);
  EXPECT_TRUE(none->algorithms().empty());
  EXPECT_FALSE(none->can_verify());
}

// Generated with `openssl genrsa 1024` for this test only.
constexpr std::string_view kRsa1024Public = R"(-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDC+gJmm7hkgQwpa07cLRqmL7Hh
DFR5thajt+ynMJoLbNdM88gW5gNXyerjQhFXD0q0EhUiqBxZiN+QWXPS7ije2U81
ZKXAO2+akzy7rEb6bkzxRFFRvwEQvbiqFNfqlN6kbRHikTaCXdtTcQf3IfTKIRg2
pgz94NZCCEhcxvTwuwIDAQAB
-----END PUBLIC KEY-----
)";

TEST(Pem, RefusesShortRsaAndGarbage) {
  EXPECT_EQ(err(Key::from_pem(kRsa1024Public)), "invalid_key");
  EXPECT_EQ(err(load_key_set(kRsa1024Public)), "invalid_key");
  EXPECT_FALSE(Key::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
}

TEST(Permissions, UseAndKeyOps) {
  const auto priv = Key::generate(KeySpec::p256);
  ASSERT_OK(priv);
  json::object jwk = *priv->to_jwk(true);
  const auto sig = keys::sign(*priv, Algorithm::ES256, bytes(kMsg));
  ASSERT_OK(sig);

  jwk["key_ops"] = json::array{"sign"};
  auto sign_only = Key::from_jwk(jwk);
  ASSERT_OK(sign_only);
  EXPECT_TRUE(sign_only->can_sign());
  EXPECT_FALSE(sign_only->can_verify());
  EXPECT_EQ(err(keys::verify(*sign_only, Algorithm::ES256, bytes(kMsg), *sig)), "key_not_permitted");

  jwk["key_ops"] = json::array{"verify"};
  auto verify_only = Key::from_jwk(jwk);
  ASSERT_OK(verify_only);
  EXPECT_FALSE(verify_only->can_sign());
  EXPECT_EQ(err(keys::sign(*verify_only, Algorithm::ES256, bytes(kMsg))), "key_not_permitted");
  EXPECT_EQ(err(keys::verify(*verify_only, Algorithm::ES256, bytes(kMsg), *sig)), "ok");
  EXPECT_EQ(verify_only->to_jwk(true)->at("key_ops"), (json::array{"verify"}));
  EXPECT_EQ(err(keys::verify(*verify_only->public_key(), Algorithm::ES256, bytes(kMsg), *sig)), "ok");

  jwk.erase("key_ops");
  jwk["use"] = "enc";
  auto enc = Key::from_jwk(jwk);
  ASSERT_OK(enc);
  EXPECT_FALSE(enc->can_sign() || enc->can_verify());
  EXPECT_EQ(err(keys::verify(*enc, Algorithm::ES256, bytes(kMsg), *sig)), "key_not_permitted");
}

// ---- key sets ------------------------------------------------------------------------------

TEST(KeySet, BuildFindPrimary) {
  KeySet set;
  EXPECT_EQ(set.primary(), nullptr);
  ASSERT_OK(set.add(*Key::generate(KeySpec::ed25519, "a")));
  ASSERT_OK(set.add(*Key::generate(KeySpec::hs256, "b")));
  EXPECT_EQ(set.primary()->kid(), "a");
  EXPECT_EQ(err(set.add(*Key::generate(KeySpec::p256, "a"))), "invalid_argument");
  ASSERT_OK(set.add(*Key::from_jwk(ec_jwk())));  // no kid: allowed once
  EXPECT_EQ(err(set.add(*Key::from_jwk(ec_jwk()))), "invalid_argument");
  ASSERT_OK(set.add(*Key::generate(KeySpec::p256, "c"), true));
  EXPECT_EQ(set.primary()->kid(), "c");
  ASSERT_OK(set.set_primary("b"));
  EXPECT_EQ(set.primary()->kid(), "b");
  EXPECT_EQ(err(set.set_primary("zzz")), "key_not_found");
  EXPECT_EQ(set.find("c")->kty(), "EC");
  EXPECT_EQ(set.find("nope"), nullptr);
  EXPECT_EQ(set.size(), 4u);

  // Public JWKS leaves the secret out; the private one keeps everything.
  const auto pub = set.to_jwks_json();
  ASSERT_OK(pub);
  const auto pub_set = KeySet::from_jwks(*pub);
  ASSERT_OK(pub_set);
  EXPECT_EQ(pub_set->size(), 3u);
  EXPECT_EQ(pub_set->find("b"), nullptr);
  EXPECT_FALSE(pub_set->find("a")->has_private());
  const auto full = KeySet::from_jwks(*set.to_jwks_json(true));
  ASSERT_OK(full);
  EXPECT_EQ(full->size(), 4u);
  EXPECT_TRUE(full->find("b")->can_sign());
}

TEST(KeySet, FromJwksAndLoad) {
  const std::string ec = vector_file("jwk/3_1.ec_public_key.json");
  const std::string rsa = vector_file("jwk/3_3.rsa_public_key.json");
  // Same kid twice.
  EXPECT_EQ(err(KeySet::from_jwks("{\"keys\":[" + ec + "," + rsa + "]}")), "invalid_argument");
  EXPECT_EQ(err(KeySet::from_jwks(R"({"kty":"oct"})")), "invalid_key");
  EXPECT_EQ(err(KeySet::from_jwks(R"({"keys":{}})")), "wrong_type");
  EXPECT_EQ(err(KeySet::from_jwks(R"({"keys":["x"]})")), "wrong_type");
  EXPECT_EQ(err(KeySet::from_jwks(R"({"keys":[{"kty":"nope"}]})")), "unsupported");

  const auto one = KeySet::from_jwks("{\"keys\":[" + ec + "," + ec_jwk() + "]}");
  ASSERT_OK(one);
  ASSERT_EQ(one->size(), 2u);
  EXPECT_EQ(one->primary()->kid(), "bilbo.baggins@hobbiton.example");
  EXPECT_EQ(one->keys()[1].kid(), one->keys()[1].thumbprint());

  const auto jwk = load_key_set(rsa);
  ASSERT_OK(jwk);
  EXPECT_EQ(jwk->primary()->kty(), "RSA");
  const auto bare = load_key_set(ec_jwk());
  ASSERT_OK(bare);
  EXPECT_EQ(bare->primary()->kid(), bare->primary()->thumbprint());
  const auto jwks = load_key_set("{\"keys\":[" + rsa + "]}");
  ASSERT_OK(jwks);
  EXPECT_EQ(jwks->size(), 1u);
  const auto gen = Key::generate(KeySpec::ed25519);
  const auto pem = load_key_set("\n" + *gen->to_pem());
  ASSERT_OK(pem);
  EXPECT_EQ(pem->primary()->kid(), gen->kid());
  EXPECT_EQ(err(load_key_set("not a key")), "malformed");
}

}  // namespace
}  // namespace tessera
