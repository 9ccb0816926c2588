// private_key_jwt client authentication (RFC 7523 §2.2, §3; OIDC Core §9): the client signs
// a JWT with one of the keys it registered. Checked here:
//  - the signature, with the client's registered keys only (the kid selects among them; a
//    client with one key may omit it) and an asymmetric algorithm the key allows;
//  - iss = sub = client_id;
//  - aud contains the token endpoint URL or the issuer;
//  - exp present, not passed (with leeway), and exp - iat (or exp - now without iat) at most
//    max_lifetime; nbf and iat not in the future (with leeway);
//  - jti present (the caller makes it single-use through the store's denylist until exp).
// Every failure is invalid_client.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tessera/clock.hpp"
#include "tessera/error.hpp"
#include "tessera/keys.hpp"

namespace tessera::oauth {

inline constexpr std::string_view kJwtBearerAssertion = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

struct AssertionPolicy {
  std::string issuer;
  std::string token_endpoint;
  std::int64_t leeway = 30;
  std::int64_t max_lifetime = 300;
};

struct VerifiedAssertion {
  std::string jti;
  std::int64_t expires_at = 0;
};

// The iss of an assertion, read WITHOUT verification, only to find which client's keys to
// verify it with; nullopt when it cannot be read.
std::optional<std::string> assertion_issuer_unverified(std::string_view assertion);
// The kid of an assertion's header, read WITHOUT verification, only to tell whether a client's
// remote key set must be refetched (keys/remote_key_sets.hpp); empty when absent or unreadable.
std::string assertion_kid_unverified(std::string_view assertion);

Result<VerifiedAssertion> verify_client_assertion(std::string_view assertion, std::string_view client_id,
                                                  const KeySet& client_keys, const AssertionPolicy& policy,
                                                  const Clock& clock);

}  // namespace tessera::oauth
