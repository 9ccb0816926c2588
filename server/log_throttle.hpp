// LogThrottle: at most one log line per interval for an event that can repeat in a tight loop
// (accept() failing with EMFILE), counting the occurrences it held back.
// Thread safety: none; use it from one strand (the acceptor's).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace tessera::server {

class LogThrottle {
 public:
  using clock = std::chrono::steady_clock;
  explicit LogThrottle(clock::duration interval = std::chrono::seconds(1)) : interval_(interval) {}

  // One occurrence at now. When a line may be written: the number of occurrences suppressed
  // since the last line; otherwise nullopt (and this one is counted as suppressed).
  std::optional<std::uint64_t> admit(clock::time_point now) noexcept {
    if (logged_ && now - last_ < interval_) {
      ++suppressed_;
      return std::nullopt;
    }
    logged_ = true;
    last_ = now;
    const std::uint64_t n = suppressed_;
    suppressed_ = 0;
    return n;
  }

 private:
  clock::duration interval_;
  bool logged_ = false;
  clock::time_point last_{};
  std::uint64_t suppressed_ = 0;
};

}  // namespace tessera::server
