// The DPoP verifier's cache of imported proof keys: a client signs many proofs with one key, and
// importing a jwk runs the library's key checks (EC point check, Ed25519 prime-order check),
// which cost as much as the signature verification. Keyed by the jwk's exact JSON text (after
// the strict parse), so a hit is the very key that passed the checks before. Bounded: when full
// it is emptied and refilled (a client's key comes back on its next proof).
// Thread safety: thread-safe (one mutex).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "common/mutex.hpp"
#include "tessera/keys.hpp"

namespace tessera::oauth {

struct DpopKey {
  Key key;
  std::string jkt;  // RFC 7638 thumbprint
};

class DpopKeyCache {
 public:
  explicit DpopKeyCache(std::size_t max_entries) : max_entries_(max_entries) {}
  std::optional<DpopKey> find(const std::string& jwk_json) const;
  void put(const std::string& jwk_json, const DpopKey& key);

 private:
  const std::size_t max_entries_;
  mutable Mutex mu_;
  std::map<std::string, DpopKey, std::less<>> keys_ GUARDED_BY(mu_);
};

}  // namespace tessera::oauth
