// Private to libtessera: what a paseto::LocalKey / SecretKey / PublicKey holds. One immutable
// KeyData per key, shared by copies of the key handle (and readable by src/paseto/paserk*).
// Everything expensive is built once here: the v3 PKey, Signer and Verifier, the Ed25519
// public key, the compressed P-384 point that v3.public puts into the PAE.
// Thread safety: immutable after construction.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "crypto/crypto.hpp"
#include "tessera/paseto.hpp"
#include "tessera/secret.hpp"

namespace tessera::paseto::detail {

enum class KeyKind { local, secret, public_ };

struct KeyData {
  Version version = Version::v4;
  KeyKind kind = KeyKind::local;
  // local: the 32-byte symmetric key.
  // secret: v4/v2 the 64-byte Ed25519 secret key (seed || public key); v3 the 48-byte scalar.
  // public: empty (the public encoding is in public_bytes).
  SecretBytes material;
  // secret and public keys: the raw public encoding (v4/v2 32 bytes, v3 49-byte compressed point).
  std::string public_bytes;
  // v3 only.
  std::optional<crypto::PKey> pkey;
  std::optional<crypto::Signer> signer;      // secret keys
  std::optional<crypto::Verifier> verifier;  // public keys
  // secret keys: the public half, built once so public_key() is cheap.
  std::shared_ptr<const KeyData> public_half;
};

}  // namespace tessera::paseto::detail
