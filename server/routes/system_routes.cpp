// The system routes (server/routes/system_routes.hpp).
#include "server/routes/system_routes.hpp"

#include <boost/json.hpp>
#include <fmt/format.h>

#include "server/response.hpp"

namespace tessera::server {

namespace json = boost::json;

asio::awaitable<Response> jwks(const AppContext& ctx, Exchange&) {
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, "application/json");
  // The keys published now (next, primary, retiring: docs/keys.md), for as long as the key
  // schedule allows a verifier to cache them.
  res.set(http::field::cache_control, fmt::format("public, max-age={}", ctx.oauth.jwks_max_age()));
  res.body() = ctx.oauth.jwks_json();
  co_return res;
}

asio::awaitable<Response> healthz(const AppContext&, Exchange&) {
  co_return json_response(http::status::ok, json::object{{"status", "ok"}});
}

asio::awaitable<Response> readyz(const AppContext& ctx, Exchange& x) {
  // One marker read per probe, so that a store that lost its data is noticed at once.
  const auto epoch = co_await store_epoch(ctx, true);
  if (epoch == EpochGuard::State::not_ready)
    co_return error_response(ctx, x, Error(Errc::store_epoch_mismatch, "the store epoch is not ready"));
  if (epoch == EpochGuard::State::unknown)
    co_return error_response(ctx, x, Error(Errc::store_unavailable, "the store epoch could not be checked"));
  auto r = co_await run_store(ctx, [&ctx] { return ctx.auth.ready(); });
  // ready() says store_unavailable for any failure; so does an exception thrown on the pool.
  if (!r) co_return error_response(ctx, x, Error(Errc::store_unavailable, r.error().message));
  co_return json_response(http::status::ok, json::object{{"status", "ok"}});
}

std::span<const RouteEntry> system_route_table() {
  static constexpr RouteEntry kRoutes[] = {
      {http::verb::get, "/.well-known/jwks.json", &jwks},
      {http::verb::get, "/healthz", &healthz},
      {http::verb::get, "/readyz", &readyz},
  };
  return kRoutes;
}

void add_system_routes(Router& r, const AppContext& ctx) { add_routes(r, ctx, system_route_table()); }

}  // namespace tessera::server
