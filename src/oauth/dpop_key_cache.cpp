// The DPoP verifier's key cache (dpop_key_cache.hpp).
#include "oauth/dpop_key_cache.hpp"

namespace tessera::oauth {

std::optional<DpopKey> DpopKeyCache::find(const std::string& jwk_json) const {
  MutexLock lock(mu_);
  const auto it = keys_.find(jwk_json);
  if (it == keys_.end()) return std::nullopt;
  return it->second;
}

void DpopKeyCache::put(const std::string& jwk_json, const DpopKey& key) {
  if (max_entries_ == 0) return;
  MutexLock lock(mu_);
  if (keys_.size() >= max_entries_) keys_.clear();
  keys_.insert_or_assign(jwk_json, key);
}

}  // namespace tessera::oauth
