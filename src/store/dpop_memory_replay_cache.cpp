// The in-memory DPoP replay cache (tessera/dpop.hpp): a map jti -> expiry under one mutex.
#include <map>
#include <string>

#include "common/mutex.hpp"
#include "tessera/dpop.hpp"

namespace tessera {

namespace {

class MemoryDpopReplayCache final : public DpopReplayCache {
 public:
  MemoryDpopReplayCache(std::size_t max_entries, const Clock& clock) : max_entries_(max_entries), clock_(clock) {}

  Result<bool> first_use(std::string_view jti, std::int64_t expires_at) override {
    const auto now = clock_.now();
    MutexLock lock(mu_);
    if (auto it = seen_.find(jti); it != seen_.end()) {
      if (it->second >= now) return false;  // still live: a replay
      seen_.erase(it);                      // expired: the jti may be used again
    }
    if (seen_.size() >= max_entries_) drop_expired(now);
    if (seen_.size() >= max_entries_)
      return fail(Errc::store_unavailable, "DPoP replay cache full of live entries");
    seen_.emplace(std::string(jti), expires_at);
    return true;
  }

 private:
  void drop_expired(std::int64_t now) REQUIRES(mu_) {
    std::erase_if(seen_, [now](const auto& entry) { return entry.second < now; });
  }

  const std::size_t max_entries_;
  const Clock& clock_;
  Mutex mu_;
  std::map<std::string, std::int64_t, std::less<>> seen_ GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<DpopReplayCache> make_memory_dpop_replay_cache(std::size_t max_entries, const Clock& clock) {
  return std::make_unique<MemoryDpopReplayCache>(max_entries, clock);
}

}  // namespace tessera
