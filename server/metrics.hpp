// Prometheus metrics of `tessera serve` (docs/server.md "Metrics"), exposed in the text format
// 0.0.4 on GET /metrics.
//
// Label sets are bounded by construction: `route` is one of the patterns given to the
// constructor or "other", `method` one of a fixed list or "other", `status` 100..599. Every
// series is a std::atomic, so recording never locks.
// Thread safety: all methods are thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/latency_histogram.hpp"

namespace tessera::server {

// Method labels; anything else is "other".
inline constexpr std::array<std::string_view, 8> kMethodLabels = {"GET",  "POST",    "DELETE", "PUT",
                                                                  "PATCH", "HEAD", "OPTIONS", "other"};

enum class Counter {
  sessions_created,
  sessions_validated,
  sessions_revoked,
  logins_failed,
  logins_throttled,
  store_errors,
  oauth_refresh_reuse,
  oauth_code_reuse,
  oauth_revocations,
};
inline constexpr std::size_t kCounterCount = 9;

// Label values of tessera_oauth_tokens_issued_total; anything else is "other".
inline constexpr std::array<std::string_view, 4> kGrantLabels = {"authorization_code", "refresh_token",
                                                                 "client_credentials", "other"};
inline constexpr std::array<std::string_view, 4> kFormatLabels = {"jwt", "paseto", "opaque", "other"};
// Label values of tessera_oauth_dpop_requests_total: where a request carried a DPoP proof, and
// how it was answered (ok, the two DPoP errors, any other error); anything else is "other".
inline constexpr std::array<std::string_view, 3> kDpopEndpointLabels = {"token", "userinfo", "other"};
inline constexpr std::array<std::string_view, 4> kDpopResultLabels = {"ok", "invalid_dpop_proof", "use_dpop_nonce",
                                                                      "other"};

// Label values of tessera_bff_requests_total (docs/bff.md): the BFF endpoint, and how it was
// answered (ok: the redirect, the user, the logout, or the upstream's answer whatever its status;
// invalid: a 400 or 404 of the BFF itself; error: anything else); anything else is the last.
inline constexpr std::array<std::string_view, 6> kBffRouteLabels = {"login", "callback", "user", "logout", "api",
                                                                    "other"};
inline constexpr std::array<std::string_view, 7> kBffResultLabels = {
    "ok", "csrf_failed", "login_required", "invalid", "bad_gateway", "gateway_timeout", "error"};

class Metrics {
 public:
  // routes: the route patterns ("/sessions/{id}"); index routes.size() is "other".
  explicit Metrics(std::vector<std::string> routes);

  std::size_t route_count() const noexcept { return routes_.size(); }
  std::size_t other_route() const noexcept { return routes_.size() - 1; }
  const std::string& route_label(std::size_t route) const noexcept {
    return routes_[route < routes_.size() ? route : other_route()];
  }
  // Index of a pattern, or other_route().
  std::size_t route_index(std::string_view pattern) const noexcept;

  // One served request.
  void observe(std::size_t route, std::string_view method, unsigned status, double seconds) noexcept;
  void add(Counter c, std::uint64_t n = 1) noexcept;
  // OAuth: an access token issued (by grant type and token format), an introspection answered.
  void token_issued(std::string_view grant, std::string_view format) noexcept;
  void introspection(bool active) noexcept;
  // A request that carried a DPoP proof, by endpoint and result (kDpop*Labels).
  void dpop_request(std::string_view endpoint, std::string_view result) noexcept;
  // A request of the BFF, by route and result (kBff*Labels).
  void bff_request(std::string_view route, std::string_view result) noexcept;
  void connection_opened() noexcept { connections_.fetch_add(1, std::memory_order_relaxed); }
  void connection_closed() noexcept { connections_.fetch_sub(1, std::memory_order_relaxed); }

  std::uint64_t requests(std::size_t route, std::string_view method, unsigned status) const noexcept;
  std::uint64_t counter(Counter c) const noexcept;
  std::uint64_t tokens_issued(std::string_view grant, std::string_view format) const noexcept;
  std::uint64_t introspections(bool active) const noexcept;
  std::uint64_t dpop_requests(std::string_view endpoint, std::string_view result) const noexcept;
  std::uint64_t bff_requests(std::string_view route, std::string_view result) const noexcept;
  std::int64_t connections() const noexcept { return connections_.load(std::memory_order_relaxed); }

  // Prometheus text exposition format 0.0.4. Request counters and histograms appear once they
  // have been observed; the other series always.
  std::string exposition() const;

 private:
  static constexpr std::size_t kStatuses = 500;  // 100..599
  static std::size_t method_index(std::string_view method) noexcept;
  std::size_t slot(std::size_t route, std::size_t method, unsigned status) const noexcept;

  using Histogram = LatencyHistogram;

  std::vector<std::string> routes_;  // the given patterns, then "other"
  std::unique_ptr<std::atomic<std::uint64_t>[]> requests_;
  std::unique_ptr<Histogram[]> latency_;
  std::array<std::atomic<std::uint64_t>, kCounterCount> counters_{};
  std::array<std::atomic<std::uint64_t>, kGrantLabels.size() * kFormatLabels.size()> tokens_issued_{};
  std::array<std::atomic<std::uint64_t>, 2> introspections_{};  // inactive, active
  std::array<std::atomic<std::uint64_t>, kDpopEndpointLabels.size() * kDpopResultLabels.size()> dpop_requests_{};
  std::array<std::atomic<std::uint64_t>, kBffRouteLabels.size() * kBffResultLabels.size()> bff_requests_{};
  std::atomic<std::int64_t> connections_{0};
};

}  // namespace tessera::server
