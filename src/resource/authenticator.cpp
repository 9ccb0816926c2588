// Authenticator (tessera/authenticator.hpp): one request in, a Principal or a Refusal out. The
// order of the checks: the request's syntax (request_credentials), the token or the session
// (access_token, opaque_token, session_principal), the scheme it came under (dpop_binding), the
// deny list (revocation_check), the DPoP proof (last, so junk never fills the replay cache),
// the required scopes.
#include "tessera/authenticator.hpp"

#include <algorithm>

#include "resource/access_token.hpp"
#include "resource/dpop_binding.hpp"
#include "resource/opaque_token.hpp"
#include "resource/request_credentials.hpp"
#include "resource/revocation_check.hpp"
#include "resource/session_principal.hpp"
#include "resource/settings.hpp"

namespace tessera {

struct Authenticator::State : resource::Settings {};

namespace {

using resource::Scheme;
using resource::Settings;

// The token's principal, by its form: PASETO, JWT, else introspection.
Result<Principal> verify_token(const Settings& s, std::string_view token, std::int64_t now) {
  const auto& o = s.options;
  if (o.accept_paseto && resource::looks_like_paseto(token))
    return resource::verify_paseto_access(token, *o.keys, s.claims);
  if (o.accept_jwt && resource::looks_like_jwt(token))
    return resource::verify_jwt_access(token, *o.keys, s.claims, o.algorithms);
  if (!o.introspector) return fail(Errc::invalid_token, "not a token form this resource server accepts");
  if (token.size() > resource::kMaxAccessTokenBytes) return fail(Errc::token_too_large, "access token over the size limit");
  auto answer = resource::introspect_cached(*o.introspector, s.cache.get(), token, now);
  if (!answer) return std::unexpected(std::move(answer.error()));
  return resource::opaque_principal(*answer, {o.issuer, o.audiences, o.leeway}, now);
}

// The deny list, and the introspector when the list cannot vouch and the options allow it.
Result<void> check_revocation(const Settings& s, const Principal& p, std::string_view token, std::int64_t now) {
  const auto& o = s.options;
  if (!o.revocations) return {};
  auto verdict = resource::revocation_verdict(*o.revocations, p, now, p.method == AuthMethod::opaque,
                                              o.introspect_when_feed_stale);
  if (!verdict) return std::unexpected(std::move(verdict.error()));
  if (*verdict == resource::Verdict::accepted) return {};
  auto answer = resource::introspect_cached(*o.introspector, s.cache.get(), token, now);
  if (!answer) return std::unexpected(std::move(answer.error()));
  if (!answer->active) return fail(Errc::invalid_token, "introspection (revocation state stale): not active");
  return {};
}

AuthResult<Principal> token_principal(const Settings& s, const AuthRequest& request,
                                      const resource::RequestCredentials& c, std::int64_t now) {
  const auto& o = s.options;
  const auto refused = [&](Error e) { return std::unexpected(resource::refuse(s.challenge, std::move(e), c.scheme)); };
  auto p = verify_token(s, c.token, now);
  if (!p) return refused(std::move(p.error()));
  if (auto r = resource::check_binding(*p, c.scheme, o.require_dpop); !r) return refused(std::move(r.error()));
  if (auto r = check_revocation(s, *p, c.token, now); !r) return refused(std::move(r.error()));
  if (c.scheme == Scheme::dpop) {
    if (auto r = resource::check_proof(*o.dpop, request, c, *p); !r) {
      std::string nonce;
      if (r.error().code == Errc::use_dpop_nonce && o.dpop->options().nonces)
        nonce = o.dpop->options().nonces->current(now);
      return std::unexpected(resource::refuse(s.challenge, std::move(r.error()), Scheme::dpop, std::move(nonce)));
    }
  }
  return std::move(*p);
}

}  // namespace

Authenticator::Authenticator(std::shared_ptr<const State> state) : state_(std::move(state)) {}

Result<Authenticator> Authenticator::create(AuthenticatorOptions options) {
  auto settings = resource::make_settings(std::move(options));
  if (!settings) return std::unexpected(std::move(settings.error()));
  return Authenticator(std::make_shared<const State>(State{std::move(*settings)}));
}

const AuthenticatorOptions& Authenticator::options() const noexcept { return state_->options; }

AuthResult<Principal> Authenticator::authenticate(const AuthRequest& request) const {
  const Settings& s = *state_;
  const auto& o = s.options;
  auto creds = resource::read_credentials(request, o.sessions ? std::string_view(o.session_cookie) : std::string_view{});
  if (!creds) return std::unexpected(resource::refuse(s.challenge, std::move(creds.error()), Scheme::bearer));
  const std::int64_t now = o.clock->now();

  AuthResult<Principal> p = std::unexpected(
      resource::refuse_no_credentials(s.challenge, Error(Errc::invalid_token, "the request carries no credentials")));
  if (creds->scheme == Scheme::other) {
    p = std::unexpected(resource::refuse_no_credentials(
        s.challenge, Error(Errc::invalid_token, "an Authorization scheme other than Bearer and DPoP")));
  } else if (creds->scheme == Scheme::dpop && !o.dpop) {
    p = std::unexpected(resource::refuse_no_credentials(
        s.challenge, Error(Errc::invalid_token, "the DPoP scheme, and no DPoP verifier is configured")));
  } else if (creds->scheme != Scheme::none) {
    p = token_principal(s, request, *creds, now);
  } else if (creds->session_id) {
    auto session = resource::session_principal(*o.sessions, *creds->session_id);
    if (session) {
      p = std::move(*session);
    } else {
      p = std::unexpected(resource::refuse(s.challenge, std::move(session.error()), Scheme::none));
    }
  }
  if (!p) return p;
  if (auto r = require_scopes(*p, o.required_scopes); !r) return std::unexpected(std::move(r.error()));
  return p;
}

AuthResult<void> Authenticator::require_scopes(const Principal& principal, std::span<const std::string> scopes) const {
  const bool all = std::all_of(scopes.begin(), scopes.end(), [&](const std::string& x) { return principal.has_scope(x); });
  if (all) return {};
  return std::unexpected(resource::refuse_scope(state_->challenge, scopes, principal.dpop_bound));
}

}  // namespace tessera
