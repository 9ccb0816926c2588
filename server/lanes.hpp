// Lanes: the I/O threads of a front end (`tessera serve`, `tessera gateway`), one io_context
// each, run by exactly one thread, so a connection's handlers need no strand and per-lane state
// (a store reader, an upstream connection pool) needs no lock. Lane 0 also runs the acceptors,
// signals and timers, on the thread that calls run().
// Thread safety: construct, then hand out the io_contexts; release() from any thread (usually
// the shutdown coroutine); run() once, from the main thread.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "server/log.hpp"

namespace tessera::server {

namespace asio = boost::asio;

class Lanes {
 public:
  // n >= 1 lanes, each kept running (even idle) until release().
  explicit Lanes(unsigned n);
  Lanes(const Lanes&) = delete;
  Lanes& operator=(const Lanes&) = delete;

  std::size_t size() const noexcept { return lanes_.size(); }
  asio::io_context& operator[](std::size_t i) noexcept { return *lanes_[i]; }
  asio::io_context& main() noexcept { return *lanes_.front(); }
  std::vector<asio::io_context*> pointers() const;

  // Lets each lane stop once it has no work left (its connections, timers and pending calls gone).
  void release();
  // Runs lanes 1.. on their own threads and lane 0 on the caller's, until each is out of work;
  // an exception escaping a handler is logged ("internal error") and the lane runs on.
  void run(Logger& log);

  // Threads when `configured` is 0: one per core (at least one).
  static unsigned default_count(unsigned configured) noexcept;

 private:
  using WorkGuard = asio::executor_work_guard<asio::io_context::executor_type>;
  std::vector<std::unique_ptr<asio::io_context>> lanes_;
  std::vector<WorkGuard> work_;
};

}  // namespace tessera::server
