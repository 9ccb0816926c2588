// src/crypto/sym.hpp: the raw symmetric and low-level primitives that PASETO (and PASERK) are
// built from: BLAKE2b, XChaCha20, XChaCha20-Poly1305, AES-256-CTR, HMAC-SHA384, HKDF-SHA384,
// raw Ed25519, and P-384 compressed points / bare scalars. Implemented in sym.cpp over
// libsodium and OpenSSL 3.0 (algorithms fetched once per process, never per call).
//
// Sizes are checked: a key, nonce or output span of the wrong length is Errc::invalid_argument
// (a programming error in the caller, never a property of untrusted input, which the callers
// check first). Key inputs are plain byte views: callers reveal SecretBytes at the call site, so
// every read of key material stays greppable there.
// Thread safety: all functions are thread-safe.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "crypto/crypto.hpp"
#include "tessera/error.hpp"
#include "tessera/secret.hpp"

namespace tessera::crypto {

// ---- BLAKE2b (crypto_generichash) -----------------------------------------------------
// Keyed (key of 1..64 bytes) or unkeyed (empty key) BLAKE2b of the concatenation of parts,
// written to out (16..64 bytes). Multi-part, so callers hash prefix || nonce without copying.
Result<void> blake2b(std::span<std::uint8_t> out, ByteView key, std::span<const ByteView> parts);
Result<Bytes> blake2b(std::size_t out_len, ByteView key, std::span<const ByteView> parts);

// ---- XChaCha20 ------------------------------------------------------------------------------
inline constexpr std::size_t kXChaChaKeyBytes = 32;
inline constexpr std::size_t kXChaChaNonceBytes = 24;
inline constexpr std::size_t kPoly1305TagBytes = 16;

// The XChaCha20 stream (counter 0) XORed with data: encrypts and decrypts.
Result<Bytes> xchacha20_xor(ByteView data, ByteView nonce24, ByteView key32);
// The same into out, which must be data.size() bytes (may be the same memory as data).
Result<void> xchacha20_xor(ByteView data, ByteView nonce24, ByteView key32, std::span<std::uint8_t> out);

// XChaCha20-Poly1305-IETF: returns ciphertext || 16-byte tag.
Result<Bytes> xchacha20poly1305_encrypt(ByteView message, ByteView aad, ByteView nonce24, ByteView key32);
// Errc::bad_signature if the tag does not verify (nothing is released then).
Result<Bytes> xchacha20poly1305_decrypt(ByteView ciphertext_and_tag, ByteView aad, ByteView nonce24,
                                        ByteView key32);

// ---- AES-256-CTR, HMAC-SHA384, HKDF-SHA384 (OpenSSL) -----------------------------------
// AES-256 in CTR mode (128-bit big-endian counter starting at iv16) XORed with data.
Result<Bytes> aes256_ctr_xor(ByteView data, ByteView key32, ByteView iv16);

// One-shot HMAC-SHA384 (48 bytes). Meant for keys DERIVED inside a protocol (PASETO v3's Ak),
// so unlike HmacKey there is no minimum key length here; user-supplied HMAC secrets (JOSE)
// must go through HmacKey, which enforces invariant 3.
Result<std::array<std::uint8_t, 48>> hmac_sha384(ByteView key, ByteView data);

// HKDF-SHA384 (RFC 5869, extract then expand) into out (1..255*48 bytes). An empty salt is
// the RFC's "not provided" (a string of HashLen zero bytes).
Result<void> hkdf_sha384(std::span<std::uint8_t> out, ByteView ikm, ByteView salt, ByteView info);

// ---- Ed25519 (libsodium, raw keys) ------------------------------------------------------
inline constexpr std::size_t kEd25519PublicBytes = 32;
inline constexpr std::size_t kEd25519SeedBytes = 32;
inline constexpr std::size_t kEd25519SecretBytes = 64;  // seed || public key
inline constexpr std::size_t kEd25519SignatureBytes = 64;

struct Ed25519KeyPair {
  std::array<std::uint8_t, kEd25519PublicBytes> public_key{};
  SecretBytes secret_key;  // 64 bytes: seed || public key
};
// Derives the key pair of a 32-byte seed.
Result<Ed25519KeyPair> ed25519_seed_keypair(ByteView seed32);
Ed25519KeyPair ed25519_generate();
// True if pk32 is a canonical encoding of a point of the prime-order subgroup that is not of
// small order (libsodium's crypto_core_ed25519_is_valid_point).
bool ed25519_public_key_valid(ByteView pk32) noexcept;
// Detached signature with a 64-byte secret key (seed || public key), as libsodium holds it.
Result<std::array<std::uint8_t, kEd25519SignatureBytes>> ed25519_sign(ByteView sk64, ByteView message);
// Errc::bad_signature on any mismatch (including a signature that is not 64 bytes).
Result<void> ed25519_verify(ByteView pk32, ByteView message, ByteView signature);

// ---- P-384 points and scalars (OpenSSL) ---------------------------------------------------
inline constexpr std::size_t kP384ScalarBytes = 48;
inline constexpr std::size_t kP384CompressedBytes = 49;

// A P-384 public PKey from a SEC1 compressed point (0x02/0x03 || x, 49 bytes).
// Errc::invalid_key if the prefix is wrong or x is not the x of a curve point.
Result<PKey> p384_from_compressed(ByteView point49);
// The 49-byte compressed point of a P-384 PKey (public or private).
Result<Bytes> p384_compressed(const PKey& key);
// A P-384 private PKey from the 48-byte big-endian scalar alone (the public point is derived).
// Errc::invalid_key unless 1 <= d <= n-1.
Result<PKey> p384_from_scalar(const SecretBytes& d48);
// The 48-byte big-endian scalar of a private P-384 PKey.
Result<SecretBytes> p384_scalar(const PKey& key);

}  // namespace tessera::crypto
