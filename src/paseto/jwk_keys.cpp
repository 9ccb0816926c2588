// Ed25519 Key (keys.hpp) <-> PASETO v4 keys (tessera/paseto_jwk.hpp). The raw Ed25519
// material comes from the Key's PKey; the paseto factories check it as they do any bytes.
#include "tessera/paseto_jwk.hpp"

#include "crypto/crypto.hpp"
#include "keys/key_impl.hpp"
#include "tessera/paserk.hpp"

namespace tessera::paseto {
namespace {

Result<crypto::OkpComponents> ed25519_components(const Key& key) {
  const Key::Impl& impl = key.impl();
  if (impl.kty != "OKP" || !impl.pkey || impl.pkey->kind() != crypto::KeyKind::ed25519)
    return fail(Errc::wrong_key_type, "not an Ed25519 key");
  return impl.pkey->okp_components();
}

}  // namespace

Result<PublicKey> v4_public_key(const Key& key) {
  auto okp = ed25519_components(key);
  if (!okp) return std::unexpected(okp.error());
  return PublicKey::from_bytes(Version::v4, okp->x);
}

Result<SecretKey> v4_secret_key(const Key& key) {
  auto okp = ed25519_components(key);
  if (!okp) return std::unexpected(okp.error());
  if (!key.can_sign() || !okp->d) return fail(Errc::key_not_permitted, "the Ed25519 key may not sign");
  return SecretKey::from_bytes(Version::v4, *okp->d);
}

Result<std::string> v4_pid(const Key& key) {
  auto pub = v4_public_key(key);
  if (!pub) return std::unexpected(pub.error());
  return paserk::pid(*pub);
}

}  // namespace tessera::paseto
