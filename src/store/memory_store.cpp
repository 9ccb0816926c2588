// The in-memory SessionStore: one process, no persistence. For tests, development and
// single-instance deployments that accept losing sessions on restart. The accounts
// (MemoryUsers) are shared with the user half, so generations and credential changes are
// atomic with sessions.
// Thread safety: one mutex guards all session state, so every operation (eviction, rotation,
// revoke-all included) is atomic with respect to the others; operations that read or write
// accounts also hold MemoryUsers::mu (always taken second).
#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "common/mutex.hpp"
#include "store/memory_users.hpp"
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

class MemoryStore final : public AccountSessions {
 public:
  explicit MemoryStore(std::shared_ptr<MemoryUsers> users) : users_(std::move(users)) {}

  Result<std::vector<std::string>> create(const SessionRecord& r, std::size_t max_per_user) override {
    MutexLock2 lock(mu_, users_->mu);
    if (r.generation != users_->generation_of(r.user))
      return fail(Errc::credentials_changed, "the user's credentials changed since the login was checked");
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
    MutexLock2 lock(mu_, users_->mu);
    auto it = records_.find(id_hash);
    if (it == records_.end()) return std::optional<SessionRecord>{};
    return std::optional<SessionRecord>{read(it->second)};
  }

  Result<bool> touch(std::string_view id_hash, std::int64_t last_seen_at, std::int64_t idle_expires_at) override {
    MutexLock lock(mu_);
    auto it = records_.find(id_hash);
    if (it == records_.end() || it->second.revoked) return false;
    it->second.last_seen_at = last_seen_at;
    it->second.idle_expires_at = idle_expires_at;
    return true;
  }

  Result<bool> rotate(std::string_view old_id_hash, const SessionRecord& replacement) override {
    MutexLock lock(mu_);
    auto it = records_.find(old_id_hash);
    if (it == records_.end() || it->second.revoked) return false;
    if (records_.contains(replacement.id_hash))
      return fail(Errc::store_unavailable, "memory store: id hash already present");
    it->second.revoked = true;
    records_.emplace(replacement.id_hash, replacement);
    by_user_[replacement.user].insert(replacement.id_hash);
    return true;
  }

  Result<bool> update_attributes(std::string_view id_hash, std::string_view expected,
                                 std::string_view replacement) override {
    MutexLock lock(mu_);
    auto it = records_.find(id_hash);
    if (it == records_.end() || it->second.revoked || it->second.attributes_json != expected) return false;
    it->second.attributes_json = std::string(replacement);
    return true;
  }

  Result<bool> revoke(std::string_view id_hash) override {
    MutexLock lock(mu_);
    auto it = records_.find(id_hash);
    if (it == records_.end() || it->second.revoked) return false;
    it->second.revoked = true;
    return true;
  }

  Result<std::size_t> revoke_all(std::string_view user, std::optional<std::string_view> except_id_hash) override {
    MutexLock lock(mu_);
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
    MutexLock2 lock(mu_, users_->mu);
    std::vector<SessionRecord> out;
    for (const auto* r : live_of(user, now)) out.push_back(read(*r));
    return out;
  }

  Result<CredentialChangeResult> change_credentials(const CredentialChange& c) override {
    MutexLock2 lock(mu_, users_->mu);
    if (past_deadline(c, unix_millis())) return fail(Errc::store_unavailable, "change_credentials: deadline passed");
    auto u = users_->users.find(c.user);
    if (u == users_->users.end()) return fail(Errc::user_not_found);
    UserRecord& user = u->second;
    if (c.expected_generation && *c.expected_generation != user.generation)
      return fail(Errc::credentials_changed, "the user's credentials changed since they were checked");
    SessionRecord* kept = nullptr;
    if (c.keep_id_hash) {
      auto it = records_.find(*c.keep_id_hash);
      if (it == records_.end() || it->second.revoked || it->second.user != c.user)
        return fail(Errc::session_revoked, "the session to keep is not a live session of the user");
      if (records_.contains(c.replacement->id_hash))
        return fail(Errc::store_unavailable, "memory store: id hash already present");
      kept = &it->second;
    }
    // Everything checked; from here on nothing fails.
    if (c.password_hash) user.password_hash = *c.password_hash;
    if (c.disabled) user.disabled = *c.disabled;
    user.updated_at = c.updated_at;
    user.generation += 1;
    CredentialChangeResult out{user.generation, 0};
    if (kept) kept->revoked = true;
    if (auto ids = by_user_.find(c.user); ids != by_user_.end()) {
      for (const auto& h : ids->second) {
        auto& r = records_.find(h)->second;
        if (r.revoked) continue;
        r.revoked = true;
        ++out.revoked;
      }
    }
    if (kept) {
      SessionRecord n = *c.replacement;
      n.generation = user.generation;
      n.revoked = false;
      by_user_[n.user].insert(n.id_hash);
      records_.emplace(n.id_hash, std::move(n));
    }
    return out;
  }

  Result<std::size_t> sweep(std::int64_t now) override {
    MutexLock lock(mu_);
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
  std::vector<SessionRecord*> live_of(std::string_view user, std::int64_t t) REQUIRES(mu_) {
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

  // REQUIRES: mu_ and users_->mu held. A copy of r as get() and list() return it.
  SessionRecord read(const SessionRecord& r) const REQUIRES(mu_, users_->mu) {
    SessionRecord out = r;
    out.user_generation = users_->generation_of(r.user);
    return out;
  }

  // REQUIRES: mu_ held. Drops r from the per-user index (before r is replaced or erased).
  void unindex(const SessionRecord& r) REQUIRES(mu_) {
    auto u = by_user_.find(r.user);
    if (u == by_user_.end()) return;
    u->second.erase(r.id_hash);
    if (u->second.empty()) by_user_.erase(u);
  }

  std::shared_ptr<MemoryUsers> users_;
  Mutex mu_;
  StringMap<SessionRecord> records_ GUARDED_BY(mu_);  // id_hash -> record, tombstones included
  StringMap<StringSet> by_user_ GUARDED_BY(mu_);  // user -> id_hashes of records_ entries
};

}  // namespace

std::unique_ptr<AccountSessions> make_memory_sessions(std::shared_ptr<MemoryUsers> users) {
  return std::make_unique<MemoryStore>(std::move(users));
}

}  // namespace tessera::store
