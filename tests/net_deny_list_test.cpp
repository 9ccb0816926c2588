// The resource server's deny list (tessera/deny_list.hpp): each event type and its end, a later
// not-before winning, pruning, the size bound (overflow distrusts the past instead of dropping a
// revocation), resync, freshness, and the option bounds.
#include "tessera/deny_list.hpp"

#include <gtest/gtest.h>

namespace tessera::test {
namespace {

constexpr std::int64_t kT0 = 1'700'000'000;
constexpr std::int64_t kTtl = 600;

std::shared_ptr<DenyList> list(DenyListOptions o = {.max_token_ttl = kTtl, .max_stale = 20, .max_entries = 100}) {
  auto d = DenyList::create(o);
  EXPECT_TRUE(d) << d.error().message;
  return *d;
}

RevocationEvent jti(std::string id, std::int64_t exp) { return {.type = RevocationEvent::Type::jti, .jti = std::move(id), .exp = exp}; }
RevocationEvent grant(std::string g) { return {.type = RevocationEvent::Type::grant, .sub = "alice", .grant = std::move(g)}; }
RevocationEvent subject(std::string s, std::int64_t nbf) {
  return {.type = RevocationEvent::Type::subject, .sub = std::move(s), .not_before = nbf};
}

TEST(NetDenyList, ARevokedJtiIsRefusedUntilItsExpiry) {
  auto d = list();
  d->apply(jti("j1", kT0 + 100), kT0);
  EXPECT_TRUE(d->is_revoked("j1", "alice", "", kT0 - 10, kT0));
  EXPECT_TRUE(d->is_revoked("j1", "alice", "", kT0 - 10, kT0 + 99));
  EXPECT_FALSE(d->is_revoked("j2", "alice", "", kT0 - 10, kT0));
  EXPECT_FALSE(d->is_revoked("j1", "alice", "", kT0 - 10, kT0 + 100));  // expired anyway
  d->prune(kT0 + 100);
  EXPECT_EQ(d->size(), 0u);
}

TEST(NetDenyList, AnAlreadyExpiredJtiIsNotKept) {
  auto d = list();
  d->apply(jti("old", kT0 - 1), kT0);
  EXPECT_EQ(d->size(), 0u);
}

TEST(NetDenyList, ARevokedGrantRefusesItsTokensForTheLongestTtl) {
  auto d = list();
  d->apply(grant("fam-1"), kT0);
  EXPECT_TRUE(d->is_revoked("any", "alice", "fam-1", kT0 - 5, kT0 + 1));
  EXPECT_TRUE(d->is_revoked("any", "alice", "fam-1", kT0 + 1, kT0 + kTtl - 1));
  EXPECT_FALSE(d->is_revoked("any", "alice", "fam-2", kT0 - 5, kT0 + 1));
  EXPECT_FALSE(d->is_revoked("any", "alice", "", kT0 - 5, kT0 + 1));
  EXPECT_FALSE(d->is_revoked("any", "alice", "fam-1", kT0, kT0 + kTtl));
}

TEST(NetDenyList, ASubjectNotBeforeRefusesOlderTokensOnly) {
  auto d = list();
  d->apply(subject("alice", kT0), kT0 + 1);
  EXPECT_TRUE(d->is_revoked("j", "alice", "", kT0 - 1, kT0 + 2));
  EXPECT_FALSE(d->is_revoked("j", "alice", "", kT0, kT0 + 2));  // issued at not_before: accepted
  EXPECT_FALSE(d->is_revoked("j", "bob", "", kT0 - 1, kT0 + 2));
  // Kept until not_before + the longest TTL: every older token has expired by then.
  EXPECT_TRUE(d->is_revoked("j", "alice", "", kT0 - 1, kT0 + kTtl - 1));
  d->prune(kT0 + kTtl);
  EXPECT_EQ(d->size(), 0u);
}

TEST(NetDenyList, ALaterNotBeforeWinsAndAnEarlierOneDoesNotUndoIt) {
  auto d = list();
  d->apply(subject("alice", kT0 + 50), kT0 + 50);
  d->apply(subject("alice", kT0 + 10), kT0 + 51);  // delivered late: older
  EXPECT_TRUE(d->is_revoked("j", "alice", "", kT0 + 20, kT0 + 60));
  d->apply(subject("alice", kT0 + 70), kT0 + 70);
  EXPECT_TRUE(d->is_revoked("j", "alice", "", kT0 + 60, kT0 + 71));
  EXPECT_EQ(d->size(), 1u);
}

TEST(NetDenyList, DuplicatedEventsAreIdempotent) {
  auto d = list();
  for (int i = 0; i < 3; ++i) {
    d->apply(jti("j1", kT0 + 100), kT0);
    d->apply(grant("g"), kT0);
    d->apply(subject("alice", kT0), kT0);
  }
  EXPECT_EQ(d->size(), 3u);
}

TEST(NetDenyList, OverflowForgetsAndDistrustsThePastInsteadOfDroppingARevocation) {
  auto d = list({.max_token_ttl = kTtl, .max_stale = 20, .max_entries = 3});
  for (int i = 0; i < 3; ++i) d->apply(jti("j" + std::to_string(i), kT0 + 100), kT0);
  EXPECT_EQ(d->unknown_before(), 0);
  d->apply(jti("j3", kT0 + 100), kT0 + 5);
  EXPECT_EQ(d->size(), 1u);
  EXPECT_TRUE(d->is_revoked("j3", "a", "", kT0, kT0 + 6));
  // j0..j2 are no longer listed, but every token issued before the overflow is now unknown.
  EXPECT_EQ(d->unknown_before(), kT0 + 5);
}

TEST(NetDenyList, ExpiredEntriesMakeRoomBeforeAnOverflow) {
  auto d = list({.max_token_ttl = kTtl, .max_stale = 20, .max_entries = 2});
  d->apply(jti("short", kT0 + 1), kT0);
  d->apply(jti("long", kT0 + 100), kT0);
  d->apply(jti("new", kT0 + 100), kT0 + 2);
  EXPECT_EQ(d->unknown_before(), 0);
  EXPECT_TRUE(d->is_revoked("long", "a", "", kT0, kT0 + 3));
  EXPECT_TRUE(d->is_revoked("new", "a", "", kT0, kT0 + 3));
}

TEST(NetDenyList, ResyncDistrustsWhatCameBeforeAndKeepsTheEntries) {
  auto d = list();
  d->apply(jti("j1", kT0 + 100), kT0);
  d->resync(kT0 + 10);
  EXPECT_EQ(d->unknown_before(), kT0 + 10);
  EXPECT_TRUE(d->is_revoked("j1", "a", "", kT0, kT0 + 11));
  d->resync(kT0 + 5);  // never moves back
  EXPECT_EQ(d->unknown_before(), kT0 + 10);
}

TEST(NetDenyList, FreshOnlyWithinMaxStaleOfTheLastAnswer) {
  auto d = list();
  EXPECT_FALSE(d->fresh(kT0));  // never heard from
  d->heard_from(kT0);
  EXPECT_TRUE(d->fresh(kT0));
  EXPECT_TRUE(d->fresh(kT0 + 20));
  EXPECT_FALSE(d->fresh(kT0 + 21));
  d->heard_from(kT0 + 21);
  EXPECT_TRUE(d->fresh(kT0 + 21));
}

TEST(NetDenyList, OptionsOutOfBoundsAreRefused) {
  for (auto o : {DenyListOptions{.max_token_ttl = 0}, DenyListOptions{.max_stale = 0}, DenyListOptions{.max_entries = 0}}) {
    auto d = DenyList::create(o);
    ASSERT_FALSE(d);
    EXPECT_EQ(d.error().code, Errc::invalid_argument);
  }
}

}  // namespace
}  // namespace tessera::test
