// The authorization server's keys now (signing_keys.hpp).
#include "service/signing_keys.hpp"

#include <limits>
#include <utility>

namespace tessera {

namespace {

Result<std::shared_ptr<const KeysNow>> make(const KeySet& set, const std::string& issuer, const Clock& clock,
                                            std::int64_t from, std::optional<std::int64_t> until) {
  auto keys = oauth::ServerKeys::create(set);
  if (!keys) return std::unexpected(keys.error());
  auto verifier = oauth::AccessVerifier::create(*keys, issuer, clock);
  if (!verifier) return std::unexpected(verifier.error());
  return std::make_shared<const KeysNow>(KeysNow{std::move(*keys), std::move(*verifier), from, until});
}

}  // namespace

Result<std::shared_ptr<const KeysNow>> SigningKeys::fixed(const KeySet& signing, const std::string& issuer,
                                                          const Clock& clock) {
  return make(signing, issuer, clock, std::numeric_limits<std::int64_t>::min(), std::nullopt);
}

Result<std::shared_ptr<const KeysNow>> SigningKeys::derive(const KeyRing& ring, std::int64_t t) const {
  // published() lists the primaries first, and ServerKeys signs with the first key of each kind.
  return make(ring.published(t), issuer_, clock_, t, ring.next_change(t));
}

Result<void> SigningKeys::set_ring(std::shared_ptr<const KeyRing> ring) {
  if (!ring) return fail(Errc::invalid_argument, "key ring: null");
  const auto t = clock_.now();
  const auto primaries = ring->signing(t);
  for (const Algorithm a : kKeyRingAlgorithms) {
    bool found = false;
    for (const auto& k : primaries.keys()) found = found || key_ring_group(k) == a;
    if (!found)
      return fail(Errc::invalid_argument, std::string("key ring: no primary ") +
                                              (a == Algorithm::EdDSA ? "Ed25519" : std::string(alg_name(a))) +
                                              " key now");
  }
  auto derived = derive(*ring, t);
  if (!derived) return std::unexpected(derived.error());
  MutexLock lock(mu_);
  ring_ = std::move(ring);
  current_ = std::move(*derived);
  return {};
}

std::shared_ptr<const KeysNow> SigningKeys::now() const {
  const auto t = clock_.now();
  MutexLock lock(mu_);
  const bool fresh = t >= current_->from && (!current_->until || t < *current_->until);
  if (fresh || !ring_) return current_;
  // A ring whose primaries exist now keeps one in every group later, so this only fails on a
  // clock that went back before the ring's keys: keep what signs now.
  if (auto d = derive(*ring_, t)) current_ = std::move(*d);
  return current_;
}

std::int64_t SigningKeys::max_age() const {
  const auto t = clock_.now();
  MutexLock lock(mu_);
  return ring_ ? ring_->max_age(t) : KeyRingPolicy{}.jwks_max_age;
}

}  // namespace tessera
