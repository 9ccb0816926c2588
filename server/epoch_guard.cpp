// EpochGuard (epoch_guard.hpp): the store epoch check as the server runs it, its state and its
// log lines.
#include "server/epoch_guard.hpp"

#include <boost/json/object.hpp>

#include "server/epoch_file.hpp"
#include "tessera/clock.hpp"

namespace tessera::server {
namespace {

namespace json = boost::json;

std::string_view state_name(EpochGuard::State s) {
  switch (s) {
    case EpochGuard::State::unknown: return "unknown";
    case EpochGuard::State::ready: return "ready";
    case EpochGuard::State::not_ready: return "not_ready";
  }
  return "unknown";
}

}  // namespace

EpochGuard::EpochGuard(std::unique_ptr<EpochStore> store, std::string data_dir, Logger& log)
    : store_(std::move(store)), data_dir_(std::move(data_dir)), log_(log) {}

void EpochGuard::set(State s, LogLevel level, std::string_view msg, json::object fields, std::string key) {
  state_.store(s, std::memory_order_release);
  fields.emplace("state", state_name(s));
  // Log an outcome once: the same state with the same epochs again is not news.
  key = std::string(state_name(s)) + "|" + key;
  if (key == last_logged_) return;
  log_.log(level, msg, fields);
  last_logged_ = std::move(key);
}

EpochGuard::State EpochGuard::check() {
  MutexLock lock(mu_);
  auto local = read_local_epoch(data_dir_);
  if (!local) {
    set(State::not_ready, LogLevel::error, "store not ready",
        json::object{{"reason", "the epoch file in the data directory is unusable (delete it to forget the epoch)"},
                     {"detail", local.error().message}},
        "local file: " + local.error().message);
    return state();
  }
  auto status = check_store_epoch(*store_, *local, SystemClock::instance().now());
  if (!status) {
    // The store calls fail closed by themselves; the state stays what it was.
    if (!unreachable_logged_)
      log_.log(LogLevel::warn, "store epoch check failed",
               json::object{{"error", status.error().name()}, {"detail", status.error().message}});
    unreachable_logged_ = true;
    return state();
  }
  unreachable_logged_ = false;
  // What the outcome is about: the store's epoch and the one this instance remembers after it.
  const std::string key = (status->store ? status->store->id : std::string("-")) + "|" +
                          status->remember.value_or(status->local.value_or("-"));
  json::object f{{"verdict", verdict_name(status->verdict)}};
  if (status->store) f["store_epoch"] = status->store->id;
  if (status->local) f["local_epoch"] = *status->local;
  f["reason"] = status->reason;
  if (status->remember) {
    if (auto ok = write_local_epoch(data_dir_, *status->remember); !ok) {
      f["reason"] = "cannot remember the store's epoch in the data directory";
      f["detail"] = ok.error().message;
      set(State::not_ready, LogLevel::error, "store not ready", std::move(f), key + "|unwritable");
      return state();
    }
  }
  if (status->ready) set(State::ready, LogLevel::info, "store epoch", std::move(f), key);
  else set(State::not_ready, LogLevel::error, "store not ready", std::move(f), key);
  ready_marker_.reset();
  if (status->ready && status->store) {
    ready_marker_ = *status->store;
    if (on_ready_) on_ready_(*ready_marker_);
  }
  return state();
}

void EpochGuard::on_ready(std::function<void(const EpochMarker&)> fn) {
  MutexLock lock(mu_);
  on_ready_ = std::move(fn);
  if (on_ready_ && ready_marker_ && state() == State::ready) on_ready_(*ready_marker_);
}

}  // namespace tessera::server
