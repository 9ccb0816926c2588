// The BFF's sample app routes (server/routes/bff_app_routes.hpp).
#include "server/routes/bff_app_routes.hpp"

#include <string>
#include <utility>
#include <vector>

#include "server/bff/app_page.hpp"
#include "server/response.hpp"

namespace tessera::server {

asio::awaitable<Response> bff_app_page(const AppContext& ctx, Exchange&) {
  // The settings were checked at start-up (load_config): every entry parses.
  std::vector<std::string> names;
  for (const std::string& entry : ctx.cfg.bff_upstreams)
    if (auto u = parse_bff_upstream(entry)) names.push_back(std::move(u->name));
  co_return bff_app_page_response(names);
}

asio::awaitable<Response> bff_app_asset(const AppContext&, Exchange& x) {
  auto res = bff_app_asset_response(x.params.at(0));
  if (!res) co_return error_response(x, "not_found");
  co_return std::move(*res);
}

std::span<const RouteEntry> bff_app_route_table() {
  static constexpr RouteEntry kRoutes[] = {
      {http::verb::get, kBffAppPath, &bff_app_page},
      {http::verb::get, "/static/bff/{file}", &bff_app_asset},
  };
  return kRoutes;
}

void add_bff_app_routes(Router& r, const AppContext& ctx) {
  if (ctx.cfg.bff_enabled()) add_routes(r, ctx, bff_app_route_table());
}

}  // namespace tessera::server
