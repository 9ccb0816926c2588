// SigningKeys: what signs and verifies the authorization server's own tokens at the clock's
// now (authorization_server.hpp). Either the fixed keys given to AuthorizationServer::create,
// or a KeyRing (key_ring.hpp) set later: then the ring's primaries sign and its published keys
// (next, primary, retiring) verify and form the JWKS. The keys derived from the ring are kept
// until the ring's next_change, so a token request costs a lock and a pointer copy.
// Thread safety: all methods are thread-safe (one mutex around two pointers).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/mutex.hpp"
#include "oauth/access_token.hpp"
#include "oauth/server_keys.hpp"
#include "tessera/clock.hpp"
#include "tessera/error.hpp"
#include "tessera/key_ring.hpp"
#include "tessera/keys.hpp"

namespace tessera {

// The keys of one stretch of time [from, until) (until nullopt: open-ended).
struct KeysNow {
  oauth::ServerKeys keys;
  oauth::AccessVerifier verifier;
  std::int64_t from = 0;
  std::optional<std::int64_t> until;
};

class SigningKeys {
 public:
  // The fixed keys (ServerKeys::create's rules: invalid_argument when one is missing).
  static Result<std::shared_ptr<const KeysNow>> fixed(const KeySet& signing, const std::string& issuer,
                                                      const Clock& clock);
  SigningKeys(std::shared_ptr<const KeysNow> fixed, std::string issuer, const Clock& clock)
      : issuer_(std::move(issuer)), clock_(clock), current_(std::move(fixed)) {}

  // From now on the ring's keys: invalid_argument when it has no primary ES256, Ed25519 and
  // RS256 key now (the keys in use are unchanged then).
  Result<void> set_ring(std::shared_ptr<const KeyRing> ring) EXCLUDES(mu_);
  // The keys to use now; never null.
  std::shared_ptr<const KeysNow> now() const EXCLUDES(mu_);
  // The JWKS max-age now: the ring's, else KeyRingPolicy's default.
  std::int64_t max_age() const EXCLUDES(mu_);

 private:
  Result<std::shared_ptr<const KeysNow>> derive(const KeyRing& ring, std::int64_t t) const;

  std::string issuer_;
  const Clock& clock_;
  mutable Mutex mu_;
  std::shared_ptr<const KeyRing> ring_ GUARDED_BY(mu_);
  mutable std::shared_ptr<const KeysNow> current_ GUARDED_BY(mu_);
};

}  // namespace tessera
