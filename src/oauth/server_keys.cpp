// The server's signing keys by use (server_keys.hpp).
#include "oauth/server_keys.hpp"

#include <optional>

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"
#include "tessera/paserk.hpp"

namespace tessera::oauth {

namespace {

bool is_es256(const Key& k) { return k.kty() == "EC" && k.allows(Algorithm::ES256); }
bool is_eddsa(const Key& k) { return k.kty() == "OKP" && k.allows(Algorithm::EdDSA); }
bool is_rs256(const Key& k) { return k.kty() == "RSA" && k.allows(Algorithm::RS256); }

template <class Pred>
const Key* first(const KeySet& set, Pred p) {
  for (const auto& k : set.keys())
    if (p(k) && k.can_sign()) return &k;
  return nullptr;
}

Result<paseto::PublicKey> paseto_public_of(const Key& ed25519) {
  auto jwk = ed25519.to_jwk(false);
  if (!jwk) return std::unexpected(jwk.error());
  const auto* x = jwk->if_contains("x");
  if (!x || !x->is_string()) return fail(Errc::invalid_key, "Ed25519 JWK without x");
  auto raw = codec::base64url_decode(x->get_string());
  if (!raw) return std::unexpected(raw.error());
  return paseto::PublicKey::from_bytes(paseto::Version::v4, *raw);
}

}  // namespace

Result<paseto::SecretKey> paseto_secret_of(const Key& ed25519) {
  auto jwk = ed25519.to_jwk(true);
  if (!jwk) return std::unexpected(jwk.error());
  const auto* d = jwk->if_contains("d");
  if (!d || !d->is_string()) return fail(Errc::invalid_key, "Ed25519 key without its private half");
  std::string seed;
  if (!codec::base64url_decode_into(d->get_string(), seed)) return fail(Errc::invalid_key, "bad Ed25519 seed");
  SecretBytes bytes(seed);
  crypto::secure_zero(seed.data(), seed.size());
  return paseto::SecretKey::from_bytes(paseto::Version::v4, bytes);
}

const Key& ServerKeys::for_alg(Algorithm alg) const noexcept {
  if (alg == Algorithm::EdDSA) return eddsa_;
  if (alg == Algorithm::RS256) return rs256_;
  return es256_;
}

Result<ServerKeys> ServerKeys::create(const KeySet& signing) {
  const Key* es = first(signing, is_es256);
  const Key* ed = first(signing, is_eddsa);
  const Key* rs = first(signing, is_rs256);
  if (!es || !ed || !rs)
    return fail(Errc::invalid_argument, "signing keys: need a private ES256, Ed25519 and RS256 key");
  auto secret = paseto_secret_of(*ed);
  if (!secret) return std::unexpected(secret.error());
  auto pid = paserk::pid(secret->public_key());
  if (!pid) return std::unexpected(pid.error());
  if (ed->kid() != *pid) return fail(Errc::invalid_argument, "signing keys: the Ed25519 key's kid must be its PASERK pid");
  ServerKeys out(*es, *ed, *rs, std::move(*secret));
  for (const auto& k : signing.keys()) {
    if (k.is_symmetric()) continue;
    auto pub = k.public_key();
    if (!pub) return std::unexpected(pub.error());
    if (auto ok = out.public_.add(*pub); !ok) return std::unexpected(ok.error());
    if (is_eddsa(k)) {
      auto p = paseto_public_of(k);
      if (!p) return std::unexpected(p.error());
      auto kid = paserk::pid(*p);
      if (!kid) return std::unexpected(kid.error());
      if (kid == k.kid()) {
        if (auto ok = out.paseto_public_.add(*p, *kid); !ok) return std::unexpected(ok.error());
      }
    }
  }
  auto jwks = out.public_.to_jwks_json(false);
  if (!jwks) return std::unexpected(jwks.error());
  out.jwks_json_ = std::move(*jwks);
  return out;
}

}  // namespace tessera::oauth
