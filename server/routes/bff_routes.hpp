// The BFF's routes (docs/bff.md), registered only when --bff-client is set (ctx.bff):
//   GET  /bff/login[?return_to=/path]  302 to the issuer; the sign-in record in a sealed cookie
//   GET  /bff/callback?code&state      the session cookie, 302 to return_to (default /bff/app)
//   GET  /bff/user                     the signed-in user's claims, or 401 login_required
//   POST /bff/logout                   X-CSRF: 1 + same-origin; revokes upstream; 204
//   ANY  /bff/api/{name}/{rest...}     X-CSRF: 1 + same-origin; proxied with the access token
// Handlers are thin: they read the request, run the BffService call on the BFF pool and turn
// its result into a response. Cookies: __Host-tessera-bff (the session) and
// __Host-tessera-bff-login (the sign-in, 10 minutes), both HttpOnly, Secure, SameSite=Lax, Path=/.
// Thread safety: handlers may run concurrently, each on its own Exchange.
#pragma once

#include <span>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "server/app_context.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "server/routes/route_table.hpp"

namespace tessera::server {

inline constexpr std::string_view kBffSessionCookie = "__Host-tessera-bff";
inline constexpr std::string_view kBffLoginCookie = "__Host-tessera-bff-login";

asio::awaitable<Response> bff_login(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> bff_callback(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> bff_user(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> bff_logout(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> bff_api(const AppContext& ctx, Exchange& x);

// The routes above: (method, pattern, handler); the proxy's once per method it accepts (GET,
// HEAD, POST, PUT, PATCH, DELETE).
std::span<const RouteEntry> bff_route_table();
// Registers them on r when ctx.bff is set; ctx must outlive r.
void add_bff_routes(Router& r, const AppContext& ctx);

}  // namespace tessera::server
