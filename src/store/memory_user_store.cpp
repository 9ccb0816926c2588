// The in-memory UserStore ("memory:"): one process, nothing persists. For tests, development
// and single-instance deployments that accept losing accounts and counters on restart. The
// accounts (MemoryUsers) are shared with the session half (memory_store.cpp), which changes
// credentials; make_memory_halves() puts the two together.
// Thread safety: MemoryUsers::mu guards the accounts, mu_ the throttle counters; every
// operation is atomic with respect to the others.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "common/mutex.hpp"
#include "store/memory_users.hpp"
#include "store/stores.hpp"
#include "store/throttle.hpp"

namespace tessera::store {
namespace {

class MemoryUserStore final : public UserStore {
 public:
  explicit MemoryUserStore(std::shared_ptr<MemoryUsers> users) : users_(std::move(users)) {}

  Result<bool> add(const UserRecord& r) override {
    MutexLock lock(users_->mu);
    auto [it, added] = users_->users.try_emplace(r.username, r);
    if (added) it->second.generation = 0;  // every account starts at generation 0
    return added;
  }

  Result<std::optional<UserRecord>> get(std::string_view username) override {
    MutexLock lock(users_->mu);
    auto it = users_->users.find(username);
    if (it == users_->users.end()) return std::optional<UserRecord>{};
    return std::optional<UserRecord>(it->second);
  }

  Result<bool> rehash_password(std::string_view username, std::uint64_t expected_generation, std::string_view hash,
                               std::int64_t updated_at) override {
    MutexLock lock(users_->mu);
    auto it = users_->users.find(username);
    if (it == users_->users.end() || it->second.generation != expected_generation) return false;
    it->second.password_hash = hash;
    it->second.updated_at = updated_at;
    return true;
  }

  Result<std::vector<UserRecord>> list() override {
    MutexLock lock(users_->mu);
    std::vector<UserRecord> out;
    out.reserve(users_->users.size());
    for (const auto& [name, r] : users_->users) out.push_back(r);  // std::map: sorted by username
    return out;
  }

  Result<ThrottleRecord> throttle_get(std::string_view key, std::int64_t now) override {
    MutexLock lock(mu_);
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
    MutexLock lock(mu_);
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
    MutexLock lock(mu_);
    if (auto it = throttles_.find(key); it != throttles_.end()) throttles_.erase(it);
    return {};
  }

  Result<void> ping() override { return {}; }

 private:
  struct Counter {
    ThrottleRecord state;
    std::int64_t expires_at = 0;
  };

  // Forgotten counters nobody asks about again (one-off IPs) go in a full pass now and then.
  static constexpr int kSweepEvery = 1024;
  void sweep(std::int64_t now) REQUIRES(mu_) {
    fails_since_sweep_ = 0;
    std::erase_if(throttles_, [now](const auto& kv) { return throttle::expired(kv.second.expires_at, now); });
  }

  std::shared_ptr<MemoryUsers> users_;
  Mutex mu_;
  std::map<std::string, Counter, std::less<>> throttles_ GUARDED_BY(mu_);
  int fails_since_sweep_ GUARDED_BY(mu_) = 0;
};

}  // namespace

std::unique_ptr<AccountSessions> make_memory_sessions(std::shared_ptr<MemoryUsers> users);

Halves make_memory_halves() {
  auto users = std::make_shared<MemoryUsers>();
  return Halves{make_memory_sessions(users), std::make_unique<MemoryUserStore>(users)};
}

}  // namespace tessera::store
