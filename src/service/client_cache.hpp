// ClientCache: the registered clients as the AuthorizationServer last read them from the
// OAuthStore, so that the token, introspection and revocation endpoints do not read and decode
// the client's record on every request. An entry is served for at most `ttl` seconds after the
// read (OAuthOptions::client_cache_ttl, the one bound on staleness): a change made elsewhere
// (`tessera clients remove|rotate-secret` in another process, another instance) takes effect
// within it; changes made through this AuthorizationServer drop the entry at once. ttl 0: no
// caching. Unknown clients are not cached (a client added elsewhere works at once). At most
// kClientCacheCapacity entries: a put into a full cache drops the expired ones, then, if still
// full, one other entry.
// Thread safety: all methods are thread-safe (one annotated mutex, held for a map operation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/mutex.hpp"

namespace tessera {

struct LoadedClient;

inline constexpr std::size_t kClientCacheCapacity = 1024;

class ClientCache {
 public:
  explicit ClientCache(std::int64_t ttl, std::size_t capacity = kClientCacheCapacity)
      : ttl_(ttl), capacity_(capacity) {}

  // The entry for client_id if it was read less than ttl seconds before now; null otherwise.
  std::shared_ptr<const LoadedClient> get(std::string_view client_id, std::int64_t now);
  // Remembers c as read at read_at (take the time before the store read).
  void put(std::shared_ptr<const LoadedClient> c, std::int64_t read_at);
  void erase(std::string_view client_id);

 private:
  struct Entry {
    std::shared_ptr<const LoadedClient> client;
    std::int64_t expires_at = 0;
  };
  const std::int64_t ttl_;
  const std::size_t capacity_;
  Mutex mu_;
  std::map<std::string, Entry, std::less<>> entries_ GUARDED_BY(mu_);
};

}  // namespace tessera
