// The session routes of `tessera serve` (docs/server.md "HTTP API"): POST /login, GET /session,
// POST /logout, GET /sessions, DELETE /sessions/{id}, POST /sessions/revoke-others,
// POST /logout-everywhere, POST /password. GET /sessions lists the user's app grants
// (AuthorizationServer::grants) beside the browser sessions, and DELETE /sessions/{id} revokes
// either. Each handler calls the service layer (AuthService, AuthorizationServer)
// through run_store() (the store pool, or inline) or, when it hashes a password,
// run_blocking() on the password pool; sessions are authenticated by authenticate.hpp.
// Thread safety: handlers may run concurrently, each on its own Exchange.
#pragma once

#include <span>

#include <boost/asio/awaitable.hpp>

#include "server/app_context.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "server/routes/route_table.hpp"

namespace tessera::server {

asio::awaitable<Response> login(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> get_session(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> logout(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> list_sessions(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> revoke_session(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> revoke_others(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> logout_everywhere(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> change_password(const AppContext& ctx, Exchange& x);

// The routes above: (method, pattern, handler).
std::span<const RouteEntry> session_route_table();
// Registers them on r; ctx must outlive r.
void add_session_routes(Router& r, const AppContext& ctx);

}  // namespace tessera::server
