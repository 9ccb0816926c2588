// The in-memory UserStore ("memory:"): one process, nothing persists. For tests, development
// and single-instance deployments that accept losing accounts and counters on restart.
// Thread safety: one mutex guards all state, so every operation is atomic with respect to the
// others.
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "store/stores.hpp"
#include "store/throttle.hpp"

namespace tessera::store {
namespace {

class MemoryUserStore final : public UserStore {
 public:
  Result<bool> add(const UserRecord& r) override {
    std::lock_guard lock(mu_);
    return users_.try_emplace(r.username, r).second;
  }

  Result<std::optional<UserRecord>> get(std::string_view username) override {
    std::lock_guard lock(mu_);
    auto it = users_.find(username);
    if (it == users_.end()) return std::optional<UserRecord>{};
    return std::optional<UserRecord>(it->second);
  }

  Result<bool> set_password_hash(std::string_view username, std::string_view hash, std::int64_t updated_at) override {
    return update(username, updated_at, [&](UserRecord& r) { r.password_hash = hash; });
  }

  Result<bool> set_disabled(std::string_view username, bool disabled, std::int64_t updated_at) override {
    return update(username, updated_at, [&](UserRecord& r) { r.disabled = disabled; });
  }

  Result<std::vector<UserRecord>> list() override {
    std::lock_guard lock(mu_);
    std::vector<UserRecord> out;
    out.reserve(users_.size());
    for (const auto& [name, r] : users_) out.push_back(r);  // std::map: sorted by username
    return out;
  }

  Result<ThrottleRecord> throttle_get(std::string_view key, std::int64_t now) override {
    std::lock_guard lock(mu_);
    auto it = throttles_.find(key);
    if (it == throttles_.end()) return ThrottleRecord{};
    if (throttle::expired(it->second.expires_at, now)) {
      throttles_.erase(it);  // forgotten: delete lazily
      return ThrottleRecord{};
    }
    return it->second.state;
  }

  Result<ThrottleRecord> throttle_fail(std::string_view key, std::int64_t now, std::int64_t window) override {
    if (auto ok = throttle::check_window(window); !ok) return std::unexpected(std::move(ok.error()));
    std::lock_guard lock(mu_);
    if (++fails_since_sweep_ >= kSweepEvery) sweep(now);
    auto [it, fresh] = throttles_.try_emplace(std::string(key));
    Counter& c = it->second;
    if (fresh || throttle::expired(c.expires_at, now)) c.state.failures = 0;
    c.state.failures += 1;
    c.state.last_failure_at = now;
    c.expires_at = throttle::expires_at(now, window);
    return c.state;
  }

  Result<void> throttle_reset(std::string_view key) override {
    std::lock_guard lock(mu_);
    if (auto it = throttles_.find(key); it != throttles_.end()) throttles_.erase(it);
    return {};
  }

  Result<void> ping() override { return {}; }

 private:
  struct Counter {
    ThrottleRecord state;
    std::int64_t expires_at = 0;
  };

  template <class Change>
  Result<bool> update(std::string_view username, std::int64_t updated_at, Change change) {
    std::lock_guard lock(mu_);
    auto it = users_.find(username);
    if (it == users_.end()) return false;
    change(it->second);
    it->second.updated_at = updated_at;
    return true;
  }

  // Forgotten counters nobody asks about again (one-off IPs) go in a full pass now and then.
  static constexpr int kSweepEvery = 1024;
  void sweep(std::int64_t now) {  // REQUIRES: mu_ held
    fails_since_sweep_ = 0;
    std::erase_if(throttles_, [now](const auto& kv) { return throttle::expired(kv.second.expires_at, now); });
  }

  std::mutex mu_;
  std::map<std::string, UserRecord, std::less<>> users_;  // GUARDED_BY(mu_); sorted for list()
  std::map<std::string, Counter, std::less<>> throttles_;  // GUARDED_BY(mu_)
  int fails_since_sweep_ = 0;                              // GUARDED_BY(mu_)
};

}  // namespace

std::unique_ptr<UserStore> make_memory_user_store() { return std::make_unique<MemoryUserStore>(); }

}  // namespace tessera::store
