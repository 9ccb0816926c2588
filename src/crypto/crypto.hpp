// src/crypto: the ONLY code that calls OpenSSL or libsodium. Every primitive sits behind a
// narrow function here; the rest of libtessera sees bytes, SecretBytes and opaque handles.
// Thread safety: all functions are thread-safe; handle objects are immutable once built and
// may be shared across threads (per-call contexts are duplicated from cached templates).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/wiped.hpp"
#include "tessera/error.hpp"
#include "tessera/secret.hpp"

namespace tessera::crypto {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline ByteView as_bytes(std::string_view s) noexcept {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(ByteView b) noexcept {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// ---- randomness, comparison, wiping -------------------------------------------------
void random_bytes(std::span<std::uint8_t> out) noexcept;  // libsodium CSPRNG
Bytes random_bytes(std::size_t n);
bool constant_time_equal(ByteView a, ByteView b) noexcept;  // false if sizes differ
void secure_zero(void* p, std::size_t n) noexcept;

// Wiped<C>, the wiping buffer for transient secrets: tessera/wiped.hpp (public, so that the
// front ends use the same one).
using tessera::Wiped;

// ---- hashes ---------------------------------------------------------------------------
enum class Hash { sha256, sha384, sha512 };
std::size_t hash_size(Hash h) noexcept;  // 32 / 48 / 64
Bytes sha256(ByteView data);
Bytes digest(Hash h, ByteView data);
// SHA-1, for naming things where the name is SHA-1 by someone else's protocol (a Redis
// script's EVALSHA name); never for integrity or authentication.
Bytes sha1_for_naming(ByteView data);

// ---- HMAC -----------------------------------------------------------------------------
// A pre-keyed HMAC: the key schedule is computed once; each call duplicates the keyed
// context. Refuses keys shorter than the hash output (invariant 3).
class HmacKey {
 public:
  static Result<HmacKey> create(Hash h, const SecretBytes& key);
  Hash hash() const noexcept;
  // Writes hash_size() bytes to out (which must be at least that large); returns bytes written.
  std::size_t compute(ByteView data, std::span<std::uint8_t> out) const;
  Bytes compute(ByteView data) const;
  // Recomputes and compares in constant time.
  bool verify(ByteView data, ByteView tag) const;

 private:
  struct Impl;
  explicit HmacKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// One HMAC with a key used once (a per-session key): no pre-keyed template to build and
// throw away. Same key rule as HmacKey::create.
Result<Bytes> hmac_once(Hash h, const SecretBytes& key, ByteView data);

// ---- asymmetric keys (RSA, EC, Ed25519) -----------------------------------------------
enum class KeyKind { rsa, ec_p256, ec_p384, ec_p521, ed25519 };

// Big-endian unsigned integers, as JWK carries them (already base64url-decoded).
struct RsaComponents {
  Bytes n, e;
  // private (all empty for a public key; d alone is allowed, CRT members optional)
  std::optional<SecretBytes> d, p, q, dp, dq, qi;
};
struct EcComponents {
  KeyKind curve;  // one of ec_p256 / ec_p384 / ec_p521
  Bytes x, y;     // fixed-length field elements (left-padded)
  std::optional<SecretBytes> d;  // fixed-length scalar
};
struct OkpComponents {  // Ed25519
  Bytes x;                        // 32-byte public key
  std::optional<SecretBytes> d;   // 32-byte seed
};

// An immutable asymmetric key (public, or private with its public half).
class PKey {
 public:
  // PEM: SPKI public, PKCS#8 private, "traditional" RSA (PKCS#1) / EC (SEC1) private,
  // PKCS#1 RSA public. Encrypted PEM is refused.
  static Result<PKey> from_pem(std::string_view pem);
  static Result<PKey> from_rsa(const RsaComponents& c);
  static Result<PKey> from_ec(const EcComponents& c);  // checks the point is on the curve
  static Result<PKey> from_okp(const OkpComponents& c);  // checks d derives x when both given
  static Result<PKey> generate_rsa(int bits);
  static Result<PKey> generate_ec(KeyKind curve);
  static Result<PKey> generate_ed25519();

  KeyKind kind() const noexcept;
  bool has_private() const noexcept;
  int bits() const noexcept;  // RSA modulus bits; curve bits for EC; 256 for Ed25519
  PKey public_only() const;

  Result<RsaComponents> rsa_components() const;  // private members only if has_private()
  Result<EcComponents> ec_components() const;
  Result<OkpComponents> okp_components() const;
  std::string to_pem_public() const;   // SPKI
  Result<std::string> to_pem_private() const;  // PKCS#8, unencrypted

  struct Impl;
  const Impl& impl() const noexcept { return *impl_; }

 private:
  explicit PKey(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// ---- signatures -------------------------------------------------------------------------
enum class SigScheme {
  rsa_pkcs1_sha256, rsa_pkcs1_sha384, rsa_pkcs1_sha512,
  rsa_pss_sha256, rsa_pss_sha384, rsa_pss_sha512,  // MGF1 with the same hash, salt = hash size
  ecdsa_p256_sha256, ecdsa_p384_sha384, ecdsa_p521_sha512,  // raw r||s, fixed length
  ed25519,
};

// A signing or verifying context bound to one key and one scheme, with everything that can
// be fetched or derived once (EVP_MD, libsodium expanded key) cached. Building it checks the
// scheme fits the key (RSA >= 2048 bits; curve matches; Ed25519 for ed25519).
class Signer {
 public:
  static Result<Signer> create(const PKey& key, SigScheme scheme);  // needs a private key
  Result<Bytes> sign(ByteView data) const;
 private:
  struct Impl;
  explicit Signer(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

class Verifier {
 public:
  static Result<Verifier> create(const PKey& key, SigScheme scheme);
  // Errc::bad_signature on any mismatch, including a signature of the wrong length or an
  // ECDSA r or s that is zero or not below the group order.
  Result<void> verify(ByteView data, ByteView signature) const;
 private:
  struct Impl;
  explicit Verifier(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

// ECDSA signature form conversion (exposed for tests): raw r||s of 2*n bytes <-> DER.
Result<Bytes> ecdsa_raw_to_der(ByteView raw, std::size_t n);
Result<Bytes> ecdsa_der_to_raw(ByteView der, std::size_t n);

}  // namespace tessera::crypto
