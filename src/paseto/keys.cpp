// paseto::LocalKey, SecretKey and PublicKey: generation and import with strict lengths and
// validity checks, building the cached crypto objects each version needs (see key_data.hpp).
#include <memory>

#include "crypto/crypto.hpp"
#include "crypto/sym.hpp"
#include "paseto/key_data.hpp"
#include "passkey.hpp"
#include "tessera/paseto.hpp"

namespace tessera::paseto {

namespace {

using detail::KeyData;
using detail::KeyKind;

bool valid_version(Version v) { return v == Version::v2 || v == Version::v3 || v == Version::v4; }

Result<void> check_version(Version v) {
  if (!valid_version(v)) return fail(Errc::invalid_argument, "unknown PASETO version");
  return {};
}

// The public KeyData of a v4/v2 Ed25519 key.
std::shared_ptr<const KeyData> ed25519_public(Version v, crypto::ByteView pk) {
  auto d = std::make_shared<KeyData>();
  d->version = v;
  d->kind = KeyKind::public_;
  d->public_bytes.assign(crypto::as_chars(pk));
  return d;
}

// The public KeyData of a v3 key (from any P-384 PKey; the private part is dropped).
Result<std::shared_ptr<const KeyData>> p384_public(const crypto::PKey& key) {
  auto point = crypto::p384_compressed(key);
  if (!point) return std::unexpected(point.error());
  auto pub = key.public_only();
  auto verifier = crypto::Verifier::create(pub, crypto::SigScheme::ecdsa_p384_sha384);
  if (!verifier) return std::unexpected(verifier.error());
  auto d = std::make_shared<KeyData>();
  d->version = Version::v3;
  d->kind = KeyKind::public_;
  d->public_bytes.assign(crypto::as_chars(*point));
  d->pkey.emplace(std::move(pub));
  d->verifier.emplace(std::move(*verifier));
  return d;
}

Result<SecretKey> ed25519_secret(Version v, crypto::Ed25519KeyPair kp) {
  auto d = std::make_shared<KeyData>();
  d->version = v;
  d->kind = KeyKind::secret;
  d->material = std::move(kp.secret_key);
  d->public_bytes.assign(crypto::as_chars(kp.public_key));
  d->public_half = ed25519_public(v, kp.public_key);
  return SecretKey(internal_passkey(), std::move(d));
}

Result<SecretKey> p384_secret(const crypto::PKey& key) {
  auto scalar = crypto::p384_scalar(key);
  if (!scalar) return std::unexpected(scalar.error());
  auto signer = crypto::Signer::create(key, crypto::SigScheme::ecdsa_p384_sha384);
  if (!signer) return std::unexpected(signer.error());
  auto pub = p384_public(key);
  if (!pub) return std::unexpected(pub.error());
  auto d = std::make_shared<KeyData>();
  d->version = Version::v3;
  d->kind = KeyKind::secret;
  d->material = std::move(*scalar);
  d->public_bytes = (*pub)->public_bytes;
  d->pkey.emplace(key);
  d->signer.emplace(std::move(*signer));
  d->public_half = std::move(*pub);
  return SecretKey(internal_passkey(), std::move(d));
}

}  // namespace

// ---- LocalKey ------------------------------------------------------------------------------

Result<LocalKey> LocalKey::generate(Version v) {
  if (auto r = check_version(v); !r) return std::unexpected(r.error());
  auto bytes = crypto::random_bytes(32);
  SecretBytes key{std::span<const std::uint8_t>(bytes)};
  crypto::secure_zero(bytes.data(), bytes.size());
  return from_bytes(v, key);
}

Result<LocalKey> LocalKey::from_bytes(Version v, const SecretBytes& key) {
  if (auto r = check_version(v); !r) return std::unexpected(r.error());
  if (key.size() != 32) return fail(Errc::invalid_key, "a PASETO local key is 32 bytes");
  auto d = std::make_shared<KeyData>();
  d->version = v;
  d->kind = KeyKind::local;
  d->material = key;
  return LocalKey(internal_passkey(), std::move(d));
}

Version LocalKey::version() const noexcept { return data_->version; }
const SecretBytes& LocalKey::bytes() const noexcept { return data_->material; }

// ---- SecretKey -----------------------------------------------------------------------------

Result<SecretKey> SecretKey::generate(Version v) {
  if (auto r = check_version(v); !r) return std::unexpected(r.error());
  if (v == Version::v3) {
    auto key = crypto::PKey::generate_ec(crypto::KeyKind::ec_p384);
    if (!key) return std::unexpected(key.error());
    return p384_secret(*key);
  }
  return ed25519_secret(v, crypto::ed25519_generate());
}

Result<SecretKey> SecretKey::from_bytes(Version v, const SecretBytes& key) {
  if (auto r = check_version(v); !r) return std::unexpected(r.error());
  if (v == Version::v3) {
    if (key.size() != crypto::kP384ScalarBytes) return fail(Errc::invalid_key, "a v3 secret key is 48 bytes");
    auto pkey = crypto::p384_from_scalar(key);
    if (!pkey) return std::unexpected(pkey.error());
    return p384_secret(*pkey);
  }
  const auto raw = key.reveal(SecretAccess{});
  if (raw.size() != crypto::kEd25519SecretBytes && raw.size() != crypto::kEd25519SeedBytes)
    return fail(Errc::invalid_key, "an Ed25519 secret key is 64 bytes (or a 32-byte seed)");
  auto kp = crypto::ed25519_seed_keypair(raw.first(crypto::kEd25519SeedBytes));
  if (!kp) return std::unexpected(kp.error());
  if (raw.size() == crypto::kEd25519SecretBytes &&
      !crypto::constant_time_equal(raw.subspan(crypto::kEd25519SeedBytes), kp->public_key))
    return fail(Errc::invalid_key, "the Ed25519 secret key's public half does not match its seed");
  return ed25519_secret(v, std::move(*kp));
}

Version SecretKey::version() const noexcept { return data_->version; }
const SecretBytes& SecretKey::bytes() const noexcept { return data_->material; }
PublicKey SecretKey::public_key() const { return PublicKey(internal_passkey(), data_->public_half); }

// ---- PublicKey -----------------------------------------------------------------------------

Result<PublicKey> PublicKey::from_bytes(Version v, std::span<const std::uint8_t> key) {
  if (auto r = check_version(v); !r) return std::unexpected(r.error());
  if (v == Version::v3) {
    auto pkey = crypto::p384_from_compressed(key);
    if (!pkey) return std::unexpected(pkey.error());
    auto d = p384_public(*pkey);
    if (!d) return std::unexpected(d.error());
    return PublicKey(internal_passkey(), std::move(*d));
  }
  if (key.size() != crypto::kEd25519PublicBytes) return fail(Errc::invalid_key, "an Ed25519 public key is 32 bytes");
  if (!crypto::ed25519_public_key_valid(key)) return fail(Errc::invalid_key, "not a valid Ed25519 public key");
  return PublicKey(internal_passkey(), ed25519_public(v, key));
}

Version PublicKey::version() const noexcept { return data_->version; }
std::string PublicKey::bytes() const { return data_->public_bytes; }

}  // namespace tessera::paseto
