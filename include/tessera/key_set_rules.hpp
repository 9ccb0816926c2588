// RemoteKeySetRules: the bounds of libtessera's one cache of remote JWKS
// (src/keys/remote_key_sets.hpp), which the authorization server uses for clients' jwks_uri
// (tessera/key_set_fetcher.hpp) and a RemoteKeySet (tessera/remote_key_set.hpp) for an issuer's.
// Every default below is the one place it is written.
// Thread safety: a plain value.
#pragma once

#include <cstdint>

namespace tessera {

// Seconds.
struct RemoteKeySetRules {
  std::int64_t default_max_age = 300;      // fresh this long without a Cache-Control max-age
  std::int64_t min_max_age = 60;           // max-age is clamped to [min_max_age, max_max_age]
  std::int64_t max_max_age = 24 * 3600;
  std::int64_t min_refetch_interval = 30;  // at most one fetch per URL this often (junk kids)
  std::int64_t max_stale = 24 * 3600;      // last good keys served this long past freshness
};

}  // namespace tessera
