// KeySetFetcher: how libtessera gets a client's remote JWKS (a jwks_uri, for private_key_jwt)
// through an injected implementation: the HTTPS one of src/net/ (tessera/https_key_set_fetcher.hpp,
// which tessera serve injects), or a fake in tests. The caching rules (how long keys are kept,
// when a refetch may happen, how long stale keys are served: tessera/key_set_rules.hpp) live in
// the library's one cache of remote JWKS (src/keys/remote_key_sets.hpp), not in the fetcher;
// the authorization server uses it for clients' jwks_uri, a RemoteKeySet
// (tessera/remote_key_set.hpp) for an issuer's.
// Thread safety: implementations must be thread-safe (fetch is called from any store thread,
// and blocks; call it off an event loop).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tessera/error.hpp"

namespace tessera {

// The largest JWKS body accepted (fetchers stop reading past it; the cache refuses it too).
inline constexpr std::size_t kMaxRemoteKeySetBytes = 64 * 1024;

struct FetchedKeySet {
  std::string body;                     // the response body (a JWKS, not yet parsed)
  std::optional<std::int64_t> max_age;  // Cache-Control max-age in seconds, if the response had one
};

class KeySetFetcher {
 public:
  virtual ~KeySetFetcher() = default;
  // GETs https_url (an https URL; anything else must fail). Any failure (network, TLS, status
  // not 200, not JSON, body over kMaxRemoteKeySetBytes) is an Error; its message is for logs.
  virtual Result<FetchedKeySet> fetch(std::string_view https_url) = 0;
};

}  // namespace tessera
