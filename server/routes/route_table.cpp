// add_routes (server/routes/route_table.hpp).
#include "server/routes/route_table.hpp"

#include <string>

namespace tessera::server {

void add_routes(Router& r, const AppContext& ctx, std::span<const RouteEntry> rows) {
  for (const RouteEntry& row : rows)
    r.add(row.method, std::string(row.pattern), [&ctx, h = row.handler](Exchange& x) { return h(ctx, x); });
}

}  // namespace tessera::server
