// The application behind the metrics listener (--metrics-listen, docs/server.md "Metrics"):
// GET /metrics (Prometheus text 0.0.4) and GET /healthz, nothing else. It runs on its own
// HttpServer, so the public listener never serves /metrics; operators bind it to loopback or
// a private network. The gateway (gateway/) serves its own metrics through it: any source of
// the exposition text will do.
// Thread safety: may serve many connections at once (Metrics is lock-free, Logger locks).
#pragma once

#include <functional>
#include <string>
#include <utility>

#include "server/http.hpp"
#include "server/log.hpp"
#include "server/metrics.hpp"

namespace tessera::server {

class MetricsApp final : public Application {
 public:
  // metrics and log must outlive the MetricsApp.
  MetricsApp(const Metrics& metrics, Logger& log)
      : MetricsApp([&metrics] { return metrics.exposition(); }, log) {}
  // exposition: the text of GET /metrics (called on the I/O thread, must be thread-safe).
  MetricsApp(std::function<std::string()> exposition, Logger& log) : exposition_(std::move(exposition)), log_(log) {}

  asio::awaitable<Response> handle(Incoming& in) override;
  Response refuse(const Refused& r) override;
  void on_accept_error(std::string_view error, std::uint64_t suppressed) noexcept override;

 private:
  // Not counted in the request metrics; logged at debug (scrapes would drown the request log).
  void log_request(std::string_view method, std::string_view target, unsigned status, std::string_view ip);

  std::function<std::string()> exposition_;
  Logger& log_;
};

}  // namespace tessera::server
