// PASETO (v4, v3, v2) tokens and their keys.
//
// Key types are distinct C++ types, so a local (symmetric) key can never be passed where a
// secret or public key is expected, or the other way round: that is a compile error. Each key
// is bound to one version; using a v3 key on a v4 token, or on a token whose header names
// another purpose, is Errc::wrong_key_type at run time.
//
//   v4.local   XChaCha20 + BLAKE2b-MAC (libsodium)        v4.public  Ed25519
//   v3.local   AES-256-CTR + HMAC-SHA384, HKDF-SHA384     v3.public  ECDSA P-384 (compressed key in PAE)
//   v2.local   XChaCha20-Poly1305 (legacy)                v2.public  Ed25519 (legacy)
//
// v2 has no implicit assertions: passing a non-empty one to a v2 call is invalid_argument.
// These are the byte-level operations (payload in, payload out). Claims, footers with kid and
// key sets are in paseto_claims.hpp.
// Thread safety: keys are immutable values; all functions are thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "tessera/error.hpp"
#include "tessera/passkey.hpp"
#include "tessera/secret.hpp"

namespace tessera::paseto {

enum class Version { v2 = 2, v3 = 3, v4 = 4 };
enum class Purpose { local, public_ };

std::string_view version_name(Version v) noexcept;  // "v4"
// The token header, e.g. "v4.local."
std::string header(Version v, Purpose p);

namespace detail {
struct KeyData;  // src/paseto/key_data.hpp
}

// A symmetric key for vN.local: 32 bytes.
class LocalKey {
 public:
  static Result<LocalKey> generate(Version v);
  static Result<LocalKey> from_bytes(Version v, const SecretBytes& key);  // 32 bytes
  Version version() const noexcept;
  const SecretBytes& bytes() const noexcept;  // reveal() needs SecretAccess

  const detail::KeyData& data() const noexcept { return *data_; }
  LocalKey(Passkey, std::shared_ptr<const detail::KeyData> d) : data_(std::move(d)) {}  // src/ only

 private:
  std::shared_ptr<const detail::KeyData> data_;
};

// The public half of a vN.public key pair: v4/v2 a 32-byte Ed25519 key; v3 a 49-byte
// compressed P-384 point.
class PublicKey {
 public:
  static Result<PublicKey> from_bytes(Version v, std::span<const std::uint8_t> key);
  Version version() const noexcept;
  std::string bytes() const;  // the raw encoding above

  const detail::KeyData& data() const noexcept { return *data_; }
  PublicKey(Passkey, std::shared_ptr<const detail::KeyData> d) : data_(std::move(d)) {}  // src/ only

 private:
  std::shared_ptr<const detail::KeyData> data_;
};

// The signing half: v4/v2 a 64-byte Ed25519 secret key (seed || public key; a 32-byte seed is
// also accepted); v3 a 48-byte P-384 scalar.
class SecretKey {
 public:
  static Result<SecretKey> generate(Version v);
  static Result<SecretKey> from_bytes(Version v, const SecretBytes& key);
  Version version() const noexcept;
  const SecretBytes& bytes() const noexcept;  // v4/v2: 64 bytes; v3: 48 bytes
  PublicKey public_key() const;

  const detail::KeyData& data() const noexcept { return *data_; }
  SecretKey(Passkey, std::shared_ptr<const detail::KeyData> d) : data_(std::move(d)) {}  // src/ only

 private:
  std::shared_ptr<const detail::KeyData> data_;
};

inline constexpr std::size_t kDefaultMaxTokenBytes = 64 * 1024;

// Encrypts payload (any bytes) into a vN.local token; the footer is authenticated, not encrypted.
Result<std::string> encrypt(const LocalKey& key, std::string_view payload, std::string_view footer = {},
                            std::string_view implicit = {});
// Returns the payload. Errors: wrong_key_type (the token's header is not this key's version
// and purpose), malformed (not a PASETO token, bad base64url, too short), token_too_large,
// bad_signature (authentication failed: wrong key, tampered token, footer or implicit assertion).
Result<std::string> decrypt(const LocalKey& key, std::string_view token, std::string_view implicit = {},
                            std::size_t max_token_bytes = kDefaultMaxTokenBytes);

Result<std::string> sign(const SecretKey& key, std::string_view payload, std::string_view footer = {},
                         std::string_view implicit = {});
Result<std::string> verify(const PublicKey& key, std::string_view token, std::string_view implicit = {},
                           std::size_t max_token_bytes = kDefaultMaxTokenBytes);

// The footer of a token, NOT authenticated: use it only to choose a key (see paseto_claims.hpp
// for the safe kid reader). Empty when the token has none.
Result<std::string> footer_unverified(std::string_view token, std::size_t max_token_bytes = kDefaultMaxTokenBytes);

// PAE (pre-authentication encoding) of the spec, exposed for tests.
std::string pae(std::span<const std::string_view> pieces);

}  // namespace tessera::paseto
