// The BFF's sample app routes (docs/bff.md "The sample app", server/bff/app_page.hpp):
// GET /bff/app (the page) and GET /static/bff/{file} (its script and stylesheet; 404 for any
// name not embedded). Registered only when the BFF is configured (--bff-client). No state: the
// page is the same for everyone; who is signed in is the script's question to /bff/user.
// Thread safety: handlers may run concurrently, each on its own Exchange.
#pragma once

#include <span>

#include <boost/asio/awaitable.hpp>

#include "server/app_context.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "server/routes/route_table.hpp"

namespace tessera::server {

asio::awaitable<Response> bff_app_page(const AppContext& ctx, Exchange& x);
asio::awaitable<Response> bff_app_asset(const AppContext& ctx, Exchange& x);

// The routes above: (method, pattern, handler).
std::span<const RouteEntry> bff_app_route_table();
// Registers them on r when ctx.cfg.bff_enabled(), else nothing; ctx must outlive r.
void add_bff_app_routes(Router& r, const AppContext& ctx);

}  // namespace tessera::server
