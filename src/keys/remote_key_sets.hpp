// RemoteKeySets: the one cache of remote JWKS: clients' jwks_uri (private_key_jwt, RFC 7523,
// src/service/oauth_client_auth.cpp) and a resource server's issuer's jwks_uri
// (tessera/remote_key_set.hpp), filled through an injected KeySetFetcher
// (tessera/key_set_fetcher.hpp), by RemoteKeySetRules (tessera/key_set_rules.hpp). Per URL:
//  - fresh keys are used for the response's Cache-Control max-age clamped to
//    [min_max_age, max_max_age] (60 s .. 24 h), default_max_age (300 s) without one;
//  - a token whose kid the set does not hold, or keys no longer fresh, trigger a fetch, but
//    a URL is fetched at most once per min_refetch_interval (30 s), so junk kids (or a failing
//    server) cannot make us hammer the key set's server;
//  - when a fetch fails (or is not allowed yet), the last good keys are still served until
//    max_stale (24 h) after they stopped being fresh; after that, and when there never were
//    good keys, keys_for is store_unavailable (the authorization server answers invalid_client,
//    a resource server fails closed);
//  - a body over kMaxRemoteKeySetBytes, not a JWKS, empty, or holding a symmetric or private
//    key is a failed fetch (the keys must be public asymmetric keys, as for inline jwks).
// A kid-less assertion is verified with a set of one key (as inline keys); with several keys
// selection is strictly by kid.
// Thread safety: thread-safe. One mutex guards the map, one per URL is held while that URL is
// fetched (so concurrent requests for one URL fetch once; other URLs are not held up).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/mutex.hpp"
#include "tessera/clock.hpp"
#include "tessera/error.hpp"
#include "tessera/key_set_fetcher.hpp"
#include "tessera/key_set_rules.hpp"
#include "tessera/keys.hpp"

namespace tessera::keys {

// A JWKS of verification keys from elsewhere (a client's, inline or fetched; an issuer's): at
// least one key, every key public, asymmetric and allowed to verify (invalid_key otherwise).
// Selection stays strict by kid.
Result<KeySet> public_key_set(std::string_view jwks);

// invalid_argument unless 1 <= min_max_age <= default_max_age <= max_max_age and
// min_refetch_interval, max_stale >= 0.
Result<void> check_rules(const RemoteKeySetRules& rules);

class RemoteKeySets {
 public:
  // The fetcher and clock must outlive this.
  RemoteKeySets(KeySetFetcher& fetcher, const Clock& clock, RemoteKeySetRules rules = {});

  // The keys to verify a token (a client assertion, an access token) whose header names kid
  // (empty: none) with, from the JWKS at url: the whole last good set (a kid it lacks is the
  // verifier's key_not_found). store_unavailable when no usable keys can be had (the message
  // says why).
  Result<KeySet> keys_for(std::string_view url, std::string_view kid);

 private:
  struct Entry {
    Mutex mu;
    std::optional<KeySet> keys GUARDED_BY(mu);  // the last good set (strict kid selection)
    std::int64_t fresh_until GUARDED_BY(mu) = 0;
    std::int64_t last_attempt GUARDED_BY(mu) = 0;
    bool attempted GUARDED_BY(mu) = false;
    std::string last_error GUARDED_BY(mu);
  };
  std::shared_ptr<Entry> entry(std::string_view url);
  // Fetches and, on success, replaces the entry's keys.
  void refresh(Entry& e, std::string_view url, std::int64_t now) REQUIRES(e.mu);
  std::int64_t clamp_max_age(std::optional<std::int64_t> max_age) const;

  KeySetFetcher& fetcher_;
  const Clock& clock_;
  const RemoteKeySetRules rules_;
  Mutex mu_;
  std::map<std::string, std::shared_ptr<Entry>, std::less<>> entries_ GUARDED_BY(mu_);
};

}  // namespace tessera::keys
