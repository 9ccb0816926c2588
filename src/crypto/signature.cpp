// Signer / Verifier for RS*, PS*, ES* (OpenSSL) and Ed25519 (libsodium), and the JOSE
// raw r||s <-> DER conversion for ECDSA. Everything fetchable is cached when the context is
// built: each RSA/ECDSA call copies a pre-initialised EVP_MD_CTX template (no fetch by name,
// no key parsing); Ed25519 keeps libsodium's 64-byte secret key, wiped on destruction.
#include <array>
#include <cstring>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include "crypto/crypto.hpp"
#include "crypto/pkey_impl.hpp"

namespace tessera::crypto {

using detail::MdCtxPtr;
using detail::PkeyPtr;

namespace {

enum class Family { pkcs1, pss, ecdsa, eddsa };

struct SchemeInfo {
  Family family;
  Hash hash;
  KeyKind kind;  // required key kind
};

SchemeInfo info_of(SigScheme s) noexcept {
  switch (s) {
    case SigScheme::rsa_pkcs1_sha256: return {Family::pkcs1, Hash::sha256, KeyKind::rsa};
    case SigScheme::rsa_pkcs1_sha384: return {Family::pkcs1, Hash::sha384, KeyKind::rsa};
    case SigScheme::rsa_pkcs1_sha512: return {Family::pkcs1, Hash::sha512, KeyKind::rsa};
    case SigScheme::rsa_pss_sha256: return {Family::pss, Hash::sha256, KeyKind::rsa};
    case SigScheme::rsa_pss_sha384: return {Family::pss, Hash::sha384, KeyKind::rsa};
    case SigScheme::rsa_pss_sha512: return {Family::pss, Hash::sha512, KeyKind::rsa};
    case SigScheme::ecdsa_p256_sha256: return {Family::ecdsa, Hash::sha256, KeyKind::ec_p256};
    case SigScheme::ecdsa_p384_sha384: return {Family::ecdsa, Hash::sha384, KeyKind::ec_p384};
    case SigScheme::ecdsa_p521_sha512: return {Family::ecdsa, Hash::sha512, KeyKind::ec_p521};
    case SigScheme::ed25519: break;
  }
  return {Family::eddsa, Hash::sha512, KeyKind::ed25519};
}

// The scheme fits the key: same kind (so the curve matches), RSA at least 2048 bits.
Result<void> check_fit(const PKey::Impl& key, const SchemeInfo& info) {
  if (key.kind != info.kind) return fail(Errc::invalid_key, "key type does not fit the scheme");
  if (key.kind == KeyKind::rsa && key.bits < 2048)
    return fail(Errc::invalid_key, "RSA keys must be at least 2048 bits");
  return {};
}

// Builds the EVP_MD_CTX template: DigestSign/VerifyInit done once, PSS parameters set.
MdCtxPtr make_template(EVP_PKEY* pkey, const SchemeInfo& info, bool sign) {
  const EVP_MD* md = detail::cached_md(info.hash);
  MdCtxPtr ctx(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by ctx
  if (md == nullptr || !ctx) return nullptr;
  const int rc = sign ? EVP_DigestSignInit(ctx.get(), &pctx, md, nullptr, pkey)
                      : EVP_DigestVerifyInit(ctx.get(), &pctx, md, nullptr, pkey);
  if (rc != 1) return nullptr;
  if (info.family == Family::pss &&
      (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
       EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, md) != 1 ||
       // salt length = hash length; when verifying OpenSSL then requires exactly that length
       EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1))
    return nullptr;
  if (info.family == Family::pkcs1 && EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
    return nullptr;
  return ctx;
}

PkeyPtr share_pkey(const PKey::Impl& key) {
  EVP_PKEY* pk = key.pkey.get();
  return EVP_PKEY_up_ref(pk) == 1 ? PkeyPtr(pk) : PkeyPtr();
}

int ec_nid(KeyKind k) noexcept {
  switch (k) {
    case KeyKind::ec_p256: return NID_X9_62_prime256v1;
    case KeyKind::ec_p384: return NID_secp384r1;
    case KeyKind::ec_p521: return NID_secp521r1;
    default: return NID_undef;
  }
}

// ---- DER helpers ------------------------------------------------------------------------------

constexpr std::size_t max_coordinate = 66;  // P-521

// Appends one INTEGER holding the unsigned big-endian value v (minimal encoding).
void put_integer(Bytes& out, ByteView v) {
  std::size_t i = 0;
  while (i + 1 < v.size() && v[i] == 0) ++i;  // strip leading zeros, keep at least one byte
  const bool pad = (v[i] & 0x80) != 0;        // keep it non-negative
  out.push_back(0x02);
  out.push_back(static_cast<std::uint8_t>(v.size() - i + (pad ? 1 : 0)));
  if (pad) out.push_back(0x00);
  out.insert(out.end(), v.begin() + static_cast<std::ptrdiff_t>(i), v.end());
}

// Reads one strictly-DER INTEGER at der[pos] into out (n bytes, left-padded); advances pos.
bool get_integer(ByteView der, std::size_t& pos, std::uint8_t* out, std::size_t n) {
  if (pos + 2 > der.size() || der[pos] != 0x02) return false;
  const std::size_t len = der[pos + 1];
  pos += 2;
  if (len == 0 || len >= 0x80 || len > der.size() - pos) return false;  // short form only
  const std::uint8_t* v = der.data() + pos;
  if (v[0] & 0x80) return false;                            // negative
  if (len > 1 && v[0] == 0 && (v[1] & 0x80) == 0) return false;  // non-minimal
  std::size_t skip = (v[0] == 0 && len > 1) ? 1 : 0;
  const std::size_t mag = len - skip;
  if (mag > n) return false;  // too large for the curve
  std::memset(out, 0, n - mag);
  std::memcpy(out + (n - mag), v + skip, mag);
  pos += len;
  return true;
}

}  // namespace

Result<Bytes> ecdsa_raw_to_der(ByteView raw, std::size_t n) {
  if (n == 0 || n > max_coordinate || raw.size() != 2 * n)
    return fail(Errc::malformed, "raw ECDSA signature has the wrong length");
  Bytes body;
  body.reserve(2 * n + 6);
  put_integer(body, raw.first(n));
  put_integer(body, raw.subspan(n));
  Bytes der;
  der.reserve(body.size() + 3);
  der.push_back(0x30);
  if (body.size() >= 0x80) der.push_back(0x81);  // at most 2 * (2 + 67) = 138 bytes
  der.push_back(static_cast<std::uint8_t>(body.size()));
  der.insert(der.end(), body.begin(), body.end());
  return der;
}

Result<Bytes> ecdsa_der_to_raw(ByteView der, std::size_t n) {
  if (n == 0 || n > max_coordinate) return fail(Errc::malformed, "bad coordinate size");
  if (der.size() < 2 || der[0] != 0x30) return fail(Errc::malformed, "not a DER SEQUENCE");
  std::size_t pos = 2;
  std::size_t len = der[1];
  if (len == 0x81) {  // long form, one length byte, only for lengths >= 128
    if (der.size() < 3 || der[2] < 0x80) return fail(Errc::malformed, "non-minimal DER length");
    len = der[2];
    pos = 3;
  } else if (len >= 0x80) {
    return fail(Errc::malformed, "unsupported DER length");
  }
  if (len != der.size() - pos) return fail(Errc::malformed, "DER length mismatch or trailing bytes");
  Bytes raw(2 * n);
  if (!get_integer(der, pos, raw.data(), n) || !get_integer(der, pos, raw.data() + n, n))
    return fail(Errc::malformed, "bad DER INTEGER");
  if (pos != der.size()) return fail(Errc::malformed, "trailing bytes in DER SEQUENCE");
  return raw;
}

// ---- Signer ------------------------------------------------------------------------------------

struct Signer::Impl {
  SchemeInfo info{};
  PkeyPtr pkey;          // RSA / EC: kept alive for the template
  MdCtxPtr tmpl;         // RSA / EC: initialised for signing
  std::size_t max_sig = 0;
  SecretBytes ed_sk;     // Ed25519: libsodium's 64-byte secret key (seed || public)
};

Result<Signer> Signer::create(const PKey& key, SigScheme scheme) {
  const PKey::Impl& k = key.impl();
  auto impl = std::make_shared<Impl>();
  impl->info = info_of(scheme);
  if (auto fit = check_fit(k, impl->info); !fit) return std::unexpected(fit.error());
  if (!k.has_private) return fail(Errc::invalid_key, "signing needs a private key");
  if (impl->info.family == Family::eddsa) {
    detail::ensure_sodium();
    std::array<std::uint8_t, crypto_sign_PUBLICKEYBYTES> pk{};
    std::array<std::uint8_t, crypto_sign_SECRETKEYBYTES> sk{};
    const int rc = crypto_sign_seed_keypair(pk.data(), sk.data(), k.ed_seed.reveal(SecretAccess{}).data());
    impl->ed_sk = SecretBytes(sk);
    secure_zero(sk.data(), sk.size());
    if (rc != 0) return fail(Errc::internal, "Ed25519 key expansion failed");
    return Signer(std::move(impl));
  }
  impl->pkey = share_pkey(k);
  if (impl->pkey) impl->tmpl = make_template(impl->pkey.get(), impl->info, true);
  if (!impl->tmpl) {
    ERR_clear_error();
    return fail(Errc::invalid_key, "cannot initialise signing");
  }
  impl->max_sig = static_cast<std::size_t>(EVP_PKEY_get_size(impl->pkey.get()));
  return Signer(std::move(impl));
}

Result<Bytes> Signer::sign(ByteView data) const {
  const Impl& s = *impl_;
  if (s.info.family == Family::eddsa) {
    Bytes sig(crypto_sign_BYTES);
    crypto_sign_detached(sig.data(), nullptr, data.data(), data.size(),
                         s.ed_sk.reveal(SecretAccess{}).data());
    return sig;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  Bytes sig(s.max_sig);
  std::size_t len = sig.size();
  if (!ctx || EVP_MD_CTX_copy_ex(ctx.get(), s.tmpl.get()) != 1 ||
      EVP_DigestSignUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestSignFinal(ctx.get(), sig.data(), &len) != 1) {
    ERR_clear_error();
    return fail(Errc::internal, "signing failed");
  }
  sig.resize(len);
  if (s.info.family != Family::ecdsa) return sig;
  return ecdsa_der_to_raw(sig, detail::ec_field_size(s.info.kind));
}

// ---- Verifier ----------------------------------------------------------------------------------

struct Verifier::Impl {
  SchemeInfo info{};
  PkeyPtr pkey;
  MdCtxPtr tmpl;                       // RSA / EC: initialised for verifying
  std::size_t sig_len = 0;             // exact signature length the scheme allows
  Bytes order;                         // ECDSA: group order, big-endian, coordinate length
  std::array<std::uint8_t, 32> ed_pub{};
};

Result<Verifier> Verifier::create(const PKey& key, SigScheme scheme) {
  const PKey::Impl& k = key.impl();
  auto impl = std::make_shared<Impl>();
  impl->info = info_of(scheme);
  if (auto fit = check_fit(k, impl->info); !fit) return std::unexpected(fit.error());
  if (impl->info.family == Family::eddsa) {
    detail::ensure_sodium();
    impl->ed_pub = k.ed_public;
    impl->sig_len = crypto_sign_BYTES;
    return Verifier(std::move(impl));
  }
  impl->pkey = share_pkey(k);
  if (impl->pkey) impl->tmpl = make_template(impl->pkey.get(), impl->info, false);
  if (!impl->tmpl) {
    ERR_clear_error();
    return fail(Errc::invalid_key, "cannot initialise verification");
  }
  if (impl->info.family == Family::ecdsa) {
    const std::size_t fs = detail::ec_field_size(k.kind);
    detail::OsslPtr<EC_GROUP, EC_GROUP_free> group(EC_GROUP_new_by_curve_name(ec_nid(k.kind)));
    if (!group) return fail(Errc::internal, "EC group unavailable");
    impl->order.resize(fs);
    if (BN_bn2binpad(EC_GROUP_get0_order(group.get()), impl->order.data(), static_cast<int>(fs)) < 0)
      return fail(Errc::internal, "EC group order");
    impl->sig_len = 2 * fs;
  } else {
    impl->sig_len = static_cast<std::size_t>(EVP_PKEY_get_size(impl->pkey.get()));
  }
  return Verifier(std::move(impl));
}

namespace {
// 0 < v < order, both big-endian of the same length (public values: no constant time needed).
bool in_scalar_range(ByteView v, ByteView order) {
  bool nonzero = false;
  for (auto b : v) nonzero = nonzero || b != 0;
  return nonzero && std::memcmp(v.data(), order.data(), v.size()) < 0;
}
}  // namespace

Result<void> Verifier::verify(ByteView data, ByteView signature) const {
  const Impl& v = *impl_;
  if (signature.size() != v.sig_len) return fail(Errc::bad_signature, "signature has the wrong length");
  if (v.info.family == Family::eddsa) {
    if (crypto_sign_verify_detached(signature.data(), data.data(), data.size(), v.ed_pub.data()) != 0)
      return fail(Errc::bad_signature);
    return {};
  }
  Bytes der;
  ByteView sig = signature;
  if (v.info.family == Family::ecdsa) {
    const std::size_t n = v.order.size();
    if (!in_scalar_range(signature.first(n), v.order) || !in_scalar_range(signature.subspan(n), v.order))
      return fail(Errc::bad_signature, "ECDSA r or s out of range");
    auto d = ecdsa_raw_to_der(signature, n);
    if (!d) return fail(Errc::bad_signature);
    der = std::move(*d);
    sig = der;
  }
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_MD_CTX_copy_ex(ctx.get(), v.tmpl.get()) != 1) {
    ERR_clear_error();
    return fail(Errc::internal, "EVP_MD_CTX_copy_ex failed");
  }
  const int ok = EVP_DigestVerifyUpdate(ctx.get(), data.data(), data.size()) == 1 &&
                 EVP_DigestVerifyFinal(ctx.get(), sig.data(), sig.size()) == 1;
  if (!ok) {
    ERR_clear_error();
    return fail(Errc::bad_signature);
  }
  return {};
}

}  // namespace tessera::crypto
