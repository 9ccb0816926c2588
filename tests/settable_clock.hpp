// A Clock the test sets and moves (shared by the OAuth and DPoP fixtures).
// Thread safety: now/set/advance are atomic.
#pragma once

#include <atomic>
#include <cstdint>

#include "tessera/clock.hpp"

namespace tessera::test {

class SettableClock final : public Clock {
 public:
  explicit SettableClock(std::int64_t t) : t_(t) {}
  std::int64_t now() const override { return t_.load(); }
  void set(std::int64_t t) { t_.store(t); }
  void advance(std::int64_t s) { t_ += s; }

 private:
  std::atomic<std::int64_t> t_;
};

}  // namespace tessera::test
