// RevocationFeed (server/revocation_feed.hpp).
#include "server/revocation_feed.hpp"

#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include "server/log_throttle.hpp"

namespace tessera::server {

RevocationFeed::RevocationFeed(RevocationLog& log, Logger& logger) : log_(log), logger_(logger) {}

RevocationFeed::~RevocationFeed() {
  stop();
  if (pump_.joinable()) pump_.join();
}

void RevocationFeed::start() {
  MutexLock lock(mu_);
  if (started_ || stopped_) return;
  started_ = true;
  pump_ = std::thread([this] { run(); });
}

void RevocationFeed::stop() {
  {
    MutexLock lock(mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  wake_all();
}

bool RevocationFeed::stopped() const noexcept {
  MutexLock lock(mu_);
  return stopped_;
}

std::uint64_t RevocationFeed::version() const {
  MutexLock lock(mu_);
  return version_;
}

std::optional<std::vector<RevocationEntry>> RevocationFeed::after(std::string_view cursor) const {
  MutexLock lock(mu_);
  if (!placed_ || cursor.empty()) return std::nullopt;
  if (cursor == base_) return std::vector<RevocationEntry>(buffer_.begin(), buffer_.end());
  // Subscribers are nearly always at or near the end: search from there.
  for (auto it = buffer_.rbegin(); it != buffer_.rend(); ++it)
    if (it->cursor == cursor) return std::vector<RevocationEntry>(it.base(), buffer_.end());
  return std::nullopt;
}

asio::awaitable<void> RevocationFeed::wait_change(std::uint64_t seen, std::chrono::steady_clock::duration timeout) {
  auto timer = std::make_shared<asio::steady_timer>(co_await asio::this_coro::executor);
  timer->expires_after(timeout);
  {
    MutexLock lock(mu_);
    if (version_ != seen || stopped_) co_return;
    waiters_.push_back(timer);
  }
  // wake_all() cancels through a post to this executor, which runs only once this coroutine
  // has suspended in the wait below: a change between the check and the wait is not lost.
  auto [ec] = co_await timer->async_wait(asio::as_tuple(asio::use_awaitable));
  (void)ec;
  MutexLock lock(mu_);
  std::erase(waiters_, timer);
}

void RevocationFeed::wake_all() {
  std::vector<std::shared_ptr<asio::steady_timer>> woken;
  {
    MutexLock lock(mu_);
    woken.swap(waiters_);
  }
  for (auto& t : woken) asio::post(t->get_executor(), [t] { t->cancel(); });
}

void RevocationFeed::publish(RevocationRead r) {
  {
    MutexLock lock(mu_);
    if (!placed_ || r.resync) {
      placed_ = true;
      buffer_.clear();
      base_ = r.cursor;
      position_ = r.cursor;
    } else if (!r.events.empty()) {
      position_ = r.cursor;
      for (auto& e : r.events) buffer_.push_back(std::move(e));
      while (buffer_.size() > kBuffered) {
        base_ = buffer_.front().cursor;
        buffer_.pop_front();
      }
    } else {
      return;  // nothing new
    }
    ++version_;
  }
  wake_all();
}

Result<void> RevocationFeed::pump_once() {
  std::string from;
  {
    MutexLock lock(mu_);
    if (placed_) from = position_;
  }
  auto r = log_.read(from, kBatch);
  if (!r) return std::unexpected(std::move(r.error()));
  if (r->resync && !from.empty())
    logger_.log(LogLevel::warn, "revocation feed resync",
                boost::json::object{{"from", from}, {"cursor", r->cursor}});
  publish(std::move(*r));
  return {};
}

void RevocationFeed::run() {
  LogThrottle errors(std::chrono::seconds(30));
  for (;;) {
    std::string from;
    {
      MutexLock lock(mu_);
      if (stopped_) return;
      if (placed_) from = position_;
    }
    Result<void> step;
    if (!from.empty()) step = log_.wait(from, kWaitSlice);
    if (step) step = pump_once();
    if (!step) {
      if (auto suppressed = errors.admit(std::chrono::steady_clock::now()))
        logger_.log(LogLevel::warn, "revocation feed: the log did not answer",
                    boost::json::object{{"error", step.error().name()}, {"detail", step.error().message},
                                        {"suppressed", *suppressed}});
      std::this_thread::sleep_for(kRetryAfter);
    }
  }
}

}  // namespace tessera::server
