// The resource server's deny list (tessera/deny_list.hpp).
#include "tessera/deny_list.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "common/mutex.hpp"

namespace tessera {

namespace {

// A map from id to the time its entry ends (jti: exp; grant: applied + max TTL).
using Expiring = std::map<std::string, std::int64_t, std::less<>>;

struct Subject {
  std::int64_t not_before = 0;
  std::int64_t until = 0;  // not_before + max_token_ttl
};

template <class Map, class End>
void drop_ended(Map& m, std::int64_t now, End end) {
  std::erase_if(m, [&](const auto& kv) { return end(kv.second) <= now; });
}

}  // namespace

struct DenyList::State {
  explicit State(DenyListOptions o) : options(o) {}
  const DenyListOptions options;
  mutable SharedMutex mu;
  Expiring jtis GUARDED_BY(mu);
  Expiring grants GUARDED_BY(mu);
  std::map<std::string, Subject, std::less<>> subjects GUARDED_BY(mu);
  std::int64_t heard_at GUARDED_BY(mu) = 0;
  bool heard GUARDED_BY(mu) = false;
  std::int64_t unknown_before GUARDED_BY(mu) = 0;
  std::int64_t pruned_at GUARDED_BY(mu) = 0;

  std::size_t size() const REQUIRES_SHARED(mu) { return jtis.size() + grants.size() + subjects.size(); }
  void prune(std::int64_t now) REQUIRES(mu) {
    drop_ended(jtis, now, [](std::int64_t end) { return end; });
    drop_ended(grants, now, [](std::int64_t end) { return end; });
    drop_ended(subjects, now, [](const Subject& s) { return s.until; });
    pruned_at = now;
  }
  // Room for one more entry (the id not yet held): prune, and when still full forget all and
  // distrust what came before now.
  void make_room(std::int64_t now) REQUIRES(mu) {
    if (size() < options.max_entries) return;
    prune(now);
    if (size() < options.max_entries) return;
    jtis.clear();
    grants.clear();
    subjects.clear();
    unknown_before = std::max(unknown_before, now);
  }
};

Result<std::shared_ptr<DenyList>> DenyList::create(DenyListOptions options) {
  if (options.max_token_ttl < 1) return fail(Errc::invalid_argument, "deny list: max_token_ttl must be >= 1");
  if (options.max_stale < 1) return fail(Errc::invalid_argument, "deny list: max_stale must be >= 1");
  if (options.max_entries < 1) return fail(Errc::invalid_argument, "deny list: max_entries must be >= 1");
  return std::shared_ptr<DenyList>(new DenyList(options));
}

DenyList::DenyList(DenyListOptions options) : state_(std::make_unique<State>(options)) {}
DenyList::~DenyList() = default;

const DenyListOptions& DenyList::options() const noexcept { return state_->options; }

void DenyList::apply(const RevocationEvent& e, std::int64_t now) {
  State& s = *state_;
  MutexLock lock(s.mu);
  if (now - s.pruned_at >= 1) s.prune(now);
  const std::int64_t ttl = s.options.max_token_ttl;
  switch (e.type) {
    case RevocationEvent::Type::jti: {
      if (e.jti.empty() || e.exp <= now) return;  // nothing to refuse: it has expired
      auto it = s.jtis.find(e.jti);
      if (it != s.jtis.end()) {
        it->second = std::max(it->second, e.exp);
        return;
      }
      s.make_room(now);
      s.jtis.emplace(e.jti, e.exp);
      return;
    }
    case RevocationEvent::Type::grant: {
      if (e.grant.empty()) return;
      auto it = s.grants.find(e.grant);
      if (it != s.grants.end()) {
        it->second = std::max(it->second, now + ttl);
        return;
      }
      s.make_room(now);
      s.grants.emplace(e.grant, now + ttl);
      return;
    }
    case RevocationEvent::Type::subject: {
      if (e.sub.empty() || e.not_before + ttl <= now) return;
      auto it = s.subjects.find(e.sub);
      if (it != s.subjects.end()) {
        if (e.not_before > it->second.not_before) it->second = {e.not_before, e.not_before + ttl};
        return;
      }
      s.make_room(now);
      s.subjects.emplace(e.sub, Subject{e.not_before, e.not_before + ttl});
      return;
    }
  }
}

void DenyList::heard_from(std::int64_t now) {
  MutexLock lock(state_->mu);
  state_->heard = true;
  state_->heard_at = std::max(state_->heard_at, now);
}

void DenyList::resync(std::int64_t now) {
  MutexLock lock(state_->mu);
  state_->unknown_before = std::max(state_->unknown_before, now);
}

void DenyList::prune(std::int64_t now) {
  MutexLock lock(state_->mu);
  state_->prune(now);
}

std::size_t DenyList::size() const {
  SharedLock lock(state_->mu);
  return state_->size();
}

bool DenyList::is_revoked(std::string_view jti, std::string_view subject, std::string_view sid,
                          std::int64_t issued_at, std::int64_t now) const {
  const State& s = *state_;
  SharedLock lock(s.mu);
  if (!jti.empty()) {
    auto it = s.jtis.find(jti);
    if (it != s.jtis.end() && now < it->second) return true;
  }
  if (!sid.empty()) {
    auto it = s.grants.find(sid);
    if (it != s.grants.end() && now < it->second) return true;
  }
  if (!subject.empty()) {
    auto it = s.subjects.find(subject);
    if (it != s.subjects.end() && now < it->second.until && issued_at < it->second.not_before) return true;
  }
  return false;
}

bool DenyList::fresh(std::int64_t now) const {
  SharedLock lock(state_->mu);
  return state_->heard && now - state_->heard_at <= state_->options.max_stale;
}

std::int64_t DenyList::unknown_before() const {
  SharedLock lock(state_->mu);
  return state_->unknown_before;
}

}  // namespace tessera
