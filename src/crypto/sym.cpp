// The primitives declared in sym.hpp: libsodium for BLAKE2b, XChaCha20(-Poly1305) and raw
// Ed25519; OpenSSL 3.0 for AES-256-CTR, HMAC-SHA384, HKDF-SHA384 and P-384 point arithmetic.
// Every OpenSSL algorithm is fetched once per process; HMAC and HKDF contexts are duplicated
// from a template that already holds the digest, so no call looks a digest up by name.
#include "crypto/sym.hpp"

#include <sodium.h>

#include <climits>
#include <cstring>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>
#include <openssl/params.h>

#include "crypto/pkey_impl.hpp"

namespace tessera::crypto {

namespace {

using detail::OsslPtr;
using CipherCtxPtr = OsslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;
using MacCtxPtr = OsslPtr<EVP_MAC_CTX, EVP_MAC_CTX_free>;
using KdfCtxPtr = OsslPtr<EVP_KDF_CTX, EVP_KDF_CTX_free>;
using EcPointPtr = OsslPtr<EC_POINT, EC_POINT_free>;
using BnCtxPtr = OsslPtr<BN_CTX, BN_CTX_free>;

std::unexpected<Error> bad_size(const char* what) {
  return fail(Errc::invalid_argument, std::string(what) + " has the wrong length");
}

const EVP_CIPHER* cached_aes256_ctr() noexcept {
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-CTR", nullptr);
  return cipher;
}

// An HMAC-SHA384 context keyed with a dummy key: duplicating it and re-initialising with the
// real key keeps the digest, so EVP_MAC_init never fetches SHA-384 again.
const EVP_MAC_CTX* hmac_sha384_template() noexcept {
  static EVP_MAC_CTX* const tmpl = [] () -> EVP_MAC_CTX* {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac == nullptr) return nullptr;
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);  // the context keeps its own reference
    if (ctx == nullptr) return nullptr;
    char digest[] = "SHA2-384";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    const unsigned char dummy[48] = {};
    if (EVP_MAC_init(ctx, dummy, sizeof dummy, params) != 1) {
      EVP_MAC_CTX_free(ctx);
      return nullptr;
    }
    return ctx;
  }();
  return tmpl;
}

// HKDF-SHA384. OpenSSL 3.1+ can duplicate a KDF context, so a template holding the digest is
// copied per call; OpenSSL 3.0's HKDF has no dup, so there each call builds a context from the
// cached EVP_KDF and names the digest (one provider-cache lookup, not a fresh fetch).
struct Hkdf {
  EVP_KDF* kdf = nullptr;
  EVP_KDF_CTX* tmpl = nullptr;  // null when dup is unsupported
};

OSSL_PARAM hkdf_digest_param() noexcept {
  static char digest[] = "SHA2-384";
  return OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
}

const Hkdf& hkdf_sha384_state() noexcept {
  static const Hkdf state = [] {
    Hkdf h;
    h.kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
    if (h.kdf == nullptr) return h;
    EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(h.kdf);
    const OSSL_PARAM params[] = {hkdf_digest_param(), OSSL_PARAM_construct_end()};
    if (ctx != nullptr && EVP_KDF_CTX_set_params(ctx, params) == 1) {
      if (EVP_KDF_CTX* probe = EVP_KDF_CTX_dup(ctx)) {
        EVP_KDF_CTX_free(probe);
        h.tmpl = ctx;
        return h;
      }
    }
    EVP_KDF_CTX_free(ctx);
    ERR_clear_error();  // the failed dup probe leaves an entry on this thread's queue
    return h;
  }();
  return state;
}

const EC_GROUP* p384_group() noexcept {
  static EC_GROUP* const group = EC_GROUP_new_by_curve_name(NID_secp384r1);
  return group;
}

// Builds a PKey (public, or private when d is given) from an affine point.
Result<PKey> p384_pkey_from_point(const EC_POINT* point, BN_CTX* bn, std::optional<SecretBytes> d) {
  detail::BnPtr x(BN_new()), y(BN_new());
  if (!x || !y || EC_POINT_get_affine_coordinates(p384_group(), point, x.get(), y.get(), bn) != 1)
    return fail(Errc::invalid_key, "P-384 point has no affine coordinates");
  EcComponents c{KeyKind::ec_p384, Bytes(kP384ScalarBytes), Bytes(kP384ScalarBytes), std::move(d)};
  if (BN_bn2binpad(x.get(), c.x.data(), static_cast<int>(c.x.size())) < 0 ||
      BN_bn2binpad(y.get(), c.y.data(), static_cast<int>(c.y.size())) < 0)
    return fail(Errc::internal, "BN_bn2binpad failed");
  return PKey::from_ec(c);
}

}  // namespace

// ---- BLAKE2b ------------------------------------------------------------------------------

Result<void> blake2b(std::span<std::uint8_t> out, ByteView key, std::span<const ByteView> parts) {
  if (out.size() < crypto_generichash_BYTES_MIN || out.size() > crypto_generichash_BYTES_MAX)
    return bad_size("BLAKE2b output");
  if (key.size() > crypto_generichash_KEYBYTES_MAX) return bad_size("BLAKE2b key");
  detail::ensure_sodium();
  crypto_generichash_state st;
  crypto_generichash_init(&st, key.empty() ? nullptr : key.data(), key.size(), out.size());
  for (const ByteView part : parts)
    if (!part.empty()) crypto_generichash_update(&st, part.data(), part.size());
  crypto_generichash_final(&st, out.data(), out.size());
  sodium_memzero(&st, sizeof st);
  return {};
}

Result<Bytes> blake2b(std::size_t out_len, ByteView key, std::span<const ByteView> parts) {
  Bytes out(out_len);
  if (auto r = blake2b(std::span<std::uint8_t>(out), key, parts); !r) return std::unexpected(r.error());
  return out;
}

// ---- XChaCha20 ------------------------------------------------------------------------------

Result<void> xchacha20_xor(ByteView data, ByteView nonce24, ByteView key32, std::span<std::uint8_t> out) {
  if (nonce24.size() != kXChaChaNonceBytes) return bad_size("XChaCha20 nonce");
  if (key32.size() != kXChaChaKeyBytes) return bad_size("XChaCha20 key");
  if (out.size() != data.size()) return bad_size("XChaCha20 output");
  detail::ensure_sodium();
  if (!data.empty()) crypto_stream_xchacha20_xor(out.data(), data.data(), data.size(), nonce24.data(), key32.data());
  return {};
}

Result<Bytes> xchacha20_xor(ByteView data, ByteView nonce24, ByteView key32) {
  Bytes out(data.size());
  if (auto r = xchacha20_xor(data, nonce24, key32, out); !r) return std::unexpected(r.error());
  return out;
}

Result<Bytes> xchacha20poly1305_encrypt(ByteView message, ByteView aad, ByteView nonce24, ByteView key32) {
  if (nonce24.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES) return bad_size("XChaCha20-Poly1305 nonce");
  if (key32.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) return bad_size("XChaCha20-Poly1305 key");
  detail::ensure_sodium();
  Bytes out(message.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned long long out_len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data(), &out_len, message.data(), message.size(), aad.data(),
                                             aad.size(), nullptr, nonce24.data(), key32.data());
  out.resize(static_cast<std::size_t>(out_len));
  return out;
}

Result<Bytes> xchacha20poly1305_decrypt(ByteView ciphertext_and_tag, ByteView aad, ByteView nonce24,
                                        ByteView key32) {
  if (nonce24.size() != crypto_aead_xchacha20poly1305_ietf_NPUBBYTES) return bad_size("XChaCha20-Poly1305 nonce");
  if (key32.size() != crypto_aead_xchacha20poly1305_ietf_KEYBYTES) return bad_size("XChaCha20-Poly1305 key");
  if (ciphertext_and_tag.size() < crypto_aead_xchacha20poly1305_ietf_ABYTES)
    return fail(Errc::bad_signature, "ciphertext shorter than its tag");
  detail::ensure_sodium();
  Bytes out(ciphertext_and_tag.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES);
  unsigned long long out_len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(out.data(), &out_len, nullptr, ciphertext_and_tag.data(),
                                                 ciphertext_and_tag.size(), aad.data(), aad.size(), nonce24.data(),
                                                 key32.data()) != 0)
    return fail(Errc::bad_signature, "XChaCha20-Poly1305 tag mismatch");
  out.resize(static_cast<std::size_t>(out_len));
  return out;
}

// ---- AES-256-CTR, HMAC-SHA384, HKDF-SHA384 ----------------------------------------------

Result<Bytes> aes256_ctr_xor(ByteView data, ByteView key32, ByteView iv16) {
  if (key32.size() != 32) return bad_size("AES-256 key");
  if (iv16.size() != 16) return bad_size("AES-CTR IV");
  if (data.size() > static_cast<std::size_t>(INT_MAX)) return fail(Errc::invalid_argument, "data too large");
  const EVP_CIPHER* cipher = cached_aes256_ctr();
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (cipher == nullptr || !ctx || EVP_EncryptInit_ex2(ctx.get(), cipher, key32.data(), iv16.data(), nullptr) != 1)
    return fail(Errc::internal, "AES-256-CTR init failed");
  Bytes out(data.size());
  int len = 0, tail = 0;
  if (!data.empty() &&
      EVP_EncryptUpdate(ctx.get(), out.data(), &len, data.data(), static_cast<int>(data.size())) != 1)
    return fail(Errc::internal, "AES-256-CTR failed");
  if (EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &tail) != 1 ||
      static_cast<std::size_t>(len + tail) != data.size())
    return fail(Errc::internal, "AES-256-CTR failed");
  return out;
}

Result<std::array<std::uint8_t, 48>> hmac_sha384(ByteView key, ByteView data) {
  const EVP_MAC_CTX* tmpl = hmac_sha384_template();
  if (tmpl == nullptr) return fail(Errc::internal, "HMAC-SHA384 unavailable");
  MacCtxPtr ctx(EVP_MAC_CTX_dup(tmpl));
  // An empty key would make EVP_MAC_init keep the dummy key: give it one zero byte instead,
  // which HMAC pads to the same block as the empty key.
  static const unsigned char zero = 0;
  const unsigned char* k = key.empty() ? &zero : key.data();
  const std::size_t k_len = key.empty() ? 1 : key.size();
  std::array<std::uint8_t, 48> out{};
  std::size_t out_len = 0;
  if (!ctx || EVP_MAC_init(ctx.get(), k, k_len, nullptr) != 1 ||
      EVP_MAC_update(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_MAC_final(ctx.get(), out.data(), &out_len, out.size()) != 1 || out_len != out.size())
    return fail(Errc::internal, "HMAC-SHA384 failed");
  return out;
}

Result<void> hkdf_sha384(std::span<std::uint8_t> out, ByteView ikm, ByteView salt, ByteView info) {
  if (out.empty() || out.size() > 255 * 48) return bad_size("HKDF output");
  const Hkdf& hkdf = hkdf_sha384_state();
  if (hkdf.kdf == nullptr) return fail(Errc::internal, "HKDF-SHA384 unavailable");
  KdfCtxPtr ctx(hkdf.tmpl != nullptr ? EVP_KDF_CTX_dup(hkdf.tmpl) : EVP_KDF_CTX_new(hkdf.kdf));
  if (!ctx) return fail(Errc::internal, "HKDF context failed");
  // OSSL_PARAM wants non-const pointers; OpenSSL only reads these.
  auto param = [](const char* name, ByteView v) {
    return OSSL_PARAM_construct_octet_string(name, const_cast<std::uint8_t*>(v.data()), v.size());
  };
  static const std::uint8_t empty_byte = 0;
  const ByteView ikm_or_empty = ikm.empty() ? ByteView(&empty_byte, 0) : ikm;
  OSSL_PARAM params[5];
  std::size_t i = 0;
  if (hkdf.tmpl == nullptr) params[i++] = hkdf_digest_param();
  params[i++] = param(OSSL_KDF_PARAM_KEY, ikm_or_empty);
  if (!salt.empty()) params[i++] = param(OSSL_KDF_PARAM_SALT, salt);
  params[i++] = param(OSSL_KDF_PARAM_INFO, info);
  params[i] = OSSL_PARAM_construct_end();
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) != 1)
    return fail(Errc::internal, "HKDF-SHA384 failed");
  return {};
}

// ---- Ed25519 ---------------------------------------------------------------------------------

Result<Ed25519KeyPair> ed25519_seed_keypair(ByteView seed32) {
  if (seed32.size() != kEd25519SeedBytes) return bad_size("Ed25519 seed");
  detail::ensure_sodium();
  Ed25519KeyPair kp;
  std::array<std::uint8_t, kEd25519SecretBytes> sk{};
  crypto_sign_seed_keypair(kp.public_key.data(), sk.data(), seed32.data());
  kp.secret_key = SecretBytes(std::span<const std::uint8_t>(sk));
  sodium_memzero(sk.data(), sk.size());
  return kp;
}

Ed25519KeyPair ed25519_generate() {
  std::array<std::uint8_t, kEd25519SeedBytes> seed{};
  random_bytes(std::span<std::uint8_t>(seed));
  auto kp = ed25519_seed_keypair(seed);  // cannot fail: the seed has the right size
  sodium_memzero(seed.data(), seed.size());
  return std::move(*kp);
}

bool ed25519_public_key_valid(ByteView pk32) noexcept {
  if (pk32.size() != kEd25519PublicBytes) return false;
  detail::ensure_sodium();
  return crypto_core_ed25519_is_valid_point(pk32.data()) == 1;
}

Result<std::array<std::uint8_t, kEd25519SignatureBytes>> ed25519_sign(ByteView sk64, ByteView message) {
  if (sk64.size() != kEd25519SecretBytes) return bad_size("Ed25519 secret key");
  detail::ensure_sodium();
  std::array<std::uint8_t, kEd25519SignatureBytes> sig{};
  if (crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk64.data()) != 0)
    return fail(Errc::internal, "Ed25519 signing failed");
  return sig;
}

Result<void> ed25519_verify(ByteView pk32, ByteView message, ByteView signature) {
  if (pk32.size() != kEd25519PublicBytes) return bad_size("Ed25519 public key");
  if (signature.size() != kEd25519SignatureBytes) return fail(Errc::bad_signature, "signature length");
  detail::ensure_sodium();
  if (crypto_sign_verify_detached(signature.data(), message.data(), message.size(), pk32.data()) != 0)
    return fail(Errc::bad_signature, "Ed25519 signature mismatch");
  return {};
}

// ---- P-384 ---------------------------------------------------------------------------------

Result<PKey> p384_from_compressed(ByteView point49) {
  if (point49.size() != kP384CompressedBytes) return fail(Errc::invalid_key, "P-384 point must be 49 bytes");
  if (point49[0] != 0x02 && point49[0] != 0x03) return fail(Errc::invalid_key, "P-384 point is not compressed");
  const EC_GROUP* group = p384_group();
  BnCtxPtr bn(BN_CTX_new());
  EcPointPtr point(group ? EC_POINT_new(group) : nullptr);
  if (!bn || !point) return fail(Errc::internal, "EC allocation failed");
  if (EC_POINT_oct2point(group, point.get(), point49.data(), point49.size(), bn.get()) != 1 ||
      EC_POINT_is_at_infinity(group, point.get()) == 1)
    return fail(Errc::invalid_key, "not a P-384 point");
  return p384_pkey_from_point(point.get(), bn.get(), std::nullopt);
}

Result<Bytes> p384_compressed(const PKey& key) {
  if (key.kind() != KeyKind::ec_p384) return fail(Errc::invalid_key, "not a P-384 key");
  auto c = key.ec_components();
  if (!c) return std::unexpected(c.error());
  if (c->x.size() != kP384ScalarBytes || c->y.size() != kP384ScalarBytes)
    return fail(Errc::internal, "unexpected P-384 coordinate size");
  Bytes out(kP384CompressedBytes);
  out[0] = static_cast<std::uint8_t>(0x02 | (c->y.back() & 1));
  std::memcpy(out.data() + 1, c->x.data(), kP384ScalarBytes);
  return out;
}

Result<PKey> p384_from_scalar(const SecretBytes& d48) {
  if (d48.size() != kP384ScalarBytes) return fail(Errc::invalid_key, "P-384 scalar must be 48 bytes");
  const EC_GROUP* group = p384_group();
  BnCtxPtr bn(BN_CTX_new());
  EcPointPtr point(group ? EC_POINT_new(group) : nullptr);
  detail::SecretBnPtr d(BN_secure_new());
  if (!bn || !point || !d) return fail(Errc::internal, "EC allocation failed");
  BN_set_flags(d.get(), BN_FLG_CONSTTIME);
  const auto raw = d48.reveal(SecretAccess{});
  if (BN_bin2bn(raw.data(), static_cast<int>(raw.size()), d.get()) == nullptr)
    return fail(Errc::internal, "BN_bin2bn failed");
  if (BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(group)) >= 0)
    return fail(Errc::invalid_key, "P-384 scalar out of range");
  if (EC_POINT_mul(group, point.get(), d.get(), nullptr, nullptr, bn.get()) != 1)
    return fail(Errc::internal, "EC_POINT_mul failed");
  return p384_pkey_from_point(point.get(), bn.get(), d48);
}

Result<SecretBytes> p384_scalar(const PKey& key) {
  if (key.kind() != KeyKind::ec_p384) return fail(Errc::invalid_key, "not a P-384 key");
  if (!key.has_private()) return fail(Errc::invalid_key, "not a private key");
  auto c = key.ec_components();
  if (!c) return std::unexpected(c.error());
  if (!c->d || c->d->size() != kP384ScalarBytes) return fail(Errc::internal, "P-384 scalar missing");
  return std::move(*c->d);
}

}  // namespace tessera::crypto
