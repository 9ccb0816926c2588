// KeyRing: signing keys on a schedule (docs/keys.md). Each entry is a private signing key with
// the time it was created and the time it starts signing (activates_at). Keys are grouped by
// what they sign with: ES256, Ed25519 (EdDSA JWS and PASETO v4.public; kid = its PASERK
// k4.pid) and RS256. In a group, at time `now`:
//  - primary:  the key with the latest activates_at <= now (ties: the later created_at, then
//              the greater kid) — it signs;
//  - next:     activates_at > now — published, not yet signing;
//  - retiring: superseded at t (its successor's activates_at <= now) and now < t + retire_after
//              — published, no longer signing, so every token it signed can still be verified;
//  - retired:  now >= t + retire_after — no longer published.
// A key's activates_at is its entry's own when set, else created_at + publish_ahead: every
// instance reading the same key files computes the same schedule.
//
// The policy's rule (checked by create): publish_ahead >= jwks_max_age + kKeyNoticeDelay, so a
// verifier that caches the JWKS for its full max-age has fetched a new key before that key
// signs (a key file is noticed by a running server within kKeyNoticeDelay).
// Pure: no clock and no I/O of its own; every question takes `now`.
// Thread safety: immutable once made; share it freely (set_key_ring takes a shared_ptr).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "tessera/error.hpp"
#include "tessera/keys.hpp"

namespace tessera {

// How long a running server may take to notice a key file added by another process.
inline constexpr std::int64_t kKeyNoticeDelay = 1;

enum class KeyState { next, primary, retiring, retired };
std::string_view key_state_name(KeyState s) noexcept;  // "next", "primary", "retiring", "retired"

// The groups: the algorithm a key signs with (Ed25519 keys: EdDSA, also for PASETO v4.public).
inline constexpr Algorithm kKeyRingAlgorithms[] = {Algorithm::ES256, Algorithm::EdDSA, Algorithm::RS256};
// The group of a key (an EC P-256 key bound to ES256, an OKP key allowing EdDSA, an RSA key
// bound to RS256); nullopt for any other key.
std::optional<Algorithm> key_ring_group(const Key& key) noexcept;

// Each default is written here once; `tessera serve` maps its settings onto these members.
struct KeyRingPolicy {
  std::int64_t jwks_max_age = 300;       // seconds, >= 1: the JWKS's Cache-Control max-age
  std::int64_t publish_ahead = 0;        // seconds a key is published before it signs; 0: 2 * jwks_max_age
  std::int64_t max_token_ttl = 86400;    // the longest lifetime of a token signed with these keys
  std::int64_t retire_leeway = 60;       // verifiers' clock tolerance and instances' clock skew
  std::int64_t rotation_interval = 0;    // seconds a key is primary before its successor; 0: manual only

  std::int64_t effective_publish_ahead() const noexcept { return publish_ahead != 0 ? publish_ahead : 2 * jwks_max_age; }
  // How long a superseded key stays published: max_token_ttl + retire_leeway.
  std::int64_t retire_after() const noexcept { return max_token_ttl + retire_leeway; }
};

// invalid_argument naming the setting: jwks_max_age < 1, publish_ahead < 0 or (as effective)
// below jwks_max_age + kKeyNoticeDelay, max_token_ttl < 1, retire_leeway < 0, rotation_interval
// < 0 or (when set) below publish_ahead (more than one next key at a time).
Result<void> check_key_ring_policy(const KeyRingPolicy& p);

struct KeyRingEntry {
  Key key;                                  // private; its group from key_ring_group
  std::int64_t created_at = 0;
  std::optional<std::int64_t> activates_at;  // nullopt: created_at + publish_ahead
};

// A key and where it stands at some `now`.
struct KeyStatus {
  const KeyRingEntry* entry = nullptr;
  Algorithm group = Algorithm::ES256;
  std::int64_t activates_at = 0;
  std::optional<std::int64_t> retires_at;  // when its successor is known: superseded + retire_after
  KeyState state = KeyState::next;
};

class KeyRing {
 public:
  // invalid_argument: a bad policy, an entry that is not a private signing key of a group, two
  // entries with one kid, an Ed25519 key whose kid is not its PASERK pid.
  static Result<KeyRing> create(std::vector<KeyRingEntry> entries, KeyRingPolicy policy);

  const KeyRingPolicy& policy() const noexcept { return policy_; }
  const std::vector<KeyRingEntry>& entries() const noexcept { return entries_; }
  std::int64_t activates_at(const KeyRingEntry& e) const noexcept;

  // Every entry with its state, by group (ES256, EdDSA, RS256), each in schedule order.
  std::vector<KeyStatus> status(std::int64_t now) const;
  // The primaries (private), one per group that has one.
  KeySet signing(std::int64_t now) const;
  // Primaries first, then next and retiring keys (private: the server signs and verifies with
  // them; publish their public halves).
  KeySet published(std::int64_t now) const;
  // The JWKS max-age to send now: jwks_max_age (the policy rule makes it safe at all times).
  std::int64_t max_age(std::int64_t now) const noexcept;
  // The first instant after now at which some key changes state; nullopt: none will.
  std::optional<std::int64_t> next_change(std::int64_t now) const;
  // The groups whose newest key must be followed by a new one now (rotation_interval set):
  // newest activates_at + rotation_interval - publish_ahead <= now.
  std::vector<Algorithm> rotation_due(std::int64_t now) const;
  // Whether the group has a next key now.
  bool has_next(Algorithm group, std::int64_t now) const;

 private:
  KeyRing(std::vector<KeyRingEntry> e, KeyRingPolicy p) : entries_(std::move(e)), policy_(p) {}
  std::vector<KeyRingEntry> entries_;  // by group, then schedule order
  KeyRingPolicy policy_;
};

}  // namespace tessera
