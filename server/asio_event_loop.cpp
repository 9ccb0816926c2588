// AsioEventLoop (server/asio_event_loop.hpp). Watch and Timer keep their Asio objects in a
// shared state that pending handlers hold, so destroying either (even from inside its own
// callback) only clears `alive`: no callback runs afterwards and nothing dangles.
#include "server/asio_event_loop.hpp"

#include <sys/ioctl.h>

#include <memory>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

namespace tessera::server {
namespace {

// Rounds of "read again while bytes wait" per readiness event before yielding to the loop.
constexpr int kReadRounds = 16;

struct WatchState : std::enable_shared_from_this<WatchState> {
  WatchState(asio::io_context& ioc, int fd, std::function<void()> r, std::function<void()> w)
      : sd(ioc, fd), on_readable(std::move(r)), on_writable(std::move(w)) {}
  asio::posix::stream_descriptor sd;
  std::function<void()> on_readable, on_writable;
  bool alive = true;
  bool want_read = false, want_write = false;
  bool read_waiting = false, write_scheduled = false;

  std::size_t waiting_bytes() {
    int n = 0;
    return ::ioctl(sd.native_handle(), FIONREAD, &n) == 0 && n > 0 ? static_cast<std::size_t>(n) : 0;
  }

  void arm_read() {
    if (!alive || !want_read || read_waiting) return;
    read_waiting = true;
    sd.async_wait(asio::posix::stream_descriptor::wait_read, [self = shared_from_this()](boost::system::error_code ec) {
      self->read_waiting = false;
      if (!self->alive || ec) return;
      for (int round = 0; round < kReadRounds && self->alive && self->want_read; ++round) {
        self->on_readable();
        if (!self->alive || self->waiting_bytes() == 0) break;
      }
      self->arm_read();
    });
  }

  void schedule_write() {
    if (!alive || !want_write || write_scheduled) return;
    write_scheduled = true;
    asio::post(sd.get_executor(), [self = shared_from_this()] { self->try_write(); });
  }
  void try_write() {
    write_scheduled = false;
    if (!alive || !want_write) return;
    on_writable();
    if (!alive || !want_write) return;
    // Still wanted: the send buffer is full; wait until the socket drains.
    write_scheduled = true;
    sd.async_wait(asio::posix::stream_descriptor::wait_write, [self = shared_from_this()](boost::system::error_code ec) {
      self->write_scheduled = false;
      if (!self->alive || ec) return;
      self->try_write();
    });
  }

  void close() {
    alive = false;
    boost::system::error_code ignored;
    sd.cancel(ignored);
    (void)sd.release();  // the fd belongs to the caller
  }
};

class AsioWatch final : public EventLoop::Watch {
 public:
  explicit AsioWatch(std::shared_ptr<WatchState> s) : s_(std::move(s)) {}
  ~AsioWatch() override { s_->close(); }
  void want_read(bool on) override {
    s_->want_read = on;
    if (on) s_->arm_read();
  }
  void want_write(bool on) override {
    s_->want_write = on;
    if (on) s_->schedule_write();
  }

 private:
  std::shared_ptr<WatchState> s_;
};

struct TimerState : std::enable_shared_from_this<TimerState> {
  TimerState(asio::io_context& ioc, std::function<void()> f) : timer(ioc), on_expiry(std::move(f)) {}
  asio::steady_timer timer;
  std::function<void()> on_expiry;
  bool alive = true;
  std::uint64_t armed = 0;  // arm() count: a stale expiry (re-armed since) is ignored
};

class AsioTimer final : public EventLoop::Timer {
 public:
  explicit AsioTimer(std::shared_ptr<TimerState> s) : s_(std::move(s)) {}
  ~AsioTimer() override {
    s_->alive = false;
    s_->timer.cancel();
  }
  void arm(std::chrono::milliseconds after) override {
    const std::uint64_t n = ++s_->armed;
    s_->timer.expires_after(after);
    s_->timer.async_wait([self = s_, n](boost::system::error_code ec) {
      if (ec || !self->alive || self->armed != n) return;
      self->on_expiry();
    });
  }
  void disarm() override {
    ++s_->armed;
    s_->timer.cancel();
  }

 private:
  std::shared_ptr<TimerState> s_;
};

}  // namespace

void AsioEventLoop::post(Task task) {
  asio::post(ioc_, [t = std::make_shared<Task>(std::move(task))] { (*t)(); });
}

void AsioEventLoop::offload(Task task) {
  if (!pool_) {
    task();
    return;
  }
  // The work guard keeps the loop running until the task has posted its result back.
  asio::post(*pool_, [t = std::make_shared<Task>(std::move(task)), work = asio::make_work_guard(ioc_)] { (*t)(); });
}

std::unique_ptr<EventLoop::Watch> AsioEventLoop::watch(int fd, std::function<void()> on_readable,
                                                       std::function<void()> on_writable) {
  return std::make_unique<AsioWatch>(
      std::make_shared<WatchState>(ioc_, fd, std::move(on_readable), std::move(on_writable)));
}

std::unique_ptr<EventLoop::Timer> AsioEventLoop::timer(std::function<void()> on_expiry) {
  return std::make_unique<AsioTimer>(std::make_shared<TimerState>(ioc_, std::move(on_expiry)));
}

}  // namespace tessera::server
