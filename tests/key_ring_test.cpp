// KeyRing (tessera/key_ring.hpp): every state transition, ties, retire_after, the publish_ahead
// default, automatic rotation, next_change, and the policy rules.
#include <gtest/gtest.h>

#include <algorithm>

#include "key_ring_keys.hpp"

namespace tessera::test {
namespace {

constexpr std::int64_t T0 = 1'700'000'000;

KeyRingPolicy policy() {
  KeyRingPolicy p;
  p.jwks_max_age = 10;
  p.publish_ahead = 30;
  p.max_token_ttl = 100;
  p.retire_leeway = 5;  // retire_after = 105
  return p;
}

KeyState state_of(const KeyRing& r, const std::string& kid, std::int64_t now) {
  for (const auto& s : r.status(now))
    if (s.entry->key.kid() == kid) return s.state;
  ADD_FAILURE() << "no key " << kid;
  return KeyState::retired;
}

bool has(const KeySet& set, const std::string& kid) { return set.find(kid) != nullptr; }

TEST(KeyRing, ANewKeyIsNextThenPrimaryAndItsPredecessorRetiringThenRetired) {
  const Key old = ring_es256(), fresh = ring_es256();
  // fresh created at T0 + 50: activates at T0 + 80 (publish_ahead 30).
  auto r = KeyRing::create({entry(old, 0), entry(fresh, T0 + 50)}, policy());
  ASSERT_TRUE(r) << r.error().message;
  // Before fresh exists in the file system it is simply not in the ring; once it is: next.
  EXPECT_EQ(state_of(*r, fresh.kid(), T0 + 50), KeyState::next);
  EXPECT_EQ(state_of(*r, old.kid(), T0 + 50), KeyState::primary);
  EXPECT_EQ(state_of(*r, fresh.kid(), T0 + 79), KeyState::next);
  EXPECT_EQ(state_of(*r, old.kid(), T0 + 79), KeyState::primary);
  // At activates_at the successor signs; the old key is retiring for retire_after (105 s).
  EXPECT_EQ(state_of(*r, fresh.kid(), T0 + 80), KeyState::primary);
  EXPECT_EQ(state_of(*r, old.kid(), T0 + 80), KeyState::retiring);
  EXPECT_EQ(state_of(*r, old.kid(), T0 + 80 + 104), KeyState::retiring);
  EXPECT_EQ(state_of(*r, old.kid(), T0 + 80 + 105), KeyState::retired);
  EXPECT_EQ(state_of(*r, fresh.kid(), T0 + 80 + 105), KeyState::primary);
}

TEST(KeyRing, SigningHoldsThePrimariesAndPublishedAddsNextAndRetiringButNotRetired) {
  const Key a = ring_es256(), b = ring_es256();
  // a active since 0; b activates at T0 + 30; a retires at T0 + 30 + 105.
  auto r = KeyRing::create({entry(a, 0), entry(b, T0)}, policy());
  ASSERT_TRUE(r);
  const auto s1 = r->signing(T0 + 10), p1 = r->published(T0 + 10);
  EXPECT_TRUE(has(s1, a.kid()) && s1.size() == 1);
  EXPECT_TRUE(has(p1, a.kid()) && has(p1, b.kid()) && p1.size() == 2);  // b next
  EXPECT_EQ(p1.keys().front().kid(), a.kid());                          // primaries first
  const auto s2 = r->signing(T0 + 40), p2 = r->published(T0 + 40);
  EXPECT_TRUE(has(s2, b.kid()) && s2.size() == 1);
  EXPECT_TRUE(has(p2, a.kid()) && has(p2, b.kid()));  // a retiring
  EXPECT_EQ(p2.keys().front().kid(), b.kid());
  const auto p3 = r->published(T0 + 30 + 105);
  EXPECT_FALSE(has(p3, a.kid()));  // a retired
  EXPECT_EQ(p3.size(), 1u);
}

TEST(KeyRing, PrimaryIsTheLatestActivatedAndTiesGoToTheLaterCreatedThenTheGreaterKid) {
  const Key a = ring_es256(), b = ring_es256();
  // Same activates_at, different created_at: the later created wins.
  auto r = KeyRing::create({entry(a, T0 + 5, T0 + 10), entry(b, T0 + 1, T0 + 10)}, policy());
  ASSERT_TRUE(r);
  EXPECT_EQ(state_of(*r, a.kid(), T0 + 10), KeyState::primary);
  EXPECT_EQ(state_of(*r, b.kid(), T0 + 10), KeyState::retiring);
  // Same activates_at and created_at: the greater kid wins, whatever the order given.
  const auto& greater = std::max(a.kid(), b.kid());
  for (bool swap : {false, true}) {
    std::vector<KeyRingEntry> e{entry(a, T0, T0 + 10), entry(b, T0, T0 + 10)};
    if (swap) std::swap(e[0], e[1]);
    auto t = KeyRing::create(std::move(e), policy());
    ASSERT_TRUE(t);
    EXPECT_EQ(t->signing(T0 + 10).keys().front().kid(), greater);
  }
}

TEST(KeyRing, GroupsRotateIndependently) {
  auto e = one_of_each(0);
  const Key es2 = ring_es256();
  e.push_back(entry(es2, T0));
  auto r = KeyRing::create(std::move(e), policy());
  ASSERT_TRUE(r);
  const auto s = r->signing(T0 + 30);
  ASSERT_EQ(s.size(), 3u);
  EXPECT_TRUE(has(s, es2.kid()));
  EXPECT_EQ(r->published(T0 + 30).size(), 4u);  // the old ES256 key retiring
  EXPECT_TRUE(r->has_next(Algorithm::ES256, T0 + 29));
  EXPECT_FALSE(r->has_next(Algorithm::EdDSA, T0 + 29));
}

TEST(KeyRing, PublishAheadDefaultsToTwiceTheMaxAge) {
  KeyRingPolicy p = policy();
  p.publish_ahead = 0;
  EXPECT_EQ(p.effective_publish_ahead(), 20);
  const Key a = ring_es256(), b = ring_es256();
  auto r = KeyRing::create({entry(a, 0), entry(b, T0)}, p);
  ASSERT_TRUE(r);
  EXPECT_EQ(state_of(*r, b.kid(), T0 + 19), KeyState::next);
  EXPECT_EQ(state_of(*r, b.kid(), T0 + 20), KeyState::primary);
  EXPECT_EQ(r->max_age(T0), 10);
}

TEST(KeyRing, NextChangeIsTheEarliestActivationOrRetirement) {
  const Key a = ring_es256(), b = ring_es256();
  auto r = KeyRing::create({entry(a, 0), entry(b, T0)}, policy());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->next_change(T0), T0 + 30);
  EXPECT_EQ(r->next_change(T0 + 30), T0 + 30 + 105);
  EXPECT_EQ(r->next_change(T0 + 30 + 105), std::nullopt);
}

TEST(KeyRing, RotationIsDueWhenTheNewestKeyHasSignedForTheIntervalLessPublishAhead) {
  KeyRingPolicy p = policy();
  p.rotation_interval = 100;
  const Key a = ring_es256();
  auto r = KeyRing::create({entry(a, T0, T0)}, p);
  ASSERT_TRUE(r);
  // Its successor must activate at T0 + 100, so it is written at T0 + 70.
  EXPECT_TRUE(r->rotation_due(T0 + 69).empty());
  EXPECT_EQ(r->rotation_due(T0 + 70), std::vector<Algorithm>{Algorithm::ES256});
  // Once the successor exists (written at T0 + 70), nothing is due until its own turn.
  const Key b = ring_es256();
  auto r2 = KeyRing::create({entry(a, T0, T0), entry(b, T0 + 70)}, p);
  ASSERT_TRUE(r2);
  EXPECT_TRUE(r2->rotation_due(T0 + 70).empty());
  EXPECT_TRUE(r2->rotation_due(T0 + 169).empty());
  EXPECT_EQ(r2->rotation_due(T0 + 170).size(), 1u);
  // Manual only (interval 0): never due.
  auto manual = KeyRing::create({entry(a, T0, T0)}, policy());
  EXPECT_TRUE(manual->rotation_due(T0 + 1'000'000).empty());
}

TEST(KeyRing, APolicyThatWouldLetAKeySignBeforeCachesHaveItIsRefused) {
  KeyRingPolicy p = policy();
  p.publish_ahead = p.jwks_max_age;  // a cache fetched just before the key appeared still lacks it
  auto r = KeyRing::create({}, p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_NE(r.error().message.find("publish_ahead"), std::string::npos);
  p.publish_ahead = p.jwks_max_age + kKeyNoticeDelay;
  EXPECT_TRUE(KeyRing::create({}, p));
  using Change = void (*)(KeyRingPolicy&);
  for (Change bad : std::vector<Change>{[](KeyRingPolicy& q) { q.jwks_max_age = 0; }, [](KeyRingPolicy& q) { q.publish_ahead = -1; },
                   [](KeyRingPolicy& q) { q.max_token_ttl = 0; }, [](KeyRingPolicy& q) { q.retire_leeway = -1; },
                   [](KeyRingPolicy& q) { q.rotation_interval = -1; },
                   [](KeyRingPolicy& q) { q.rotation_interval = 29; }}) {
    KeyRingPolicy q = policy();
    bad(q);
    auto e = check_key_ring_policy(q);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, Errc::invalid_argument);
  }
}

TEST(KeyRing, EntriesMustBeUniquePrivateSigningKeysOfAGroup) {
  const Key a = ring_es256();
  auto twice = KeyRing::create({entry(a, 0), entry(a, 1)}, policy());
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code, Errc::invalid_argument);
  auto pub = KeyRing::create({entry(*a.public_key(), 0)}, policy());
  ASSERT_FALSE(pub);
  auto p384 = KeyRing::create({entry(*Key::generate(KeySpec::p384), 0)}, policy());
  ASSERT_FALSE(p384);
  auto hmac = KeyRing::create({entry(*Key::generate(KeySpec::hs256), 0)}, policy());
  ASSERT_FALSE(hmac);
  // An Ed25519 key must be named by its PASERK pid (PASETO footers carry it).
  auto ed = Key::generate(KeySpec::ed25519);
  auto misnamed = KeyRing::create({entry(*ed, 0)}, policy());
  ASSERT_FALSE(misnamed);
  EXPECT_NE(misnamed.error().message.find("pid"), std::string::npos);
}

}  // namespace
}  // namespace tessera::test
