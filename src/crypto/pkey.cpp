// PKey: loading (PEM, JWK-style components), generating, inspecting and exporting RSA,
// EC (P-256/384/521) and Ed25519 keys. Every key built here has passed the cheap
// consistency checks (EC point on curve and matching d, Ed25519 d deriving x, RSA CRT
// members consistent with n, e, d).
#include <cstdlib>
#include <cstring>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>

#include "crypto/crypto.hpp"
#include "crypto/pkey_impl.hpp"

namespace tessera::crypto {

using detail::BnPtr;
using detail::PkeyCtxPtr;
using detail::PkeyPtr;
using detail::SecretBnPtr;

std::size_t detail::ec_field_size(KeyKind k) noexcept {
  switch (k) {
    case KeyKind::ec_p256: return 32;
    case KeyKind::ec_p384: return 48;
    case KeyKind::ec_p521: return 66;
    default: return 0;
  }
}

namespace {

using BioPtr = detail::OsslPtr<BIO, BIO_free_all>;
using ParamBldPtr = detail::OsslPtr<OSSL_PARAM_BLD, OSSL_PARAM_BLD_free>;
using ParamsPtr = detail::OsslPtr<OSSL_PARAM, OSSL_PARAM_free>;
using Pkcs8Ptr = detail::OsslPtr<PKCS8_PRIV_KEY_INFO, PKCS8_PRIV_KEY_INFO_free>;
using BnCtxPtr = detail::OsslPtr<BN_CTX, BN_CTX_free>;

std::unexpected<Error> invalid(std::string msg) {
  ERR_clear_error();
  return fail(Errc::invalid_key, std::move(msg));
}

const char* curve_name(KeyKind k) noexcept {
  switch (k) {
    case KeyKind::ec_p256: return "P-256";
    case KeyKind::ec_p384: return "P-384";
    case KeyKind::ec_p521: return "P-521";
    default: return nullptr;
  }
}

// ---- Ed25519 ----------------------------------------------------------------------------

using ImplPtr = std::shared_ptr<const PKey::Impl>;

// Builds an Ed25519 key from the public key and optionally the 32-byte seed (nullptr: public
// only). The public key must be a canonical point of the prime-order subgroup.
Result<ImplPtr> make_ed25519(const std::uint8_t* seed, ByteView pub) {
  detail::ensure_sodium();
  if (pub.size() != crypto_sign_PUBLICKEYBYTES) return invalid("Ed25519 public key must be 32 bytes");
  if (crypto_core_ed25519_is_valid_point(pub.data()) != 1)
    return invalid("Ed25519 public key is not a valid point");
  auto impl = std::make_shared<PKey::Impl>();
  impl->kind = KeyKind::ed25519;
  impl->bits = 256;
  std::memcpy(impl->ed_public.data(), pub.data(), pub.size());
  if (seed != nullptr) {
    std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> derived{};
    std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
    const int rc = crypto_sign_seed_keypair(derived.data(), sk.data(), seed);
    secure_zero(sk.data(), sk.size());
    if (rc != 0 || !constant_time_equal(derived, pub))
      return invalid("Ed25519 private key does not match the public key");
    impl->has_private = true;
    impl->ed_seed = SecretBytes(ByteView(seed, crypto_sign_SEEDBYTES));
    impl->pkey.reset(EVP_PKEY_new_raw_private_key_ex(nullptr, "ED25519", nullptr, seed,
                                                     crypto_sign_SEEDBYTES));
  } else {
    impl->pkey.reset(EVP_PKEY_new_raw_public_key_ex(nullptr, "ED25519", nullptr, pub.data(),
                                                    pub.size()));
  }
  if (!impl->pkey) return invalid("cannot build Ed25519 key");
  return impl;
}

// ---- BIGNUM helpers -----------------------------------------------------------------------

SecretBnPtr secret_bn(const SecretBytes& s) {
  const auto v = s.reveal(SecretAccess{});
  SecretBnPtr bn(BN_secure_new());
  if (bn && BN_bin2bn(v.data(), static_cast<int>(v.size()), bn.get()) == nullptr) bn.reset();
  if (bn) BN_set_flags(bn.get(), BN_FLG_CONSTTIME);
  return bn;
}

Bytes bn_bytes(const BIGNUM* bn, std::size_t pad = 0) {
  Bytes out(pad != 0 ? pad : static_cast<std::size_t>(BN_num_bytes(bn)));
  if (BN_bn2binpad(bn, out.data(), static_cast<int>(out.size())) < 0) out.clear();
  return out;
}

SecretBytes bn_secret(const BIGNUM* bn, std::size_t pad = 0) {
  Bytes tmp = bn_bytes(bn, pad);
  SecretBytes s(tmp);
  secure_zero(tmp.data(), tmp.size());
  return s;
}

// Fetches a BIGNUM parameter of a key; null if the key does not have it.
SecretBnPtr get_bn(const EVP_PKEY* pk, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(pk, name, &bn) != 1) {
    ERR_clear_error();
    return nullptr;
  }
  return SecretBnPtr(bn);
}

// ---- RSA checks -----------------------------------------------------------------------------

bool rsa_public_ok(const BIGNUM* n, const BIGNUM* e) {
  const int nbits = BN_num_bits(n);
  return nbits >= 512 && nbits <= 16384 && BN_is_odd(n) && BN_is_odd(e) && BN_num_bits(e) >= 2 &&
         BN_num_bits(e) <= 64 && BN_cmp(e, n) < 0;
}

// (a mod m) == b, i.e. checks a CRT member against the key.
bool mod_equals(const BIGNUM* a, const BIGNUM* m, const BIGNUM* b, BN_CTX* ctx) {
  SecretBnPtr r(BN_new());
  return r && BN_mod(r.get(), a, m, ctx) == 1 && BN_cmp(r.get(), b) == 0;
}

// Two-prime RSA consistency in a handful of multiplications: n = p*q, e*d = 1 mod p-1 and
// q-1, dp = d mod p-1, dq = d mod q-1, qi*q = 1 mod p. (Primality is not re-tested.)
bool rsa_private_ok(const BIGNUM* n, const BIGNUM* e, const BIGNUM* d, const BIGNUM* p,
                    const BIGNUM* q, const BIGNUM* dp, const BIGNUM* dq, const BIGNUM* qi) {
  BnCtxPtr ctx(BN_CTX_secure_new());
  SecretBnPtr t(BN_new()), p1(BN_new()), q1(BN_new()), ed(BN_new()), one(BN_new());
  if (!ctx || !t || !p1 || !q1 || !ed || !one) return false;
  if (BN_is_zero(d) || BN_cmp(d, n) >= 0 || BN_cmp(p, BN_value_one()) <= 0 ||
      BN_cmp(q, BN_value_one()) <= 0)
    return false;
  if (BN_mul(t.get(), p, q, ctx.get()) != 1 || BN_cmp(t.get(), n) != 0) return false;
  if (BN_sub(p1.get(), p, BN_value_one()) != 1 || BN_sub(q1.get(), q, BN_value_one()) != 1 ||
      BN_mul(ed.get(), e, d, ctx.get()) != 1 || BN_one(one.get()) != 1)
    return false;
  if (!mod_equals(ed.get(), p1.get(), one.get(), ctx.get()) ||
      !mod_equals(ed.get(), q1.get(), one.get(), ctx.get()) ||
      !mod_equals(d, p1.get(), dp, ctx.get()) || !mod_equals(d, q1.get(), dq, ctx.get()))
    return false;
  return BN_mod_mul(t.get(), qi, q, p, ctx.get()) == 1 && BN_is_one(t.get()) && BN_cmp(qi, p) < 0;
}

// ---- classification of a parsed EVP_PKEY ----------------------------------------------------

std::optional<KeyKind> ec_kind_of(const EVP_PKEY* pk) {
  char name[64] = {};
  std::size_t len = 0;
  if (EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME, name, sizeof name, &len) != 1)
    return std::nullopt;
  int nid = OBJ_sn2nid(name);
  if (nid == NID_undef) nid = EC_curve_nist2nid(name);
  switch (nid) {
    case NID_X9_62_prime256v1: return KeyKind::ec_p256;
    case NID_secp384r1: return KeyKind::ec_p384;
    case NID_secp521r1: return KeyKind::ec_p521;
    default: return std::nullopt;
  }
}

// Wraps an RSA or EC EVP_PKEY (public, or private when `priv`) after checking it; Ed25519
// keys are re-built from their raw bytes so the libsodium copies are filled in.
Result<ImplPtr> adopt(PkeyPtr pk, bool priv) {
  if (!pk) return invalid("cannot decode key");
  auto impl = std::make_shared<PKey::Impl>();
  impl->has_private = priv;
  if (EVP_PKEY_is_a(pk.get(), "ED25519")) {
    std::array<std::uint8_t, 32> pub{}, seed{};
    std::size_t plen = pub.size(), slen = seed.size();
    if (EVP_PKEY_get_raw_public_key(pk.get(), pub.data(), &plen) != 1 || plen != pub.size())
      return invalid("cannot read Ed25519 public key");
    if (priv && (EVP_PKEY_get_raw_private_key(pk.get(), seed.data(), &slen) != 1 ||
                 slen != seed.size()))
      return invalid("cannot read Ed25519 private key");
    auto r = make_ed25519(priv ? seed.data() : nullptr, pub);
    secure_zero(seed.data(), seed.size());
    return r;
  }
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, pk.get(), nullptr));
  if (!ctx) return invalid("cannot check key");
  if (EVP_PKEY_is_a(pk.get(), "RSA")) {
    impl->kind = KeyKind::rsa;
    const auto n = get_bn(pk.get(), OSSL_PKEY_PARAM_RSA_N);
    const auto e = get_bn(pk.get(), OSSL_PKEY_PARAM_RSA_E);
    if (!n || !e || !rsa_public_ok(n.get(), e.get())) return invalid("RSA public key unusable");
    if (get_bn(pk.get(), OSSL_PKEY_PARAM_RSA_FACTOR "3"))
      return fail(Errc::unsupported, "multi-prime RSA keys are not supported");
    if (priv) {
      const auto d = get_bn(pk.get(), OSSL_PKEY_PARAM_RSA_D);
      const auto p = get_bn(pk.get(), OSSL_PKEY_PARAM_RSA_FACTOR1);
      const auto q = get_bn(pk.get(), OSSL_PKEY_PARAM_RSA_FACTOR2);
      const auto dp = get_bn(pk.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1);
      const auto dq = get_bn(pk.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2);
      const auto qi = get_bn(pk.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1);
      if (!d || !p || !q || !dp || !dq || !qi)
        return fail(Errc::unsupported, "RSA private keys need the CRT members");
      if (!rsa_private_ok(n.get(), e.get(), d.get(), p.get(), q.get(), dp.get(), dq.get(), qi.get()))
        return invalid("RSA private key members are inconsistent");
    }
    impl->bits = EVP_PKEY_get_bits(pk.get());
  } else if (EVP_PKEY_is_a(pk.get(), "EC")) {
    const auto kind = ec_kind_of(pk.get());
    if (!kind) return fail(Errc::unsupported, "only P-256, P-384 and P-521 are supported");
    impl->kind = *kind;
    impl->bits = *kind == KeyKind::ec_p256 ? 256 : *kind == KeyKind::ec_p384 ? 384 : 521;
    // Public check: point on the curve, not infinity; full check adds d range and d*G == Q.
    if ((priv ? EVP_PKEY_check(ctx.get()) : EVP_PKEY_public_check(ctx.get())) != 1)
      return invalid("EC key fails validation");
  } else {
    return fail(Errc::unsupported, "key type not supported");
  }
  impl->pkey = std::move(pk);
  return impl;
}

// Decodes one DER body by PEM label.
Result<ImplPtr> decode_der(std::string_view label, const unsigned char* der, long len) {
  const unsigned char* p = der;
  PkeyPtr pk;
  bool priv = true;
  if (label == "PUBLIC KEY") {
    pk.reset(d2i_PUBKEY(nullptr, &p, len));
    priv = false;
  } else if (label == "RSA PUBLIC KEY") {
    pk.reset(d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, len));
    priv = false;
  } else if (label == "PRIVATE KEY") {
    Pkcs8Ptr p8(d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, len));
    if (p8) pk.reset(EVP_PKCS82PKEY(p8.get()));
  } else if (label == "RSA PRIVATE KEY") {
    pk.reset(d2i_PrivateKey(EVP_PKEY_RSA, nullptr, &p, len));
  } else if (label == "EC PRIVATE KEY") {
    pk.reset(d2i_PrivateKey(EVP_PKEY_EC, nullptr, &p, len));
  } else if (label == "ENCRYPTED PRIVATE KEY") {
    return fail(Errc::unsupported, "encrypted PEM is not supported");
  } else {
    return fail(Errc::unsupported, "unsupported PEM type");
  }
  if (!pk) return invalid("cannot decode key");
  if (p != der + len) return invalid("trailing data after key");
  return adopt(std::move(pk), priv);
}

// Owned output of PEM_read_bio; the body is wiped since it may be a private key.
struct PemBlock {
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  PemBlock() = default;
  PemBlock(const PemBlock&) = delete;
  PemBlock& operator=(const PemBlock&) = delete;
  ~PemBlock() {
    OPENSSL_free(name);
    OPENSSL_free(header);
    if (data != nullptr) OPENSSL_clear_free(data, static_cast<std::size_t>(len));
  }
};

// Secret BIGNUMs come from BN_secure_new, so the builder puts them in secure memory, which
// OSSL_PARAM_free wipes.
Result<ImplPtr> build(const char* type, int selection, OSSL_PARAM_BLD* bld) {
  ParamsPtr params(OSSL_PARAM_BLD_to_param(bld));
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* raw = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) != 1)
    return invalid("key material rejected");
  return adopt(PkeyPtr(raw), selection == EVP_PKEY_KEYPAIR);
}

std::string bio_string(BIO* bio) {
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  return len > 0 ? std::string(data, static_cast<std::size_t>(len)) : std::string();
}

}  // namespace

// ---- loading ---------------------------------------------------------------------------------

Result<PKey> PKey::from_pem(std::string_view pem) {
  if (pem.size() > 1 << 20) return invalid("PEM too large");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  if (!bio) return fail(Errc::internal, "BIO_new_mem_buf failed");
  std::optional<Result<ImplPtr>> found;
  for (;;) {
    PemBlock b;
    if (PEM_read_bio(bio.get(), &b.name, &b.header, &b.data, &b.len) != 1) break;
    const std::string_view label(b.name);
    if (label == "EC PARAMETERS") continue;  // emitted before SEC1 keys by `openssl ecparam`
    if (found) return invalid("more than one key in PEM");
    if (b.header != nullptr && b.header[0] != '\0')  // "Proc-Type: 4,ENCRYPTED" and friends
      return fail(Errc::unsupported, "encrypted PEM is not supported");
    found = decode_der(label, b.data, b.len);
  }
  ERR_clear_error();  // the loop ends on "no start line"
  if (!found) return invalid("no PEM key block");
  if (!*found) return std::unexpected(found->error());
  return PKey(std::move(**found));
}

Result<PKey> PKey::from_rsa(const RsaComponents& c) {
  BnPtr n(BN_bin2bn(c.n.data(), static_cast<int>(c.n.size()), nullptr));
  BnPtr e(BN_bin2bn(c.e.data(), static_cast<int>(c.e.size()), nullptr));
  if (!n || !e || !rsa_public_ok(n.get(), e.get())) return invalid("RSA public key unusable");
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1)
    return fail(Errc::internal, "OSSL_PARAM_BLD failed");
  const bool any_crt = c.p || c.q || c.dp || c.dq || c.qi;
  if (!c.d) {
    if (any_crt) return invalid("RSA CRT members without d");
    auto r = build("RSA", EVP_PKEY_PUBLIC_KEY, bld.get());
    if (!r) return std::unexpected(r.error());
    return PKey(std::move(*r));
  }
  if (!(c.p && c.q && c.dp && c.dq && c.qi))
    return fail(Errc::unsupported, "RSA private keys need all CRT members (p, q, dp, dq, qi)");
  const auto d = secret_bn(*c.d), p = secret_bn(*c.p), q = secret_bn(*c.q);
  const auto dp = secret_bn(*c.dp), dq = secret_bn(*c.dq), qi = secret_bn(*c.qi);
  if (!d || !p || !q || !dp || !dq || !qi) return fail(Errc::internal, "BIGNUM allocation failed");
  if (!rsa_private_ok(n.get(), e.get(), d.get(), p.get(), q.get(), dp.get(), dq.get(), qi.get()))
    return invalid("RSA private key members are inconsistent");
  if (OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_D, d.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR1, p.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_FACTOR2, q.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT1, dp.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_EXPONENT2, dq.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_COEFFICIENT1, qi.get()) != 1)
    return fail(Errc::internal, "OSSL_PARAM_BLD failed");
  auto r = build("RSA", EVP_PKEY_KEYPAIR, bld.get());
  if (!r) return std::unexpected(r.error());
  return PKey(std::move(*r));
}

Result<PKey> PKey::from_ec(const EcComponents& c) {
  const std::size_t fs = detail::ec_field_size(c.curve);
  if (fs == 0) return fail(Errc::unsupported, "not an EC curve");
  if (c.x.size() != fs || c.y.size() != fs) return invalid("EC coordinates have the wrong length");
  if (c.d && c.d->size() != fs) return invalid("EC private key has the wrong length");
  Bytes point(1 + 2 * fs);
  point[0] = 0x04;  // uncompressed
  std::memcpy(point.data() + 1, c.x.data(), fs);
  std::memcpy(point.data() + 1 + fs, c.y.data(), fs);
  ParamBldPtr bld(OSSL_PARAM_BLD_new());
  if (!bld ||
      OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve_name(c.curve), 0) != 1 ||
      OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) != 1)
    return fail(Errc::internal, "OSSL_PARAM_BLD failed");
  SecretBnPtr d;
  if (c.d) {
    d = secret_bn(*c.d);
    if (!d || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d.get()) != 1)
      return fail(Errc::internal, "OSSL_PARAM_BLD failed");
  }
  auto r = build("EC", c.d ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, bld.get());
  if (!r) return std::unexpected(r.error());
  if ((*r)->kind != c.curve) return invalid("EC curve mismatch");
  return PKey(std::move(*r));
}

Result<PKey> PKey::from_okp(const OkpComponents& c) {
  if (c.d && c.d->size() != crypto_sign_SEEDBYTES) return invalid("Ed25519 d must be 32 bytes");
  Result<ImplPtr> r = fail(Errc::internal);
  if (c.d && c.x.empty()) {  // derive x from d
    detail::ensure_sodium();
    std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> pub{};
    std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
    crypto_sign_seed_keypair(pub.data(), sk.data(), c.d->reveal(SecretAccess{}).data());
    secure_zero(sk.data(), sk.size());
    r = make_ed25519(c.d->reveal(SecretAccess{}).data(), pub);
  } else {
    r = make_ed25519(c.d ? c.d->reveal(SecretAccess{}).data() : nullptr, c.x);
  }
  if (!r) return std::unexpected(r.error());
  return PKey(std::move(*r));
}

// ---- generation --------------------------------------------------------------------------------

Result<PKey> PKey::generate_rsa(int bits) {
  if (bits != 2048 && bits != 3072 && bits != 4096)
    return fail(Errc::invalid_argument, "RSA key size must be 2048, 3072 or 4096 bits");
  PkeyPtr pk(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<std::size_t>(bits)));
  if (!pk) return fail(Errc::internal, "RSA key generation failed");
  auto r = adopt(std::move(pk), true);
  if (!r) return std::unexpected(r.error());
  return PKey(std::move(*r));
}

Result<PKey> PKey::generate_ec(KeyKind curve) {
  const char* name = curve_name(curve);
  if (name == nullptr) return fail(Errc::invalid_argument, "not an EC curve");
  PkeyPtr pk(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", name));
  if (!pk) return fail(Errc::internal, "EC key generation failed");
  auto r = adopt(std::move(pk), true);
  if (!r) return std::unexpected(r.error());
  return PKey(std::move(*r));
}

Result<PKey> PKey::generate_ed25519() {
  SecretBytes seed(random_bytes(crypto_sign_SEEDBYTES));
  return from_okp(OkpComponents{{}, std::move(seed)});
}

// ---- inspection and export -----------------------------------------------------------------------

KeyKind PKey::kind() const noexcept { return impl_->kind; }
bool PKey::has_private() const noexcept { return impl_->has_private; }
int PKey::bits() const noexcept { return impl_->bits; }

PKey PKey::public_only() const {
  if (!impl_->has_private) return *this;
  Result<ImplPtr> r = fail(Errc::internal);
  if (impl_->kind == KeyKind::ed25519) {
    r = make_ed25519(nullptr, impl_->ed_public);
  } else {
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(impl_->pkey.get(), &der);
    if (len > 0) {
      const unsigned char* p = der;
      r = adopt(PkeyPtr(d2i_PUBKEY(nullptr, &p, len)), false);
    }
    OPENSSL_free(der);
  }
  // Only an allocation failure gets here; returning the private key instead would be wrong.
  if (!r) std::abort();
  return PKey(std::move(*r));
}

Result<RsaComponents> PKey::rsa_components() const {
  if (impl_->kind != KeyKind::rsa) return fail(Errc::invalid_key, "not an RSA key");
  const EVP_PKEY* pk = impl_->pkey.get();
  const auto n = get_bn(pk, OSSL_PKEY_PARAM_RSA_N), e = get_bn(pk, OSSL_PKEY_PARAM_RSA_E);
  if (!n || !e) return fail(Errc::internal, "cannot read RSA key");
  RsaComponents c;
  c.n = bn_bytes(n.get());
  c.e = bn_bytes(e.get());
  if (!impl_->has_private) return c;
  const char* names[] = {OSSL_PKEY_PARAM_RSA_D,         OSSL_PKEY_PARAM_RSA_FACTOR1,
                         OSSL_PKEY_PARAM_RSA_FACTOR2,   OSSL_PKEY_PARAM_RSA_EXPONENT1,
                         OSSL_PKEY_PARAM_RSA_EXPONENT2, OSSL_PKEY_PARAM_RSA_COEFFICIENT1};
  std::optional<SecretBytes>* outs[] = {&c.d, &c.p, &c.q, &c.dp, &c.dq, &c.qi};
  for (std::size_t i = 0; i < 6; ++i) {
    const auto bn = get_bn(pk, names[i]);
    if (!bn) return fail(Errc::internal, "cannot read RSA private key");
    *outs[i] = bn_secret(bn.get());
  }
  return c;
}

Result<EcComponents> PKey::ec_components() const {
  const std::size_t fs = detail::ec_field_size(impl_->kind);
  if (fs == 0) return fail(Errc::invalid_key, "not an EC key");
  const EVP_PKEY* pk = impl_->pkey.get();
  const auto x = get_bn(pk, OSSL_PKEY_PARAM_EC_PUB_X), y = get_bn(pk, OSSL_PKEY_PARAM_EC_PUB_Y);
  if (!x || !y) return fail(Errc::internal, "cannot read EC key");
  EcComponents c{impl_->kind, bn_bytes(x.get(), fs), bn_bytes(y.get(), fs), std::nullopt};
  if (impl_->has_private) {
    const auto d = get_bn(pk, OSSL_PKEY_PARAM_PRIV_KEY);
    if (!d) return fail(Errc::internal, "cannot read EC private key");
    c.d = bn_secret(d.get(), fs);
  }
  return c;
}

Result<OkpComponents> PKey::okp_components() const {
  if (impl_->kind != KeyKind::ed25519) return fail(Errc::invalid_key, "not an Ed25519 key");
  OkpComponents c{Bytes(impl_->ed_public.begin(), impl_->ed_public.end()), std::nullopt};
  if (impl_->has_private) c.d = impl_->ed_seed;
  return c;
}

std::string PKey::to_pem_public() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), impl_->pkey.get()) != 1) std::abort();  // OOM only
  return bio_string(bio.get());
}

Result<std::string> PKey::to_pem_private() const {
  if (!impl_->has_private) return fail(Errc::invalid_key, "not a private key");
  BioPtr bio(BIO_new(BIO_s_mem()));  // a memory BIO wipes its buffer when freed
  if (!bio || PEM_write_bio_PKCS8PrivateKey(bio.get(), impl_->pkey.get(), nullptr, nullptr, 0,
                                            nullptr, nullptr) != 1)
    return fail(Errc::internal, "PEM encoding failed");
  return bio_string(bio.get());
}

}  // namespace tessera::crypto
