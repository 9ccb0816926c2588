// The token endpoint (AuthorizationServer::token): the authorization_code, refresh_token and
// client_credentials grants (RFC 6749 §4.1.3, §6, §4.4; RFC 9700 §4.14; RFC 8707) and the
// issuance of access, refresh and ID tokens, DPoP-bound when the request carried a proof
// (RFC 9449 §5; the proof rules: oauth_dpop.cpp).
#include <algorithm>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "oauth/client_settings.hpp"
#include "oauth/params.hpp"
#include "oauth/pkce.hpp"
#include "oauth/random_token.hpp"
#include "oauth/refresh_token.hpp"
#include "service/authorization_server_impl.hpp"

namespace tessera {

namespace {

// What one issuance is about.
struct Subject {
  std::string sub;            // username, or the client id (client_credentials)
  std::string family_id;      // empty: no grant
  std::string scope;
  std::string audience;       // empty: the issuer
  std::optional<std::int64_t> auth_time;
  std::uint64_t generation = 0;
  std::string jkt;            // the DPoP key the access token is bound to; empty: a bearer token
};

struct IssuedToken {
  std::string token;
  oauth::AccessClaims claims;
};

Result<std::string> need(const Params& form, std::string_view name) {
  const auto v = oauth::param(form, name);
  if (!v) return fail(Errc::invalid_request, std::string(name) + " missing");
  return std::string(*v);
}

// The audience a token request asks for: resource (RFC 8707) within the client's audiences.
Result<std::string> requested_audience(const Params& form, const ClientSettings& s) {
  if (const auto r = oauth::param(form, "resource")) {
    if (std::find(s.audiences.begin(), s.audiences.end(), *r) == s.audiences.end())
      return fail(Errc::invalid_target, "resource is not one of the client's audiences");
    return std::string(*r);
  }
  return s.audiences.empty() ? std::string() : s.audiences.front();
}

}  // namespace

Result<boost::json::object> AuthorizationServer::token(const Params& form, const ClientAuth& auth,
                                                      const ClientInfo& info,
                                                      const std::vector<std::string_view>& dpop) {
  if (auto ok = oauth::check_no_repeats(form); !ok) return std::unexpected(ok.error());
  const auto grant_type = oauth::param(form, "grant_type");
  if (!grant_type) return fail(Errc::invalid_request, "grant_type missing");
  const bool known = *grant_type == "authorization_code" || *grant_type == "refresh_token" ||
                     *grant_type == "client_credentials";
  if (!known) return fail(Errc::unsupported_grant_type, "unsupported grant_type");
  auto client = impl_->authenticate_client(form, auth);
  if (!client) return std::unexpected(client.error());
  const LoadedClient& c = **client;
  if (!oauth::has_grant(c.settings, *grant_type))
    return fail(Errc::unauthorized_client, "the client may not use " + std::string(*grant_type));
  // The proof is checked once the client is known (junk from unauthenticated callers never
  // reaches the replay cache) and before the grant is looked at (a nonce retry costs no code).
  auto proof = impl_->token_proof(c, dpop);
  if (!proof) return std::unexpected(proof.error());
  const DpopProof* p = *proof ? &**proof : nullptr;
  if (*grant_type == "authorization_code") return impl_->code_grant(form, c, info, p);
  if (*grant_type == "refresh_token") return impl_->refresh_grant(form, c, p);
  return impl_->client_credentials_grant(form, c, p);
}

namespace {

// The claims of a subject's next access token for a client (jti and expiry chosen now).
oauth::AccessClaims access_claims(const AuthorizationServer::Impl& im, const LoadedClient& c, const Subject& s,
                                  std::int64_t now) {
  oauth::AccessClaims cl;
  cl.issuer = im.options.issuer;
  cl.subject = s.sub;
  cl.audience = {s.audience.empty() ? im.options.issuer : s.audience};
  cl.client_id = c.id();
  cl.scope = s.scope;
  cl.jti = oauth::random_token(16);
  cl.sid = s.family_id;
  cl.issued_at = now;
  cl.expires_at = now + c.settings.access_ttl;
  cl.auth_time = s.auth_time;
  cl.jkt = s.jkt;
  return cl;
}

// The access token itself, in the client's format (an opaque token is stored by its hash).
Result<IssuedToken> make_access(const AuthorizationServer::Impl& im, const LoadedClient& c, const Subject& s,
                                  oauth::AccessClaims cl) {
  IssuedToken out;
  switch (c.settings.token_format) {
    case TokenFormat::jwt: {
      auto t = oauth::sign_jwt_access(im.keys_now()->keys, cl);
      if (!t) return std::unexpected(t.error());
      out.token = std::move(*t);
      break;
    }
    case TokenFormat::paseto: {
      auto t = oauth::sign_paseto_access(im.keys_now()->keys, cl);
      if (!t) return std::unexpected(t.error());
      out.token = std::move(*t);
      break;
    }
    case TokenFormat::opaque: {
      out.token = oauth::random_token(32);
      AccessRecord a;
      a.token_hash = oauth::token_hash(out.token);
      a.jti = cl.jti;
      a.family_id = s.family_id;
      a.client_id = c.id();
      a.user = s.sub;
      a.scope = s.scope;
      a.audience = cl.audience.front();
      a.auth_time = s.auth_time.value_or(0);
      a.issued_at = cl.issued_at;
      a.expires_at = cl.expires_at;
      a.generation = s.generation;
      a.jkt = cl.jkt;
      if (auto ok = im.store.put_access(a); !ok) return std::unexpected(ok.error());
      break;
    }
  }
  out.claims = std::move(cl);
  return out;
}

// Stateless access tokens are remembered by their family (to deny them when it is revoked).
IssuedAccess remembered(const LoadedClient& c, const oauth::AccessClaims& cl) {
  if (c.settings.token_format == TokenFormat::opaque) return {};
  return IssuedAccess{cl.jti, cl.expires_at};
}

// The JSON answer (RFC 6749 §5.1), with an ID token when the scope has openid and the grant
// has a user.
Result<boost::json::object> answer(const AuthorizationServer::Impl& im, const LoadedClient& c, const Subject& s,
                                   const IssuedToken& access, std::string_view refresh, std::string_view nonce,
                                   std::string_view grant_type, std::int64_t now) {
  boost::json::object o;
  o["access_token"] = access.token;
  o["token_type"] = access.claims.jkt.empty() ? "Bearer" : "DPoP";  // RFC 9449 §5
  o["expires_in"] = c.settings.access_ttl;
  o["scope"] = s.scope;
  if (!refresh.empty()) o["refresh_token"] = refresh;
  auto scopes = oauth::parse_scope(s.scope);
  if (scopes && oauth::has_scope(*scopes, "openid") && s.auth_time) {
    oauth::IdTokenClaims id{im.options.issuer, s.sub, c.id(), std::string(nonce), now, now + c.settings.access_ttl,
                            *s.auth_time};
    auto t = oauth::sign_id_token(im.keys_now()->keys, c.settings.id_token_alg, id, access.token);
    if (!t) return std::unexpected(t.error());
    o["id_token"] = std::move(*t);
  }
  im.emit(OAuthEvent{OAuthEvent::Kind::token_issued, std::string(grant_type),
                     std::string(token_format_name(c.settings.token_format)), c.id(), access.claims.jti, s.family_id,
                     false});
  return o;
}

}  // namespace

Result<boost::json::object> AuthorizationServer::Impl::code_grant(const Params& form, const LoadedClient& c,
                                                                  const ClientInfo& info, const DpopProof* proof) {
  auto code = need(form, "code");
  if (!code) return std::unexpected(code.error());
  auto redirect_uri = need(form, "redirect_uri");
  if (!redirect_uri) return std::unexpected(redirect_uri.error());
  auto code_verifier = need(form, "code_verifier");
  if (!code_verifier) return std::unexpected(code_verifier.error());
  const auto t = now();
  auto taken = store.take_code(oauth::token_hash(*code), t);
  if (!taken) return std::unexpected(taken.error());
  if (!*taken) return fail(Errc::invalid_grant, "unknown or expired code");
  const CodeRecord& rec = **taken;
  if (rec.used) {
    // A second exchange: the code leaked. Revoke what the first one issued (RFC 6749 §4.1.2).
    if (auto ok = end_family(rec.family_id); !ok) return std::unexpected(ok.error());
    emit(OAuthEvent{OAuthEvent::Kind::code_reuse, "authorization_code", {}, rec.client_id, {}, rec.family_id, false});
    return fail(Errc::invalid_grant, "code used before; its grant is revoked");
  }
  if (rec.client_id != c.id()) return fail(Errc::invalid_grant, "code issued to another client");
  if (rec.redirect_uri != *redirect_uri) return fail(Errc::invalid_grant, "redirect_uri differs from the authorization request's");
  if (!oauth::pkce_matches(*code_verifier, rec.code_challenge)) return fail(Errc::invalid_grant, "code_verifier does not match");
  if (auto ok = check_bound(rec.dpop_jkt, proof, "the code (dpop_jkt)"); !ok) return std::unexpected(ok.error());
  if (auto ok = check_user(rec.user, rec.generation); !ok) return std::unexpected(ok.error());

  Subject s{rec.user, rec.family_id, rec.scope, rec.audience, rec.auth_time, rec.generation,
            proof ? proof->jkt : std::string()};
  const auto claims = access_claims(*this, c, s, t);
  // The grant always exists (introspection and revocation find tokens through it); it holds a
  // usable refresh token only when the client has the refresh_token grant.
  const bool with_refresh = oauth::has_grant(c.settings, "refresh_token");
  const auto refresh = with_refresh ? oauth::new_refresh_token(rec.family_id) : std::string();
  GrantRecord g;
  g.family_id = rec.family_id;
  g.user = rec.user;
  g.client_id = c.id();
  g.scope = rec.scope;
  g.audience = rec.audience;
  g.auth_time = rec.auth_time;
  g.created_at = g.last_used_at = g.rotated_at = t;
  g.absolute_expires_at = t + c.settings.refresh_absolute_ttl;
  g.idle_expires_at = std::min(t + c.settings.refresh_idle_ttl, g.absolute_expires_at);
  g.generation = rec.generation;
  g.current_hash = oauth::token_hash(with_refresh ? refresh : oauth::random_token(32));
  if (auto a = remembered(c, claims); !a.jti.empty()) g.access.push_back(a);
  boost::json::object ci;
  ci["ip"] = info.ip;
  ci["user_agent"] = info.user_agent;
  g.client_info_json = boost::json::serialize(ci);
  // A public client's refresh token is bound to the proof's key; a confidential client's is
  // already sender-constrained by its client authentication (RFC 9449 §5).
  if (proof && c.settings.public_client) g.jkt = proof->jkt;
  // The access token first (an opaque one is stored): once the grant exists, nothing can
  // fail before the answer. Should the grant not be created, the token belongs to no live
  // grant and is inactive.
  auto access = make_access(*this, c, s, claims);
  if (!access) return std::unexpected(access.error());
  auto created = store.create_grant(g);
  if (!created) return std::unexpected(created.error());
  if (!*created) return fail(Errc::invalid_grant, "the grant was revoked");
  return answer(*this, c, s, *access, refresh, rec.nonce, "authorization_code", t);
}

Result<boost::json::object> AuthorizationServer::Impl::refresh_grant(const Params& form, const LoadedClient& c,
                                                                     const DpopProof* proof) {
  auto presented = need(form, "refresh_token");
  if (!presented) return std::unexpected(presented.error());
  const auto family = oauth::refresh_family(*presented);
  if (!family) return fail(Errc::invalid_grant, "not a refresh token");
  auto grant = store.get_grant(*family);
  if (!grant) return std::unexpected(grant.error());
  if (!*grant) return fail(Errc::invalid_grant, "unknown refresh token");
  const GrantRecord& g = **grant;
  // Another client's token is refused without touching the family.
  if (g.client_id != c.id()) return fail(Errc::invalid_grant, "refresh token of another client");
  // Checked before the rotation: a refresh without the family's key changes nothing.
  if (auto ok = check_bound(g.jkt, proof, "the refresh token"); !ok) return std::unexpected(ok.error());
  if (auto ok = check_user(g.user, g.generation); !ok) return std::unexpected(ok.error());
  auto granted = oauth::parse_scope(g.scope);
  if (!granted) return fail(Errc::store_unavailable, "stored grant scope does not parse");
  std::string scope = g.scope;
  if (const auto requested = oauth::param(form, "scope")) {
    auto narrowed = oauth::parse_scope(*requested);
    if (!narrowed) return std::unexpected(narrowed.error());
    if (!oauth::scope_subset(*narrowed, *granted)) return fail(Errc::invalid_scope, "a refresh cannot widen the scope");
    scope = oauth::join_scope(*narrowed);
  }
  std::string audience = g.audience;
  if (oauth::param(form, "resource")) {
    auto a = requested_audience(form, c.settings);
    if (!a) return std::unexpected(a.error());
    audience = std::move(*a);
  }

  const auto t = now();
  Subject s{g.user, g.family_id, scope, audience, g.auth_time, g.generation, proof ? proof->jkt : std::string()};
  // Made before the rotation (an opaque token is stored), so that a rotation is never
  // followed by a failure; after any outcome but rotated/grace the token is handed to no one
  // and belongs to a dead or revoked family.
  auto access = make_access(*this, c, s, access_claims(*this, c, s, t));
  if (!access) return std::unexpected(access.error());
  const auto successor = oauth::refresh_successor(hasher, *presented);
  RotateRequest r;
  r.family_id = g.family_id;
  r.presented_hash = oauth::token_hash(*presented);
  r.successor_hash = oauth::token_hash(successor);
  r.now = t;
  r.grace = c.settings.refresh_reuse_grace;
  r.idle_ttl = c.settings.refresh_idle_ttl;
  r.issued = remembered(c, access->claims);
  auto rotated = store.rotate_refresh(r);
  if (!rotated) return std::unexpected(rotated.error());
  switch (rotated->outcome) {
    case RotateOutcome::rotated:
    case RotateOutcome::grace:
      return answer(*this, c, s, *access, successor, {}, "refresh_token", t);
    case RotateOutcome::reused: {
      // A rotated token came back: someone else holds the family. It is revoked now; deny
      // the stateless access tokens it issued (RFC 9700 §4.14.2).
      for (const auto& a : rotated->grant.access) {
        if (a.expires_at <= t) continue;
        if (auto ok = store.deny_jti(a.jti, a.expires_at); !ok) return std::unexpected(ok.error());
      }
      // A failure here leaves the family revoked and unannounced: a retry finds it revoked
      // (RotateOutcome::revoked) and announces nothing; the error is what the front end logs.
      if (auto ok = announce_family(rotated->grant, t); !ok) return std::unexpected(ok.error());
      emit(OAuthEvent{OAuthEvent::Kind::refresh_reuse, "refresh_token", {}, c.id(), {}, g.family_id, false});
      return fail(Errc::invalid_grant, "refresh token reused; the grant is revoked");
    }
    case RotateOutcome::expired: return fail(Errc::invalid_grant, "refresh token expired");
    case RotateOutcome::revoked: return fail(Errc::invalid_grant, "refresh token revoked");
    case RotateOutcome::not_found: break;
  }
  return fail(Errc::invalid_grant, "unknown refresh token");
}

Result<boost::json::object> AuthorizationServer::Impl::client_credentials_grant(const Params& form,
                                                                                const LoadedClient& c,
                                                                                const DpopProof* proof) {
  if (c.settings.public_client) return fail(Errc::unauthorized_client, "public clients cannot use client_credentials");
  oauth::ScopeSet allowed;
  for (const auto& sc : oauth::scope_set(c.settings.scopes))
    if (!oauth::is_oidc_scope(sc)) allowed.push_back(sc);
  oauth::ScopeSet scopes = allowed;
  if (const auto requested = oauth::param(form, "scope")) {
    auto parsed = oauth::parse_scope(*requested);
    if (!parsed) return std::unexpected(parsed.error());
    if (!oauth::scope_subset(*parsed, allowed)) return fail(Errc::invalid_scope, "scope beyond the client's scopes");
    scopes = std::move(*parsed);
  }
  auto audience = requested_audience(form, c.settings);
  if (!audience) return std::unexpected(audience.error());
  const auto t = now();
  Subject s{c.id(), {}, oauth::join_scope(scopes), *audience, std::nullopt, 0, proof ? proof->jkt : std::string()};
  auto access = make_access(*this, c, s, access_claims(*this, c, s, t));
  if (!access) return std::unexpected(access.error());
  return answer(*this, c, s, *access, {}, {}, "client_credentials", t);
}

}  // namespace tessera
