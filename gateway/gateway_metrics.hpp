// Prometheus metrics of `tessera gateway` (docs/gateway.md "Metrics"), served on its metrics
// listener (server/metrics_app.hpp) in the text format 0.0.4:
//   tessera_gateway_requests_total{result}       every request, by how it ended (kResultLabels)
//   tessera_gateway_request_duration_seconds     time to answer, histogram
//   tessera_gateway_upstream_duration_seconds    time the upstream took (forwarded requests), histogram
//   tessera_gateway_authentications_offloaded_total  authentications run off the I/O threads
//   tessera_http_connections                     open client connections
// Thread safety: all methods are thread-safe (atomics only).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/latency_histogram.hpp"

namespace tessera::gateway {

// How a request ended: forwarded (whatever the upstream answered), refused by the
// Authenticator (401 unauthenticated, 400 bad_request, 503 unavailable), 403 forbidden
// (insufficient scope, or a 403 refusal), the upstream failing (502 bad_gateway, 504
// upstream_timeout), refused by the transport before it was read (refused: 408, 413, 431, 503
// overloaded, 400 malformed).
inline constexpr std::array<std::string_view, 8> kResultLabels = {
    "forwarded", "unauthenticated", "forbidden", "bad_request", "unavailable", "bad_gateway", "upstream_timeout",
    "refused"};

class GatewayMetrics {
 public:
  void request(std::string_view result, double seconds) noexcept;
  void upstream(double seconds) noexcept { upstream_.observe(seconds); }
  void offloaded() noexcept { offloaded_.fetch_add(1, std::memory_order_relaxed); }
  void connection(int delta) noexcept { connections_.fetch_add(delta, std::memory_order_relaxed); }

  std::uint64_t requests(std::string_view result) const noexcept;
  std::string exposition() const;

 private:
  static std::size_t index(std::string_view result) noexcept;
  std::array<std::atomic<std::uint64_t>, kResultLabels.size()> requests_{};
  server::LatencyHistogram duration_;
  server::LatencyHistogram upstream_;
  std::atomic<std::uint64_t> offloaded_{0};
  std::atomic<std::int64_t> connections_{0};
};

}  // namespace tessera::gateway
