// advise(): which model the answers call for, and why (runbook.hpp). The configuration of each
// model is in configs.cpp; the words here follow docs/sessions.md, docs/oauth.md, docs/dpop.md,
// docs/keys.md, docs/revocation-feed.md and docs/bff.md.
#include "advise/runbook.hpp"

#include "advise/configs.hpp"

namespace tessera::cli::advise {
namespace {

bool kind_in_browser(ClientKind k) { return k == ClientKind::browser_app || k == ClientKind::spa; }

// The access-token format for a model with a signed access token: JWT when standards are
// needed or services we do not run verify (every platform has a JOSE library), else PASETO
// v4.public (one algorithm, nothing to negotiate).
std::string signed_format(const Answers& a) {
  return (*a.standards || *a.verifiers == Verifiers::many) ? "jwt" : "paseto";
}

void note_tensions(const Answers& a, Recommendation& r) {
  const ClientKind k = *a.client;
  if (k == ClientKind::spa && *a.browser_holds_token && *a.immediate_revocation)
    r.tensions.push_back(
        "SPA + the browser holds the token + immediate revocation: a token held by JavaScript is a bearer "
        "credential that any XSS can copy and use elsewhere, and a signed (JWT/PASETO) token cannot be "
        "recalled before it expires. Holding the token in the browser AND revoking at once is only possible "
        "with an opaque token that every API introspects (Tessera in every request's path). If the browser "
        "does not truly need the token, a BFF (--browser-holds-token no) gives both: the browser holds an "
        "HttpOnly cookie and logout revokes the session and the tokens server-side.");
  if (k == ClientKind::browser_app && *a.browser_holds_token)
    r.tensions.push_back(
        "A first-party browser app whose JavaScript must hold the token: a server-rendered app on its own "
        "origin does not need one (the cookie is sent by the browser, and JavaScript cannot read it). "
        "If the page really calls APIs from JavaScript it is an SPA: ask again with --client spa.");
  if ((k == ClientKind::native || k == ClientKind::service || k == ClientKind::partner) && *a.browser_holds_token)
    r.tensions.push_back("--browser-holds-token yes does not apply to a " + std::string(name_of(k)) +
                         " client (no browser holds its tokens): the answer was ignored.");
  if (*a.immediate_revocation && *a.verifiers == Verifiers::many)
    r.tensions.push_back(
        "Immediate revocation + many verifiers: every verifier must then ask Tessera (introspection, each "
        "registered as a resource server) for every token, which puts Tessera in the path of every call. "
        "The other way is a short access_ttl plus the revocation feed (GET /oauth2/revocations: about a "
        "second, not immediate), which each verifier must subscribe to.");
  if (*a.minter == Minter::external && !*a.standards)
    r.tensions.push_back(
        "An external identity provider mints the tokens, yet no standards are needed: an external IdP speaks "
        "OAuth 2 / OpenID Connect, so the advice below uses them (standards assumed yes).");
  if (*a.minter == Minter::self && (kind_in_browser(k) || k == ClientKind::native || k == ClientKind::partner))
    r.tensions.push_back(
        "The service itself mints tokens for " + std::string(name_of(k)) +
        " clients: then it is an authorization server (login, refresh rotation, revocation, key rotation) "
        "and must get all of that right. The advice below lets Tessera mint them.");
  if (*a.minter == Minter::self && k == ClientKind::service && *a.verifiers == Verifiers::one &&
      *a.immediate_revocation)
    r.tensions.push_back(
        "A self-minted PASETO v4.local token + immediate revocation: a local token is checked by decrypting "
        "it, with no server to ask, so it cannot be recalled before it expires (only rotating the key recalls "
        "every token). Keep its lifetime to minutes, or keep a deny list of its jti in the service.");
}

Model choose(const Answers& a) {
  switch (*a.client) {
    case ClientKind::browser_app:
      return (*a.standards || *a.minter == Minter::external) ? Model::bff_cookie : Model::session_cookie;
    case ClientKind::spa:
      if (!*a.browser_holds_token) return Model::bff_cookie;
      return *a.immediate_revocation ? Model::opaque_introspection : Model::access_refresh;
    case ClientKind::service:
      if (*a.minter == Minter::self && *a.verifiers == Verifiers::one && !*a.standards) return Model::paseto_local;
      [[fallthrough]];
    case ClientKind::native:
    case ClientKind::partner:
      return *a.immediate_revocation ? Model::opaque_introspection : Model::access_refresh;
  }
  return Model::session_cookie;
}

}  // namespace

Answers with_defaults(const Answers& in) {
  Answers a = in;
  const bool partner = a.client == ClientKind::partner;
  if (!a.minter) a.minter = Minter::tessera;
  if (!a.standards) a.standards = partner || a.minter == Minter::external;
  if (!a.browser_holds_token) a.browser_holds_token = false;
  if (!a.immediate_revocation) a.immediate_revocation = false;
  if (!a.verifiers) a.verifiers = partner ? Verifiers::many : Verifiers::few;
  return a;
}

Recommendation advise(const Answers& given) {
  Recommendation r;
  const Answers a = with_defaults(given);
  const auto yn = [](bool b) { return b ? "yes" : "no"; };
  if (!given.standards) r.assumed.push_back(std::string("--standards ") + yn(*a.standards));
  if (!given.browser_holds_token) r.assumed.push_back("--browser-holds-token no");
  if (!given.immediate_revocation) r.assumed.push_back("--immediate-revocation no");
  if (!given.verifiers) r.assumed.push_back("--verifiers " + std::string(name_of(*a.verifiers)));
  if (!given.minter) r.assumed.push_back("--minter tessera");

  Answers effective = a;
  if (*a.minter == Minter::external) effective.standards = true;
  if (*a.minter == Minter::self && *a.client != ClientKind::service) effective.minter = Minter::tessera;
  note_tensions(a, r);
  r.model = choose(effective);
  if (r.model == Model::access_refresh) r.token_format = signed_format(effective);
  if (r.model == Model::opaque_introspection) r.token_format = "opaque";
  fill_model(effective, r);
  return r;
}

}  // namespace tessera::cli::advise
