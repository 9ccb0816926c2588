// Whether a token is active, and the endpoints built on it: introspection (RFC 7662),
// revocation (RFC 7009) and userinfo (OIDC Core §5.3).
//
// A token is active only if: it is ours and well formed (JWT / PASETO: signature with one of
// our keys, typ at+jwt, iss, exp; opaque: a stored record; refresh: its family's current
// hash), not expired, its jti not denied (JWT / PASETO: the denylist is how a stateless token
// is revoked; an opaque token is revoked in its record, and nothing ever denies its jti, so
// its denylist entry is not looked up), issued at or after not_before, its grant (sid /
// family) present and not revoked, the user present, enabled and at the grant's generation,
// and its client still registered. A DPoP-bound token (cnf.jkt) is active only with a proof of
// its key at /userinfo (oauth_dpop.cpp); introspection reports its cnf.
#include <algorithm>

#include <boost/json.hpp>

#include "oauth/params.hpp"
#include "oauth/random_token.hpp"
#include "oauth/refresh_token.hpp"
#include "oauth/scope.hpp"
#include "service/authorization_server_impl.hpp"

namespace tessera {

namespace {
using Found = Result<std::optional<ActiveToken>>;
Found inactive() { return std::optional<ActiveToken>(); }
}  // namespace

Result<std::optional<ActiveToken>> AuthorizationServer::Impl::inspect(std::string_view token,
                                                                     const LoadedClient* caller) {
  const auto t = now();
  if (token.empty() || token.size() > 16 * 1024) return inactive();
  ActiveToken out;
  std::string family;
  const bool self_contained = oauth::AccessVerifier::looks_self_contained(token);
  if (self_contained) {
    auto claims = keys_now()->verifier.verify(token);
    if (!claims) return inactive();
    out.claims = std::move(*claims);
    family = out.claims.sid;
  } else if (const auto f = oauth::refresh_family(token)) {
    auto g = store.get_grant(*f);
    if (!g) return std::unexpected(g.error());
    if (!*g || (*g)->revoked || (*g)->current_hash != oauth::token_hash(token)) return inactive();
    if (t >= (*g)->idle_expires_at || t >= (*g)->absolute_expires_at) return inactive();
    out.refresh = true;
    auto& c = out.claims;
    c.issuer = options.issuer;
    c.subject = (*g)->user;
    c.audience = {(*g)->audience.empty() ? options.issuer : (*g)->audience};
    c.client_id = (*g)->client_id;
    c.scope = (*g)->scope;
    c.sid = (*g)->family_id;
    c.issued_at = (*g)->rotated_at;
    c.expires_at = (*g)->idle_expires_at;
    c.jkt = (*g)->jkt;
    out.username = (*g)->user;
    if (auto ok = check_user((*g)->user, (*g)->generation); !ok) {
      if (ok.error().code == Errc::invalid_grant) return inactive();
      return std::unexpected(ok.error());
    }
  } else {
    auto a = store.get_access(oauth::token_hash(token));
    if (!a) return std::unexpected(a.error());
    if (!*a || (*a)->revoked || (*a)->expires_at <= t) return inactive();
    auto& c = out.claims;
    c.issuer = options.issuer;
    c.subject = (*a)->user;
    c.audience = {(*a)->audience};
    c.client_id = (*a)->client_id;
    c.scope = (*a)->scope;
    c.jti = (*a)->jti;
    c.sid = (*a)->family_id;
    c.issued_at = (*a)->issued_at;
    c.expires_at = (*a)->expires_at;
    c.jkt = (*a)->jkt;
    family = (*a)->family_id;
  }
  if (!out.refresh) {
    if (out.claims.issued_at < not_before.load()) return inactive();
    if (self_contained && !out.claims.jti.empty()) {
      auto denied = store.is_denied(out.claims.jti, t);
      if (!denied) return std::unexpected(denied.error());
      if (*denied) return inactive();
    }
    if (!family.empty()) {
      auto g = store.get_grant(family);
      if (!g) return std::unexpected(g.error());
      if (!*g || (*g)->revoked || (*g)->client_id != out.claims.client_id) return inactive();
      out.username = (*g)->user;
      if (auto ok = check_user((*g)->user, (*g)->generation); !ok) {
        if (ok.error().code == Errc::invalid_grant) return inactive();
        return std::unexpected(ok.error());
      }
    } else if (out.claims.subject != out.claims.client_id) {
      return inactive();  // a user token without its grant
    }
  }
  if (!caller || caller->id() != out.claims.client_id) {
    auto client = cached_client(out.claims.client_id);
    if (!client) return std::unexpected(client.error());
    if (!*client) return inactive();
  }
  return std::optional<ActiveToken>(std::move(out));
}

Result<boost::json::object> AuthorizationServer::introspect(const Params& form, const ClientAuth& auth) {
  auto& im = *impl_;
  if (auto ok = oauth::check_no_repeats(form); !ok) return std::unexpected(ok.error());
  auto authenticated = im.authenticate_client(form, auth);
  if (!authenticated) return std::unexpected(authenticated.error());
  const auto& caller = *authenticated;
  if (caller->settings.public_client) return fail(Errc::invalid_client, "only confidential clients may introspect");
  const auto token = oauth::param(form, "token");
  if (!token) return fail(Errc::invalid_request, "token missing");
  auto found = im.inspect(*token, caller.get());
  if (!found) return std::unexpected(found.error());
  bool visible = false;
  if (*found) {
    const auto& c = (*found)->claims;
    visible = c.client_id == caller->id();
    if (!visible && !(*found)->refresh) {
      for (const auto& r : caller->settings.resources)
        visible = visible || std::find(c.audience.begin(), c.audience.end(), r) != c.audience.end();
    }
  }
  boost::json::object o;
  o["active"] = visible;
  if (visible) {
    const auto& a = **found;
    const auto& c = a.claims;
    o["scope"] = c.scope;
    o["client_id"] = c.client_id;
    if (!a.username.empty()) o["username"] = a.username;
    o["sub"] = c.subject;
    if (c.audience.size() == 1) {
      o["aud"] = c.audience.front();
    } else {
      boost::json::array aud;
      for (const auto& x : c.audience) aud.emplace_back(x);
      o["aud"] = std::move(aud);
    }
    o["iss"] = c.issuer;
    o["exp"] = c.expires_at;
    o["iat"] = c.issued_at;
    if (!c.jti.empty()) o["jti"] = c.jti;
    // RFC 9449 §6.2: a bound token's key, and its type.
    if (!c.jkt.empty()) o["cnf"] = boost::json::object{{"jkt", c.jkt}};
    o["token_type"] = a.refresh ? "refresh_token" : c.jkt.empty() ? "Bearer" : "DPoP";
  }
  im.emit(OAuthEvent{OAuthEvent::Kind::introspection, {}, {}, caller->id(),
                     visible ? (*found)->claims.jti : std::string(), visible ? (*found)->claims.sid : std::string(),
                     visible});
  return o;
}

Result<void> AuthorizationServer::revoke(const Params& form, const ClientAuth& auth) {
  auto& im = *impl_;
  if (auto ok = oauth::check_no_repeats(form); !ok) return std::unexpected(ok.error());
  auto authenticated = im.authenticate_client(form, auth);
  if (!authenticated) return std::unexpected(authenticated.error());
  const auto& caller = *authenticated;
  const auto token = oauth::param(form, "token");
  if (!token) return fail(Errc::invalid_request, "token missing");
  OAuthEvent ev{OAuthEvent::Kind::revocation, {}, {}, caller->id(), {}, {}, false};
  if (oauth::AccessVerifier::looks_self_contained(*token)) {
    auto claims = im.keys_now()->verifier.verify(*token);
    if (claims && claims->client_id == caller->id()) {
      if (auto ok = im.store.deny_jti(claims->jti, claims->expires_at); !ok) return std::unexpected(ok.error());
      auto announced = im.announce({.type = RevocationEvent::Type::jti, .jti = claims->jti, .exp = claims->expires_at});
      if (!announced) return std::unexpected(announced.error());
      ev.jti = claims->jti;
    }
  } else if (const auto family = oauth::refresh_family(*token)) {
    auto g = im.store.get_grant(*family);
    if (!g) return std::unexpected(g.error());
    const auto h = oauth::token_hash(*token);
    if (*g && (*g)->client_id == caller->id() && ((*g)->current_hash == h || (*g)->previous_hash == h)) {
      if (auto ok = im.end_family(*family); !ok) return std::unexpected(ok.error());
      ev.family_id = *family;
    }
  } else if (token->size() <= 1024) {
    const auto h = oauth::token_hash(*token);
    auto a = im.store.get_access(h);
    if (!a) return std::unexpected(a.error());
    if (*a && (*a)->client_id == caller->id()) {
      auto ok = im.store.revoke_access(h);
      if (!ok) return std::unexpected(ok.error());
      ev.jti = (*a)->jti;
    }
  }
  if (!ev.jti.empty() || !ev.family_id.empty()) im.emit(ev);
  return {};
}

Result<boost::json::object> AuthorizationServer::userinfo(const PresentedToken& presented) {
  auto found = impl_->inspect(presented.token);
  if (!found) return std::unexpected(found.error());
  if (!*found || (*found)->refresh || (*found)->username.empty())
    return fail(Errc::invalid_token, "the access token is not active");
  if (auto ok = impl_->check_presented(presented, **found); !ok) return std::unexpected(ok.error());
  auto scopes = oauth::parse_scope((*found)->claims.scope);
  if (!scopes || !oauth::has_scope(*scopes, "openid")) return fail(Errc::insufficient_scope, "openid scope needed");
  boost::json::object o;
  o["sub"] = (*found)->claims.subject;
  o["preferred_username"] = (*found)->username;
  return o;
}

}  // namespace tessera
