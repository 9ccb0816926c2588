// The deny-list check every accepted token goes through (docs/revocation-feed.md):
//  - revoked (its jti, its grant sid, or its subject's not-before): refused, invalid_token —
//    even when the state is stale (what it knows to be revoked stays revoked);
//  - the state not fresh, or the token issued before unknown_before() (the state cannot vouch
//    for it): fail closed (store_unavailable -> 503), unless the caller may fall back to
//    introspection (Verdict::ask_introspector);
//  - otherwise Verdict::accepted.
// A token whose answer came from introspection (an opaque token) was vouched for by the issuer
// itself: only the revoked check applies to it (vouched = true).
// Thread safety: pure function; RevocationState is thread-safe.
#pragma once

#include <cstdint>

#include "tessera/authenticator.hpp"

namespace tessera::resource {

enum class Verdict { accepted, ask_introspector };

Result<Verdict> revocation_verdict(const RevocationState& state, const Principal& p, std::int64_t now, bool vouched,
                                   bool may_introspect);

}  // namespace tessera::resource
