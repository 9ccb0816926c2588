// The token debugger's routes (server/routes/debugger_routes.hpp).
#include "server/routes/debugger_routes.hpp"

#include <utility>

#include "server/debugger_page.hpp"
#include "server/response.hpp"

namespace tessera::server {

asio::awaitable<Response> debugger_page(const AppContext& ctx, Exchange&) {
  co_return debugger_page_response(ctx.oauth.options().issuer);
}

asio::awaitable<Response> debugger_asset(const AppContext&, Exchange& x) {
  auto res = debugger_asset_response(x.params.at(0));
  if (!res) co_return error_response(x, "not_found");
  co_return std::move(*res);
}

std::span<const RouteEntry> debugger_route_table() {
  static constexpr RouteEntry kRoutes[] = {
      {http::verb::get, kDebuggerPath, &debugger_page},
      {http::verb::get, "/static/debugger/{file}", &debugger_asset},
  };
  return kRoutes;
}

void add_debugger_routes(Router& r, const AppContext& ctx) { add_routes(r, ctx, debugger_route_table()); }

}  // namespace tessera::server
