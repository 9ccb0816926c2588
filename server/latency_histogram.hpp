// LatencyHistogram: one Prometheus histogram series of durations (kLatencyBuckets, seconds),
// lock-free, and its text exposition. Shared by `tessera serve`'s request metrics
// (server/metrics.hpp) and the gateway's (gateway/gateway_metrics.hpp).
// Thread safety: observe() and append() from any thread (atomics only).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace tessera::server {

// Upper bounds of the latency histograms, in seconds.
inline constexpr std::array<double, 12> kLatencyBuckets = {.0005, .001, .0025, .005, .01, .025,
                                                           .05,   .1,   .25,   .5,   1,   2.5};

struct LatencyHistogram {
  std::array<std::atomic<std::uint64_t>, kLatencyBuckets.size()> buckets{};  // not cumulative
  std::atomic<std::uint64_t> count{0};
  std::atomic<std::uint64_t> sum_ns{0};

  void observe(double seconds) noexcept;
  // Appends name_bucket{labels,le=...}, name_sum{labels} and name_count{labels} (labels: ""
  // or `route="x"`, already escaped); nothing when nothing was observed.
  void append(std::string& out, std::string_view name, std::string_view labels) const;
};

}  // namespace tessera::server
