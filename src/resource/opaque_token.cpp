// Opaque tokens through introspection (opaque_token.hpp).
#include "resource/opaque_token.hpp"

#include <algorithm>
#include <cctype>

#include "resource/access_principal.hpp"

namespace tessera::resource {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

Result<IntrospectionAnswer> introspect_cached(Introspector& introspector, IntrospectionCache* cache,
                                              std::string_view token, std::int64_t now) {
  std::string key;
  if (cache) {
    key = IntrospectionCache::key_of(token);
    if (auto hit = cache->find(key, now)) return std::move(*hit);
  }
  auto answer = introspector.introspect(token);
  if (!answer) return std::unexpected(std::move(answer.error()));
  if (cache) cache->put(key, *answer, now);
  return answer;
}

Result<Principal> opaque_principal(const IntrospectionAnswer& a, const OpaqueRules& rules, std::int64_t now) {
  if (!a.active) return fail(Errc::invalid_token, "introspection: the token is not active");
  if (!a.issuer.empty() && a.issuer != rules.issuer) return fail(Errc::invalid_issuer, "introspection: unexpected issuer");
  const bool ours = std::any_of(a.audience.begin(), a.audience.end(), [&](const std::string& aud) {
    return std::find(rules.audiences.begin(), rules.audiences.end(), aud) != rules.audiences.end();
  });
  if (!ours) return fail(Errc::invalid_audience, "introspection: the audience does not match");
  if (!a.token_type.empty() && !iequals(a.token_type, "Bearer") && !iequals(a.token_type, "DPoP"))
    return fail(Errc::invalid_token, "introspection: not an access token (token_type " + a.token_type + ")");
  if (a.expires_at > 0 && now - rules.leeway >= a.expires_at) return fail(Errc::token_expired, "introspection: expired");
  if (a.subject.empty()) return fail(Errc::invalid_token, "introspection: no sub");
  Principal p;
  p.method = AuthMethod::opaque;
  p.subject = a.subject;
  p.client_id = a.client_id;
  p.scopes = split_scope(a.scope);
  p.token_id = a.jti;
  p.grant_id = a.sid;
  p.jkt = a.jkt;
  p.dpop_bound = !a.jkt.empty();
  p.issued_at = a.issued_at;
  p.expires_at = a.expires_at;
  return p;
}

}  // namespace tessera::resource
