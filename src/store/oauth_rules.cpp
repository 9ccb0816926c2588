// The OAuthStore rules shared by the memory and SQLite backends (see oauth_rules.hpp).
#include "store/oauth_rules.hpp"

#include <algorithm>
#include <string>

namespace tessera::store::oauth {

GrantRecord tombstone(std::string_view family_id, std::int64_t now, std::int64_t tombstone_ttl) {
  GrantRecord g;
  g.family_id = family_id;
  g.created_at = g.last_used_at = g.rotated_at = now;
  g.idle_expires_at = g.absolute_expires_at = now + std::max<std::int64_t>(tombstone_ttl, 0);
  g.revoked = true;
  return g;
}

Result<void> check_key(std::string_view key, const char* what) {
  if (key.empty()) return fail(Errc::invalid_argument, std::string("oauth store: empty ") + what);
  return {};
}

Result<void> check_client_id(std::string_view id) {
  const bool ok = !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
           c == '~' || c == '-';
  });
  if (!ok) return fail(Errc::invalid_argument, "oauth store: a client id is 1..128 characters of [A-Za-z0-9._~-]");
  return {};
}

Result<void> check_rotate(const RotateRequest& r) {
  if (r.family_id.empty() || r.presented_hash.empty() || r.successor_hash.empty())
    return fail(Errc::invalid_argument, "oauth store: rotate needs a family id, a presented and a successor hash");
  if (r.grace < 0 || r.grace > 60) return fail(Errc::invalid_argument, "oauth store: grace must be 0..60 seconds");
  if (r.idle_ttl <= 0) return fail(Errc::invalid_argument, "oauth store: idle_ttl must be positive");
  return {};
}

Result<void> check_new_grant(const GrantRecord& g) {
  if (g.family_id.empty() || g.user.empty() || g.client_id.empty() || g.current_hash.empty())
    return fail(Errc::invalid_argument, "oauth store: a grant needs a family id, user, client id and current hash");
  if (g.revoked) return fail(Errc::invalid_argument, "oauth store: a new grant cannot be revoked");
  return {};
}

void remember(GrantRecord& g, const IssuedAccess& a, std::int64_t now) {
  std::erase_if(g.access, [now](const IssuedAccess& x) { return x.expires_at <= now; });
  if (!a.jti.empty()) g.access.push_back(a);
}

RotateOutcome rotate(GrantRecord& g, const RotateRequest& r) {
  if (grant_expired(g, r.now)) return RotateOutcome::expired;
  if (g.revoked) return RotateOutcome::revoked;
  if (r.presented_hash == g.current_hash) {
    g.previous_hash = g.current_hash;
    g.current_hash = r.successor_hash;
    g.rotated_at = g.last_used_at = r.now;
    g.idle_expires_at = std::min(r.now + r.idle_ttl, g.absolute_expires_at);
    remember(g, r.issued, r.now);
    return RotateOutcome::rotated;
  }
  if (!g.previous_hash.empty() && r.presented_hash == g.previous_hash && r.grace > 0 &&
      r.now - g.rotated_at <= r.grace && r.successor_hash == g.current_hash) {
    remember(g, r.issued, r.now);
    return RotateOutcome::grace;
  }
  g.revoked = true;
  return RotateOutcome::reused;
}

}  // namespace tessera::store::oauth
