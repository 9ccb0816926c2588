// raise_fd_limit / connection_cap (server/fd_limit.hpp).
#include "server/fd_limit.hpp"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>

namespace tessera::server {
namespace {

std::uint64_t to_u64(rlim_t v) {
  return v == RLIM_INFINITY ? std::numeric_limits<std::uint64_t>::max() : static_cast<std::uint64_t>(v);
}

// The kernel's ceiling for RLIMIT_NOFILE (setrlimit beyond it fails even when unlimited).
rlim_t nr_open() {
  std::ifstream in("/proc/sys/fs/nr_open");
  unsigned long long v = 0;
  if (in >> v && v > 0) return static_cast<rlim_t>(v);
  return 1024 * 1024;  // the kernel's default nr_open
}

}  // namespace

Result<FdLimit> raise_fd_limit() {
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0)
    return fail(Errc::io_error, std::string("getrlimit(RLIMIT_NOFILE): ") + std::strerror(errno));
  FdLimit out;
  out.soft_before = to_u64(rl.rlim_cur);
  out.hard = to_u64(rl.rlim_max);
  const rlim_t target = rl.rlim_max == RLIM_INFINITY ? nr_open() : rl.rlim_max;
  if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < target) {
    rlimit raised = rl;
    raised.rlim_cur = target;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) rl.rlim_cur = target;
  }
  out.soft = to_u64(rl.rlim_cur);
  return out;
}

std::uint64_t fd_reserve(std::uint64_t nofile) noexcept {
  // Besides client connections the process holds: standard streams, the listeners, epoll and
  // its eventfd/timerfd, the signal pipe, SQLite's database, WAL and shared-memory files (per
  // open connection), Redis connections (one per store thread, times the masters of a
  // cluster), key files while they are read, and the connections refused with 503 while they
  // drain. 64 covers a small machine; a tenth of the limit keeps up with the thread and
  // cluster counts of machines configured with large limits; half at most, so that even a
  // tiny limit (ulimit -n 64) still serves connections.
  const std::uint64_t reserve = std::max<std::uint64_t>(64, nofile / 10);
  return std::min(reserve, nofile / 2);
}

std::size_t connection_cap(std::size_t configured, std::uint64_t nofile) noexcept {
  const std::uint64_t usable = std::max<std::uint64_t>(nofile - fd_reserve(nofile), 1);
  return static_cast<std::size_t>(std::min<std::uint64_t>(configured, usable));
}

}  // namespace tessera::server
