// UserStore: the accounts Tessera logs in, and the failed-login counters that throttle brute
// force. Same backends and URIs as SessionStore (memory:, sqlite:PATH, redis://H:P,
// redis-cluster://H:P,...): a deployment keeps users and sessions in one place.
//
// Usernames are stored as given (the service layer validates and normalises them). The store
// never sees a password, only its Argon2id encoding.
// Every call returns Errc::store_unavailable when the backend cannot be reached or answers
// wrongly, within a bounded time; callers fail closed.
// Thread safety: every implementation is safe for concurrent use from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/error.hpp"

namespace tessera {

struct UserRecord {
  std::string username;
  std::string password_hash;  // Argon2id encoded string (tessera/password.hpp)
  bool disabled = false;
  std::int64_t created_at = 0;  // Unix seconds
  std::int64_t updated_at = 0;  // last password or status change
  // The credential generation: every credential change (password, disable, logout everywhere)
  // advances it atomically with its own write (AccountStore::change_credentials), and nothing
  // created under an older one is accepted afterwards (DESIGN.md invariant 10).
  std::uint64_t generation = 0;
};

// A failed-login counter. It forgets itself `window` seconds after its last failure.
struct ThrottleRecord {
  std::int64_t failures = 0;
  std::int64_t last_failure_at = 0;  // Unix seconds; 0 when failures == 0
};

class UserStore {
 public:
  virtual ~UserStore() = default;
  // Inserts r at generation 0 (r.generation is ignored); false (and nothing changes) when the
  // username exists.
  virtual Result<bool> add(const UserRecord& r) = 0;
  virtual Result<std::optional<UserRecord>> get(std::string_view username) = 0;
  // Replaces the stored hash by another encoding of the same password (new Argon2 parameters)
  // if the user's generation is still expected_generation; the generation does not move.
  // false (and nothing changes) when the user does not exist or the generation moved, so a
  // login that re-hashes never undoes a password change that raced it. Credential changes
  // proper go through AccountStore::change_credentials.
  virtual Result<bool> rehash_password(std::string_view username, std::uint64_t expected_generation,
                                       std::string_view hash, std::int64_t updated_at) = 0;
  // Every user, sorted by username.
  virtual Result<std::vector<UserRecord>> list() = 0;

  // Throttle counters, keyed by an opaque string the caller chooses ("user:alice",
  // "ip:192.0.2.1"). get returns {0, 0} for an unknown or forgotten key.
  virtual Result<ThrottleRecord> throttle_get(std::string_view key, std::int64_t now) = 0;
  // Atomically: forgets the counter if its window passed, then failures += 1 and
  // last_failure_at = now; the counter lives `window` seconds from now. Returns the new state.
  virtual Result<ThrottleRecord> throttle_fail(std::string_view key, std::int64_t now, std::int64_t window) = 0;
  virtual Result<void> throttle_reset(std::string_view key) = 0;

  virtual Result<void> ping() = 0;
};

// "memory:", "sqlite:PATH" (the same file as the session store: one more table),
// "redis://HOST:PORT", "redis-cluster://HOST:PORT[,HOST:PORT...]".
Result<std::unique_ptr<UserStore>> open_user_store(std::string_view uri);

}  // namespace tessera
