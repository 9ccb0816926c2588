// EventLoop: what an asynchronous store needs from the event loop of the thread that calls it.
// The library has no event loop of its own; a front end implements this on its loop (tessera
// serve does it on an Asio io_context: server/asio_event_loop.hpp) and gets readers bound to
// it from SessionStore::reader() (session_store.hpp).
//
// Contract: post(), the watch callbacks and the timer callbacks run on the loop's one thread,
// never inline in the call that schedules them. offload() runs a task on another thread that may
// block (a store call the asynchronous path cannot make); the task brings its result back with
// post(). Destroying a Watch or a Timer stops its callbacks at once: none runs afterwards.
// Thread safety: post() and offload() may be called from any thread; everything else only on
// the loop's thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>

namespace tessera {

class EventLoop {
 public:
  using Task = std::move_only_function<void()>;

  virtual ~EventLoop() = default;

  virtual void post(Task task) = 0;
  virtual void offload(Task task) = 0;

  // Readiness of a socket the caller owns (the Watch never closes it). While read (write)
  // interest is on, on_readable (on_writable) runs each time the socket is readable
  // (writable).
  class Watch {
   public:
    virtual ~Watch() = default;
    virtual void want_read(bool on) = 0;
    virtual void want_write(bool on) = 0;
  };
  virtual std::unique_ptr<Watch> watch(int fd, std::function<void()> on_readable, std::function<void()> on_writable) = 0;

  // A one-shot timer; arm() again replaces the previous expiry.
  class Timer {
   public:
    virtual ~Timer() = default;
    virtual void arm(std::chrono::milliseconds after) = 0;
    virtual void disarm() = 0;
  };
  virtual std::unique_ptr<Timer> timer(std::function<void()> on_expiry) = 0;
};

}  // namespace tessera
