// ServerKeys: the authorization server's signing keys, sorted by use.
//  - ES256 (the first EC P-256 key): JWT access tokens (RFC 9068) and ES256 ID tokens;
//  - Ed25519 (the first OKP key): PASETO v4.public access tokens and EdDSA ID tokens. Its kid
//    must be its PASERK k4.pid, so that one JWKS serves both formats (the PASETO footer's kid
//    names the same key the JWKS lists);
//  - RS256 (the first RSA key): RS256 ID tokens.
// Every key verifies (rotation: older keys of the set still verify what they signed).
// Thread safety: immutable once made; share it freely.
#pragma once

#include <string>

#include "tessera/error.hpp"
#include "tessera/keys.hpp"
#include "tessera/paseto.hpp"
#include "tessera/paseto_claims.hpp"

namespace tessera::oauth {

class ServerKeys {
 public:
  // invalid_argument when a kind is missing, a key cannot sign, or the Ed25519 key's kid is
  // not its PASERK pid.
  static Result<ServerKeys> create(const KeySet& signing);

  const Key& es256() const noexcept { return es256_; }
  const Key& eddsa() const noexcept { return eddsa_; }
  const Key& rs256() const noexcept { return rs256_; }
  // The key that signs alg (ES256, EdDSA, RS256).
  const Key& for_alg(Algorithm alg) const noexcept;
  const paseto::SecretKey& paseto_key() const noexcept { return paseto_; }
  const std::string& paseto_kid() const noexcept { return eddsa_.kid(); }

  // Public halves of every key, for verification and the JWKS.
  const KeySet& public_keys() const noexcept { return public_; }
  // The Ed25519 keys as PASETO public keys under their pid.
  const paseto::PublicKeySet& paseto_public() const noexcept { return paseto_public_; }
  const std::string& jwks_json() const noexcept { return jwks_json_; }

 private:
  ServerKeys(Key es, Key ed, Key rs, paseto::SecretKey p)
      : es256_(std::move(es)), eddsa_(std::move(ed)), rs256_(std::move(rs)), paseto_(std::move(p)) {}
  Key es256_, eddsa_, rs256_;
  paseto::SecretKey paseto_;
  KeySet public_;
  paseto::PublicKeySet paseto_public_;
  std::string jwks_json_;
};

}  // namespace tessera::oauth
