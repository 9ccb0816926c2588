// The OAuth 2.1 / OpenID Connect routes of `tessera serve` (docs/oauth.md "HTTP endpoints"):
//   GET  /.well-known/openid-configuration, /.well-known/oauth-authorization-server  metadata
//   GET  /oauth2/authorize   the authorization request (session from the cookie, if any)
//   POST /oauth2/authorize   the consent form (session + CSRF token + same origin)
//   POST /oauth2/token       code, refresh_token and client_credentials grants
//   POST /oauth2/introspect  RFC 7662
//   POST /oauth2/revoke      RFC 7009
//   GET|POST /userinfo       OIDC Core §5.3, bearer access token
//   GET|POST /oauth2/revocations  the revocation feed (server/routes/revocation_routes.hpp)
// Every rule is the AuthorizationServer's (tessera/authorization_server.hpp); these handlers
// read the HTTP request into its parameters and write its answers in the protocol's shapes
// (server/routes/oauth_support.hpp, oauth_pages.hpp). Its calls block: they run through
// run_store(). The token endpoints are in oauth_token_routes.cpp.
// Thread safety: handlers may run concurrently, each on its own Exchange.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "server/app_context.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "server/routes/route_table.hpp"
#include "tessera/error.hpp"

namespace tessera::server {

asio::awaitable<Response> oauth_metadata(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> authorize(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> authorize_decision(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> token(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> introspect(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> revoke(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> userinfo(const AppContext& ctx, Exchange& x);

// Whether a route pattern is public metadata that the store epoch gate lets through (like the
// JWKS: it never touches the store).
bool oauth_public_route(std::string_view pattern);

// A refusal of a request to one of these routes before its handler ran (the store epoch gate),
// in the route's own shape: the error page for /oauth2/authorize, {"error",
// "error_description"} for the others; nullopt for a pattern that is not an OAuth route.
std::optional<Response> oauth_refusal(const AppContext& ctx, Exchange& x, std::string_view pattern, const Error& e);

// The routes above: (method, pattern, handler).
std::span<const RouteEntry> oauth_route_table();
// Registers them on r; ctx must outlive r.
void add_oauth_routes(Router& r, const AppContext& ctx);

}  // namespace tessera::server
