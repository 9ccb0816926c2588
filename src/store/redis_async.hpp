// One asynchronous, pipelined connection to a Redis node: hiredis's async API driven by an
// EventLoop (include/tessera/event_loop.hpp). Commands are written as they come, behind those
// still in flight, so the concurrent requests of one loop share one socket and Redis reads
// many commands per read.
//
// Failure is bounded (invariant 9): a command that has no reply within the command timeout
// fails with store_unavailable and the connection is dropped (its stream is out of step);
// refused, reset or closed connections fail every command in flight the same way. The next
// command connects again (non-blocking), so a Redis that comes back is used without a
// restart. hiredis 0.14 has no timeouts of its own: the deadlines here are the only ones.
// Thread safety: none; one EventLoop's thread only.
#pragma once

#include <hiredis/hiredis.h>

#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string_view>

#include "store/redis_conn.hpp"
#include "tessera/error.hpp"
#include "tessera/event_loop.hpp"

struct redisAsyncContext;

namespace tessera::store::redis {

class AsyncConnection {
 public:
  // The reply is valid only during the call (hiredis frees it afterwards). Error replies
  // (-ERR, -MOVED, ...) are replies; store_unavailable means no reply will come.
  using OnReply = std::move_only_function<void(Result<const redisReply*>)>;

  AsyncConnection(EventLoop& loop, Endpoint at, std::chrono::milliseconds command_timeout);
  ~AsyncConnection();  // what is in flight fails with store_unavailable (posted)
  AsyncConnection(const AsyncConnection&) = delete;
  AsyncConnection& operator=(const AsyncConnection&) = delete;

  // Queues argv. done runs once: inline from the loop's read handler with the reply, or
  // posted with store_unavailable (never inline in this call).
  void command(std::span<const std::string_view> argv, OnReply done);

  const Endpoint& endpoint() const noexcept { return at_; }

 private:
  struct Link;  // one hiredis context and what waits on it
  static void on_reply(redisAsyncContext* ac, void* reply, void* privdata);
  static void ev_add_read(void* p);
  static void ev_del_read(void* p);
  static void ev_add_write(void* p);
  static void ev_del_write(void* p);
  static void ev_cleanup(void* p);

  Link* connect();
  void fail_later(OnReply fn, std::string why);
  void on_timer();

  EventLoop& loop_;
  Endpoint at_;
  std::chrono::milliseconds timeout_;
  Link* link_ = nullptr;  // owned by hiredis's context: freed in ev_cleanup
  std::unique_ptr<EventLoop::Timer> timer_;
  bool timer_armed_ = false;
};

}  // namespace tessera::store::redis
