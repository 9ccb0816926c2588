// Internal: the OAuthStore rules every backend applies the same way (oauth_rules.cpp), as pure
// functions over records: when a grant, code, access token or denial is expired or may be
// deleted, what rotate_refresh does to a family, and the checks on arguments. Memory and SQLite
// call these under their lock / transaction; the Redis Lua scripts (redis_oauth_scripts.hpp)
// are the same rules in Lua, pinned to these by the conformance suite.
// Thread safety: pure functions.
#pragma once

#include <cstdint>

#include "tessera/oauth_store.hpp"

namespace tessera::store::oauth {

// A family whose idle or absolute lifetime is over at now.
inline bool grant_expired(const GrantRecord& g, std::int64_t now) noexcept {
  return now >= g.idle_expires_at || now >= g.absolute_expires_at;
}
// A family list_grants shows at now.
inline bool grant_listed(const GrantRecord& g, std::int64_t now) noexcept {
  return !g.revoked && !grant_expired(g, now);
}
// Whether sweep(now) may delete a record that expires at expires_at (kExpiredGrace later).
inline bool sweepable(std::int64_t expires_at, std::int64_t now) noexcept { return expires_at + kExpiredGrace <= now; }
// A denial holds while the store may still keep it.
inline bool denial_holds(std::int64_t expires_at, std::int64_t now) noexcept { return !sweepable(expires_at, now); }
// A code can be taken at now.
inline bool code_live(const CodeRecord& c, std::int64_t now) noexcept { return now < c.expires_at; }

// The tombstone revoke_grant writes for an unknown family id: revoked, expiring (idle and
// absolute) at now + tombstone_ttl, every other field empty.
GrantRecord tombstone(std::string_view family_id, std::int64_t now, std::int64_t tombstone_ttl);

// invalid_argument unless: family_id, presented_hash and successor_hash are non-empty, grace
// is 0..60 and idle_ttl > 0.
Result<void> check_rotate(const RotateRequest& r);
// invalid_argument unless family_id, user, client_id and current_hash are set and revoked is false.
Result<void> check_new_grant(const GrantRecord& g);
// invalid_argument unless client_id is 1..128 characters of [A-Za-z0-9._~-].
Result<void> check_client_id(std::string_view client_id);
// invalid_argument unless the hash (or id) is non-empty.
Result<void> check_key(std::string_view key, const char* what);

// Drops the access entries expired at now, then appends a (unless its jti is empty).
void remember(GrantRecord& g, const IssuedAccess& a, std::int64_t now);

// The rotation rule of OAuthStore::rotate_refresh applied to an existing family g (changed in
// place when rotated, grace or reused). REQUIRES: check_rotate(r) passed.
RotateOutcome rotate(GrantRecord& g, const RotateRequest& r);

}  // namespace tessera::store::oauth
