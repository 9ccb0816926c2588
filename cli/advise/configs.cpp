// The reasons, pitfalls and configuration of each model (configs.hpp). Every command line here
// is checked by tests/advise_test.cpp against the real CLI parser, and every `clients add` is run
// against a scratch store, so the flags and values are ones Tessera accepts today.
#include "advise/configs.hpp"

#include <string>
#include <utility>

namespace tessera::cli::advise {
namespace {

using Args = std::vector<std::string>;

inline constexpr const char* kExternalIdp = "https://idp.example.com";
inline constexpr const char* kBffUpstream = "https://api.internal.example.com:8443";  // the BFF's API, its gateway

void add(Recommendation& r, std::string comment, Args argv) { r.commands.push_back({std::move(comment), std::move(argv)}); }

// `tessera serve` with TLS and the public names; extra flags appended.
Args serve(std::string_view origin_flag, std::string_view origin, Args extra = {}) {
  Args a{"serve", std::string(origin_flag), std::string(origin), "--tls-cert", "/etc/tessera/cert.pem",
         "--tls-key", "/etc/tessera/key.pem"};
  a.insert(a.end(), extra.begin(), extra.end());
  return a;
}

// The resource server's own client: introspection and the revocation feed (docs/revocation-feed.md),
// used by the gateway below (or by a C++ service's Authenticator).
void add_resource_client(Recommendation& r) {
  add(r, "the API gateway's own client: may introspect tokens for its audience and read the revocation feed "
         "(prints its client_id and secret: put the secret in the file the gateway reads)",
      {"clients", "add", "api-gateway", "--grant", "client_credentials", "--scope", "introspect", "--resource", kApi});
}

// How the gateway in front of an API checks tokens (docs/gateway.md).
struct GatewayAuth {
  std::string issuer = kIssuer;
  std::string public_url = kApi;  // the origin its clients use
  std::string scope;              // required of every request's token; empty: none
  bool client = false;            // introspects and follows the revocation feed with add_resource_client's client
  bool dpop = false;              // refuses tokens that are not DPoP-bound
};

// `tessera gateway` in front of a service written in any language, plus the one-line C++
// alternative (the same checks in-process).
void add_gateway(Recommendation& r, const GatewayAuth& g) {
  Args a{"gateway", "--listen", "0.0.0.0:8443", "--tls-cert", "/etc/tessera/api-cert.pem", "--tls-key",
         "/etc/tessera/api-key.pem", "--public-url", g.public_url, "--upstream", "http://127.0.0.1:9000",
         "--issuer", g.issuer, "--audience", kApi};
  if (!g.scope.empty()) a.insert(a.end(), {"--scope", g.scope});
  if (g.dpop) a.push_back("--require-dpop");
  if (g.client)
    a.insert(a.end(), {"--client-id", "$API_GATEWAY_CLIENT_ID", "--client-secret-file", "/etc/tessera/api-gateway.secret"});
  std::string comment = "in front of each API (any language, listening on loopback :9000): checks every token";
  if (g.client) comment += ", introspects opaque ones and follows the revocation feed";
  comment += ", forwards the caller as X-Tessera-Subject / -Client / -Scope";
  add(r, std::move(comment), std::move(a));
  r.notes.push_back(std::string("A C++ API can instead check tokens in-process with libtessera's Authenticator: the "
                                "same ") +
                    (g.client ? "issuer, audience and client" : "issuer and audience") + " (docs/resource-server.md).");
}

// The API scope the example client asks for, which its gateway then requires ("" when none).
std::string api_scope(ClientKind k) {
  if (k == ClientKind::service) return "invoices:write";
  if (k == ClientKind::partner) return "orders:read";
  return "";
}

void session_cookie(Recommendation& r) {
  r.reasons = {
      "A server-rendered app on its own origin needs no token in the browser: the session id travels in an "
      "HttpOnly cookie that JavaScript cannot read.",
      "The session lives in the store, so logout, 'log out everywhere', a password change or a disabled "
      "account end it at the next request: revocation is immediate.",
      "Tessera's cookie is __Host- prefixed, Secure, HttpOnly, SameSite=Lax, rotated on login, with an idle "
      "and an absolute timeout (docs/sessions.md).",
      "A resource service that shares Tessera's store can accept the same cookie (the Authenticator's session "
      "path, docs/resource-server.md)."};
  r.pitfalls = {
      "CSRF: every state-changing request needs the per-session CSRF token (Tessera's pages check it, and "
      "Origin / Sec-Fetch-Site); never change state on GET.",
      "Set --public-origin to the exact https origin users see, so the Origin check is exact; never serve "
      "it over plain http beyond loopback (the Secure cookie will not be sent).",
      "Keep the idle timeout short (30 min) and the absolute one bounded (12 h); do not lengthen them to "
      "avoid re-login prompts.",
      "With Redis as the store, turn persistence on (appendonly yes), or a restart loses every session and "
      "revocation (docs/redis.md); check it with `tessera doctor`."};
  add(r, "the auth server: login pages and the session cookie, over TLS",
      serve("--public-origin", kAppOrigin, {"--session-idle-timeout", "1800", "--session-absolute-timeout", "43200"}));
  add(r, "a user (the password is asked, or read from stdin)", {"users", "add", "alice"});
}

void bff_cookie(const Answers& a, Recommendation& r) {
  const bool external = *a.minter == Minter::external;
  r.reasons = {
      "The browser holds only Tessera's HttpOnly session cookie; the BFF signs in as a confidential client "
      "(code flow + PKCE), keeps the access and refresh tokens server-side (sealed in the session record) "
      "and proxies the app's API calls with the token attached (docs/bff.md).",
      "No token is reachable from JavaScript, so XSS cannot copy one; logout ends the session and revokes "
      "the tokens.",
      external ? "The app signs in at your external IdP through standard OpenID Connect; only the BFF talks "
                 "to it."
               : "The APIs still receive standard OAuth access tokens, verified as any resource server "
                 "does."};
  r.pitfalls = {
      "Every API call through the BFF must carry the X-CSRF: 1 header (it forces a CORS preflight that the "
      "BFF never answers); do not relax it.",
      "Never add CORS headers to /bff/*: the BFF is same-origin only.",
      "The client secret file must be readable by the server only (mode 0600).",
      "Short access tokens (5 min): the BFF refreshes them before use; the session's idle and absolute "
      "timeouts bound everything."};
  const bool immediate = *a.immediate_revocation;
  if (immediate && !external) {
    r.reasons.push_back(
        "Revocation must be immediate: the BFF's access tokens are opaque, so every API introspects them and a "
        "logout or revocation stops the next call (a signed token would live until it expires).");
    r.pitfalls.push_back("Each API behind the BFF needs its own client registered as resource server (--resource) "
                         "to introspect; cache answers a few seconds at most.");
  }
  if (!external) {
    Args client{"clients", "add", "app-bff", "--redirect-uri", std::string(kAppOrigin) + "/bff/callback",
                "--first-party", "--grant", "authorization_code", "--grant", "refresh_token", "--scope", "openid",
                "--scope", "offline_access", "--audience", kApi, "--access-ttl", "300"};
    if (immediate) client.insert(client.end(), {"--token-format", "opaque"});
    add(r, "the BFF's confidential client (prints its client_id and secret: put the secret in the file below)",
        std::move(client));
    if (immediate) add_resource_client(r);
  }
  Args extra{"--bff-client", "$BFF_CLIENT_ID", "--bff-client-secret-file", "/etc/tessera/bff-secret", "--bff-upstream",
             std::string("api=") + kBffUpstream};
  if (external) {
    extra.push_back("--bff-issuer");
    extra.push_back(kExternalIdp);
    r.notes.push_back("Register the BFF at your IdP as a confidential client with the redirect URI " +
                      std::string(kAppOrigin) + "/bff/callback, code flow and refresh tokens.");
  }
  add(r, "the server with its BFF on the app's origin: /bff/login, /bff/api/api/... and the session cookie",
      serve("--public-origin", kAppOrigin, std::move(extra)));
  add_gateway(r, {.issuer = external ? kExternalIdp : kIssuer, .public_url = kBffUpstream, .scope = "",
                  .client = immediate && !external, .dpop = false});
}

void signed_tokens_pitfalls(Recommendation& r) {
  r.pitfalls.push_back(
      "Verifiers must check the signature with a key chosen by kid (JWT header or PASETO footer) from the "
      "JWKS (never the token's alg or a jku/jwk header), for JWT typ at+jwt, iss exactly, aud containing their "
      "own identifier, exp with seconds of leeway (docs/oauth.md, 'What a resource server must check'; "
      "`tessera gateway` and libtessera's Authenticator do all of it, docs/gateway.md, docs/resource-server.md).");
  r.pitfalls.push_back(
      "A signed token cannot be recalled: keep access_ttl short (5-10 min) and let verifiers subscribe to the "
      "revocation feed (docs/revocation-feed.md).");
  r.pitfalls.push_back(
      "Verifiers cache the JWKS no longer than its max-age; key rotation publishes a key publish_ahead "
      "(>= jwks_max_age + 1) before it signs (docs/keys.md).");
}

void access_refresh(const Answers& a, Recommendation& r) {
  const ClientKind k = *a.client;
  const std::string& fmt = r.token_format;
  const std::string format_name = fmt == "jwt" ? "JWT (RFC 9068)" : "PASETO v4.public";
  r.reasons.push_back(format_name + " access tokens are verified locally by each API from the issuer's JWKS: no "
                      "call to the auth server per request.");
  if (fmt == "jwt")
    r.reasons.push_back("JWT because standards are needed or services you do not run verify the tokens: every "
                        "platform has a JOSE library.");
  else
    r.reasons.push_back("PASETO v4.public because every verifier is yours: one algorithm (Ed25519), no alg header "
                        "to get wrong; the same key set serves both formats.");
  signed_tokens_pitfalls(r);
  const bool dpop = k == ClientKind::spa || k == ClientKind::native;
  if (*a.minter == Minter::external) {
    r.notes.push_back("Register the client at your IdP; the gateway below verifies its tokens against the IdP's "
                      "metadata and JWKS (revocation by expiry only: the IdP has no Tessera revocation feed).");
    add_gateway(r, {.issuer = kExternalIdp, .public_url = kApi, .scope = "", .client = false, .dpop = dpop});
    return;
  }
  if (k == ClientKind::service && *a.minter == Minter::self) {
    r.reasons.push_back("The service mints its own tokens: sign them with its own v4.public key and publish the "
                        "public key to the verifiers.");
    add(r, "the service's signing key (PASERK k4.secret; keep it private)",
        {"keys", "generate", "--type", "v4.public", "--out", "signer.paserk"});
    add(r, "a token that lives 5 minutes",
        {"paseto", "sign", "--key", "signer.paserk", "--expires-in", "5m", "--claims",
         R"({"iss":"billing","aud":"ledger","sub":"job-42"})"});
    r.notes.push_back("Each verifier checks these tokens with libtessera's Authenticator and the static public key "
                      "(docs/resource-server.md); `tessera gateway` needs an issuer's metadata, so it does not fit "
                      "self-minted tokens.");
    return;
  }
  if (k == ClientKind::service) {
    r.reasons.push_back("A service acts for itself: the client_credentials grant, no refresh token and no user.");
    add(r, "the calling service's confidential client (prints its client_id and secret)",
        {"clients", "add", "billing-worker", "--grant", "client_credentials", "--scope", "invoices:write",
         "--audience", kApi, "--token-format", fmt, "--access-ttl", "300"});
  } else if (k == ClientKind::native) {
    r.reasons.push_back("A native app is a public client (RFC 8252): code flow with PKCE through the system "
                        "browser, a private-use scheme or loopback redirect, a refresh token that rotates on "
                        "every use (reuse revokes the family) and DPoP so that a stolen token is useless.");
    r.pitfalls.push_back("Never embed a client secret in the app; never use a web view for login.");
    add(r, "the app's public client, DPoP-bound tokens",
        {"clients", "add", "mobile-app", "--public", "--first-party", "--redirect-uri",
         "com.example.app:/oauth2redirect", "--scope", "openid", "--scope", "offline_access", "--audience", kApi,
         "--token-format", fmt, "--access-ttl", "600", "--refresh-idle-ttl", "1209600", "--refresh-absolute-ttl",
         "7776000", "--refresh-reuse-grace", "10", "--require-dpop"});
  } else if (k == ClientKind::spa) {
    r.reasons.push_back("The browser must hold the token: a public client with PKCE and DPoP (a non-extractable "
                        "WebCrypto key), so a copied token is useless without the key.");
    r.pitfalls.push_back("Any XSS can use the token while the page is open: keep tokens in memory (never "
                         "localStorage), a strict Content-Security-Policy, short lifetimes.");
    add(r, "the SPA's public client, DPoP-bound, short-lived tokens",
        {"clients", "add", "spa", "--public", "--first-party", "--redirect-uri", std::string(kAppOrigin) + "/callback",
         "--scope", "openid", "--scope", "offline_access", "--audience", kApi, "--token-format", fmt,
         "--access-ttl", "300", "--refresh-idle-ttl", "86400", "--refresh-absolute-ttl", "604800",
         "--require-dpop"});
  } else {
    r.reasons.push_back("A partner is a third-party confidential client: the code flow with PKCE and the consent "
                        "page (no --first-party), scopes limited to what it needs.");
    r.pitfalls.push_back("Give each partner its own client and scopes; rotate its secret with `tessera clients "
                         "rotate-secret`, or register its keys (--jwks-uri) for private_key_jwt.");
    add(r, "the partner's confidential client (consent page shown)",
        {"clients", "add", "partner-co", "--redirect-uri", "https://partner.example.net/callback", "--scope",
         "orders:read", "--scope", "offline_access", "--audience", kApi, "--token-format", fmt, "--access-ttl",
         "600"});
  }
  add_resource_client(r);
  add(r, "the issuer over TLS; no signed token lives longer than an hour",
      serve("--issuer", kIssuer, {"--max-token-ttl", "3600", "--jwks-max-age", "300", "--key-rotation-interval",
                                  "2592000"}));
  add_gateway(r, {.issuer = kIssuer, .public_url = kApi, .scope = api_scope(k), .client = true, .dpop = dpop});
}

void opaque_introspection(const Answers& a, Recommendation& r) {
  r.reasons = {
      "An opaque token means nothing without the auth server: every API introspects it (RFC 7662), so a "
      "revocation, logout everywhere or disabled account stops the very next request.",
      "Nothing readable travels with the token: no claims leak to the client."};
  r.pitfalls = {
      "Tessera is in every request's path: its latency and availability are the APIs'; run several instances "
      "on a shared store.",
      "Cache introspection answers at most a few seconds (the gateway's --introspection-cache, default 5, and the "
      "Authenticator bound it, never past exp): "
      "longer defeats immediate revocation.",
      "Each API needs its own client registered as resource server for its audience (--resource); never "
      "share one client between APIs."};
  const ClientKind k = *a.client;
  if (k == ClientKind::native || k == ClientKind::spa)
    add(r, "the app's public client with opaque tokens (DPoP-bound)",
        {"clients", "add", k == ClientKind::spa ? "spa" : "mobile-app", "--public", "--first-party", "--redirect-uri",
         k == ClientKind::spa ? std::string(kAppOrigin) + "/callback" : "com.example.app:/oauth2redirect", "--scope",
         "openid", "--scope", "offline_access", "--audience", kApi, "--token-format", "opaque", "--access-ttl", "600",
         "--require-dpop"});
  else if (k == ClientKind::service)
    add(r, "the calling service's client with opaque tokens",
        {"clients", "add", "billing-worker", "--grant", "client_credentials", "--scope", "invoices:write",
         "--audience", kApi, "--token-format", "opaque", "--access-ttl", "600"});
  else
    add(r, "the partner's client with opaque tokens (consent page shown)",
        {"clients", "add", "partner-co", "--redirect-uri", "https://partner.example.net/callback", "--scope",
         "orders:read", "--scope", "offline_access", "--audience", kApi, "--token-format", "opaque", "--access-ttl",
         "600"});
  add_resource_client(r);
  add(r, "the issuer over TLS", serve("--issuer", kIssuer));
  add_gateway(r, {.issuer = kIssuer, .public_url = kApi, .scope = api_scope(k), .client = true,
                  .dpop = k == ClientKind::native || k == ClientKind::spa});
  r.notes.push_back("The gateway introspects with POST /oauth2/introspect, authenticated as its client (`api-gateway`).");
}

void paseto_local(Recommendation& r) {
  r.reasons = {
      "One service mints and checks its own tokens and nobody else ever reads them: PASETO v4.local encrypts "
      "and authenticates them with one secret key (XChaCha20 + BLAKE2b), so their content stays private.",
      "No key set to publish, no introspection, no algorithm to choose."};
  r.pitfalls = {
      "The key is symmetric: whoever can check a token can mint one. Never give it to a second service; the "
      "moment another one needs to verify, switch to v4.public (--verifiers few).",
      "A local token cannot be revoked before it expires except by rotating the key: keep lifetimes short.",
      "Bind tokens to their use with an implicit assertion (--implicit), and keep the key file 0600."};
  add(r, "the service's secret key (PASERK k4.local; the secret itself: keep it private)",
      {"keys", "generate", "--type", "v4.local", "--out", "service.paserk"});
  add(r, "a token that lives 5 minutes, bound to its purpose",
      {"paseto", "encrypt", "--key", "service.paserk", "--implicit", "job-queue", "--expires-in", "5m", "--claims",
       R"({"sub":"job-42"})"});
}

}  // namespace

void fill_model(const Answers& a, Recommendation& r) {
  switch (r.model) {
    case Model::session_cookie: session_cookie(r); break;
    case Model::bff_cookie: bff_cookie(a, r); break;
    case Model::access_refresh: access_refresh(a, r); break;
    case Model::opaque_introspection: opaque_introspection(a, r); break;
    case Model::paseto_local: paseto_local(r); break;
  }
}

}  // namespace tessera::cli::advise
