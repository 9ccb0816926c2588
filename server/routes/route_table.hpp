// A group of routes as data: (method, pattern, handler) rows that a *_routes.cpp file declares
// once. The rows give both the Router its handlers (add_routes) and the metrics their route
// labels before any context exists (route_patterns() in server/app.hpp).
// Thread safety: the tables are constant; add_routes is a plain function.
#pragma once

#include <span>
#include <string_view>

#include <boost/asio/awaitable.hpp>

#include "server/app_context.hpp"
#include "server/http.hpp"
#include "server/router.hpp"

namespace tessera::server {

// What every route handler looks like.
using RouteHandler = asio::awaitable<Response> (*)(const AppContext& ctx, Exchange& x);

struct RouteEntry {
  http::verb method;
  std::string_view pattern;
  RouteHandler handler;
};

// Registers each row on r, its handler bound to ctx (which must outlive r).
void add_routes(Router& r, const AppContext& ctx, std::span<const RouteEntry> rows);

}  // namespace tessera::server
