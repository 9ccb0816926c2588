// The server's signing keys by use (server_keys.hpp).
#include "oauth/server_keys.hpp"

#include <optional>

#include "tessera/paserk.hpp"
#include "tessera/paseto_jwk.hpp"

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

}  // namespace

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
  auto secret = paseto::v4_secret_key(*ed);
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
      auto p = paseto::v4_public_key(k);
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
