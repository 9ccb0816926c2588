// AccountStore: users and their sessions in one backend, so that a credential change and the
// user's sessions change together (DESIGN.md invariant 10). It holds a SessionStore and a
// UserStore over the same data (one SQLite file, one Redis slot per user, one memory state),
// plus the one operation that spans both. The session half reads each user's generation from
// that data, so a session created under an older generation is refused.
//
// Every credential change goes through change_credentials: it writes the new password hash
// and/or disabled flag, advances the user's generation, revokes the user's sessions and,
// for a user changing their own password, rotates the session they are using, all in one
// atomic step (a transaction on SQLite, one Lua script in the user's hash slot on Redis, one
// lock in memory). Either all of it happens or none of it does.
// Thread safety: every implementation is safe for concurrent use from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tessera/error.hpp"
#include "tessera/session_store.hpp"
#include "tessera/user_store.hpp"

namespace tessera {

struct CredentialChange {
  std::string user;
  // Refuse (credentials_changed, nothing written) unless the user's generation is this one:
  // the generation the caller checked the old credential under. nullopt: whatever it is now.
  std::optional<std::uint64_t> expected_generation;
  std::optional<std::string> password_hash;  // the new Argon2id encoding, if the password changes
  std::optional<bool> disabled;              // the new status, if it changes
  std::int64_t updated_at = 0;
  // The caller's own session (by id hash): it must be one of the user's live sessions
  // (session_revoked otherwise, nothing written); it becomes a tombstone and `replacement`
  // (same user) is inserted under the new generation (the store sets its generation).
  std::optional<std::string> keep_id_hash;
  std::optional<SessionRecord> replacement;
  // Refuse (store_unavailable, nothing written) if the store gets to execute the change after
  // this instant (Unix milliseconds, the store's clock: Redis's TIME on Redis), so that a
  // caller which gave up waiting can answer "nothing changed" truthfully. 0: no deadline.
  std::int64_t deadline_ms = 0;
};

struct CredentialChangeResult {
  std::uint64_t generation = 0;  // the user's generation after the change
  std::size_t revoked = 0;       // sessions revoked (the rotated one not counted)
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // The two halves; they live as long as the AccountStore.
  virtual SessionStore& sessions() = 0;
  virtual UserStore& users() = 0;

  // Atomically, for an existing user: checks deadline_ms, expected_generation and keep_id_hash,
  // then sets password_hash / disabled / updated_at, advances the generation by one, revokes
  // every live session of the user and inserts `replacement` for `keep_id_hash`.
  // Errors (nothing written): user_not_found, credentials_changed, session_revoked,
  // invalid_argument (replacement without keep_id_hash or for another user), store_unavailable
  // (unreachable, or the deadline passed).
  virtual Result<CredentialChangeResult> change_credentials(const CredentialChange& change) = 0;

  // One reachability check for both halves.
  virtual Result<void> ping() = 0;
};

// Same URIs as open_session_store(): "memory:", "sqlite:PATH", "redis://HOST:PORT",
// "redis-cluster://HOST:PORT[,HOST:PORT...]".
Result<std::unique_ptr<AccountStore>> open_account_store(std::string_view uri);

}  // namespace tessera
