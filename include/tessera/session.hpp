// SessionManager: server-backed login sessions for browsers (DESIGN.md invariants 4, 5, 8, 9).
//
//  - Session ids are 256 bits from the CSPRNG, base64url (43 chars); the store keeps only
//    base64url(SHA-256(id)). The id exists only in the cookie and in create()/rotate() results.
//  - Idle timeout (sliding) and absolute timeout. Sliding costs a store write only when at least
//    touch_fraction of the idle window has passed since the last write (coalescing).
//  - rotate() issues a new id for the same session data and kills the old id at once: call it on
//    login (fixation) and on privilege change.
//  - revoke(), revoke_all(user, except) ("log out everywhere"), list(user).
//  - Each session has its own CSRF secret; csrf_token() derives the synchronizer token from it.
//  - A user's live sessions are bounded (max_sessions_per_user); the oldest is revoked first.
//  - A session created under an older credential generation of its user (UserRecord::
//    generation) is dead: validate() refuses it, list() leaves it out (invariant 10).
//  - Store failures are store_unavailable and nothing is treated as valid (fail closed).
// Logs (when a logger is added) carry id hashes only, never ids.
// Thread safety: all methods are thread-safe if the store is (every Tessera store is).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/clock.hpp"
#include "tessera/error.hpp"
#include "tessera/session_store.hpp"

namespace tessera {

struct SessionOptions {
  std::int64_t idle_timeout = 30 * 60;          // seconds; default 30 min
  std::int64_t absolute_timeout = 12 * 60 * 60;  // seconds; default 12 h
  double touch_fraction = 0.1;                   // write last_seen after 10% of the idle window
  std::size_t max_sessions_per_user = 20;        // 0 = unbounded
};

struct Session {
  SessionRecord record;  // as stored (record.id_hash identifies it in lists and logs)
};

struct NewSession {
  std::string id;        // the cookie value: give it to the client, then forget it
  Session session;
};

// A rotation worked out but not written: for a store operation that writes it together with
// other changes (AccountStore::change_credentials).
struct PreparedRotation {
  std::string old_id_hash;
  NewSession next;
};

class SessionManager {
 public:
  // Checks the options once: invalid_argument unless both timeouts are positive and
  // touch_fraction is in [0, 1]. store must outlive the manager; clock defaults to SystemClock.
  static Result<SessionManager> create(SessionStore& store, SessionOptions options = {}, const Clock* clock = nullptr);

  // attributes_json must be a JSON object (invalid_argument otherwise). generation: the user's
  // credential generation the caller checked the login under; if it has moved by the time the
  // store writes, nothing is written and the error is credentials_changed.
  Result<NewSession> create(std::string_view user, std::string_view attributes_json, const ClientInfo& client,
                            std::uint64_t generation = 0);

  // The live session behind a cookie value. Errors: session_not_found (unknown or malformed
  // id), session_idle_expired, session_absolute_expired, session_revoked, store_unavailable.
  Result<Session> validate(std::string_view id);
  // The same check through an asynchronous reader of this manager's store (SessionStore::
  // reader()): done runs once, on the reader's loop, possibly before this returns. The
  // manager and the reader must outlive the call.
  void validate(std::string_view id, SessionReader& reader, Completion<Session> done);

  // New id, same user/data/CSRF secret/created_at, fresh idle window; the old id is dead.
  Result<NewSession> rotate(std::string_view id);
  // The same rotation, checked against the live session but not written.
  Result<PreparedRotation> prepare_rotation(std::string_view id);

  Result<void> revoke(std::string_view id);
  // By id hash, for "revoke one of my sessions" from a list.
  Result<void> revoke_by_hash(std::string_view id_hash);
  Result<std::size_t> revoke_all(std::string_view user, std::optional<std::string_view> except_id = std::nullopt);
  Result<std::vector<Session>> list(std::string_view user);

  // The synchronizer token for state-changing requests: base64url(HMAC-SHA256(csrf_secret,
  // "tessera-csrf-v1" || id_hash)).
  std::string csrf_token(const Session& s) const;
  // Constant-time check of a presented token; csrf_failed when it does not match.
  Result<void> check_csrf(const Session& s, std::string_view presented) const;

  // base64url(SHA-256(id)).
  static std::string hash_id(std::string_view id);

  const SessionOptions& options() const noexcept { return options_; }

 private:
  SessionManager(SessionStore& store, SessionOptions options, const Clock* clock);  // options checked
  SessionStore& store_;
  SessionOptions options_;
  const Clock* clock_;
};

}  // namespace tessera
