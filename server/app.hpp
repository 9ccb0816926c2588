// The application behind `tessera serve` (docs/server.md "HTTP API"): dispatch from the router
// to the route handlers (server/routes/), the store epoch gate in front of the routes that use
// the store, and one metrics observation and log line per request. The routes themselves live
// in server/routes/*_routes.{hpp,cpp} (sessions, system, OAuth); a new group of endpoints is a
// new route table there, registered in App's constructor and listed in route_patterns().
// Request and response helpers: server/request.hpp, server/response.hpp; what handlers work
// with and how they run blocking calls: server/app_context.hpp.
// Thread safety: App may serve many connections at once (its router is immutable once built,
// its context read-only, Metrics and Logger thread-safe).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "server/app_context.hpp"
#include "server/http.hpp"
#include "server/router.hpp"

namespace tessera::server {

// The route patterns of the App, in registration order, each once: the route labels of its Metrics
// (construct the Metrics of an AppContext with them).
std::vector<std::string> route_patterns();

class App final : public Application {
 public:
  // ctx.metrics must have been made with route_patterns().
  explicit App(AppContext ctx);
  App(const App&) = delete;  // the router's handlers refer to ctx_
  App& operator=(const App&) = delete;

  asio::awaitable<Response> handle(Incoming& in) override;
  Response refuse(const Refused& r) override;
  void on_connection(int delta) noexcept override;
  void on_accept_error(std::string_view error, std::uint64_t suppressed) noexcept override;

  const Router& router() const noexcept { return router_; }

 private:
  // 503 for a route that uses the store while the store epoch is not ready (store_unavailable
  // while it could not be checked yet, store_epoch_mismatch when the store lost its data or was
  // replaced); nullopt: go ahead.
  asio::awaitable<std::optional<Response>> epoch_gate(Exchange& x, std::string_view pattern);
  void record(std::size_t route, std::string_view method, const Response& res, double seconds, const Exchange* x,
              std::string_view ip, std::string_view error_code);

  AppContext ctx_;
  Router router_;  // its handlers refer to ctx_
};

}  // namespace tessera::server
