// RemoteKeySet: the VerificationKeys (tessera/authenticator.hpp) of a resource server whose
// issuer publishes its keys at a jwks_uri (found by discover_issuer,
// tessera/issuer_discovery.hpp). The keys are fetched over HTTPS (HttpsKeySetFetcher,
// tessera/https_key_set_fetcher.hpp: the certificate verified against the system's CAs and an
// optional CA file, 3 s deadline, status 200, a JSON Content-Type, at most
// kMaxRemoteKeySetBytes) and cached by the same rules as the authorization server's cache of
// clients' jwks_uri (RemoteKeySetRules, tessera/key_set_rules.hpp; one implementation,
// src/keys/remote_key_sets.hpp):
//  - fresh for the response's Cache-Control max-age clamped to [min_max_age, max_max_age]
//    (60 s .. 24 h), default_max_age (300 s) without one;
//  - a kid the set does not hold, or keys no longer fresh, trigger a fetch, at most one per
//    min_refetch_interval (30 s), so junk kids cannot make us hammer the issuer; a kid still
//    unknown after that is key_not_found;
//  - when a fetch fails (or may not happen yet), the last good keys are served until max_stale
//    (24 h by default) after they stopped being fresh; after that, and before any good fetch,
//    keys_for is store_unavailable (the Authenticator fails closed);
//  - a set that is not a JWKS, is empty, or holds a symmetric or private key is a failed fetch
//    (public asymmetric keys only).
// Keys never come from a token: the kid only selects among what the jwks_uri served.
// Thread safety: keys_for is thread-safe; concurrent callers wait for one fetch.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "tessera/authenticator.hpp"
#include "tessera/clock.hpp"
#include "tessera/error.hpp"
#include "tessera/key_set_fetcher.hpp"
#include "tessera/key_set_rules.hpp"
#include "tessera/keys.hpp"

namespace tessera {

struct RemoteKeySetOptions {
  std::string jwks_uri = {};  // https (http only on loopback: secure_or_loopback_url)
  std::string ca_file = {};   // PEM CAs trusted besides the system's, for the issuer's TLS; empty: none
  std::chrono::milliseconds timeout{3000};  // one fetch
  RemoteKeySetRules rules = {};  // the cache's bounds (defaults above)
  const Clock* clock = &SystemClock::instance();
  std::shared_ptr<KeySetFetcher> fetcher = {};  // null: an HttpsKeySetFetcher with ca_file and timeout
};

class RemoteKeySet final : public VerificationKeys {
 public:
  // invalid_argument: jwks_uri not https (nor http on loopback), ca_file unreadable, rules
  // out of order (min_max_age <= default_max_age <= max_max_age, all >= 1; refetch interval and
  // max_stale >= 0). Nothing is fetched yet (see prefetch).
  static Result<std::shared_ptr<RemoteKeySet>> create(RemoteKeySetOptions options);
  ~RemoteKeySet() override;

  Result<KeySet> keys_for(std::string_view kid) override;
  // Fetches now (at start-up: fail early, warm the cache): the error of keys_for("").
  Result<void> prefetch();

 private:
  struct State;
  explicit RemoteKeySet(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace tessera
