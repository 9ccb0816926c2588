// Authenticator::create's checks of the options (tessera/authenticator.hpp), and the Settings
// they become (settings.hpp).
#include <algorithm>

#include "resource/access_principal.hpp"
#include "resource/settings.hpp"

namespace tessera::resource {
namespace {

bool symmetric(Algorithm a) noexcept { return a == Algorithm::HS256 || a == Algorithm::HS384 || a == Algorithm::HS512; }

Result<void> check(const AuthenticatorOptions& o) {
  const auto bad = [](std::string why) { return fail(Errc::invalid_argument, "authenticator: " + std::move(why)); };
  if (o.issuer.empty()) return bad("no issuer");
  if (o.audiences.empty() || std::any_of(o.audiences.begin(), o.audiences.end(), [](auto& a) { return a.empty(); }))
    return bad("no audience (or an empty one)");
  if (o.leeway < 0 || o.leeway > kMaxLeeway) return bad("leeway must be 0.." + std::to_string(kMaxLeeway) + " s");
  if (o.introspection_cache_ttl < 0 || o.introspection_cache_ttl > kMaxIntrospectionCache)
    return bad("introspection cache must be 0.." + std::to_string(kMaxIntrospectionCache) + " s");
  if (std::any_of(o.algorithms.begin(), o.algorithms.end(), symmetric)) return bad("a symmetric algorithm (HS*)");
  if (o.accept_jwt && o.algorithms.empty()) return bad("JWT accepted with no algorithm");
  if ((o.accept_jwt || o.accept_paseto) && !o.keys) return bad("JWT/PASETO accepted without verification keys");
  if (o.require_dpop && !o.dpop) return bad("require_dpop without a DPoP verifier");
  if (!o.accept_jwt && !o.accept_paseto && !o.introspector && !o.sessions) return bad("nothing is accepted");
  if (o.introspect_when_feed_stale && !o.introspector) return bad("introspect_when_feed_stale without an introspector");
  if (o.sessions && o.session_cookie.empty()) return bad("sessions without a cookie name");
  if (!o.clock) return bad("no clock");
  return {};
}

}  // namespace

Result<Settings> make_settings(AuthenticatorOptions o) {
  if (auto r = check(o); !r) return std::unexpected(std::move(r.error()));
  ClaimsValidator::Builder b;
  b.expect_issuer(o.issuer).leeway(o.leeway).clock(*o.clock);
  for (const auto& a : o.audiences) b.expect_audience(a);
  for (auto name : kRequiredAccessClaims) b.require_claim(std::string(name));
  auto claims = b.build();
  if (!claims) return std::unexpected(std::move(claims.error()));

  ChallengeSettings challenge{o.realm, o.dpop != nullptr, o.require_dpop, {}};
  if (o.dpop)
    for (Algorithm a : o.dpop->options().algorithms) {
      if (!challenge.dpop_algs.empty()) challenge.dpop_algs.push_back(' ');
      challenge.dpop_algs += alg_name(a);
    }
  std::unique_ptr<IntrospectionCache> cache;
  if (o.introspector && o.introspection_cache_ttl > 0 && o.introspection_cache_entries > 0)
    cache = std::make_unique<IntrospectionCache>(o.introspection_cache_ttl, o.introspection_cache_entries);
  return Settings{std::move(o), std::move(*claims), std::move(challenge), std::move(cache)};
}

}  // namespace tessera::resource
