// RemoteKeySets: the cache of clients' remote JWKS (jwks_uri, for private_key_jwt, RFC 7523),
// filled through an injected KeySetFetcher (tessera/key_set_fetcher.hpp). Per URL:
//  - fresh keys are used for the response's Cache-Control max-age clamped to
//    [min_max_age, max_max_age] (60 s .. 24 h), default_max_age (300 s) without one;
//  - a token whose kid the set does not hold, or keys no longer fresh, trigger a fetch, but
//    a URL is fetched at most once per min_refetch_interval (30 s), so junk kids (or a failing
//    server) cannot make us hammer the client's server;
//  - when a fetch fails (or is not allowed yet), the last good keys are still served until
//    max_stale (24 h) after they stopped being fresh; after that, and when there never were
//    good keys, the client fails (invalid_client);
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
#include "tessera/keys.hpp"

namespace tessera::oauth {

struct RemoteKeySetRules {
  std::int64_t default_max_age = 300;
  std::int64_t min_max_age = 60;
  std::int64_t max_max_age = 24 * 3600;
  std::int64_t min_refetch_interval = 30;
  std::int64_t max_stale = 24 * 3600;
};

class RemoteKeySets {
 public:
  // The fetcher and clock must outlive this.
  RemoteKeySets(KeySetFetcher& fetcher, const Clock& clock, RemoteKeySetRules rules = {});

  // The keys to verify a client assertion whose header names kid (empty: none) with, from the
  // JWKS at url. invalid_client when no usable keys can be had (the message says why).
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

}  // namespace tessera::oauth
