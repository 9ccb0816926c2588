// The in-memory OAuthStore ("memory:"): one process, nothing persists. For tests, development
// and single-instance deployments that accept losing clients, grants and revocations on
// restart.
// Thread safety: one mutex guards every record, so each operation (take_code, rotate_refresh,
// create_grant's tombstone check, ...) is atomic with respect to the others.
#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/mutex.hpp"
#include "store/oauth_rules.hpp"
#include "store/oauth_stores.hpp"

namespace tessera::store {
namespace {

template <class V>
using Map = std::map<std::string, V, std::less<>>;

class MemoryOAuthStore final : public OAuthStore {
 public:
  Result<bool> put_client(const ClientRecord& c, bool create) override {
    if (auto ok = oauth::check_client_id(c.client_id); !ok) return std::unexpected(std::move(ok.error()));
    MutexLock lock(mu_);
    auto it = clients_.find(c.client_id);
    if ((it != clients_.end()) == create) return false;
    clients_.insert_or_assign(c.client_id, c);
    return true;
  }

  Result<std::optional<ClientRecord>> get_client(std::string_view client_id) override {
    MutexLock lock(mu_);
    return find(clients_, client_id);
  }

  Result<std::vector<ClientRecord>> list_clients() override {
    MutexLock lock(mu_);
    std::vector<ClientRecord> out;
    for (const auto& [id, c] : clients_) out.push_back(c);  // std::map: sorted by client_id
    return out;
  }

  Result<bool> remove_client(std::string_view client_id) override {
    MutexLock lock(mu_);
    return erase(clients_, client_id);
  }

  Result<void> create_code(const CodeRecord& c) override {
    if (auto ok = oauth::check_key(c.code_hash, "code hash"); !ok) return ok;
    MutexLock lock(mu_);
    auto [it, added] = codes_.try_emplace(c.code_hash, c);
    if (!added) return fail(Errc::invalid_argument, "oauth store: code hash already present");
    it->second.used = false;
    return {};
  }

  Result<std::optional<CodeRecord>> take_code(std::string_view code_hash, std::int64_t now) override {
    MutexLock lock(mu_);
    auto it = codes_.find(code_hash);
    if (it == codes_.end() || !oauth::code_live(it->second, now)) return std::optional<CodeRecord>{};
    CodeRecord out = it->second;
    it->second.used = true;
    return std::optional<CodeRecord>(std::move(out));
  }

  Result<void> put_consent(const ConsentRecord& c) override {
    MutexLock lock(mu_);
    consents_.insert_or_assign({c.user, c.client_id}, c);
    return {};
  }

  Result<std::optional<ConsentRecord>> get_consent(std::string_view user, std::string_view client_id) override {
    MutexLock lock(mu_);
    auto it = consents_.find(std::pair<std::string, std::string>(user, client_id));
    if (it == consents_.end()) return std::optional<ConsentRecord>{};
    return std::optional<ConsentRecord>(it->second);
  }

  Result<bool> remove_consent(std::string_view user, std::string_view client_id) override {
    MutexLock lock(mu_);
    return consents_.erase(std::pair<std::string, std::string>(user, client_id)) > 0;
  }

  Result<bool> create_grant(const GrantRecord& g) override {
    if (auto ok = oauth::check_new_grant(g); !ok) return std::unexpected(std::move(ok.error()));
    MutexLock lock(mu_);
    if (!grants_.try_emplace(g.family_id, g).second) return false;  // live family or tombstone
    by_user_[g.user].insert(g.family_id);
    return true;
  }

  Result<std::optional<GrantRecord>> get_grant(std::string_view family_id) override {
    MutexLock lock(mu_);
    return find(grants_, family_id);
  }

  Result<RotateResult> rotate_refresh(const RotateRequest& r) override {
    if (auto ok = oauth::check_rotate(r); !ok) return std::unexpected(std::move(ok.error()));
    MutexLock lock(mu_);
    auto it = grants_.find(r.family_id);
    if (it == grants_.end()) return RotateResult{};
    const auto outcome = oauth::rotate(it->second, r);
    return RotateResult{outcome, it->second};
  }

  Result<bool> remember_access(std::string_view family_id, const IssuedAccess& a, std::int64_t now) override {
    MutexLock lock(mu_);
    auto it = grants_.find(family_id);
    if (it == grants_.end() || it->second.revoked) return false;
    oauth::remember(it->second, a, now);
    return true;
  }

  Result<std::optional<GrantRecord>> revoke_grant(std::string_view family_id, std::int64_t now,
                                                  std::int64_t tombstone_ttl) override {
    if (auto ok = oauth::check_key(family_id, "family id"); !ok) return std::unexpected(std::move(ok.error()));
    MutexLock lock(mu_);
    auto it = grants_.find(family_id);
    if (it == grants_.end()) {
      grants_.emplace(std::string(family_id), oauth::tombstone(family_id, now, tombstone_ttl));
      return std::optional<GrantRecord>{};
    }
    std::optional<GrantRecord> before(it->second);
    it->second.revoked = true;
    return before;
  }

  Result<std::vector<GrantRecord>> list_grants(std::string_view user, std::int64_t now) override {
    MutexLock lock(mu_);
    std::vector<GrantRecord> out;
    auto idx = by_user_.find(user);
    if (idx == by_user_.end()) return out;
    for (auto id = idx->second.begin(); id != idx->second.end();) {
      auto g = grants_.find(*id);
      if (g == grants_.end()) {
        id = idx->second.erase(id);  // swept
        continue;
      }
      if (oauth::grant_listed(g->second, now)) out.push_back(g->second);
      ++id;
    }
    if (idx->second.empty()) by_user_.erase(idx);
    std::sort(out.begin(), out.end(), [](const GrantRecord& a, const GrantRecord& b) {
      return a.created_at != b.created_at ? a.created_at < b.created_at : a.family_id < b.family_id;
    });
    return out;
  }

  Result<void> put_access(const AccessRecord& a) override {
    if (auto ok = oauth::check_key(a.token_hash, "access token hash"); !ok) return ok;
    MutexLock lock(mu_);
    if (!access_.try_emplace(a.token_hash, a).second)
      return fail(Errc::invalid_argument, "oauth store: access token hash already present");
    return {};
  }

  Result<std::optional<AccessRecord>> get_access(std::string_view token_hash) override {
    MutexLock lock(mu_);
    return find(access_, token_hash);
  }

  Result<bool> revoke_access(std::string_view token_hash) override {
    MutexLock lock(mu_);
    auto it = access_.find(token_hash);
    if (it == access_.end() || it->second.revoked) return false;
    it->second.revoked = true;
    return true;
  }

  Result<void> deny_jti(std::string_view jti, std::int64_t expires_at) override {
    if (auto ok = oauth::check_key(jti, "jti"); !ok) return ok;
    MutexLock lock(mu_);
    auto [it, added] = denied_.try_emplace(std::string(jti), expires_at);
    if (!added) it->second = std::max(it->second, expires_at);  // a denial is never shortened
    return {};
  }

  Result<bool> is_denied(std::string_view jti, std::int64_t now) override {
    MutexLock lock(mu_);
    auto it = denied_.find(jti);
    return it != denied_.end() && oauth::denial_holds(it->second, now);
  }

  Result<std::size_t> sweep(std::int64_t now) override {
    MutexLock lock(mu_);
    const auto n = std::erase_if(codes_, [now](const auto& kv) { return oauth::sweepable(kv.second.expires_at, now); }) +
                   std::erase_if(grants_, [now](const auto& kv) {
                     return oauth::sweepable(kv.second.absolute_expires_at, now);
                   }) +
                   std::erase_if(access_, [now](const auto& kv) { return oauth::sweepable(kv.second.expires_at, now); }) +
                   std::erase_if(denied_, [now](const auto& kv) { return oauth::sweepable(kv.second, now); });
    return static_cast<std::size_t>(n);  // user index entries go lazily (list_grants)
  }

  Result<void> ping() override { return {}; }

 private:
  template <class V>
  static std::optional<V> find(const Map<V>& m, std::string_view key) {
    auto it = m.find(key);
    if (it == m.end()) return std::nullopt;
    return it->second;
  }
  template <class V>
  static bool erase(Map<V>& m, std::string_view key) {
    auto it = m.find(key);
    if (it == m.end()) return false;
    m.erase(it);
    return true;
  }

  Mutex mu_;
  Map<ClientRecord> clients_ GUARDED_BY(mu_);
  Map<CodeRecord> codes_ GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, ConsentRecord> consents_ GUARDED_BY(mu_);
  Map<GrantRecord> grants_ GUARDED_BY(mu_);  // families and tombstones
  Map<std::set<std::string>> by_user_ GUARDED_BY(mu_);
  Map<AccessRecord> access_ GUARDED_BY(mu_);
  Map<std::int64_t> denied_ GUARDED_BY(mu_);  // jti -> expires_at
};

}  // namespace

std::unique_ptr<OAuthStore> make_memory_oauth_store() { return std::make_unique<MemoryOAuthStore>(); }

}  // namespace tessera::store
