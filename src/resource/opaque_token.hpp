// Opaque access tokens: what the Introspector says (through the IntrospectionCache), and the
// rules an active answer must still meet before it becomes a Principal: iss, when given, is
// exactly ours; aud is required and contains one of ours (Tessera's introspection always says
// it); token_type, when given, is Bearer or DPoP (a refresh token is no access token); exp, when
// given, not passed (with leeway). cnf.jkt makes the principal DPoP-bound.
// Errors: invalid_token (inactive), invalid_issuer, invalid_audience, token_expired, and the
// Introspector's own (store_unavailable, io_error: the caller fails closed).
// Thread safety: pure functions; the introspector and cache must be thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "resource/introspection_cache.hpp"
#include "tessera/authenticator.hpp"

namespace tessera::resource {

// The answer for token: from cache (null: none) when there, else from introspector (cached).
Result<IntrospectionAnswer> introspect_cached(Introspector& introspector, IntrospectionCache* cache,
                                              std::string_view token, std::int64_t now);

struct OpaqueRules {
  std::string_view issuer;
  std::span<const std::string> audiences;
  std::int64_t leeway = 0;
};
Result<Principal> opaque_principal(const IntrospectionAnswer& answer, const OpaqueRules& rules, std::int64_t now);

}  // namespace tessera::resource
