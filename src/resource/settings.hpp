// What Authenticator::create works out once from the options: the claims policy, the
// challenge settings, the introspection cache. Authenticator::State is this (shared by copies
// of the Authenticator).
// Thread safety: immutable after make_settings(), except the cache (thread-safe).
#pragma once

#include <memory>

#include "resource/introspection_cache.hpp"
#include "resource/refusal.hpp"
#include "tessera/authenticator.hpp"
#include "tessera/validator.hpp"

namespace tessera::resource {

struct Settings {
  AuthenticatorOptions options;
  ClaimsValidator claims;                          // iss, aud, exp, nbf, iat, the required claims
  ChallengeSettings challenge;
  std::unique_ptr<IntrospectionCache> cache;       // null: no cache (ttl 0)
};

// Checks the options (the errors of Authenticator::create) and works out the Settings.
Result<Settings> make_settings(AuthenticatorOptions options);

}  // namespace tessera::resource
