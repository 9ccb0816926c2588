// tessera/bff_token_vault.hpp (implemented in src/bff/): the BFF's tokens at rest (docs/bff.md). The session record in the
// store holds them only sealed: PASETO v4.local (XChaCha20 + BLAKE2b-MAC) under a server key,
// with the session's id hash as implicit assertion, so a leaked store yields no usable token and
// a sealed blob copied into another session's record does not open.
// Thread safety: a TokenVault is immutable after create(); seal and open are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/error.hpp"
#include "tessera/paseto.hpp"

namespace tessera::bff {

struct BffTokens {
  std::string access_token;
  std::string refresh_token;  // empty: the issuer gave none
  std::string id_token;
  std::int64_t access_expires_at = 0;  // unix seconds

  friend bool operator==(const BffTokens&, const BffTokens&) = default;
};

class TokenVault {
 public:
  // invalid_argument unless key is a v4 local key.
  static Result<TokenVault> create(paseto::LocalKey key);
  // A v4.local token bound to `bound_to` (the session id's hash).
  Result<std::string> seal(const BffTokens& tokens, std::string_view bound_to) const;
  // bad_signature: wrong key, tampered, or sealed for another session; malformed: not a sealed
  // token record.
  Result<BffTokens> open(std::string_view sealed, std::string_view bound_to) const;

 private:
  explicit TokenVault(paseto::LocalKey key) : key_(std::move(key)) {}
  paseto::LocalKey key_;
};

}  // namespace tessera::bff
