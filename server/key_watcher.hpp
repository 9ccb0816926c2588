// KeyWatcher: keeps a running server's signing keys in step with its data directory's keys/
// (key_files.hpp, docs/keys.md). `tessera serve` calls check() every kKeyCheckEvery (250 ms) on
// a thread of its own (so that neither a busy pool nor a slow key generation delays it): a key
// file is published well within kKeyNoticeDelay of being written. When the directory's listing
// or a file's size/mtime/inode changed, it reloads every key file
// and sets the new KeyRing on the AuthorizationServer (a file that does not load leaves the
// current ring in place, logged). It also performs automatic rotation when it is due
// (policy.rotation_interval; under the keys lock, so one instance of many writes the key), and
// removes the files of keys retired for longer than retire_after.
// Thread safety: not thread-safe; one caller at a time (the server's watcher thread). check()
// does file I/O: call it off the event loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "server/key_files.hpp"
#include "server/log.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/clock.hpp"
#include "tessera/key_ring.hpp"

namespace tessera::server {

// How often `tessera serve` looks at keys/ (well within kKeyNoticeDelay, the rule's bound).
inline constexpr std::chrono::milliseconds kKeyCheckEvery{250};

class KeyWatcher {
 public:
  KeyWatcher(std::string keys_dir, KeyRingPolicy policy, AuthorizationServer& oauth, Logger& log,
             const Clock& clock = SystemClock::instance())
      : keys_dir_(std::move(keys_dir)), policy_(policy), oauth_(oauth), log_(log), clock_(clock) {}

  // Loads the key files and sets their ring: the server's first ring. Errors: those of
  // load_key_files, KeyRing::create and set_key_ring.
  Result<void> start();
  // One round: reload when changed, rotate when due, prune. Errors are logged, not returned;
  // true when a new ring was set.
  bool check();

 private:
  Result<bool> reload();
  std::string signature() const;

  std::string keys_dir_;
  KeyRingPolicy policy_;
  AuthorizationServer& oauth_;
  Logger& log_;
  const Clock& clock_;
  std::string seen_;                   // signature() of what the current ring was loaded from
  std::shared_ptr<const KeyRing> ring_;
  bool rotate_failing_ = false;  // logged once per streak of failures
  bool prune_failing_ = false;
};

}  // namespace tessera::server
