// ClientCache (client_cache.hpp).
#include "service/client_cache.hpp"

#include <utility>

#include "service/authorization_server_impl.hpp"

namespace tessera {

std::shared_ptr<const LoadedClient> ClientCache::get(std::string_view client_id, std::int64_t now) {
  if (ttl_ <= 0) return nullptr;
  MutexLock lock(mu_);
  const auto it = entries_.find(client_id);
  if (it == entries_.end()) return nullptr;
  if (now >= it->second.expires_at) {
    entries_.erase(it);
    return nullptr;
  }
  return it->second.client;
}

void ClientCache::put(std::shared_ptr<const LoadedClient> c, std::int64_t read_at) {
  if (ttl_ <= 0 || !c) return;
  std::string id = c->id();
  MutexLock lock(mu_);
  if (entries_.size() >= capacity_ && !entries_.contains(id)) {
    std::erase_if(entries_, [read_at](const auto& e) { return read_at >= e.second.expires_at; });
    if (entries_.size() >= capacity_) entries_.erase(entries_.begin());
  }
  entries_.insert_or_assign(std::move(id), Entry{std::move(c), read_at + ttl_});
}

void ClientCache::erase(std::string_view client_id) {
  MutexLock lock(mu_);
  if (const auto it = entries_.find(client_id); it != entries_.end()) entries_.erase(it);
}

}  // namespace tessera
