// The end of a front end's shutdown, shared by `tessera serve` and `tessera gateway`: after
// each HttpServer's shutdown() (no new connections; idle ones closed; in-flight requests
// answered with Connection: close), wait until no connection is left or the grace period is
// over, then close whatever is left (logged as a warning).
// Thread safety: run it on one strand (the shutdown coroutine's); HttpServer is thread-safe.
#pragma once

#include <chrono>
#include <span>

#include <boost/asio/awaitable.hpp>

#include "server/http.hpp"
#include "server/log.hpp"

namespace tessera::server {

inline constexpr std::chrono::seconds kDrainFor{10};

// Calls shutdown() on each server, then waits as above and close_all()s the stragglers.
asio::awaitable<void> drain(std::span<HttpServer* const> servers, Logger& log, std::chrono::seconds grace = kDrainFor);

}  // namespace tessera::server
