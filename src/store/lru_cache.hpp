// Internal: a bounded, thread-safe least-recently-used map from strings to strings (the Redis
// store's id-hash → user-tag pointer cache). A hit moves the entry to the front; an insert past
// the bound drops the entry used longest ago, so a working set larger than the bound loses only
// its coldest entries instead of everything at once.
// Thread safety: every method takes the cache's own mutex.
#pragma once

#include <cstddef>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "common/mutex.hpp"

namespace tessera::store {

class LruCache {
 public:
  explicit LruCache(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  std::optional<std::string> get(std::string_view key) {
    MutexLock lock(mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    order_.splice(order_.begin(), order_, it->second);  // now the most recently used
    return it->second->second;
  }

  void put(std::string key, std::string value) {
    MutexLock lock(mu_);
    if (auto it = index_.find(key); it != index_.end()) {
      it->second->second = std::move(value);
      order_.splice(order_.begin(), order_, it->second);
      return;
    }
    if (index_.size() >= capacity_) {
      index_.erase(std::string_view(order_.back().first));
      order_.pop_back();
    }
    order_.emplace_front(std::move(key), std::move(value));
    index_.emplace(std::string_view(order_.front().first), order_.begin());
  }

  std::size_t size() const {
    MutexLock lock(mu_);
    return index_.size();
  }

 private:
  struct ViewHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  using Order = std::list<std::pair<std::string, std::string>>;

  const std::size_t capacity_;
  mutable Mutex mu_;
  Order order_ GUARDED_BY(mu_);  // most recently used first; owns the keys
  std::unordered_map<std::string_view, Order::iterator, ViewHash, std::equal_to<>> index_ GUARDED_BY(mu_);
};

}  // namespace tessera::store
