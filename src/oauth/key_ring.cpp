// Signing keys on a schedule (tessera/key_ring.hpp).
#include "tessera/key_ring.hpp"

#include <algorithm>
#include <limits>
#include <set>
#include <string>
#include <tuple>

#include <fmt/format.h>

#include "tessera/paseto_jwk.hpp"

namespace tessera {

namespace {

std::size_t group_index(Algorithm a) {
  for (std::size_t i = 0; i < std::size(kKeyRingAlgorithms); ++i)
    if (kKeyRingAlgorithms[i] == a) return i;
  return std::size(kKeyRingAlgorithms);
}

Result<void> bad(std::string_view setting, std::string_view why) {
  return fail(Errc::invalid_argument, fmt::format("{}: {}", setting, why));
}

}  // namespace

std::string_view key_state_name(KeyState s) noexcept {
  switch (s) {
    case KeyState::next: return "next";
    case KeyState::primary: return "primary";
    case KeyState::retiring: return "retiring";
    case KeyState::retired: return "retired";
  }
  return "?";
}

std::optional<Algorithm> key_ring_group(const Key& key) noexcept {
  if (key.kty() == "EC" && key.allows(Algorithm::ES256)) return Algorithm::ES256;
  if (key.kty() == "OKP" && key.allows(Algorithm::EdDSA)) return Algorithm::EdDSA;
  if (key.kty() == "RSA" && key.allows(Algorithm::RS256)) return Algorithm::RS256;
  return std::nullopt;
}

Result<void> check_key_ring_policy(const KeyRingPolicy& p) {
  if (p.jwks_max_age < 1) return bad("jwks_max_age", "must be at least 1 second");
  if (p.publish_ahead < 0) return bad("publish_ahead", "must not be negative");
  if (p.effective_publish_ahead() < p.jwks_max_age + kKeyNoticeDelay)
    return bad("publish_ahead",
               fmt::format("must be at least jwks_max_age + {} s ({} s), so that a verifier caching the JWKS for its "
                           "max-age has a new key before it signs (got {} s)",
                           kKeyNoticeDelay, p.jwks_max_age + kKeyNoticeDelay, p.effective_publish_ahead()));
  if (p.max_token_ttl < 1) return bad("max_token_ttl", "must be at least 1 second");
  if (p.retire_leeway < 0) return bad("retire_leeway", "must not be negative");
  if (p.rotation_interval < 0) return bad("key_rotation_interval", "must not be negative");
  if (p.rotation_interval != 0 && p.rotation_interval < p.effective_publish_ahead())
    return bad("key_rotation_interval",
               fmt::format("must be 0 (manual) or at least publish_ahead ({} s), else keys would pile up as next",
                           p.effective_publish_ahead()));
  return {};
}

Result<KeyRing> KeyRing::create(std::vector<KeyRingEntry> entries, KeyRingPolicy policy) {
  if (auto ok = check_key_ring_policy(policy); !ok) return std::unexpected(ok.error());
  std::set<std::string, std::less<>> kids;
  for (const auto& e : entries) {
    const auto& k = e.key;
    if (!key_ring_group(k) || !k.can_sign())
      return fail(Errc::invalid_argument, fmt::format("key {}: not a private ES256, Ed25519 or RS256 signing key", k.kid()));
    if (!kids.insert(k.kid()).second) return fail(Errc::invalid_argument, fmt::format("key {}: kid used twice", k.kid()));
    if (k.kty() == "OKP") {
      auto pid = paseto::v4_pid(k);
      if (!pid) return std::unexpected(pid.error());
      if (*pid != k.kid())
        return fail(Errc::invalid_argument, fmt::format("key {}: an Ed25519 key's kid must be its PASERK pid", k.kid()));
    }
  }
  KeyRing ring(std::move(entries), policy);
  // Group, then schedule order: activates_at, created_at, kid (the last of equals wins).
  std::sort(ring.entries_.begin(), ring.entries_.end(), [&ring](const KeyRingEntry& a, const KeyRingEntry& b) {
    const auto ga = group_index(*key_ring_group(a.key));
    const auto gb = group_index(*key_ring_group(b.key));
    return std::make_tuple(ga, ring.activates_at(a), a.created_at, std::string_view(a.key.kid())) <
           std::make_tuple(gb, ring.activates_at(b), b.created_at, std::string_view(b.key.kid()));
  });
  return ring;
}

std::int64_t KeyRing::activates_at(const KeyRingEntry& e) const noexcept {
  return e.activates_at.value_or(e.created_at + policy_.effective_publish_ahead());
}

std::vector<KeyStatus> KeyRing::status(std::int64_t now) const {
  std::vector<KeyStatus> out;
  out.reserve(entries_.size());
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    KeyStatus s;
    s.entry = &entries_[i];
    s.group = *key_ring_group(entries_[i].key);
    s.activates_at = activates_at(entries_[i]);
    const bool has_successor = i + 1 < entries_.size() && *key_ring_group(entries_[i + 1].key) == s.group;
    std::optional<std::int64_t> superseded;
    if (has_successor) {
      superseded = activates_at(entries_[i + 1]);
      s.retires_at = *superseded + policy_.retire_after();
    }
    if (s.activates_at > now) s.state = KeyState::next;
    else if (!superseded || *superseded > now) s.state = KeyState::primary;
    else if (now < *s.retires_at) s.state = KeyState::retiring;
    else s.state = KeyState::retired;
    out.push_back(s);
  }
  return out;
}

KeySet KeyRing::signing(std::int64_t now) const {
  KeySet out;
  for (const auto& s : status(now))
    if (s.state == KeyState::primary) (void)out.add(s.entry->key);  // kids are unique (create)
  return out;
}

KeySet KeyRing::published(std::int64_t now) const {
  KeySet out = signing(now);
  for (const auto& s : status(now))
    if (s.state == KeyState::next || s.state == KeyState::retiring) (void)out.add(s.entry->key);
  return out;
}

std::int64_t KeyRing::max_age(std::int64_t) const noexcept { return policy_.jwks_max_age; }

std::optional<std::int64_t> KeyRing::next_change(std::int64_t now) const {
  std::optional<std::int64_t> out;
  const auto consider = [&](std::int64_t t) {
    if (t > now && (!out || t < *out)) out = t;
  };
  for (const auto& s : status(now)) {
    consider(s.activates_at);
    if (s.retires_at) consider(*s.retires_at);
  }
  return out;
}

std::vector<Algorithm> KeyRing::rotation_due(std::int64_t now) const {
  std::vector<Algorithm> out;
  if (policy_.rotation_interval == 0) return out;
  const auto st = status(now);
  for (std::size_t i = 0; i < st.size(); ++i) {
    const bool newest = i + 1 == st.size() || st[i + 1].group != st[i].group;
    if (newest && st[i].activates_at + policy_.rotation_interval - policy_.effective_publish_ahead() <= now)
      out.push_back(st[i].group);
  }
  return out;
}

bool KeyRing::has_next(Algorithm group, std::int64_t now) const {
  for (const auto& s : status(now))
    if (s.group == group && s.state == KeyState::next) return true;
  return false;
}

}  // namespace tessera
