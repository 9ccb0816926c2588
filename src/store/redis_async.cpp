// AsyncConnection (redis_async.hpp): hiredis's async context with its event hooks mapped onto
// an EventLoop Watch, a deadline per command in flight (replies come in order, so the oldest
// deadline is the front of a queue) and one timer per connection for the oldest.
#include "store/redis_async.hpp"

#include <hiredis/async.h>

#include <string>
#include <utility>
#include <vector>

namespace tessera::store::redis {

using Clock = std::chrono::steady_clock;

struct AsyncConnection::Link {
  AsyncConnection* owner;
  redisAsyncContext* ac;
  EventLoop& loop;
  std::string name;  // "host:port" for messages
  std::unique_ptr<EventLoop::Watch> watch;
  std::deque<Clock::time_point> deadlines;  // of the commands in flight, oldest first
  std::string why;                          // why the context is being freed, when we free it
};

namespace {

struct Pending {
  AsyncConnection::OnReply fn;
};

void post_failure(EventLoop& loop, AsyncConnection::OnReply fn, std::string why) {
  loop.post([fn = std::move(fn), why = std::move(why)]() mutable { fn(fail(Errc::store_unavailable, std::move(why))); });
}

}  // namespace

AsyncConnection::AsyncConnection(EventLoop& loop, Endpoint at, std::chrono::milliseconds command_timeout)
    : loop_(loop), at_(std::move(at)), timeout_(command_timeout), timer_(loop.timer([this] { on_timer(); })) {}

AsyncConnection::~AsyncConnection() {
  timer_.reset();
  if (link_) {
    Link* l = link_;
    link_ = nullptr;
    l->owner = nullptr;
    l->why = "redis " + l->name + ": connection closed by the store";
    redisAsyncFree(l->ac);  // fails what is in flight, then ev_cleanup frees l
  }
}

void AsyncConnection::fail_later(OnReply fn, std::string why) { post_failure(loop_, std::move(fn), std::move(why)); }

AsyncConnection::Link* AsyncConnection::connect() {
  redisAsyncContext* ac = redisAsyncConnect(at_.host.c_str(), at_.port);
  if (!ac) return nullptr;
  if (ac->err) {
    redisAsyncFree(ac);
    return nullptr;
  }
  auto* l = new Link{this, ac, loop_, at_.str(), nullptr, {}, {}};
  ac->ev.data = l;
  ac->ev.addRead = &ev_add_read;
  ac->ev.delRead = &ev_del_read;
  ac->ev.addWrite = &ev_add_write;
  ac->ev.delWrite = &ev_del_write;
  ac->ev.cleanup = &ev_cleanup;
  l->watch = loop_.watch(ac->c.fd, [l] { redisAsyncHandleRead(l->ac); }, [l] { redisAsyncHandleWrite(l->ac); });
  link_ = l;
  return l;
}

void AsyncConnection::command(std::span<const std::string_view> argv, OnReply done) {
  Link* l = link_ ? link_ : connect();
  if (!l) return fail_later(std::move(done), "redis " + at_.str() + ": cannot connect");
  std::vector<const char*> v;
  std::vector<std::size_t> len;
  v.reserve(argv.size());
  len.reserve(argv.size());
  for (auto a : argv) {
    v.push_back(a.data());
    len.push_back(a.size());
  }
  auto* p = new Pending{std::move(done)};
  if (redisAsyncCommandArgv(l->ac, &on_reply, p, static_cast<int>(v.size()), v.data(), len.data()) != REDIS_OK) {
    OnReply fn = std::move(p->fn);
    delete p;
    return fail_later(std::move(fn), "redis " + at_.str() + ": connection is closing");
  }
  l->deadlines.push_back(Clock::now() + timeout_);
  if (!timer_armed_) {
    timer_armed_ = true;
    timer_->arm(timeout_);
  }
}

void AsyncConnection::on_timer() {
  timer_armed_ = false;
  if (!link_ || link_->deadlines.empty()) return;
  const auto now = Clock::now();
  const auto oldest = link_->deadlines.front();
  if (oldest > now) {
    timer_armed_ = true;
    timer_->arm(std::chrono::duration_cast<std::chrono::milliseconds>(oldest - now) + std::chrono::milliseconds(1));
    return;
  }
  // No reply in time: the stream is out of step; drop it, fail everything in flight.
  Link* l = link_;
  link_ = nullptr;
  l->why = "redis " + l->name + ": no reply within " + std::to_string(timeout_.count()) + " ms";
  redisAsyncFree(l->ac);
}

void AsyncConnection::on_reply(redisAsyncContext* ac, void* reply, void* privdata) {
  std::unique_ptr<Pending> p(static_cast<Pending*>(privdata));
  auto* l = static_cast<Link*>(ac->ev.data);
  if (!l->deadlines.empty()) l->deadlines.pop_front();
  if (reply) {
    p->fn(static_cast<const redisReply*>(reply));
    return;
  }
  std::string why = !l->why.empty() ? l->why
                    : ac->err      ? "redis " + l->name + ": " + (ac->errstr ? ac->errstr : "connection error")
                                   : "redis " + l->name + ": connection lost";
  post_failure(l->loop, std::move(p->fn), std::move(why));
}

void AsyncConnection::ev_add_read(void* p) {
  if (auto* l = static_cast<Link*>(p); l->watch) l->watch->want_read(true);
}
void AsyncConnection::ev_del_read(void* p) {
  if (auto* l = static_cast<Link*>(p); l->watch) l->watch->want_read(false);
}
void AsyncConnection::ev_add_write(void* p) {
  if (auto* l = static_cast<Link*>(p); l->watch) l->watch->want_write(true);
}
void AsyncConnection::ev_del_write(void* p) {
  if (auto* l = static_cast<Link*>(p); l->watch) l->watch->want_write(false);
}

// hiredis frees the context (after an I/O error, a refused connect, or our redisAsyncFree):
// stop watching its socket before hiredis closes it, and forget it.
void AsyncConnection::ev_cleanup(void* p) {
  auto* l = static_cast<Link*>(p);
  l->watch.reset();
  if (l->owner && l->owner->link_ == l) l->owner->link_ = nullptr;
  delete l;
}

}  // namespace tessera::store::redis
