// Whether this instance may serve the store it is connected to (DESIGN.md invariant 11): the
// store's epoch marker checked against the epoch the data directory remembers
// (check_store_epoch, tessera/store_epoch.hpp; the file: epoch_file.hpp).
//
// States: unknown (never checked successfully since start: the store was unreachable), ready,
// not_ready (the store lost its data or was replaced, or the local file is unusable). A check
// that cannot reach the store changes nothing: the store calls themselves fail closed then.
// The server checks at start, every few seconds, on each /readyz and, while unknown, before
// each request that uses the store; requests are refused with 503 unless ready (App's epoch
// gate, server/app.cpp). The routes and /readyz read it through store_epoch()
// (server/app_context.hpp).
// The log gets one line when the outcome changes (and the first one), never one per check.
// Thread safety: check() is serialised by a mutex; state() is a lock-free read.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "common/mutex.hpp"
#include "server/log.hpp"
#include "tessera/store_epoch.hpp"

namespace tessera::server {

class EpochGuard {
 public:
  enum class State { unknown, ready, not_ready };

  EpochGuard(std::unique_ptr<EpochStore> store, std::string data_dir, Logger& log);

  // One check: reads the marker (creates it for a new deployment), remembers an adopted or
  // created epoch in the data directory, updates state() and logs a change. Blocking (one or
  // two store round trips, maybe a file write): call it off the I/O threads for Redis.
  // Returns the state after the check; an unreachable store leaves the state as it was.
  State check();

  State state() const noexcept { return state_.load(std::memory_order_acquire); }

  // fn runs after every check that finds the store ready, with the store's marker (and at
  // once, when the last check did): the server hands the marker's created_at to
  // AuthorizationServer::set_not_before, so that stateless tokens issued before an operator
  // confirmed a reset are inactive (invariant 11). Runs under the check's lock: keep it short.
  void on_ready(std::function<void(const EpochMarker&)> fn);

 private:
  void set(State s, LogLevel level, std::string_view msg, boost::json::object fields, std::string key) REQUIRES(mu_);

  std::unique_ptr<EpochStore> store_;
  std::string data_dir_;
  Logger& log_;
  std::atomic<State> state_{State::unknown};
  Mutex mu_;            // serialises check()
  std::string last_logged_ GUARDED_BY(mu_);  // the last outcome logged (state, verdict, epochs)
  bool unreachable_logged_ GUARDED_BY(mu_) = false;
  std::optional<EpochMarker> ready_marker_ GUARDED_BY(mu_);  // the store's marker at the last ready check
  std::function<void(const EpochMarker&)> on_ready_ GUARDED_BY(mu_);
};

}  // namespace tessera::server
