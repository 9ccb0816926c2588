// The system routes of `tessera serve` (docs/server.md "HTTP API"): GET /.well-known/jwks.json
// (the public key set), GET /healthz (the process answers) and GET /readyz (the store epoch is
// ready and the account store answers: AuthService::ready). Health, readiness and the key set
// are not held back by the epoch gate (server/app.cpp): /readyz checks the epoch itself.
// Thread safety: handlers may run concurrently, each on its own Exchange.
#pragma once

#include <span>

#include <boost/asio/awaitable.hpp>

#include "server/app_context.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "server/routes/route_table.hpp"

namespace tessera::server {

asio::awaitable<Response> jwks(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> healthz(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> readyz(const AppContext& ctx, Exchange& x);

// The routes above: (method, pattern, handler).
std::span<const RouteEntry> system_route_table();
// Registers them on r; ctx must outlive r.
void add_system_routes(Router& r, const AppContext& ctx);

}  // namespace tessera::server
