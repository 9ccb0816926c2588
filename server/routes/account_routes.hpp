// The account page of `tessera serve` (docs/server.md "Account page", docs/pages.md): plain HTML
// forms, no JavaScript.
//   GET /         303 to /account with a live session, else to /login?return_to=%2Faccount
//   GET /account  who is signed in, the devices (server/routes/devices.hpp: the same list as
//                 GET /sessions, "this device" marked), and the forms below; no session: 303 to
//                 the login page. ?notice=revoked|signed_out_others|password_changed shows what
//                 the last form did.
//   POST /account/devices/revoke        device=<id>   (AuthService::revoke_session or
//                                                      AuthorizationServer::revoke_grant)
//   POST /account/sign-out-others                     (AuthService::revoke_others)
//   POST /account/sign-out-everywhere                 (AuthService::logout_everywhere)
//   POST /account/password  current_password, new_password (AuthService::change_password)
// Every POST is an HTML form carrying csrf_token (the session's synchronizer token) and must
// come from this origin (Sec-Fetch-Site, else Origin); AuthService::check_csrf decides. Success
// is a 303 back to /account (to /login once this browser's session is gone); a refusal (CSRF,
// wrong or weak password, throttled, unknown device) is the account page again with the
// message and the error table's status (429 with Retry-After when throttled).
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

inline constexpr std::string_view kAccountPath = "/account";
inline constexpr std::string_view kLoginForAccount = "/login?return_to=%2Faccount";

asio::awaitable<Response> home(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> account_page(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> account_revoke_device(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> account_sign_out_others(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> account_sign_out_everywhere(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> account_change_password(const AppContext& ctx, Exchange& x);

// The routes above: (method, pattern, handler).
std::span<const RouteEntry> account_route_table();
// Registers them on r; ctx must outlive r.
void add_account_routes(Router& r, const AppContext& ctx);

}  // namespace tessera::server
