// The in-memory SessionStore: one process, no persistence. For tests, development and
// single-instance deployments that accept losing sessions on restart.
// Thread safety: one mutex guards all state, so every operation (eviction, rotation,
// revoke-all included) is atomic with respect to the others.
#include <algorithm>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "store/stores.hpp"

namespace tessera::store {
namespace {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
template <class V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;
using StringSet = std::unordered_set<std::string, StringHash, std::equal_to<>>;

// A session that can still be used at t (the definition the conformance suite pins down).
bool live_at(const SessionRecord& r, std::int64_t t) {
  return !r.revoked && t < r.idle_expires_at && t < r.absolute_expires_at;
}

bool older(const SessionRecord* a, const SessionRecord* b) {
  return a->created_at != b->created_at ? a->created_at < b->created_at : a->id_hash < b->id_hash;
}

class MemoryStore final : public SessionStore {
 public:
  Result<std::vector<std::string>> create(const SessionRecord& r, std::size_t max_per_user) override {
    std::lock_guard lock(mu_);
    // An existing id hash is never overwritten: that could bring a tombstone back to life.
    if (records_.contains(r.id_hash)) return fail(Errc::store_unavailable, "memory store: id hash already present");
    records_.emplace(r.id_hash, r);
    by_user_[r.user].insert(r.id_hash);
    std::vector<std::string> evicted;
    if (max_per_user == 0) return evicted;
    // The new session always survives; the oldest others go (ties on created_at included).
    auto live = live_of(r.user, r.created_at);
    std::erase_if(live, [&](const SessionRecord* x) { return x->id_hash == r.id_hash; });
    for (std::size_t i = 0; live.size() - i + 1 > max_per_user; ++i) {
      live[i]->revoked = true;
      evicted.push_back(live[i]->id_hash);
    }
    return evicted;
  }

  Result<std::optional<SessionRecord>> get(std::string_view id_hash) override {
    std::lock_guard lock(mu_);
    auto it = records_.find(id_hash);
    if (it == records_.end()) return std::optional<SessionRecord>{};
    return std::optional<SessionRecord>{it->second};
  }

  Result<bool> touch(std::string_view id_hash, std::int64_t last_seen_at, std::int64_t idle_expires_at) override {
    std::lock_guard lock(mu_);
    auto it = records_.find(id_hash);
    if (it == records_.end() || it->second.revoked) return false;
    it->second.last_seen_at = last_seen_at;
    it->second.idle_expires_at = idle_expires_at;
    return true;
  }

  Result<bool> rotate(std::string_view old_id_hash, const SessionRecord& replacement) override {
    std::lock_guard lock(mu_);
    auto it = records_.find(old_id_hash);
    if (it == records_.end() || it->second.revoked) return false;
    if (records_.contains(replacement.id_hash))
      return fail(Errc::store_unavailable, "memory store: id hash already present");
    it->second.revoked = true;
    records_.emplace(replacement.id_hash, replacement);
    by_user_[replacement.user].insert(replacement.id_hash);
    return true;
  }

  Result<bool> revoke(std::string_view id_hash) override {
    std::lock_guard lock(mu_);
    auto it = records_.find(id_hash);
    if (it == records_.end() || it->second.revoked) return false;
    it->second.revoked = true;
    return true;
  }

  Result<std::size_t> revoke_all(std::string_view user, std::optional<std::string_view> except_id_hash) override {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    auto u = by_user_.find(user);
    if (u == by_user_.end()) return n;
    for (const auto& h : u->second) {
      if (except_id_hash && h == *except_id_hash) continue;
      auto& r = records_.find(h)->second;
      if (r.revoked) continue;
      r.revoked = true;
      ++n;
    }
    return n;
  }

  Result<std::vector<SessionRecord>> list(std::string_view user, std::int64_t now) override {
    std::lock_guard lock(mu_);
    std::vector<SessionRecord> out;
    for (const auto* r : live_of(user, now)) out.push_back(*r);
    return out;
  }

  Result<std::size_t> sweep(std::int64_t now) override {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (auto it = records_.begin(); it != records_.end();) {
      if (it->second.absolute_expires_at + kExpiredGrace <= now) {
        unindex(it->second);
        it = records_.erase(it);
        ++n;
      } else {
        ++it;
      }
    }
    return n;
  }

  Result<void> ping() override { return {}; }

 private:
  // REQUIRES: mu_ held. The user's sessions live at t, oldest first.
  std::vector<SessionRecord*> live_of(std::string_view user, std::int64_t t) {
    std::vector<SessionRecord*> out;
    auto u = by_user_.find(user);
    if (u == by_user_.end()) return out;
    for (const auto& h : u->second) {
      auto& r = records_.find(h)->second;
      if (live_at(r, t)) out.push_back(&r);
    }
    std::sort(out.begin(), out.end(), older);
    return out;
  }

  // REQUIRES: mu_ held. Drops r from the per-user index (before r is replaced or erased).
  void unindex(const SessionRecord& r) {
    auto u = by_user_.find(r.user);
    if (u == by_user_.end()) return;
    u->second.erase(r.id_hash);
    if (u->second.empty()) by_user_.erase(u);
  }

  std::mutex mu_;
  StringMap<SessionRecord> records_;  // GUARDED_BY(mu_): id_hash -> record, tombstones included
  StringMap<StringSet> by_user_;      // GUARDED_BY(mu_): user -> id_hashes of records_ entries
};

}  // namespace

std::unique_ptr<SessionStore> make_memory_store() { return std::make_unique<MemoryStore>(); }

}  // namespace tessera::store
