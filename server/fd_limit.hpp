// File descriptors of `tessera serve`: the RLIMIT_NOFILE soft limit raised to the hard limit at
// start, and the connection cap that keeps a reserve of descriptors for everything that is not
// a client connection (docs/server.md "Connections and file descriptors").
#pragma once

#include <cstddef>
#include <cstdint>

#include "tessera/error.hpp"

namespace tessera::server {

struct FdLimit {
  std::uint64_t soft_before = 0;  // the soft limit the process started with
  std::uint64_t soft = 0;         // the soft limit now (the hard limit, when it could be raised)
  std::uint64_t hard = 0;         // RLIM_INFINITY is reported as UINT64_MAX
};

// Raises the RLIMIT_NOFILE soft limit to the hard limit (to /proc/sys/fs/nr_open when the hard
// limit is unlimited). io_error when the limit cannot be read; a refused raise is not an error
// (soft stays what it was).
Result<FdLimit> raise_fd_limit();

// Descriptors kept back from client connections when the limit is nofile: 64, or a tenth of
// the limit when that is more, but never more than half of it.
std::uint64_t fd_reserve(std::uint64_t nofile) noexcept;

// The connection limit the server can honour: the configured one, or nofile less the reserve
// when that is lower (at least 1).
std::size_t connection_cap(std::size_t configured, std::uint64_t nofile) noexcept;

}  // namespace tessera::server
