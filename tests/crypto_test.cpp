// Tests for src/crypto (HMAC: hmac_test.cpp): hashes, key loading/export and consistency checks,
// signatures for every scheme, ECDSA raw <-> DER conversion, Ed25519 (RFC 8032).
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "crypto/crypto.hpp"

namespace tc = tessera::crypto;
using tc::Bytes;
using tc::KeyKind;
using tc::PKey;
using tc::SigScheme;
using tessera::Errc;
using tessera::SecretAccess;
using tessera::SecretBytes;

namespace {

Bytes hex(std::string_view h) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < h.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(h.substr(i, 2)), nullptr, 16)));
  return out;
}

Bytes reveal(const SecretBytes& s) {
  auto v = s.reveal(SecretAccess{});
  return Bytes(v.begin(), v.end());
}

// Test-only helpers that make PEM forms libtessera itself never writes.
using EvpKey = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

EvpKey ossl_keygen(const char* type, const char* curve_or_null, std::size_t bits = 0) {
  EVP_PKEY* k = curve_or_null != nullptr ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, curve_or_null)
                : bits != 0               ? EVP_PKEY_Q_keygen(nullptr, nullptr, type, bits)
                                          : EVP_PKEY_Q_keygen(nullptr, nullptr, type);
  return EvpKey(k, EVP_PKEY_free);
}

template <class F>
std::string write_pem(F f) {
  BIO* bio = BIO_new(BIO_s_mem());
  EXPECT_EQ(f(bio), 1);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  std::string s(data, static_cast<std::size_t>(len));
  BIO_free(bio);
  return s;
}

std::string traditional_pem(EVP_PKEY* k) {
  return write_pem([&](BIO* b) {
    return PEM_write_bio_PrivateKey_traditional(b, k, nullptr, nullptr, 0, nullptr, nullptr);
  });
}

const std::string_view kMsg = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0";

}  // namespace

// ---- basics ------------------------------------------------------------------------------------

TEST(CryptoBasics, RandomAndCompare) {
  auto a = tc::random_bytes(32), b = tc::random_bytes(32);
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_TRUE(tc::constant_time_equal(a, a));
  EXPECT_FALSE(tc::constant_time_equal(a, b));
  EXPECT_FALSE(tc::constant_time_equal(a, tc::ByteView(a).first(31)));
  EXPECT_TRUE(tc::constant_time_equal({}, {}));
  tc::secure_zero(a.data(), a.size());
  EXPECT_EQ(a, Bytes(32, 0));
}

TEST(CryptoBasics, SecretBytes) {
  SecretBytes a(std::string_view("abc")), b(std::string_view("abc")), c(std::string_view("abd"));
  EXPECT_TRUE(a.equals(b));
  EXPECT_FALSE(a.equals(c));
  EXPECT_FALSE(a.equals(SecretBytes(std::string_view("ab"))));
  SecretBytes d = a;
  EXPECT_TRUE(d.equals(a));
  SecretBytes e = std::move(d);
  EXPECT_TRUE(e.equals(a));
  d = c;
  EXPECT_TRUE(d.equals(c));
  d = std::move(e);
  EXPECT_TRUE(d.equals(a));
}

TEST(CryptoBasics, Sha2) {
  EXPECT_EQ(tc::sha256(tc::as_bytes("abc")),
            hex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
  EXPECT_EQ(tc::digest(tc::Hash::sha384, tc::as_bytes("")).size(), 48u);
  EXPECT_EQ(tc::digest(tc::Hash::sha512, tc::as_bytes("abc")),
            hex("ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a8"
                "36ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"));
  EXPECT_EQ(tc::hash_size(tc::Hash::sha384), 48u);
}

// ---- keys --------------------------------------------------------------------------------------

namespace {

const PKey& rsa_key() {
  static const PKey k = *PKey::generate_rsa(2048);
  return k;
}

const PKey& ec_key(KeyKind kind) {
  static const PKey p256 = *PKey::generate_ec(KeyKind::ec_p256);
  static const PKey p384 = *PKey::generate_ec(KeyKind::ec_p384);
  static const PKey p521 = *PKey::generate_ec(KeyKind::ec_p521);
  return kind == KeyKind::ec_p256 ? p256 : kind == KeyKind::ec_p384 ? p384 : p521;
}

void expect_same_public(const PKey& a, const PKey& b) {
  EXPECT_EQ(a.kind(), b.kind());
  EXPECT_EQ(a.to_pem_public(), b.to_pem_public());
}

}  // namespace

TEST(PKeyTest, GenerateAndInspect) {
  EXPECT_EQ(rsa_key().kind(), KeyKind::rsa);
  EXPECT_EQ(rsa_key().bits(), 2048);
  EXPECT_TRUE(rsa_key().has_private());
  EXPECT_EQ(ec_key(KeyKind::ec_p521).bits(), 521);
  auto ed = PKey::generate_ed25519();
  ASSERT_TRUE(ed);
  EXPECT_EQ(ed->kind(), KeyKind::ed25519);
  EXPECT_EQ(ed->bits(), 256);
  EXPECT_EQ(PKey::generate_rsa(1024).error().code, Errc::invalid_argument);
  EXPECT_EQ(PKey::generate_rsa(2047).error().code, Errc::invalid_argument);
  EXPECT_EQ(PKey::generate_ec(KeyKind::rsa).error().code, Errc::invalid_argument);
  PKey pub = rsa_key().public_only();
  EXPECT_FALSE(pub.has_private());
  EXPECT_FALSE(pub.to_pem_private());
  EXPECT_FALSE(pub.rsa_components()->d);
  expect_same_public(pub, rsa_key());
  EXPECT_FALSE(ed->public_only().has_private());
  EXPECT_FALSE(rsa_key().ec_components());
  EXPECT_FALSE(rsa_key().okp_components());
  EXPECT_FALSE(ed->rsa_components());
}

TEST(PKeyTest, PemRoundTrips) {
  std::vector<PKey> keys = {rsa_key(), ec_key(KeyKind::ec_p256), ec_key(KeyKind::ec_p384),
                            ec_key(KeyKind::ec_p521), *PKey::generate_ed25519()};
  for (const PKey& k : keys) {
    auto priv_pem = k.to_pem_private();
    ASSERT_TRUE(priv_pem);
    EXPECT_TRUE(priv_pem->starts_with("-----BEGIN PRIVATE KEY-----"));
    auto back = PKey::from_pem(*priv_pem);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_TRUE(back->has_private());
    EXPECT_EQ(back->bits(), k.bits());
    EXPECT_EQ(*back->to_pem_private(), *priv_pem);
    const std::string pub_pem = k.to_pem_public();
    EXPECT_TRUE(pub_pem.starts_with("-----BEGIN PUBLIC KEY-----"));
    auto pub = PKey::from_pem(pub_pem);
    ASSERT_TRUE(pub);
    EXPECT_FALSE(pub->has_private());
    expect_same_public(*pub, k);
  }
}

TEST(PKeyTest, TraditionalPem) {
  auto rsa = ossl_keygen("RSA", nullptr, 2048);
  const std::string trad = traditional_pem(rsa.get());
  EXPECT_TRUE(trad.starts_with("-----BEGIN RSA PRIVATE KEY-----"));
  auto k = PKey::from_pem(trad);
  ASSERT_TRUE(k) << k.error().message;
  EXPECT_EQ(k->kind(), KeyKind::rsa);
  EXPECT_TRUE(k->has_private());
  // PKCS#1 RSAPublicKey
  const std::string pkcs1_pub = write_pem([&](BIO* b) {
    unsigned char* der = nullptr;
    int len = i2d_PublicKey(rsa.get(), &der);
    int rc = PEM_write_bio(b, "RSA PUBLIC KEY", "", der, len) > 0 ? 1 : 0;
    OPENSSL_free(der);
    return rc;
  });
  auto pub = PKey::from_pem(pkcs1_pub);
  ASSERT_TRUE(pub) << pub.error().message;
  EXPECT_FALSE(pub->has_private());
  expect_same_public(*pub, *k);

  auto ec = ossl_keygen("EC", "P-384");
  const std::string sec1 = traditional_pem(ec.get());
  EXPECT_TRUE(sec1.starts_with("-----BEGIN EC PRIVATE KEY-----"));
  auto e = PKey::from_pem("-----BEGIN EC PARAMETERS-----\nBgUrgQQAIg==\n-----END EC PARAMETERS-----\n" + sec1);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->kind(), KeyKind::ec_p384);
  EXPECT_TRUE(e->has_private());
}

TEST(PKeyTest, PemRefusals) {
  auto rsa = ossl_keygen("RSA", nullptr, 2048);
  const std::string enc8 = write_pem([&](BIO* b) {
    return PEM_write_bio_PKCS8PrivateKey(b, rsa.get(), EVP_aes_256_cbc(), nullptr, 0, nullptr,
                                         const_cast<char*>("password"));
  });
  EXPECT_EQ(PKey::from_pem(enc8).error().code, Errc::unsupported);
  const std::string enc_trad = write_pem([&](BIO* b) {
    return PEM_write_bio_PrivateKey_traditional(b, rsa.get(), EVP_aes_256_cbc(), nullptr, 0,
                                                nullptr, const_cast<char*>("password"));
  });
  EXPECT_NE(enc_trad.find("ENCRYPTED"), std::string::npos);
  EXPECT_EQ(PKey::from_pem(enc_trad).error().code, Errc::unsupported);
  for (auto [type, curve] : {std::pair{"EC", "secp256k1"}, {"X25519", nullptr}, {"ED448", nullptr}}) {
    auto k = ossl_keygen(type, curve);
    ASSERT_TRUE(k) << type;
    const std::string pem = write_pem([&](BIO* b) {
      return PEM_write_bio_PKCS8PrivateKey(b, k.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    EXPECT_EQ(PKey::from_pem(pem).error().code, Errc::unsupported) << type;
    const std::string pub = write_pem([&](BIO* b) { return PEM_write_bio_PUBKEY(b, k.get()); });
    EXPECT_EQ(PKey::from_pem(pub).error().code, Errc::unsupported) << type;
  }
  EXPECT_EQ(PKey::from_pem("").error().code, Errc::invalid_key);
  EXPECT_EQ(PKey::from_pem("not a pem").error().code, Errc::invalid_key);
  EXPECT_EQ(PKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n").error().code,
            Errc::invalid_key);
  EXPECT_EQ(PKey::from_pem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").error().code,
            Errc::unsupported);
  const std::string two = rsa_key().to_pem_public() + ec_key(KeyKind::ec_p256).to_pem_public();
  EXPECT_EQ(PKey::from_pem(two).error().code, Errc::invalid_key);
}

TEST(PKeyTest, RsaComponents) {
  auto c = rsa_key().rsa_components();
  ASSERT_TRUE(c);
  ASSERT_TRUE(c->d && c->p && c->q && c->dp && c->dq && c->qi);
  EXPECT_EQ(c->n.size(), 256u);
  EXPECT_EQ(c->e, hex("010001"));
  auto back = PKey::from_rsa(*c);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_TRUE(back->has_private());
  EXPECT_EQ(*back->to_pem_private(), *rsa_key().to_pem_private());

  tc::RsaComponents pub{c->n, c->e, {}, {}, {}, {}, {}, {}};
  auto p = PKey::from_rsa(pub);
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->has_private());
  expect_same_public(*p, rsa_key());

  tc::RsaComponents bad = *c;
  Bytes qi = reveal(*bad.qi);
  qi.back() ^= 1;
  bad.qi = SecretBytes(qi);
  EXPECT_EQ(PKey::from_rsa(bad).error().code, Errc::invalid_key);
  bad = *c;
  Bytes d = reveal(*bad.d);
  d.back() ^= 2;
  bad.d = SecretBytes(d);
  EXPECT_EQ(PKey::from_rsa(bad).error().code, Errc::invalid_key);
  tc::RsaComponents d_only{c->n, c->e, c->d, {}, {}, {}, {}, {}};
  EXPECT_EQ(PKey::from_rsa(d_only).error().code, Errc::unsupported);
  tc::RsaComponents even_e{c->n, hex("010000"), {}, {}, {}, {}, {}, {}};
  EXPECT_EQ(PKey::from_rsa(even_e).error().code, Errc::invalid_key);
}

TEST(PKeyTest, EcComponents) {
  for (KeyKind kind : {KeyKind::ec_p256, KeyKind::ec_p384, KeyKind::ec_p521}) {
    const std::size_t fs = kind == KeyKind::ec_p256 ? 32 : kind == KeyKind::ec_p384 ? 48 : 66;
    auto c = ec_key(kind).ec_components();
    ASSERT_TRUE(c);
    EXPECT_EQ(c->curve, kind);
    EXPECT_EQ(c->x.size(), fs);
    EXPECT_EQ(c->y.size(), fs);
    ASSERT_TRUE(c->d);
    EXPECT_EQ(c->d->size(), fs);
    auto back = PKey::from_ec(*c);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_EQ(*back->to_pem_private(), *ec_key(kind).to_pem_private());
    tc::EcComponents pub{kind, c->x, c->y, std::nullopt};
    auto p = PKey::from_ec(pub);
    ASSERT_TRUE(p);
    EXPECT_FALSE(p->has_private());
    expect_same_public(*p, ec_key(kind));

    tc::EcComponents off = pub;
    off.y.back() ^= 1;  // no longer on the curve
    EXPECT_EQ(PKey::from_ec(off).error().code, Errc::invalid_key);
    tc::EcComponents wrong_d = *c;
    Bytes d = reveal(*c->d);
    d.back() ^= 1;
    wrong_d.d = SecretBytes(d);
    EXPECT_EQ(PKey::from_ec(wrong_d).error().code, Errc::invalid_key);
    tc::EcComponents short_x = pub;
    short_x.x.erase(short_x.x.begin());
    EXPECT_EQ(PKey::from_ec(short_x).error().code, Errc::invalid_key);
  }
  auto c = *ec_key(KeyKind::ec_p256).ec_components();
  c.curve = KeyKind::ec_p384;
  EXPECT_EQ(PKey::from_ec(c).error().code, Errc::invalid_key);
}

TEST(PKeyTest, OkpComponents) {
  auto k = PKey::generate_ed25519();
  ASSERT_TRUE(k);
  auto c = k->okp_components();
  ASSERT_TRUE(c && c->d);
  EXPECT_EQ(c->x.size(), 32u);
  auto back = PKey::from_okp(*c);
  ASSERT_TRUE(back);
  EXPECT_EQ(*back->to_pem_private(), *k->to_pem_private());
  auto pub = PKey::from_okp({c->x, std::nullopt});
  ASSERT_TRUE(pub);
  EXPECT_FALSE(pub->has_private());
  expect_same_public(*pub, *k);
  auto other = PKey::generate_ed25519()->okp_components();
  EXPECT_EQ(PKey::from_okp({other->x, c->d}).error().code, Errc::invalid_key);
  EXPECT_EQ(PKey::from_okp({Bytes(31, 1), std::nullopt}).error().code, Errc::invalid_key);
  EXPECT_EQ(PKey::from_okp({Bytes(32, 0), std::nullopt}).error().code, Errc::invalid_key);  // small order
}

// ---- signatures --------------------------------------------------------------------------------

namespace {

struct SchemeCase {
  SigScheme scheme;
  KeyKind kind;
  std::size_t sig_len;
};

const SchemeCase kSchemes[] = {
    {SigScheme::rsa_pkcs1_sha256, KeyKind::rsa, 256}, {SigScheme::rsa_pkcs1_sha384, KeyKind::rsa, 256},
    {SigScheme::rsa_pkcs1_sha512, KeyKind::rsa, 256}, {SigScheme::rsa_pss_sha256, KeyKind::rsa, 256},
    {SigScheme::rsa_pss_sha384, KeyKind::rsa, 256},   {SigScheme::rsa_pss_sha512, KeyKind::rsa, 256},
    {SigScheme::ecdsa_p256_sha256, KeyKind::ec_p256, 64},
    {SigScheme::ecdsa_p384_sha384, KeyKind::ec_p384, 96},
    {SigScheme::ecdsa_p521_sha512, KeyKind::ec_p521, 132},
    {SigScheme::ed25519, KeyKind::ed25519, 64},
};

const PKey& key_for(KeyKind kind) {
  static const PKey ed = *PKey::generate_ed25519();
  if (kind == KeyKind::rsa) return rsa_key();
  if (kind == KeyKind::ed25519) return ed;
  return ec_key(kind);
}

}  // namespace

TEST(Signature, SignVerifyEveryScheme) {
  for (const auto& sc : kSchemes) {
    SCOPED_TRACE(static_cast<int>(sc.scheme));
    const PKey& key = key_for(sc.kind);
    auto signer = tc::Signer::create(key, sc.scheme);
    ASSERT_TRUE(signer) << signer.error().message;
    auto verifier = tc::Verifier::create(key.public_only(), sc.scheme);
    ASSERT_TRUE(verifier) << verifier.error().message;
    for (int i = 0; i < 3; ++i) {
      auto sig = signer->sign(tc::as_bytes(kMsg));
      ASSERT_TRUE(sig);
      EXPECT_EQ(sig->size(), sc.sig_len);
      EXPECT_TRUE(verifier->verify(tc::as_bytes(kMsg), *sig));
      EXPECT_EQ(verifier->verify(tc::as_bytes("eyJhbGciOiJIUzI1NiJ9.x"), *sig).error().code,
                Errc::bad_signature);
      Bytes bad = *sig;
      bad[bad.size() / 2] ^= 0x10;
      EXPECT_EQ(verifier->verify(tc::as_bytes(kMsg), bad).error().code, Errc::bad_signature);
      bad = *sig;
      bad.push_back(0);
      EXPECT_EQ(verifier->verify(tc::as_bytes(kMsg), bad).error().code, Errc::bad_signature);
      EXPECT_EQ(verifier->verify(tc::as_bytes(kMsg), tc::ByteView(*sig).first(sig->size() - 1))
                    .error().code,
                Errc::bad_signature);
      EXPECT_EQ(verifier->verify(tc::as_bytes(kMsg), {}).error().code, Errc::bad_signature);
    }
    // A verifier built from the private key works too.
    EXPECT_TRUE(tc::Verifier::create(key, sc.scheme)->verify(tc::as_bytes(kMsg), *signer->sign(tc::as_bytes(kMsg))));
    // Public keys cannot sign.
    EXPECT_EQ(tc::Signer::create(key.public_only(), sc.scheme).error().code, Errc::invalid_key);
  }
}

TEST(Signature, ConcurrentUse) {
  for (auto scheme : {SigScheme::ecdsa_p256_sha256, SigScheme::rsa_pss_sha256}) {
    const PKey& key = key_for(scheme == SigScheme::rsa_pss_sha256 ? KeyKind::rsa : KeyKind::ec_p256);
    auto signer = tc::Signer::create(key, scheme);
    auto verifier = tc::Verifier::create(key, scheme);
    ASSERT_TRUE(signer && verifier);
    std::atomic<int> bad{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] {
        for (int i = 0; i < 20; ++i) {
          auto sig = signer->sign(tc::as_bytes(kMsg));
          if (!sig || !verifier->verify(tc::as_bytes(kMsg), *sig)) ++bad;
        }
      });
    for (auto& t : threads) t.join();
    EXPECT_EQ(bad.load(), 0);
  }
}

TEST(Signature, SchemeKeyMismatchRefused) {
  for (const auto& sc : kSchemes)
    for (KeyKind kind : {KeyKind::rsa, KeyKind::ec_p256, KeyKind::ec_p384, KeyKind::ec_p521, KeyKind::ed25519}) {
      if (kind == sc.kind) continue;
      EXPECT_EQ(tc::Signer::create(key_for(kind), sc.scheme).error().code, Errc::invalid_key);
      EXPECT_EQ(tc::Verifier::create(key_for(kind), sc.scheme).error().code, Errc::invalid_key);
    }
}

TEST(Signature, Rsa1024Refused) {
  auto weak = ossl_keygen("RSA", nullptr, 1024);
  auto k = PKey::from_pem(traditional_pem(weak.get()));
  ASSERT_TRUE(k) << k.error().message;
  EXPECT_EQ(k->bits(), 1024);
  for (auto s : {SigScheme::rsa_pkcs1_sha256, SigScheme::rsa_pss_sha256}) {
    EXPECT_EQ(tc::Signer::create(*k, s).error().code, Errc::invalid_key);
    EXPECT_EQ(tc::Verifier::create(k->public_only(), s).error().code, Errc::invalid_key);
  }
}

TEST(Signature, PssSaltMustEqualHashLength) {
  auto raw = ossl_keygen("RSA", nullptr, 2048);
  auto key = PKey::from_pem(traditional_pem(raw.get()));
  ASSERT_TRUE(key);
  auto verifier = tc::Verifier::create(*key, SigScheme::rsa_pss_sha256);
  ASSERT_TRUE(verifier);
  for (int salt : {0, 20, 32, 64}) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX* pctx = nullptr;
    ASSERT_EQ(EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), nullptr, raw.get()), 1);
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, salt);
    Bytes sig(256);
    std::size_t len = sig.size();
    ASSERT_EQ(EVP_DigestSign(ctx, sig.data(), &len, reinterpret_cast<const unsigned char*>(kMsg.data()), kMsg.size()), 1);
    EVP_MD_CTX_free(ctx);
    EXPECT_EQ(verifier->verify(tc::as_bytes(kMsg), sig).has_value(), salt == 32) << salt;
  }
}

TEST(Signature, EcdsaRangeChecks) {
  const PKey& key = ec_key(KeyKind::ec_p256);
  auto verifier = tc::Verifier::create(key, SigScheme::ecdsa_p256_sha256);
  ASSERT_TRUE(verifier);
  const Bytes order = hex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
  Bytes sig = *tc::Signer::create(key, SigScheme::ecdsa_p256_sha256)->sign(tc::as_bytes(kMsg));
  auto with = [&](bool first, const Bytes& v) {
    Bytes s = sig;
    std::copy(v.begin(), v.end(), s.begin() + (first ? 0 : 32));
    return verifier->verify(tc::as_bytes(kMsg), s);
  };
  for (bool first : {true, false}) {
    EXPECT_EQ(with(first, Bytes(32, 0)).error().code, Errc::bad_signature);
    EXPECT_EQ(with(first, order).error().code, Errc::bad_signature);
    EXPECT_EQ(with(first, Bytes(32, 0xff)).error().code, Errc::bad_signature);
  }
  EXPECT_EQ(verifier->verify(tc::as_bytes(kMsg), Bytes(64, 0)).error().code, Errc::bad_signature);
}

TEST(Signature, Ed25519Rfc8032Test1) {
  const Bytes seed = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
  const Bytes pub = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
  const Bytes expected = hex(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b4"
      "6bd25bf5f0595bbe24655141438e7a100b");
  auto key = PKey::from_okp({pub, SecretBytes(seed)});
  ASSERT_TRUE(key);
  auto sig = tc::Signer::create(*key, SigScheme::ed25519)->sign({});
  ASSERT_TRUE(sig);
  EXPECT_EQ(*sig, expected);
  auto verifier = tc::Verifier::create(*PKey::from_okp({pub, std::nullopt}), SigScheme::ed25519);
  ASSERT_TRUE(verifier);
  EXPECT_TRUE(verifier->verify({}, expected));
  EXPECT_EQ(verifier->verify(tc::as_bytes("x"), expected).error().code, Errc::bad_signature);
  // The same key through PKCS#8 PEM signs identically.
  auto again = PKey::from_pem(*key->to_pem_private());
  ASSERT_TRUE(again);
  EXPECT_EQ(*tc::Signer::create(*again, SigScheme::ed25519)->sign({}), expected);
}

// ---- ECDSA raw <-> DER -------------------------------------------------------------------------

TEST(EcdsaDer, RoundTrip) {
  for (std::size_t n : {32u, 48u, 66u}) {
    for (int i = 0; i < 200; ++i) {
      Bytes raw = tc::random_bytes(2 * n);
      // exercise leading zeros and high bits
      if (i % 4 == 1) raw[0] = 0, raw[1] = 0x7f;
      if (i % 4 == 2) raw[n] = 0x80;
      if (i % 4 == 3) std::fill(raw.begin(), raw.begin() + static_cast<std::ptrdiff_t>(n) - 1, 0);
      auto der = tc::ecdsa_raw_to_der(raw, n);
      ASSERT_TRUE(der);
      auto back = tc::ecdsa_der_to_raw(*der, n);
      ASSERT_TRUE(back) << back.error().message;
      EXPECT_EQ(*back, raw);
    }
  }
  // Known encoding: r = 1, s = 0x80 (needs a 0x00 pad byte).
  Bytes raw(64, 0);
  raw[31] = 1;
  raw[63] = 0x80;
  EXPECT_EQ(*tc::ecdsa_raw_to_der(raw, 32), hex("3007020101020200" "80"));
  EXPECT_FALSE(tc::ecdsa_raw_to_der(Bytes(63, 1), 32));
  EXPECT_FALSE(tc::ecdsa_raw_to_der(Bytes(64, 1), 0));
  // P-521 sizes need the long length form.
  Bytes big(132, 0xff);
  auto der = tc::ecdsa_raw_to_der(big, 66);
  ASSERT_TRUE(der);
  EXPECT_EQ((*der)[1], 0x81);
}

TEST(EcdsaDer, MalformedRejected) {
  const char* bad[] = {
      "",                          // empty
      "30",                        // truncated
      "3007020101020101",          // SEQUENCE length longer than the data
      "3005020101020101",          // SEQUENCE length shorter than the data
      "30060201010201010000",      // trailing bytes after the SEQUENCE
      "30080201010201010000",      // trailing bytes inside the SEQUENCE
      "3106020101020101",          // wrong outer tag
      "3006030101020101",          // wrong INTEGER tag
      "3006020101040101",          // wrong second INTEGER tag
      "300702020001020101",        // non-minimal INTEGER (00 before a clear high bit)
      "300702010102020001",        // non-minimal second INTEGER
      "3006020180020101",          // negative INTEGER
      "30050200020101",            // zero-length INTEGER
      "3006020501020101",          // INTEGER length past the SEQUENCE
      "308106020101020101",        // long length form for a short SEQUENCE
      "30820006020101020101",      // two-byte length
      "3003020101",                // only one INTEGER
      "3009020101020101020101",    // three INTEGERs
      "300702810101020101",        // long form INTEGER length
  };
  for (const char* h : bad) EXPECT_FALSE(tc::ecdsa_der_to_raw(hex(h), 32)) << h;
  // 33-byte magnitude does not fit P-256.
  Bytes too_long = hex("3026022101") ;
  too_long.insert(too_long.end(), 32, 0x11);
  too_long.insert(too_long.end(), {0x02, 0x01, 0x01});
  too_long[1] = static_cast<std::uint8_t>(too_long.size() - 2);
  EXPECT_FALSE(tc::ecdsa_der_to_raw(too_long, 32));
  // The same bytes are fine for a larger curve.
  EXPECT_TRUE(tc::ecdsa_der_to_raw(too_long, 48));
  EXPECT_TRUE(tc::ecdsa_der_to_raw(hex("3006020101020101"), 32));
}
