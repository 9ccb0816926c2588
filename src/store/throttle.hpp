// Internal: the rules of a UserStore failed-login counter, written once for every backend
// (memory, SQLite and the Redis Lua script follow the same ones):
//  - throttle_fail(key, now, window) sets expires_at = now + window (saturating);
//  - a counter is forgotten once now >= expires_at (window seconds after its last failure);
//  - window must be at least 1 s.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <limits>

#include "tessera/error.hpp"

namespace tessera::store::throttle {

inline Result<void> check_window(std::int64_t window) {
  if (window < 1) return fail(Errc::invalid_argument, "throttle: the window must be at least 1 second");
  return {};
}

inline std::int64_t expires_at(std::int64_t now, std::int64_t window) noexcept {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  return now > kMax - window ? kMax : now + window;
}

inline bool expired(std::int64_t expires_at, std::int64_t now) noexcept { return now >= expires_at; }

}  // namespace tessera::store::throttle
