// PASETO v4.public access tokens (access_token.hpp): the footer's kid picks an Ed25519 key.
#include <cctype>

#include "resource/access_principal.hpp"
#include "resource/access_token.hpp"
#include "tessera/paseto_claims.hpp"
#include "tessera/paseto_jwk.hpp"

namespace tessera::resource {
namespace {

bool verifies_paseto(const Key& key) noexcept {
  return key.kty() == "OKP" && key.allows(Algorithm::EdDSA) && key.can_verify();
}

Result<VerifiedPaseto> verify_with(const Key& key, const PasetoVerifier& verifier, std::string_view token) {
  if (!verifies_paseto(key)) return fail(Errc::wrong_key_type, "the key is not an Ed25519 key that may verify");
  auto pub = paseto::v4_public_key(key);
  if (!pub) return std::unexpected(std::move(pub.error()));
  return verifier.verify(*pub, token);
}

}  // namespace

bool looks_like_paseto(std::string_view token) noexcept {
  if (token.size() < 3 || token[0] != 'v' || !std::isdigit(static_cast<unsigned char>(token[1])) || token[2] != '.')
    return false;
  const auto rest = token.substr(3);
  return rest.starts_with("local.") || rest.starts_with("public.");
}

Result<Principal> verify_paseto_access(std::string_view token, VerificationKeys& keys, const ClaimsValidator& claims) {
  if (token.size() > kMaxAccessTokenBytes) return fail(Errc::token_too_large, "access token over the size limit");
  if (!token.starts_with("v4.public.")) return fail(Errc::wrong_key_type, "only v4.public PASETO access tokens");
  auto kid = paseto::footer_kid(token, paseto::kDefaultMaxFooterBytes, kMaxAccessTokenBytes);
  if (!kid) return std::unexpected(std::move(kid.error()));
  auto set = keys.keys_for(kid->value_or(std::string()));
  if (!set) return std::unexpected(std::move(set.error()));
  const auto verifier = PasetoVerifier::Builder(claims).max_token_bytes(kMaxAccessTokenBytes).build();

  Result<VerifiedPaseto> verified = fail(Errc::key_not_found, "no Ed25519 key in the set");
  if (*kid) {
    const Key* key = set->select_by_token_kid(**kid);
    if (!key) return fail(Errc::key_not_found, "no key with that kid");
    verified = verify_with(*key, verifier, token);
  } else {
    for (const Key& key : set->keys()) {
      if (!verifies_paseto(key)) continue;
      verified = verify_with(key, verifier, token);
      if (verified || verified.error().code != Errc::bad_signature) break;
    }
  }
  if (!verified) return std::unexpected(std::move(verified.error()));
  return access_principal(verified->claims(), AuthMethod::paseto);
}

}  // namespace tessera::resource
