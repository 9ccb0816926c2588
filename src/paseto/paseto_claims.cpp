// PASETO claims: footer kid, builder and verifier (see paseto_claims.hpp).
#include "tessera/paseto_claims.hpp"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>

#include "codec/json.hpp"
#include "token/rfc3339.hpp"

namespace tessera {
namespace {

constexpr std::size_t kMaxClaimsDepth = 16;

// The kid and key a key set offers for token, or key_not_found (fail closed).
template <class K>
Result<std::pair<const K*, std::string>> select_key(const paseto::detail::KidMap<K>& keys, std::string_view token,
                                                    std::size_t max_footer_bytes, std::size_t max_token_bytes) {
  auto kid = paseto::footer_kid(token, max_footer_bytes, max_token_bytes);
  if (!kid) return std::unexpected(std::move(kid.error()));
  if (*kid) {
    const K* key = keys.find(**kid);
    if (!key) return fail(Errc::key_not_found, "the footer kid matches no key");
    return std::pair<const K*, std::string>{key, std::move(**kid)};
  }
  if (const auto* only = keys.only()) return std::pair<const K*, std::string>{&only->second, only->first};
  return fail(Errc::key_not_found, keys.empty() ? "the key set is empty" : "no footer kid to choose among several keys");
}

}  // namespace

// ---- footer kid ------------------------------------------------------------------------

namespace paseto {

Result<std::optional<std::string>> footer_kid(std::string_view token, std::size_t max_footer_bytes,
                                              std::size_t max_token_bytes) {
  auto footer = footer_unverified(token, max_token_bytes);
  if (!footer) return std::unexpected(std::move(footer.error()));
  if (footer->empty() || footer->front() != '{') return std::optional<std::string>{};
  // parse_json refuses the text over max_bytes before reading it, and stops at the depth bound.
  auto object = codec::parse_json_object(*footer, {max_footer_bytes, kMaxFooterDepth});
  if (!object) return std::unexpected(std::move(object.error()));
  auto kid = codec::get_string(*object, "kid");
  if (!kid) return std::unexpected(std::move(kid.error()));
  if (!*kid) return std::optional<std::string>{};
  return std::optional<std::string>{std::string(**kid)};
}

}  // namespace paseto

// ---- builder ---------------------------------------------------------------------------

PasetoBuilder& PasetoBuilder::footer(std::string footer) { footer_ = std::move(footer); return *this; }
PasetoBuilder& PasetoBuilder::footer_kid(std::string kid) {
  boost::json::object f;
  f["kid"] = kid;
  footer_ = boost::json::serialize(f);
  return *this;
}
PasetoBuilder& PasetoBuilder::implicit(std::string implicit) { implicit_ = std::move(implicit); return *this; }

Result<std::string> PasetoBuilder::payload() const {
  if (error_) return std::unexpected(*error_);
  // Refuse to issue what a verifier would reject for its types.
  if (auto checked = Claims::check_paseto(claims_); !checked) return std::unexpected(std::move(checked.error()));
  return boost::json::serialize(claims_);
}

Result<std::string> PasetoBuilder::encrypt(const paseto::LocalKey& key) const {
  auto p = payload();
  if (!p) return p;
  return paseto::encrypt(key, *p, footer_, implicit_);
}

Result<std::string> PasetoBuilder::sign(const paseto::SecretKey& key) const {
  auto p = payload();
  if (!p) return p;
  return paseto::sign(key, *p, footer_, implicit_);
}

// ---- verifier --------------------------------------------------------------------------

using VBuilder = PasetoVerifier::Builder;

VBuilder::Builder(ClaimsValidator validator) : validator_(std::move(validator)) {}
VBuilder& VBuilder::implicit(std::string implicit) { implicit_ = std::move(implicit); return *this; }
VBuilder& VBuilder::max_token_bytes(std::size_t n) { max_token_bytes_ = n; return *this; }
VBuilder& VBuilder::max_footer_bytes(std::size_t n) { max_footer_bytes_ = n; return *this; }
VBuilder& VBuilder::expect_footer(std::string footer) { footer_ = std::move(footer); return *this; }
PasetoVerifier VBuilder::build() const { return PasetoVerifier(*this); }

PasetoVerifier::PasetoVerifier(const Builder& b)
    : validator_(b.validator_),
      implicit_(b.implicit_),
      max_token_bytes_(b.max_token_bytes_),
      max_footer_bytes_(b.max_footer_bytes_),
      footer_(b.footer_) {}

Result<VerifiedPaseto> PasetoVerifier::finish(Result<std::string> payload, std::string_view token,
                                              paseto::Version v, paseto::Purpose p,
                                              std::optional<std::string> kid) const {
  if (!payload) return std::unexpected(std::move(payload.error()));
  // The token is authenticated now, footer included.
  auto footer = paseto::footer_unverified(token, max_token_bytes_);
  if (!footer) return std::unexpected(std::move(footer.error()));
  if (footer_ && *footer != *footer_) return fail(Errc::bad_signature, "footer is not the expected one");

  // All of one token's claims live in one arena, freed with the Claims.
  auto arena = boost::json::make_shared_resource<boost::json::monotonic_resource>(payload->size() * 2 + 256);
  auto object = codec::parse_json_object(*payload, {max_token_bytes_, kMaxClaimsDepth}, std::move(arena));
  if (!object) return std::unexpected(std::move(object.error()));
  auto claims = Claims::from_paseto(std::move(*object));
  if (!claims) return std::unexpected(std::move(claims.error()));
  if (auto r = validator_.validate(*claims); !r) return std::unexpected(std::move(r.error()));
  return VerifiedPaseto(std::move(*claims), std::move(*footer), v, p, std::move(kid));
}

Result<VerifiedPaseto> PasetoVerifier::decrypt(const paseto::LocalKey& key, std::string_view token) const {
  return finish(paseto::decrypt(key, token, implicit_, max_token_bytes_), token, key.version(),
                paseto::Purpose::local, std::nullopt);
}

Result<VerifiedPaseto> PasetoVerifier::verify(const paseto::PublicKey& key, std::string_view token) const {
  return finish(paseto::verify(key, token, implicit_, max_token_bytes_), token, key.version(),
                paseto::Purpose::public_, std::nullopt);
}

Result<VerifiedPaseto> PasetoVerifier::decrypt(const paseto::LocalKeySet& keys, std::string_view token) const {
  auto sel = select_key(keys, token, max_footer_bytes_, max_token_bytes_);
  if (!sel) return std::unexpected(std::move(sel.error()));
  const paseto::LocalKey& key = *sel->first;
  return finish(paseto::decrypt(key, token, implicit_, max_token_bytes_), token, key.version(),
                paseto::Purpose::local, std::move(sel->second));
}

Result<VerifiedPaseto> PasetoVerifier::verify(const paseto::PublicKeySet& keys, std::string_view token) const {
  auto sel = select_key(keys, token, max_footer_bytes_, max_token_bytes_);
  if (!sel) return std::unexpected(std::move(sel.error()));
  const paseto::PublicKey& key = *sel->first;
  return finish(paseto::verify(key, token, implicit_, max_token_bytes_), token, key.version(),
                paseto::Purpose::public_, std::move(sel->second));
}

}  // namespace tessera
