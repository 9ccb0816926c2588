// The deny-list check (revocation_check.hpp).
#include "resource/revocation_check.hpp"

namespace tessera::resource {

Result<Verdict> revocation_verdict(const RevocationState& state, const Principal& p, std::int64_t now, bool vouched,
                                   bool may_introspect) {
  if (state.is_revoked(p.token_id, p.subject, p.grant_id, p.issued_at, now))
    return fail(Errc::invalid_token, "revoked (jti, grant or subject not-before)");
  if (vouched) return Verdict::accepted;
  const bool stale = !state.fresh(now);
  const bool unknown = p.issued_at < state.unknown_before();
  if (!stale && !unknown) return Verdict::accepted;
  if (may_introspect) return Verdict::ask_introspector;
  return fail(Errc::store_unavailable, stale ? "revocation state stale: failing closed"
                                             : "token issued before the revocation state can vouch: failing closed");
}

}  // namespace tessera::resource
