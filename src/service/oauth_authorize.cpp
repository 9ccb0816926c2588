// The authorization endpoint (AuthorizationServer::authorize): RFC 6749 §4.1.1-4.1.2 with PKCE,
// RFC 9207 iss, OIDC prompt/nonce, and consents remembered per user and client.
#include <algorithm>

#include "oauth/authorize_request.hpp"
#include "oauth/random_token.hpp"
#include "oauth/redirect_uri.hpp"
#include "oauth/refresh_token.hpp"
#include "service/authorization_server_impl.hpp"

namespace tessera {

namespace {

AuthorizeResult error_page(Error e) {
  AuthorizeResult r;
  r.kind = AuthorizeResult::Kind::error_page;
  r.error = std::move(e);
  return r;
}

}  // namespace

Result<AuthorizeResult> AuthorizationServer::authorize(const Params& query, const Session* session,
                                                       ConsentDecision decision) {
  auto& im = *impl_;
  // 1. Who asks, and where the answer may go: until both are known, errors are only shown.
  auto target = oauth::authorize_target(query);
  if (!target) return error_page(target.error());
  auto client = im.load_client(target->client_id);
  if (!client) return std::unexpected(client.error());
  if (!*client) return error_page(Error(Errc::invalid_request, "unknown client_id"));
  const auto& settings = (*client)->settings;
  const bool registered = std::any_of(settings.redirect_uris.begin(), settings.redirect_uris.end(),
                                      [&](const std::string& u) { return oauth::redirect_uri_matches(u, target->redirect_uri); });
  if (!registered) return error_page(Error(Errc::invalid_request, "redirect_uri is not registered for this client"));

  const auto redirect_uri = target->redirect_uri;
  const auto& issuer = im.options.issuer;
  auto redirect_error = [&](Error e, std::string_view state) {
    AuthorizeResult r;
    r.kind = AuthorizeResult::Kind::redirect;
    r.location = oauth::error_redirect(redirect_uri, e, state, issuer);
    r.client_id = (*client)->id();
    r.error = std::move(e);
    return r;
  };

  // 2. The rest of the request; from here on errors go to the redirect URI.
  auto req = oauth::read_authorize_request(query, std::move(*target), settings);
  if (!req) return redirect_error(req.error(), oauth::authorize_state(query));
  AuthorizeResult base;
  base.client_id = (*client)->id();
  base.client_name = (*client)->record.name;
  base.scopes = req->scopes;

  // 3. The user: a live session whose user is enabled and at the session's generation.
  std::optional<UserRecord> user;
  if (session) {
    auto rec = im.users.get(session->record.user);
    if (!rec) return std::unexpected(rec.error());
    if (*rec && !(*rec)->disabled && (*rec)->generation == session->record.generation) user = std::move(**rec);
    // prompt=login / max_age: the session's login must be recent enough.
    if (user && req->login_age_limit && im.now() - session->record.created_at > *req->login_age_limit)
      user.reset();
  }
  if (!user) {
    if (req->prompt_none) return redirect_error(Error(Errc::login_required, "no session"), req->state);
    base.kind = AuthorizeResult::Kind::login;
    return base;
  }

  // 4. Consent (first-party clients need none).
  if (decision == ConsentDecision::deny)
    return redirect_error(Error(Errc::access_denied, "the user denied the request"), req->state);
  if (!settings.first_party) {
    auto consent = im.store.get_consent(user->username, (*client)->id());
    if (!consent) return std::unexpected(consent.error());
    oauth::ScopeSet granted;
    if (*consent) {
      auto parsed = oauth::parse_scope((*consent)->scope);
      if (!parsed) return fail(Errc::store_unavailable, "stored consent does not parse");
      granted = std::move(*parsed);
    }
    bool covered = *consent && oauth::scope_subset(req->scopes, granted) && !req->prompt_consent;
    if (decision == ConsentDecision::approve) {
      ConsentRecord c{user->username, (*client)->id(), oauth::join_scope(oauth::scope_union(granted, req->scopes)),
                      im.now()};
      if (auto ok = im.store.put_consent(c); !ok) return std::unexpected(ok.error());
      covered = true;
    }
    if (!covered) {
      if (req->prompt_none) return redirect_error(Error(Errc::consent_required, "consent needed"), req->state);
      base.kind = AuthorizeResult::Kind::consent;
      return base;
    }
  }

  // 5. The code: single-use, at most code_ttl seconds, bound to client, redirect URI, PKCE
  // challenge, the user's generation and the dpop_jkt (RFC 9449 §10) if any; its grant's family id is chosen now, so that a
  // second exchange can revoke what the first issued.
  const auto now = im.now();
  const auto code = oauth::random_token(32);
  CodeRecord rec;
  rec.code_hash = oauth::token_hash(code);
  rec.client_id = (*client)->id();
  rec.user = user->username;
  rec.redirect_uri = redirect_uri;
  rec.scope = oauth::join_scope(req->scopes);
  rec.audience = req->audience;
  rec.code_challenge = req->code_challenge;
  rec.nonce = req->nonce;
  rec.family_id = oauth::new_family_id();
  rec.auth_time = session->record.created_at;
  rec.created_at = now;
  rec.expires_at = now + im.options.code_ttl;
  rec.generation = user->generation;
  rec.dpop_jkt = req->dpop_jkt;
  if (auto ok = im.store.create_code(rec); !ok) return std::unexpected(ok.error());
  std::vector<std::pair<std::string, std::string>> p{{"code", code}};
  if (!req->state.empty()) p.emplace_back("state", req->state);
  p.emplace_back("iss", issuer);
  base.kind = AuthorizeResult::Kind::redirect;
  base.location = oauth::append_query(redirect_uri, p);
  return base;
}

}  // namespace tessera
