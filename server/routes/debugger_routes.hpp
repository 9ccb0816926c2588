// The token debugger's routes (docs/pages.md "Token debugger", server/debugger_page.hpp):
// GET /debugger (the page) and GET /static/debugger/{file} (its ES modules and stylesheet;
// 404 for any name not embedded). No state, no session: the page is the same for everyone.
// Thread safety: handlers may run concurrently, each on its own Exchange.
#pragma once

#include <span>

#include <boost/asio/awaitable.hpp>

#include "server/app_context.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "server/routes/route_table.hpp"

namespace tessera::server {

asio::awaitable<Response> debugger_page(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> debugger_asset(const AppContext& ctx, Exchange& x);

// The routes above: (method, pattern, handler).
std::span<const RouteEntry> debugger_route_table();
// Registers them on r; ctx must outlive r.
void add_debugger_routes(Router& r, const AppContext& ctx);

}  // namespace tessera::server
