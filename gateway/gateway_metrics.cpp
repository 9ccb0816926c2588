// GatewayMetrics (gateway/gateway_metrics.hpp).
#include "gateway/gateway_metrics.hpp"

#include <fmt/format.h>

namespace tessera::gateway {

std::size_t GatewayMetrics::index(std::string_view result) noexcept {
  for (std::size_t i = 0; i < kResultLabels.size(); ++i)
    if (kResultLabels[i] == result) return i;
  return kResultLabels.size() - 1;  // unreachable for the labels the gateway uses
}

void GatewayMetrics::request(std::string_view result, double seconds) noexcept {
  requests_[index(result)].fetch_add(1, std::memory_order_relaxed);
  duration_.observe(seconds);
}

std::uint64_t GatewayMetrics::requests(std::string_view result) const noexcept {
  return requests_[index(result)].load(std::memory_order_relaxed);
}

std::string GatewayMetrics::exposition() const {
  std::string out;
  out.reserve(4096);
  out += "# HELP tessera_gateway_requests_total Requests answered by the gateway, by how they ended.\n";
  out += "# TYPE tessera_gateway_requests_total counter\n";
  for (std::size_t i = 0; i < kResultLabels.size(); ++i)
    out += fmt::format("tessera_gateway_requests_total{{result=\"{}\"}} {}\n", kResultLabels[i],
                       requests_[i].load(std::memory_order_relaxed));
  out += "# HELP tessera_gateway_request_duration_seconds Time to answer a request.\n";
  out += "# TYPE tessera_gateway_request_duration_seconds histogram\n";
  duration_.append(out, "tessera_gateway_request_duration_seconds", "");
  out += "# HELP tessera_gateway_upstream_duration_seconds Time the upstream took to answer a forwarded request.\n";
  out += "# TYPE tessera_gateway_upstream_duration_seconds histogram\n";
  upstream_.append(out, "tessera_gateway_upstream_duration_seconds", "");
  out += "# HELP tessera_gateway_authentications_offloaded_total Authentications run on the blocking pool (introspection, a key set not yet seen on the I/O thread).\n";
  out += "# TYPE tessera_gateway_authentications_offloaded_total counter\n";
  out += fmt::format("tessera_gateway_authentications_offloaded_total {}\n", offloaded_.load(std::memory_order_relaxed));
  out += "# HELP tessera_http_connections Open HTTP connections.\n";
  out += "# TYPE tessera_http_connections gauge\n";
  out += fmt::format("tessera_http_connections {}\n", connections_.load(std::memory_order_relaxed));
  return out;
}

}  // namespace tessera::gateway
