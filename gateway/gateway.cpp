// tessera::gateway::run (gateway/gateway.hpp): resolves the listen address and the upstream,
// builds the Authenticator (gateway/authenticator_setup.hpp: issuer discovery, key set,
// introspection, revocation feed), then the GatewayApp on the lanes, the metrics listener, the
// signal handler, and runs until shut down.
#include "gateway/gateway.hpp"

#include <csignal>
#include <cstdio>
#include <optional>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "gateway/authenticator_setup.hpp"
#include "gateway/gateway_app.hpp"
#include "gateway/gateway_metrics.hpp"
#include "gateway/upstream.hpp"
#include "server/drain.hpp"
#include "server/fd_limit.hpp"
#include "server/http.hpp"
#include "server/lanes.hpp"
#include "server/log.hpp"
#include "server/metrics_app.hpp"
#include "server/tls.hpp"

namespace tessera::gateway {
namespace {

namespace json = boost::json;
using namespace tessera::server;
constexpr std::size_t kMetricsConnections = 16;
constexpr std::chrono::milliseconds kLogFlushEvery{50};

int startup_failed(Logger& log, std::string_view what, const Error& e) {
  log.log(LogLevel::error, "startup failed", json::object{{"step", what}, {"error", e.name()}, {"detail", e.message}});
  log.flush();
  std::fprintf(stderr, "tessera gateway: %.*s: %s (%.*s)\n", static_cast<int>(what.size()), what.data(),
               e.message.c_str(), static_cast<int>(e.name().size()), e.name().data());
  return 1;
}

}  // namespace

int run(const GatewayConfig& cfg) {
  Logger log(parse_log_level(cfg.log_level).value_or(LogLevel::info), 1, kLogFlushEvery);
  std::signal(SIGPIPE, SIG_IGN);

  auto endpoint = resolve_listen_address(cfg.listen);
  if (!endpoint) return startup_failed(log, "listen", endpoint.error());
  std::optional<tcp::endpoint> metrics_endpoint;
  if (!cfg.metrics_listen.empty() && cfg.metrics_listen != "off") {
    auto m = resolve_listen_address(cfg.metrics_listen);
    if (!m) return startup_failed(log, "metrics listen", m.error());
    metrics_endpoint = *m;
  }
  auto fds = raise_fd_limit();
  if (!fds) return startup_failed(log, "file descriptors", fds.error());
  HttpLimits limits = cfg.http;
  limits.max_connections = connection_cap(cfg.http.max_connections, fds->soft);
  auto upstream = resolve_upstream(cfg.upstream);
  if (!upstream) return startup_failed(log, "upstream", upstream.error());
  std::optional<asio::ssl::context> tls;
  if (!cfg.tls_cert.empty()) {
    tls.emplace(asio::ssl::context::tls_server);
    if (auto t = setup_tls(*tls, cfg.tls_cert, cfg.tls_key); !t) return startup_failed(log, "tls", t.error());
  }
  // The issuer's metadata, keys and feed: fetched now, so a wrong --issuer fails the start.
  auto auth = make_gateway_authenticator(cfg, log);
  if (!auth) return startup_failed(log, "issuer", auth.error());
  GatewayAuth& gateway_auth = **auth;

  Lanes lanes(Lanes::default_count(cfg.threads));
  asio::io_context& ioc = lanes.main();
  asio::thread_pool blocking(cfg.blocking_threads);
  GatewayMetrics metrics;
  GatewayApp app(GatewayContext{.auth = gateway_auth.authenticator(),
                                .required_scopes = cfg.scopes,
                                .public_url = {},
                                .upstream = *upstream,
                                .timeouts = UpstreamTimeouts{std::chrono::seconds(cfg.connect_timeout),
                                                             std::chrono::seconds(cfg.upstream_timeout)},
                                .lanes = lanes.pointers(),
                                .blocking = blocking,
                                .log = log,
                                .metrics = metrics});
  HttpServer http(ioc, app, limits, tls ? &*tls : nullptr, lanes.pointers());
  auto bound = http.listen(*endpoint);
  if (!bound) return startup_failed(log, "listen", bound.error());
  std::string public_url = cfg.public_url.empty() ? endpoint_url(*bound, http.tls()) : cfg.public_url;
  while (public_url.ends_with('/')) public_url.pop_back();
  app.set_public_url(public_url);

  MetricsApp metrics_app([&metrics] { return metrics.exposition(); }, log);
  HttpLimits metrics_limits = limits;
  metrics_limits.max_connections = std::min<std::size_t>(kMetricsConnections, limits.max_connections);
  HttpServer metrics_http(ioc, metrics_app, metrics_limits);
  std::optional<tcp::endpoint> metrics_bound;
  if (metrics_endpoint) {
    auto b = metrics_http.listen(*metrics_endpoint);
    if (!b) return startup_failed(log, "metrics listen", b.error());
    metrics_bound = *b;
  }

  auto control = asio::make_strand(ioc);
  asio::signal_set signals(control, SIGINT, SIGTERM);
  asio::co_spawn(
      control,
      [&]() -> asio::awaitable<void> {
        auto [ec, signo] = co_await signals.async_wait(asio::as_tuple(asio::use_awaitable));
        if (ec) co_return;
        log.log(LogLevel::info, "shutdown",
                json::object{{"signal", signo == SIGINT ? "SIGINT" : "SIGTERM"},
                             {"connections", http.connections() + metrics_http.connections()}});
        HttpServer* const servers[] = {&http, &metrics_http};
        co_await drain(servers, log);
        app.close_idle();
        gateway_auth.stop();
        lanes.release();
      },
      asio::detached);

  http.start();
  if (metrics_bound) metrics_http.start();
  json::object listening{{"url", endpoint_url(*bound, http.tls())},
                         {"public_url", public_url},
                         {"upstream", upstream->url},
                         {"issuer", cfg.issuer},
                         {"threads", lanes.size()},
                         {"max_connections", limits.max_connections}};
  listening["metrics_url"] =
      metrics_bound ? json::value(endpoint_url(*metrics_bound, false) + "/metrics") : json::value(nullptr);
  log.log(LogLevel::info, "listening", listening);
  log.flush();
  if (metrics_bound) std::fprintf(stderr, "tessera: metrics on %s/metrics\n", endpoint_url(*metrics_bound, false).c_str());
  std::fprintf(stderr, "tessera: gateway listening on %s\n", endpoint_url(*bound, http.tls()).c_str());

  lanes.run(log);
  blocking.join();
  log.log(LogLevel::info, "stopped");
  return 0;
}

}  // namespace tessera::gateway
