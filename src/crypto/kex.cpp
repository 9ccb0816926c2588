// Argon2id, PBKDF2-SHA384, X25519 (with the Ed25519 conversions) and P-384 ECDH: see kex.hpp.
#include "crypto/kex.hpp"

#include <climits>
#include <cstdint>
#include <cstdlib>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <sodium.h>

#include "crypto/pkey_impl.hpp"

namespace tessera::crypto {

Result<void> argon2id(std::span<std::uint8_t> out, ByteView password, ByteView salt16, std::uint64_t memlimit,
                      std::uint64_t opslimit) {
  detail::ensure_sodium();
  if (salt16.size() != crypto_pwhash_SALTBYTES) return fail(Errc::invalid_argument, "Argon2id salt must be 16 bytes");
  if (out.size() < crypto_pwhash_BYTES_MIN || out.size() > crypto_pwhash_BYTES_MAX)
    return fail(Errc::invalid_argument, "Argon2id output length out of range");
  if (memlimit < crypto_pwhash_MEMLIMIT_MIN || memlimit > crypto_pwhash_MEMLIMIT_MAX ||
      memlimit > static_cast<std::uint64_t>(SIZE_MAX))
    return fail(Errc::invalid_argument, "Argon2id memlimit out of range");
  if (opslimit < crypto_pwhash_OPSLIMIT_MIN || opslimit > crypto_pwhash_OPSLIMIT_MAX)
    return fail(Errc::invalid_argument, "Argon2id opslimit out of range");
  if (password.size() > crypto_pwhash_PASSWD_MAX)
    return fail(Errc::invalid_argument, "password too long");
  const char* pw = reinterpret_cast<const char*>(password.data());
  static const char empty = 0;
  if (pw == nullptr) pw = &empty;
  if (crypto_pwhash(out.data(), out.size(), pw, password.size(), salt16.data(),
                    static_cast<unsigned long long>(opslimit), static_cast<std::size_t>(memlimit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    secure_zero(out.data(), out.size());
    return fail(Errc::internal, "Argon2id failed (out of memory?)");
  }
  return {};
}

Result<void> pbkdf2_sha384(std::span<std::uint8_t> out, ByteView password, ByteView salt, std::uint32_t iterations) {
  if (iterations == 0 || iterations > static_cast<std::uint32_t>(INT_MAX))
    return fail(Errc::invalid_argument, "PBKDF2 iterations out of range");
  if (out.empty() || out.size() > static_cast<std::size_t>(INT_MAX) ||
      password.size() > static_cast<std::size_t>(INT_MAX) || salt.size() > static_cast<std::size_t>(INT_MAX))
    return fail(Errc::invalid_argument, "PBKDF2 length out of range");
  static const char empty = 0;
  const char* pw = password.empty() ? &empty : reinterpret_cast<const char*>(password.data());
  static const std::uint8_t no_salt = 0;
  const std::uint8_t* s = salt.empty() ? &no_salt : salt.data();
  if (PKCS5_PBKDF2_HMAC(pw, static_cast<int>(password.size()), s, static_cast<int>(salt.size()),
                        static_cast<int>(iterations), detail::cached_md(Hash::sha384), static_cast<int>(out.size()),
                        out.data()) != 1) {
    ERR_clear_error();
    secure_zero(out.data(), out.size());
    return fail(Errc::internal, "PBKDF2 failed");
  }
  return {};
}

std::array<std::uint8_t, 48> sha384_parts(std::span<const ByteView> parts) {
  std::array<std::uint8_t, 48> out{};
  detail::MdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned int len = 0;
  bool ok = ctx && EVP_DigestInit_ex(ctx.get(), detail::cached_md(Hash::sha384), nullptr) == 1;
  for (const ByteView& p : parts)
    if (ok && !p.empty()) ok = EVP_DigestUpdate(ctx.get(), p.data(), p.size()) == 1;
  if (ok) ok = EVP_DigestFinal_ex(ctx.get(), out.data(), &len) == 1 && len == out.size();
  if (!ok) std::abort();  // only on a broken OpenSSL install (the digest is always available)
  return out;
}

Result<std::array<std::uint8_t, kX25519Bytes>> ed25519_pk_to_x25519(ByteView pk32) {
  detail::ensure_sodium();
  if (pk32.size() != crypto_sign_PUBLICKEYBYTES) return fail(Errc::invalid_argument, "Ed25519 public key must be 32 bytes");
  std::array<std::uint8_t, kX25519Bytes> out{};
  if (crypto_sign_ed25519_pk_to_curve25519(out.data(), pk32.data()) != 0)
    return fail(Errc::invalid_key, "Ed25519 public key cannot be converted to X25519");
  return out;
}

Result<SecretBytes> ed25519_sk_to_x25519(ByteView sk64) {
  detail::ensure_sodium();
  if (sk64.size() != crypto_sign_SECRETKEYBYTES) return fail(Errc::invalid_argument, "Ed25519 secret key must be 64 bytes");
  std::array<std::uint8_t, kX25519Bytes> out{};
  if (crypto_sign_ed25519_sk_to_curve25519(out.data(), sk64.data()) != 0) {
    secure_zero(out.data(), out.size());
    return fail(Errc::invalid_key, "Ed25519 secret key cannot be converted to X25519");
  }
  SecretBytes result{ByteView(out)};
  secure_zero(out.data(), out.size());
  return result;
}

X25519KeyPair x25519_generate() {
  detail::ensure_sodium();
  X25519KeyPair kp;
  std::array<std::uint8_t, kX25519Bytes> sk{};
  crypto_box_keypair(kp.public_key.data(), sk.data());
  kp.secret_key = SecretBytes(ByteView(sk));
  secure_zero(sk.data(), sk.size());
  return kp;
}

Result<SecretBytes> x25519(ByteView sk32, ByteView peer_pk32) {
  detail::ensure_sodium();
  if (sk32.size() != crypto_scalarmult_SCALARBYTES || peer_pk32.size() != crypto_scalarmult_BYTES)
    return fail(Errc::invalid_argument, "X25519 keys must be 32 bytes");
  std::array<std::uint8_t, kX25519Bytes> out{};
  if (crypto_scalarmult(out.data(), sk32.data(), peer_pk32.data()) != 0) {
    secure_zero(out.data(), out.size());
    return fail(Errc::bad_signature, "X25519 peer key is of small order");
  }
  SecretBytes result{ByteView(out)};
  secure_zero(out.data(), out.size());
  return result;
}

Result<SecretBytes> p384_ecdh(const PKey& priv, const PKey& peer) {
  if (priv.kind() != KeyKind::ec_p384 || peer.kind() != KeyKind::ec_p384 || !priv.has_private())
    return fail(Errc::invalid_argument, "P-384 ECDH needs a P-384 private key and a P-384 peer key");
  detail::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, priv.impl().pkey.get(), nullptr));
  std::array<std::uint8_t, 48> out{};
  std::size_t len = out.size();
  if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1 || EVP_PKEY_derive_set_peer(ctx.get(), peer.impl().pkey.get()) != 1 ||
      EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    ERR_clear_error();
    secure_zero(out.data(), out.size());
    return fail(Errc::internal, "P-384 ECDH failed");
  }
  SecretBytes result{ByteView(out)};
  secure_zero(out.data(), out.size());
  return result;
}

}  // namespace tessera::crypto
