// Keys and key sets for signing and verifying tokens.
//
// A Key is one immutable key-set entry: {kid, algorithms it may be used with, material}.
// The algorithms come from the key (its JWK `alg`, else its type), never from a token.
// `use` and `key_ops` are honoured: a key with `use: "enc"`, or with `key_ops` lacking
// "verify" (resp. "sign"), cannot verify (resp. sign). A JWK `alg` naming no JWS algorithm
// (e.g. "A256GCM" on an encryption key) is kept for round trips, and the key binds no
// algorithm: it can neither sign nor verify.
// A KeySet holds several keys, one of them primary (used to sign); verification looks a key
// up by kid. This is what rotation builds on.
//
// Thread safety: Key and KeySet are immutable values once built (KeySet's mutators are for
// building only); const methods may be called from any thread. Copies share the material.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/object.hpp>

#include "tessera/error.hpp"
#include "tessera/passkey.hpp"
#include "tessera/secret.hpp"

namespace tessera {

enum class Algorithm {
  HS256, HS384, HS512,
  RS256, RS384, RS512,
  PS256, PS384, PS512,
  ES256, ES384, ES512,
  EdDSA,
};
inline constexpr std::size_t kAlgorithmCount = 13;

// JOSE name, e.g. "RS256".
std::string_view alg_name(Algorithm alg) noexcept;
// nullopt for unknown names; "none" is unknown on purpose.
std::optional<Algorithm> parse_algorithm(std::string_view name) noexcept;

// What `keys generate --type` accepts.
enum class KeySpec { hs256, hs384, hs512, rsa2048, rsa3072, rsa4096, p256, p384, p521, ed25519 };
std::optional<KeySpec> parse_key_spec(std::string_view name) noexcept;

class Key {
 public:
  // New random key. HMAC secrets are 32/48/64 bytes and bound to their one algorithm.
  // kid defaults to the RFC 7638 thumbprint.
  static Result<Key> generate(KeySpec spec, std::string kid = {});
  // RFC 7517 JWK: kty RSA, EC (P-256/384/521), OKP (Ed25519), oct. The kid is the JWK's
  // (empty if it has none). Errors: wrong_type, invalid_key (missing or bad member, alg that
  // does not fit the key, RSA < 2048 bits), malformed (base64url), unsupported (kty/crv),
  // key_too_short (oct secret < 32 bytes, or shorter than its HS alg's hash).
  static Result<Key> from_jwk(std::string_view json);
  static Result<Key> from_jwk(const boost::json::object& jwk);
  // PEM (SPKI, PKCS#8, PKCS#1 RSA, SEC1 EC). kid defaults to the thumbprint.
  static Result<Key> from_pem(std::string_view pem, std::string kid = {});
  // Raw HMAC secret; refuses secrets shorter than the hash (key_too_short).
  static Result<Key> from_secret(const SecretBytes& secret, Algorithm alg, std::string kid = {});

  const std::string& kid() const noexcept;
  Key with_kid(std::string kid) const;
  std::string_view kty() const noexcept;  // "RSA", "EC", "OKP", "oct"
  bool is_symmetric() const noexcept;
  bool has_private() const noexcept;      // true for oct keys
  std::span<const Algorithm> algorithms() const noexcept;
  bool allows(Algorithm alg) const noexcept;
  bool can_sign() const noexcept;    // private material, and use/key_ops permit it
  bool can_verify() const noexcept;  // use/key_ops permit it
  // The algorithm used to sign when the caller names none: the JWK's alg, else the first
  // allowed one (RS256 for RSA, ES256/384/512 by curve, EdDSA; for oct the largest HS whose
  // hash size <= the secret length: 64+ bytes HS512, 48..63 HS384, 32..47 HS256). An oct key
  // without alg allows every HS whose hash fits, strongest first.
  Algorithm default_algorithm() const noexcept;

  // Public half (same kid, alg, use); unsupported for oct keys.
  Result<Key> public_key() const;
  // JWK with public members only unless include_private (oct keys need include_private,
  // else invalid_argument); include_private on a public key gives its public members.
  // Members: kty, kid, use, key_ops, alg, then the key-type members.
  Result<boost::json::object> to_jwk(bool include_private = false) const;
  Result<std::string> to_jwk_json(bool include_private = false) const;
  // SPKI public PEM, or PKCS#8 private PEM; unsupported for oct keys, invalid_argument for
  // include_private on a public key.
  Result<std::string> to_pem(bool include_private = false) const;
  // RFC 7638 JWK thumbprint (SHA-256, base64url).
  std::string thumbprint() const;

  struct Impl;  // defined in src/keys/key_impl.hpp
  const Impl& impl() const noexcept { return *impl_; }
  // Only src/ makes a Passkey: keys come from the factories above.
  Key(Passkey, std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

 private:
  std::shared_ptr<const Impl> impl_;
};

class KeySet {
 public:
  KeySet() = default;
  // Adds a key; a key without a kid is named by its RFC 7638 thumbprint. Kids must be unique
  // (invalid_argument). The first key added becomes primary.
  Result<void> add(Key key, bool make_primary = false);
  Result<void> set_primary(std::string_view kid);

  const Key* primary() const noexcept;
  // The key named kid (exactly).
  const Key* find(std::string_view kid) const noexcept;
  // The key a token's kid selects: find(kid), or in a single_key() set the one key whatever
  // the kid (verifiers use this; the key's algorithm rules still apply).
  const Key* select_by_token_kid(std::string_view kid) const noexcept;
  // A set of one key that no one named: a PEM key, or a JWK without "kid" (load_key_set makes
  // these). Such a key verifies a token whatever kid the token carries, as node jose and PyJWT
  // do when given one key; the key's algorithm rules are unchanged, so a token's alg still
  // never picks another key type. The key gets its thumbprint as kid. Adding a second key
  // makes the set an ordinary one again: a set of several keys selects strictly by kid.
  static Result<KeySet> single_key(Key key);
  bool any_kid_selects_the_key() const noexcept { return any_kid_ && keys_.size() == 1; }
  std::span<const Key> keys() const noexcept { return keys_; }
  std::size_t size() const noexcept { return keys_.size(); }
  bool empty() const noexcept { return keys_.empty(); }

  // RFC 7517 §5 {"keys": [...]}. Keys without a kid get their thumbprint. A missing keys
  // member is invalid_key; keys not an array, or an entry not an object, is wrong_type.
  // to_jwks without include_private leaves out oct keys (a secret has no public form).
  static Result<KeySet> from_jwks(std::string_view json);
  Result<boost::json::object> to_jwks(bool include_private = false) const;
  Result<std::string> to_jwks_json(bool include_private = false) const;

 private:
  std::vector<Key> keys_;
  std::size_t primary_ = 0;
  bool any_kid_ = false;
};

// Loads whatever a key file holds: PEM (text containing "-----BEGIN"), a JWKS (a JSON object
// with a "keys" member), or one JWK. A key without a kid gets its thumbprint. A PEM key and a
// JWK without "kid" make a single_key() set (any token kid selects it); a JWK with a kid and
// every JWKS (even of one key) select strictly by kid.
Result<KeySet> load_key_set(std::string_view text);

}  // namespace tessera
