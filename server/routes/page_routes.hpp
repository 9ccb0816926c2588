// The page routes of `tessera serve` (docs/server.md "Login page"): GET /login (the login page:
// a plain HTML form, no JavaScript), GET /static/style.css (the pages' stylesheet), and
// form_login, which POST /login (session_routes.cpp) hands an HTML form to:
//   1. same origin first (login CSRF: server/request.hpp same_origin decides by Sec-Fetch-Site
//      when present, else by Origin), else 403 and the error page;
//   2. the login itself (login_call.hpp: the same call, throttling and cookies as JSON logins);
//   3. success: 303 to return_to when it is a local path (server/return_to.hpp), else to "/";
//      failure: the login page again with a message (401; 429 with Retry-After when throttled;
//      the error table's status for anything else).
// Thread safety: handlers may run concurrently, each on its own Exchange.
#pragma once

#include <span>

#include <boost/asio/awaitable.hpp>

#include "server/app_context.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "server/routes/route_table.hpp"

namespace tessera::server {

// Whether the request's body is an HTML form (application/x-www-form-urlencoded).
bool is_form_post(const Request& msg);

asio::awaitable<Response> login_page(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> form_login(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> stylesheet(const AppContext& ctx, Exchange& x);

// GET /login and GET /static/style.css: (method, pattern, handler).
std::span<const RouteEntry> page_route_table();
// Registers them on r; ctx must outlive r.
void add_page_routes(Router& r, const AppContext& ctx);

}  // namespace tessera::server
