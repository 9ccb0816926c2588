// LatencyHistogram (server/latency_histogram.hpp).
#include "server/latency_histogram.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace tessera::server {
namespace {

constexpr std::array<std::string_view, kLatencyBuckets.size()> kBucketLabels = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5"};

}  // namespace

void LatencyHistogram::observe(double seconds) noexcept {
  if (seconds < 0) seconds = 0;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      buckets[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  }
  sum_ns.fetch_add(static_cast<std::uint64_t>(seconds * 1e9), std::memory_order_relaxed);
  count.fetch_add(1, std::memory_order_relaxed);
}

void LatencyHistogram::append(std::string& out, std::string_view name, std::string_view labels) const {
  // Read count first: buckets observed after it may push the cumulative +Inf a little above
  // it, so +Inf is written as the bucket total, keeping the series monotonic.
  const auto n = count.load(std::memory_order_relaxed);
  if (n == 0) return;
  const std::string sep = labels.empty() ? std::string() : std::string(labels) + ",";
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    cumulative += buckets[i].load(std::memory_order_relaxed);
    out += fmt::format("{}_bucket{{{}le=\"{}\"}} {}\n", name, sep, kBucketLabels[i], cumulative);
  }
  const std::uint64_t total = std::max(n, cumulative);
  out += fmt::format("{}_bucket{{{}le=\"+Inf\"}} {}\n", name, sep, total);
  const std::string braces = labels.empty() ? std::string() : "{" + std::string(labels) + "}";
  out += fmt::format("{}_sum{} {}\n", name, braces, static_cast<double>(sum_ns.load(std::memory_order_relaxed)) / 1e9);
  out += fmt::format("{}_count{} {}\n", name, braces, total);
}

}  // namespace tessera::server
