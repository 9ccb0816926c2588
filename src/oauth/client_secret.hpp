// Client ids and client secrets.
//
// A client_id is made from the client's name: a slug of it (lower case [a-z0-9-], at most 32
// characters, "client" if nothing is left) then "-" and 8 random base64url characters, so it
// is always within [A-Za-z0-9._~-] and two clients of one name get different ids.
// A client secret is 256 random bits as base64url (43 characters). The store keeps only
// base64url(HMAC-SHA-256(server_key, "tessera client secret" || client_id || secret)): a
// high-entropy secret needs no stretching (no Argon2 on the token endpoint's hot path), and
// the key means a leaked store cannot even be checked offline. Verification is constant time.
// Thread safety: SecretHasher is immutable and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "crypto/crypto.hpp"
#include "tessera/error.hpp"
#include "tessera/secret.hpp"

namespace tessera::oauth {

// [A-Za-z0-9._~-], 1..128 characters (ClientRecord::client_id).
bool valid_client_id(std::string_view id) noexcept;
std::string make_client_id(std::string_view name);
// 43 base64url characters, as bytes.
SecretBytes new_client_secret();

class SecretHasher {
 public:
  // invalid_argument when server_key is shorter than 32 bytes.
  static Result<SecretHasher> create(const SecretBytes& server_key);
  std::string hash(std::string_view client_id, std::string_view secret) const;
  // Recomputes and compares with stored in constant time.
  bool verify(std::string_view client_id, std::string_view secret, std::string_view stored) const;
  // The raw keyed hash of label || data (the refresh-token successor derivation shares the key).
  crypto::Bytes mac(std::string_view label, std::string_view a, std::string_view b = {}) const;

 private:
  explicit SecretHasher(crypto::HmacKey key) : key_(std::move(key)) {}
  crypto::HmacKey key_;
};

}  // namespace tessera::oauth
