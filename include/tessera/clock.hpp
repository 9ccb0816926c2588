// Clock: the source of "now" for every time check, injectable for tests (LevelDB's Env shape).
// Thread safety: implementations must be thread-safe; SystemClock and FixedClock are.
#pragma once

#include <cstdint>

namespace tessera {

class Clock {
 public:
  virtual ~Clock() = default;
  // Seconds since the Unix epoch.
  virtual std::int64_t now() const = 0;
};

class SystemClock final : public Clock {
 public:
  std::int64_t now() const override;
  static const SystemClock& instance();
};

class FixedClock final : public Clock {
 public:
  explicit FixedClock(std::int64_t t) : t_(t) {}
  std::int64_t now() const override { return t_; }
 private:
  std::int64_t t_;
};

}  // namespace tessera
