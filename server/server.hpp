// The HTTP server behind `tessera serve` (docs/server.md): Beast + Asio with C++20
// coroutines, one I/O thread per core, a worker pool for store calls and password hashing.
#pragma once

#include "server/config.hpp"

namespace tessera::server {

// Opens the stores and keys named by cfg, listens, serves until SIGINT/SIGTERM, then drains
// in-flight requests (up to 10 s). Prints the "what now" lines on first start. Returns the
// process exit code (0 after a clean shutdown, 1 when it cannot start: the reason is logged).
int run(const ServerConfig& cfg);

}  // namespace tessera::server
