// Metrics (server/metrics.hpp): atomics per bounded label set, Prometheus text 0.0.4 output.
#include "server/metrics.hpp"

#include <fmt/format.h>

namespace tessera::server {
namespace {

struct CounterInfo {
  std::string_view name;
  std::string_view help;
};

constexpr std::array<CounterInfo, kCounterCount> kCounters = {{
    {"tessera_sessions_created_total", "Sessions created by a login or a password change."},
    {"tessera_sessions_validated_total", "Requests authenticated by a live session cookie."},
    {"tessera_sessions_revoked_total", "Sessions ended by logout, revocation or log out everywhere."},
    {"tessera_logins_failed_total", "Logins (and password changes) refused for invalid credentials."},
    {"tessera_logins_throttled_total", "Logins refused because the account or client IP was locked."},
    {"tessera_store_errors_total", "Requests that failed because the store could not be reached."},
    {"tessera_oauth_refresh_reuse_total", "Rotated refresh tokens presented again (each revoked its family)."},
    {"tessera_oauth_code_reuse_total", "Authorization codes presented again (each revoked what the first exchange issued)."},
    {"tessera_oauth_revocations_total", "Token revocation requests answered (RFC 7009)."},
}};

// Index of a label value in labels, or of the last one ("other").
template <std::size_t N>
std::size_t label_index(const std::array<std::string_view, N>& labels, std::string_view v) noexcept {
  for (std::size_t i = 0; i + 1 < N; ++i)
    if (labels[i] == v) return i;
  return N - 1;
}

// Label values: backslash, double quote and line feed are escaped.
std::string escape_label(std::string_view v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

}  // namespace

Metrics::Metrics(std::vector<std::string> routes) : routes_(std::move(routes)) {
  routes_.emplace_back("other");
  const std::size_t n = routes_.size() * kMethodLabels.size() * kStatuses;
  requests_ = std::make_unique<std::atomic<std::uint64_t>[]>(n);
  latency_ = std::make_unique<Histogram[]>(routes_.size());
}

std::size_t Metrics::route_index(std::string_view pattern) const noexcept {
  for (std::size_t i = 0; i + 1 < routes_.size(); ++i)
    if (routes_[i] == pattern) return i;
  return other_route();
}

std::size_t Metrics::method_index(std::string_view method) noexcept {
  for (std::size_t i = 0; i + 1 < kMethodLabels.size(); ++i)
    if (kMethodLabels[i] == method) return i;
  return kMethodLabels.size() - 1;
}

std::size_t Metrics::slot(std::size_t route, std::size_t method, unsigned status) const noexcept {
  if (route >= routes_.size()) route = other_route();
  if (status < 100 || status > 599) status = 599;
  return (route * kMethodLabels.size() + method) * kStatuses + (status - 100);
}

void Metrics::observe(std::size_t route, std::string_view method, unsigned status, double seconds) noexcept {
  if (route >= routes_.size()) route = other_route();
  requests_[slot(route, method_index(method), status)].fetch_add(1, std::memory_order_relaxed);
  latency_[route].observe(seconds);
}

void Metrics::add(Counter c, std::uint64_t n) noexcept {
  counters_[static_cast<std::size_t>(c)].fetch_add(n, std::memory_order_relaxed);
}

void Metrics::token_issued(std::string_view grant, std::string_view format) noexcept {
  tokens_issued_[label_index(kGrantLabels, grant) * kFormatLabels.size() + label_index(kFormatLabels, format)]
      .fetch_add(1, std::memory_order_relaxed);
}

void Metrics::introspection(bool active) noexcept {
  introspections_[active ? 1 : 0].fetch_add(1, std::memory_order_relaxed);
}

void Metrics::dpop_request(std::string_view endpoint, std::string_view result) noexcept {
  dpop_requests_[label_index(kDpopEndpointLabels, endpoint) * kDpopResultLabels.size() +
                 label_index(kDpopResultLabels, result)]
      .fetch_add(1, std::memory_order_relaxed);
}

void Metrics::bff_request(std::string_view route, std::string_view result) noexcept {
  bff_requests_[label_index(kBffRouteLabels, route) * kBffResultLabels.size() + label_index(kBffResultLabels, result)]
      .fetch_add(1, std::memory_order_relaxed);
}

std::uint64_t Metrics::bff_requests(std::string_view route, std::string_view result) const noexcept {
  return bff_requests_[label_index(kBffRouteLabels, route) * kBffResultLabels.size() +
                       label_index(kBffResultLabels, result)]
      .load(std::memory_order_relaxed);
}

std::uint64_t Metrics::dpop_requests(std::string_view endpoint, std::string_view result) const noexcept {
  return dpop_requests_[label_index(kDpopEndpointLabels, endpoint) * kDpopResultLabels.size() +
                        label_index(kDpopResultLabels, result)]
      .load(std::memory_order_relaxed);
}

std::uint64_t Metrics::tokens_issued(std::string_view grant, std::string_view format) const noexcept {
  return tokens_issued_[label_index(kGrantLabels, grant) * kFormatLabels.size() + label_index(kFormatLabels, format)]
      .load(std::memory_order_relaxed);
}

std::uint64_t Metrics::introspections(bool active) const noexcept {
  return introspections_[active ? 1 : 0].load(std::memory_order_relaxed);
}

std::uint64_t Metrics::requests(std::size_t route, std::string_view method, unsigned status) const noexcept {
  return requests_[slot(route, method_index(method), status)].load(std::memory_order_relaxed);
}

std::uint64_t Metrics::counter(Counter c) const noexcept {
  return counters_[static_cast<std::size_t>(c)].load(std::memory_order_relaxed);
}

std::string Metrics::exposition() const {
  std::string out;
  out.reserve(4096);
  auto append = [&out](std::string_view s) { out.append(s.data(), s.size()); };

  append("# HELP tessera_http_requests_total HTTP requests answered, by route pattern, method and status.\n");
  append("# TYPE tessera_http_requests_total counter\n");
  for (std::size_t r = 0; r < routes_.size(); ++r) {
    const std::string route = escape_label(routes_[r]);
    for (std::size_t m = 0; m < kMethodLabels.size(); ++m) {
      for (unsigned s = 100; s < 600; ++s) {
        const auto v = requests_[slot(r, m, s)].load(std::memory_order_relaxed);
        if (v == 0) continue;
        out += fmt::format("tessera_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{}\"}} {}\n", route,
                           kMethodLabels[m], s, v);
      }
    }
  }

  append("# HELP tessera_http_request_duration_seconds Time to answer a request, by route pattern.\n");
  append("# TYPE tessera_http_request_duration_seconds histogram\n");
  for (std::size_t r = 0; r < routes_.size(); ++r)
    latency_[r].append(out, "tessera_http_request_duration_seconds", "route=\"" + escape_label(routes_[r]) + "\"");

  append("# HELP tessera_http_connections Open HTTP connections.\n");
  append("# TYPE tessera_http_connections gauge\n");
  out += fmt::format("tessera_http_connections {}\n", connections());

  for (std::size_t i = 0; i < kCounterCount; ++i) {
    out += fmt::format("# HELP {} {}\n# TYPE {} counter\n{} {}\n", kCounters[i].name, kCounters[i].help,
                       kCounters[i].name, kCounters[i].name, counters_[i].load(std::memory_order_relaxed));
  }

  append("# HELP tessera_oauth_tokens_issued_total Access tokens issued, by grant type and token format.\n");
  append("# TYPE tessera_oauth_tokens_issued_total counter\n");
  for (std::size_t g = 0; g < kGrantLabels.size(); ++g)
    for (std::size_t f = 0; f < kFormatLabels.size(); ++f)
      out += fmt::format("tessera_oauth_tokens_issued_total{{grant=\"{}\",format=\"{}\"}} {}\n", kGrantLabels[g],
                         kFormatLabels[f], tokens_issued_[g * kFormatLabels.size() + f].load(std::memory_order_relaxed));
  append("# HELP tessera_oauth_introspections_total Introspection answers (RFC 7662), by result.\n");
  append("# TYPE tessera_oauth_introspections_total counter\n");
  out += fmt::format("tessera_oauth_introspections_total{{result=\"active\"}} {}\n",
                     introspections_[1].load(std::memory_order_relaxed));
  out += fmt::format("tessera_oauth_introspections_total{{result=\"inactive\"}} {}\n",
                     introspections_[0].load(std::memory_order_relaxed));
  append("# HELP tessera_oauth_dpop_requests_total Requests that carried a DPoP proof (RFC 9449), by endpoint and result.\n");
  append("# TYPE tessera_oauth_dpop_requests_total counter\n");
  for (std::size_t e = 0; e < kDpopEndpointLabels.size(); ++e)
    for (std::size_t r = 0; r < kDpopResultLabels.size(); ++r)
      out += fmt::format("tessera_oauth_dpop_requests_total{{endpoint=\"{}\",result=\"{}\"}} {}\n",
                         kDpopEndpointLabels[e], kDpopResultLabels[r],
                         dpop_requests_[e * kDpopResultLabels.size() + r].load(std::memory_order_relaxed));
  append("# HELP tessera_bff_requests_total Requests of the BFF for single-page apps, by endpoint and result.\n");
  append("# TYPE tessera_bff_requests_total counter\n");
  for (std::size_t e = 0; e < kBffRouteLabels.size(); ++e)
    for (std::size_t r = 0; r < kBffResultLabels.size(); ++r)
      out += fmt::format("tessera_bff_requests_total{{endpoint=\"{}\",result=\"{}\"}} {}\n", kBffRouteLabels[e],
                         kBffResultLabels[r], bff_requests_[e * kBffResultLabels.size() + r].load(std::memory_order_relaxed));
  return out;
}

}  // namespace tessera::server
