// src/crypto/kex.hpp: password hashing and key agreement for PASERK (password wrapping and
// sealing): Argon2id and PBKDF2-SHA384, X25519 with the Ed25519 -> X25519 conversions, P-384
// ECDH, and a multi-part SHA-384. Implemented in kex.cpp over libsodium and OpenSSL 3.0.
//
// Like sym.hpp, wrong sizes are Errc::invalid_argument (callers check untrusted input first);
// key inputs are plain byte views revealed at the call site.
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

// ---- password hashing -------------------------------------------------------------------
inline constexpr std::size_t kArgon2SaltBytes = 16;

// Argon2id v1.3 (libsodium crypto_pwhash, ARGON2ID13, parallelism 1) into out (>= 16 bytes).
// memlimit in bytes. invalid_argument if the parameters are outside libsodium's range;
// internal if libsodium cannot allocate the memory.
Result<void> argon2id(std::span<std::uint8_t> out, ByteView password, ByteView salt16, std::uint64_t memlimit,
                      std::uint64_t opslimit);

// PBKDF2-HMAC-SHA384 (RFC 8018) into out. iterations >= 1 and <= INT_MAX.
Result<void> pbkdf2_sha384(std::span<std::uint8_t> out, ByteView password, ByteView salt, std::uint32_t iterations);

// SHA-384 of the concatenation of parts, into a 48-byte array (callers wipe it when secret).
std::array<std::uint8_t, 48> sha384_parts(std::span<const ByteView> parts);

// ---- X25519 -------------------------------------------------------------------------------
inline constexpr std::size_t kX25519Bytes = 32;

// crypto_sign_ed25519_pk_to_curve25519: invalid_key if pk32 is not a usable Ed25519 point.
Result<std::array<std::uint8_t, kX25519Bytes>> ed25519_pk_to_x25519(ByteView pk32);
// crypto_sign_ed25519_sk_to_curve25519 of a 64-byte Ed25519 secret key (seed || public key).
Result<SecretBytes> ed25519_sk_to_x25519(ByteView sk64);

struct X25519KeyPair {
  std::array<std::uint8_t, kX25519Bytes> public_key{};
  SecretBytes secret_key;  // 32 bytes
};
X25519KeyPair x25519_generate();
// crypto_scalarmult: the 32-byte shared secret. bad_signature if the peer point is of small
// order (the result would be all zeros), so a hostile ephemeral key cannot force a known key.
Result<SecretBytes> x25519(ByteView sk32, ByteView peer_pk32);

// ---- P-384 ECDH ---------------------------------------------------------------------------
// The 48-byte x coordinate of priv * peer (OpenSSL EVP_PKEY_derive). Both keys must be P-384;
// priv must hold a private key.
Result<SecretBytes> p384_ecdh(const PKey& priv, const PKey& peer);

}  // namespace tessera::crypto
