// Internal: what a Key holds, and the two operations the token layers use.
// Key::Impl is built once (by the factories in key.cpp / jwk.cpp) with every per-algorithm
// context the key will ever need already created, so signing and verifying never parse a
// key or fetch an algorithm.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "crypto/crypto.hpp"
#include "tessera/keys.hpp"

namespace tessera {

struct Key::Impl {
  std::string kid;
  std::string kty;                      // "RSA", "EC", "OKP", "oct"
  std::optional<Algorithm> alg;         // the JWK's alg member, if it had one
  // An alg member that names no JWS algorithm (e.g. "A256GCM", "RSA-OAEP"): kept so the JWK
  // round-trips; such a key binds no algorithm and can neither sign nor verify.
  std::optional<std::string> foreign_alg;
  std::optional<std::string> use;       // "sig" / "enc" as given
  std::optional<std::vector<std::string>> key_ops;
  std::vector<Algorithm> algorithms;    // allowed, in preference order
  bool sign_permitted = false;          // private material and use/key_ops allow signing
  bool verify_permitted = false;

  std::optional<SecretBytes> secret;    // oct
  std::optional<crypto::PKey> pkey;     // RSA / EC / OKP

  // Indexed by static_cast<size_t>(Algorithm); set only for allowed algorithms.
  std::array<std::optional<crypto::HmacKey>, kAlgorithmCount> macs;
  std::array<std::optional<crypto::Signer>, kAlgorithmCount> signers;
  std::array<std::optional<crypto::Verifier>, kAlgorithmCount> verifiers;
};

namespace keys {

// Signs data with key under alg. Errors: key_not_permitted (no private material, or
// use/key_ops forbid signing; checked first, whatever alg), alg_not_allowed (alg not bound
// to the key).
Result<crypto::Bytes> sign(const Key& key, Algorithm alg, crypto::ByteView data);

// Verifies; key_not_permitted (checked first), alg_not_allowed, or bad_signature.
Result<void> verify(const Key& key, Algorithm alg, crypto::ByteView data,
                    crypto::ByteView signature);

}  // namespace keys
}  // namespace tessera
