// The cache of remote JWKS (remote_key_sets.hpp).
#include "keys/remote_key_sets.hpp"

#include <algorithm>

namespace tessera::keys {

Result<KeySet> public_key_set(std::string_view jwks) {
  auto set = KeySet::from_jwks(jwks);
  if (!set) return std::unexpected(set.error());
  if (set->empty()) return fail(Errc::invalid_key, "no keys");
  for (const auto& k : set->keys()) {
    if (k.is_symmetric()) return fail(Errc::invalid_key, "a symmetric key (only public keys)");
    if (k.has_private()) return fail(Errc::invalid_key, "a private key (only public keys)");
    if (!k.can_verify()) return fail(Errc::invalid_key, "a key that may not verify");
  }
  return set;
}

Result<void> check_rules(const RemoteKeySetRules& r) {
  if (r.min_max_age < 1 || r.default_max_age < r.min_max_age || r.max_max_age < r.default_max_age)
    return fail(Errc::invalid_argument, "key set rules: need 1 <= min_max_age <= default_max_age <= max_max_age");
  if (r.min_refetch_interval < 0 || r.max_stale < 0)
    return fail(Errc::invalid_argument, "key set rules: min_refetch_interval and max_stale must be >= 0");
  return {};
}

RemoteKeySets::RemoteKeySets(KeySetFetcher& fetcher, const Clock& clock, RemoteKeySetRules rules)
    : fetcher_(fetcher), clock_(clock), rules_(rules) {}

std::shared_ptr<RemoteKeySets::Entry> RemoteKeySets::entry(std::string_view url) {
  MutexLock lock(mu_);
  auto it = entries_.find(url);
  if (it == entries_.end()) it = entries_.emplace(std::string(url), std::make_shared<Entry>()).first;
  return it->second;
}

std::int64_t RemoteKeySets::clamp_max_age(std::optional<std::int64_t> max_age) const {
  if (!max_age) return rules_.default_max_age;
  return std::clamp(*max_age, rules_.min_max_age, rules_.max_max_age);
}

void RemoteKeySets::refresh(Entry& e, std::string_view url, std::int64_t now) {
  e.attempted = true;
  e.last_attempt = now;
  auto fetched = fetcher_.fetch(url);
  if (!fetched) {
    e.last_error = "fetch failed: " + std::string(fetched.error().name()) + ": " + fetched.error().message;
    return;
  }
  if (fetched->body.size() > kMaxRemoteKeySetBytes) {
    e.last_error = "the key set is over " + std::to_string(kMaxRemoteKeySetBytes) + " bytes";
    return;
  }
  auto set = public_key_set(fetched->body);
  if (!set) {
    e.last_error = "the key set is unusable: " + set.error().message;
    return;
  }
  e.keys = std::move(*set);
  e.fresh_until = now + clamp_max_age(fetched->max_age);
  e.last_error.clear();
}

Result<KeySet> RemoteKeySets::keys_for(std::string_view url, std::string_view kid) {
  auto shared = entry(url);
  Entry& e = *shared;
  MutexLock lock(e.mu);
  const std::int64_t now = clock_.now();
  const bool fresh = e.keys && now < e.fresh_until;
  const bool kid_known = e.keys && (kid.empty() || e.keys->find(kid) != nullptr);
  const bool may_fetch = !e.attempted || now - e.last_attempt >= rules_.min_refetch_interval;
  if ((!fresh || !kid_known) && may_fetch) refresh(e, url, now);

  const auto bad = [&](std::string why) {
    return fail(Errc::store_unavailable, "jwks_uri " + std::string(url) + ": " + why);
  };
  if (!e.keys) return bad(e.last_error.empty() ? "no keys yet" : e.last_error);
  if (now >= e.fresh_until + rules_.max_stale)
    return bad("the last good keys are too old (" + (e.last_error.empty() ? "refetch not allowed yet" : e.last_error) + ")");
  if (kid.empty() && e.keys->size() == 1) return KeySet::single_key(e.keys->keys().front());
  return *e.keys;
}

}  // namespace tessera::keys
