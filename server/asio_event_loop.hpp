// EventLoop (include/tessera/event_loop.hpp) on an Asio io_context that one thread runs: what
// lets the Redis store's asynchronous reader (hiredis's async API) live on `tessera serve`'s
// I/O threads. offload() goes to the given pool (the store pool), keeping the io_context
// alive until the task has posted its result back.
//
// Watches are level-triggered in effect, as hiredis expects: after a read callback the socket
// is read again while bytes are waiting (FIONREAD), and a write interest first tries the write
// at once (a socket is nearly always writable) and waits for writability only when the write
// is still wanted after that. Asio's epoll reactor is edge-triggered, so this relies on one
// thread running the io_context.
// Thread safety: post() and offload() from any thread; the rest on the io_context's thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/thread_pool.hpp>

#include "tessera/event_loop.hpp"

namespace tessera::server {

namespace asio = boost::asio;

class AsioEventLoop final : public EventLoop {
 public:
  // pool: where offload() runs tasks; nullptr runs them inline on the loop (blocking it).
  AsioEventLoop(asio::io_context& ioc, asio::thread_pool* pool) : ioc_(ioc), pool_(pool) {}

  void post(Task task) override;
  void offload(Task task) override;
  std::unique_ptr<Watch> watch(int fd, std::function<void()> on_readable, std::function<void()> on_writable) override;
  std::unique_ptr<Timer> timer(std::function<void()> on_expiry) override;

 private:
  asio::io_context& ioc_;
  asio::thread_pool* pool_;
};

}  // namespace tessera::server
