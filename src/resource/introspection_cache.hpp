// The cache of introspection answers (RFC 7662) for opaque tokens, so that a busy client does
// not cost an introspection call per request.
//  - Keyed by SHA-256 of the token, never the token: a dump of the cache yields no usable token.
//  - An active answer is kept until min(now + ttl, its exp) (no exp: now + ttl); an inactive
//    one for ttl too (a token never becomes active again, and caching the "no" keeps junk
//    tokens from costing a call each). ttl is at most kMaxIntrospectionCache.
//  - At most max_entries; when full, the least recently used go (expired ones are dropped
//    when met: on lookup, or at the least recently used end).
//  - Failed introspection calls are not cached.
// Thread safety: thread-safe (one mutex).
#pragma once

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/mutex.hpp"
#include "tessera/authenticator.hpp"

namespace tessera::resource {

class IntrospectionCache {
 public:
  IntrospectionCache(std::int64_t ttl, std::size_t max_entries) : ttl_(ttl), max_entries_(max_entries) {}

  // The cache key of a token: its SHA-256 (raw bytes).
  static std::string key_of(std::string_view token);

  std::optional<IntrospectionAnswer> find(const std::string& key, std::int64_t now);
  void put(const std::string& key, const IntrospectionAnswer& answer, std::int64_t now);

  std::size_t size() const;

 private:
  struct Entry {
    std::string key;
    IntrospectionAnswer answer;
    std::int64_t until = 0;  // usable while now < until
  };
  using List = std::list<Entry>;  // most recently used first
  void evict(std::int64_t now) REQUIRES(mu_);

  const std::int64_t ttl_;
  const std::size_t max_entries_;
  mutable Mutex mu_;
  List entries_ GUARDED_BY(mu_);
  std::unordered_map<std::string_view, List::iterator> index_ GUARDED_BY(mu_);  // views into entries_' keys
};

}  // namespace tessera::resource
