// The introspection answer cache (introspection_cache.hpp).
#include "resource/introspection_cache.hpp"

#include <algorithm>

#include "crypto/crypto.hpp"

namespace tessera::resource {

std::string IntrospectionCache::key_of(std::string_view token) {
  const auto h = crypto::sha256(crypto::as_bytes(token));
  return std::string(reinterpret_cast<const char*>(h.data()), h.size());
}

std::optional<IntrospectionAnswer> IntrospectionCache::find(const std::string& key, std::int64_t now) {
  MutexLock lock(mu_);
  const auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  if (now >= it->second->until) {
    entries_.erase(it->second);
    index_.erase(it);
    return std::nullopt;
  }
  entries_.splice(entries_.begin(), entries_, it->second);
  return it->second->answer;
}

void IntrospectionCache::put(const std::string& key, const IntrospectionAnswer& answer, std::int64_t now) {
  std::int64_t until = now + ttl_;
  if (answer.active && answer.expires_at > 0) until = std::min(until, answer.expires_at);
  if (until <= now || max_entries_ == 0) return;
  MutexLock lock(mu_);
  if (const auto it = index_.find(key); it != index_.end()) {
    entries_.erase(it->second);
    index_.erase(it);
  }
  if (entries_.size() >= max_entries_) evict(now);
  entries_.push_front(Entry{key, answer, until});
  index_.emplace(entries_.front().key, entries_.begin());
}

void IntrospectionCache::evict(std::int64_t now) {
  // From the least recently used end: expired entries, then live ones until there is room.
  while (!entries_.empty() && (entries_.size() >= max_entries_ || now >= entries_.back().until)) {
    index_.erase(entries_.back().key);
    entries_.pop_back();
  }
}

std::size_t IntrospectionCache::size() const {
  MutexLock lock(mu_);
  return entries_.size();
}

}  // namespace tessera::resource
