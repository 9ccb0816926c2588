// Descriptor budget and accept-error log throttling of `tessera serve` (server/fd_limit.hpp,
// server/log_throttle.hpp).
#include <gtest/gtest.h>

#include <sys/resource.h>

#include "server/fd_limit.hpp"
#include "server/log_throttle.hpp"

namespace tessera::server {
namespace {

TEST(FdLimit, ReserveIs64OrATenthButAtMostHalf) {
  EXPECT_EQ(fd_reserve(64), 32u);
  EXPECT_EQ(fd_reserve(128), 64u);
  EXPECT_EQ(fd_reserve(1024), 102u);
  EXPECT_EQ(fd_reserve(65536), 6553u);
  EXPECT_EQ(fd_reserve(2), 1u);
}

TEST(FdLimit, ConnectionCapBelowTheLimit) {
  EXPECT_EQ(connection_cap(10000, 1024), 922u);
  EXPECT_EQ(connection_cap(10000, 64), 32u);
  EXPECT_EQ(connection_cap(100, 1024), 100u);  // a configured value under the cap stays
  EXPECT_EQ(connection_cap(10000, 1048576), 10000u);
  EXPECT_EQ(connection_cap(10000, 1), 1u);
  for (std::uint64_t nofile : {16u, 64u, 100u, 1024u, 4096u, 65536u}) {
    EXPECT_LT(connection_cap(1'000'000, nofile), nofile) << nofile;
  }
}

TEST(FdLimit, RaiseSoftToHard) {
  rlimit before{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &before), 0);
  auto r = raise_fd_limit();
  ASSERT_TRUE(r.has_value());
  rlimit after{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &after), 0);
  EXPECT_EQ(r->soft, after.rlim_cur == RLIM_INFINITY ? UINT64_MAX : after.rlim_cur);
  if (before.rlim_max != RLIM_INFINITY) {
    EXPECT_EQ(after.rlim_cur, before.rlim_max);
  }
  EXPECT_GE(r->soft, r->soft_before);
}

TEST(LogThrottle, OneLinePerIntervalCountingTheRest) {
  using namespace std::chrono_literals;
  LogThrottle t(1s);
  const LogThrottle::clock::time_point t0{};
  EXPECT_EQ(t.admit(t0), 0u);
  for (int i = 1; i <= 20; ++i) EXPECT_EQ(t.admit(t0 + i * 40ms), std::nullopt);  // 0.04 .. 0.8 s
  EXPECT_EQ(t.admit(t0 + 1s), 20u);
  EXPECT_EQ(t.admit(t0 + 1500ms), std::nullopt);
  EXPECT_EQ(t.admit(t0 + 5s), 1u);
  EXPECT_EQ(t.admit(t0 + 7s), 0u);
}

}  // namespace
}  // namespace tessera::server
