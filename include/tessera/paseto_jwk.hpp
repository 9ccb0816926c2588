// The bridge between JOSE keys (keys.hpp) and PASETO v4.public keys (paseto.hpp): one Ed25519
// key pair serves JWT EdDSA and PASETO v4.public, and is published once in the JWKS as an OKP
// JWK whose kid is the PASERK id (k4.pid...) of its public half.
//
// Errors: wrong_key_type (the Key is not an Ed25519 OKP key), key_not_permitted (v4_secret_key
// on a Key that may not sign: no private material, or use / key_ops forbid it).
// Thread safety: free functions over immutable keys; thread-safe.
#pragma once

#include <string>

#include "tessera/error.hpp"
#include "tessera/keys.hpp"
#include "tessera/paseto.hpp"

namespace tessera::paseto {

// The public half of an Ed25519 Key as a v4 PublicKey.
Result<PublicKey> v4_public_key(const Key& key);
// The private half of an Ed25519 Key as a v4 SecretKey (signs v4.public tokens).
Result<SecretKey> v4_secret_key(const Key& key);
// The PASERK id of the Key's public half: "k4.pid." followed by 44 base64url characters.
Result<std::string> v4_pid(const Key& key);

}  // namespace tessera::paseto
