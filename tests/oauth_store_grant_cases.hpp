// The OAuthStore conformance cases for grants (refresh-token families): creation and
// tombstones, every branch of rotate_refresh and its race, remember_access, list_grants
// (registered by oauth_store_conformance.hpp).
// Thread safety: as oauth_store_fixture.hpp.
#pragma once

#include "oauth_store_fixture.hpp"

namespace tessera::test {
namespace oauth_conformance {

inline void grant_round_trip(T& t) {
  auto g = t.grant(T::unique("user"));
  g.access.push_back({T::unique("jti"), t.base() + 400});
  t.must_create(g);
  EXPECT_EQ(grant_fields(t.must_get(g.family_id)), grant_fields(g));
  auto bare = t.grant(g.user, 1);  // no access token, default client info, not DPoP-bound
  bare.access.clear();
  bare.client_info_json = "{}";
  bare.jkt.clear();
  t.must_create(bare);
  EXPECT_EQ(grant_fields(t.must_get(bare.family_id)), grant_fields(bare));
  EXPECT_FALSE(T::ok(t.store().get_grant(T::family_id())).has_value());
}

inline void create_grant_refuses_an_existing_id(T& t) {
  auto g = t.must_create(t.grant(T::unique("user")));
  auto other = t.grant(T::unique("user"));
  other.family_id = g.family_id;
  EXPECT_FALSE(T::ok(t.store().create_grant(other)));
  EXPECT_EQ(grant_fields(t.must_get(g.family_id)), grant_fields(g));
  EXPECT_TRUE(t.listed(other.user, t.base()).empty());
  auto bad = t.grant(T::unique("user"));
  bad.current_hash.clear();
  T::invalid(t.store().create_grant(bad));
}

// A code exchange racing the revocation of its family loses: the tombstone stays.
inline void create_grant_refused_after_tombstone(T& t) {
  auto g = t.grant(T::unique("user"));
  EXPECT_FALSE(T::ok(t.store().revoke_grant(g.family_id, t.base(), 120)).has_value());
  EXPECT_FALSE(T::ok(t.store().create_grant(g)));
  auto tomb = t.must_get(g.family_id);
  EXPECT_TRUE(tomb.revoked);
  EXPECT_TRUE(tomb.user.empty());
  EXPECT_TRUE(tomb.jkt.empty());
  EXPECT_EQ(tomb.absolute_expires_at, t.base() + 120);
  EXPECT_TRUE(t.listed(g.user, t.base()).empty());
  EXPECT_EQ(t.rotate(t.rotation(g, g.current_hash)).outcome, RotateOutcome::revoked);
}

inline void revoke_grant_returns_the_family_as_it_was(T& t) {
  auto g = t.must_create(t.grant(T::unique("user")));
  auto before = T::ok(t.store().revoke_grant(g.family_id, t.base() + 1, 120));
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(grant_fields(*before), grant_fields(g));
  auto after = g;
  after.revoked = true;
  EXPECT_EQ(grant_fields(t.must_get(g.family_id)), grant_fields(after));
  auto again = T::ok(t.store().revoke_grant(g.family_id, t.base() + 2, 120));
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(again->revoked);
  EXPECT_TRUE(t.listed(g.user, t.base()).empty());
}

inline void rotate_replaces_current(T& t) {
  auto g = t.grant(T::unique("user"));
  g.access = {{T::unique("jti"), t.base() + 5}, {T::unique("jti"), t.base() + 300}};  // the first expires first
  t.must_create(g);
  auto r = t.rotation(g, g.current_hash, 10);
  auto res = t.rotate(r);
  EXPECT_EQ(res.outcome, RotateOutcome::rotated);
  auto want = g;
  want.previous_hash = g.current_hash;
  want.current_hash = r.successor_hash;
  want.rotated_at = want.last_used_at = t.base() + 10;
  want.idle_expires_at = t.base() + 10 + 600;
  want.access = {g.access[1], r.issued};  // the expired entry pruned, the new one appended
  EXPECT_EQ(grant_fields(res.grant), grant_fields(want));
  EXPECT_EQ(grant_fields(t.must_get(g.family_id)), grant_fields(want));
  // A rotation without an access token to remember appends nothing.
  auto r2 = t.rotation(want, want.current_hash, 20);
  r2.issued = {};
  EXPECT_EQ(t.rotate(r2).grant.access.size(), 2u);
}

inline void rotate_idle_window_capped_by_absolute(T& t) {
  auto g = t.grant(T::unique("user"));
  g.absolute_expires_at = t.base() + 100;
  t.must_create(g);
  auto res = t.rotate(t.rotation(g, g.current_hash, 10));
  EXPECT_EQ(res.outcome, RotateOutcome::rotated);
  EXPECT_EQ(res.grant.idle_expires_at, t.base() + 100);
}

inline void grace_accepts_the_previous_token_once_rotated(T& t) {
  auto g = t.must_create(t.grant(T::unique("user")));
  auto first = t.rotation(g, g.current_hash, 10);
  auto rotated = t.rotate(first).grant;
  // The client lost the answer and presents the old token again, naming the current one.
  auto retry = t.rotation(rotated, g.current_hash, 15);
  retry.successor_hash = rotated.current_hash;
  auto res = t.rotate(retry);
  EXPECT_EQ(res.outcome, RotateOutcome::grace);
  auto want = rotated;
  want.access.push_back(retry.issued);  // remembered; nothing else moves
  EXPECT_EQ(grant_fields(res.grant), grant_fields(want));
  EXPECT_EQ(grant_fields(t.must_get(g.family_id)), grant_fields(want));
  // At the edge of the window (now - rotated_at == grace) still grace.
  retry.now = rotated.rotated_at + retry.grace;
  retry.issued = {};
  EXPECT_EQ(t.rotate(retry).outcome, RotateOutcome::grace);
}

inline void grace_refused_outside_the_window(T& t) {
  auto g = t.must_create(t.grant(T::unique("user")));
  auto rotated = t.rotate(t.rotation(g, g.current_hash, 10)).grant;
  auto late = t.rotation(rotated, g.current_hash, 10 + 11);  // grace 10
  late.successor_hash = rotated.current_hash;
  auto res = t.rotate(late);
  EXPECT_EQ(res.outcome, RotateOutcome::reused);
  EXPECT_TRUE(t.must_get(g.family_id).revoked);
}

inline void grace_refused_with_another_successor(T& t) {
  auto g = t.must_create(t.grant(T::unique("user")));
  auto rotated = t.rotate(t.rotation(g, g.current_hash, 10)).grant;
  auto retry = t.rotation(rotated, g.current_hash, 11);  // a fresh successor, not current
  EXPECT_EQ(t.rotate(retry).outcome, RotateOutcome::reused);
  EXPECT_TRUE(t.must_get(g.family_id).revoked);
}

inline void grace_zero_never(T& t) {
  auto g = t.must_create(t.grant(T::unique("user")));
  auto rotated = t.rotate(t.rotation(g, g.current_hash, 10)).grant;
  auto retry = t.rotation(rotated, g.current_hash, 10);  // the same second
  retry.successor_hash = rotated.current_hash;
  retry.grace = 0;
  EXPECT_EQ(t.rotate(retry).outcome, RotateOutcome::reused);
  EXPECT_TRUE(t.must_get(g.family_id).revoked);
}

// Only the immediate predecessor: the token two rotations back is a reuse even inside grace.
inline void grace_only_for_the_previous_token(T& t) {
  auto g = t.must_create(t.grant(T::unique("user")));
  auto r1 = t.rotate(t.rotation(g, g.current_hash, 10)).grant;
  auto r2 = t.rotate(t.rotation(r1, r1.current_hash, 11)).grant;
  auto retry = t.rotation(r2, g.current_hash, 12);
  retry.successor_hash = r2.current_hash;
  EXPECT_EQ(t.rotate(retry).outcome, RotateOutcome::reused);
}

inline void reuse_revokes_and_lists_the_access_tokens(T& t) {
  auto g = t.must_create(t.grant(T::unique("user")));
  auto r1 = t.rotation(g, g.current_hash, 10);
  auto rotated = t.rotate(r1).grant;
  auto thief = t.rotation(rotated, g.current_hash, 100);  // the old token, long after grace
  auto res = t.rotate(thief);
  EXPECT_EQ(res.outcome, RotateOutcome::reused);
  EXPECT_TRUE(res.grant.revoked);
  EXPECT_EQ(access_list(res.grant.access), access_list({g.access[0], r1.issued}));
  EXPECT_EQ(res.grant.current_hash, rotated.current_hash) << "a reuse rotates nothing";
  // Now the legitimate holder is refused too.
  EXPECT_EQ(t.rotate(t.rotation(rotated, rotated.current_hash, 101)).outcome, RotateOutcome::revoked);
  EXPECT_TRUE(t.listed(g.user, t.base()).empty());
  // An unknown token against a live family is a reuse as well.
  auto h = t.must_create(t.grant(g.user));
  EXPECT_EQ(t.rotate(t.rotation(h, T::hash())).outcome, RotateOutcome::reused);
}

inline void rotate_unknown_family_is_not_found(T& t) {
  auto g = t.grant(T::unique("user"));
  auto res = t.rotate(t.rotation(g, g.current_hash));
  EXPECT_EQ(res.outcome, RotateOutcome::not_found);
  EXPECT_TRUE(res.grant.family_id.empty());
  EXPECT_FALSE(T::ok(t.store().get_grant(g.family_id)).has_value());
  auto bad = t.rotation(g, g.current_hash);
  bad.grace = 61;
  T::invalid(t.store().rotate_refresh(bad));
  bad = t.rotation(g, "");
  T::invalid(t.store().rotate_refresh(bad));
}

inline void rotate_revoked_family(T& t) {
  auto g = t.must_create(t.grant(T::unique("user")));
  EXPECT_TRUE(T::ok(t.store().revoke_grant(g.family_id, t.base(), 60)).has_value());
  auto res = t.rotate(t.rotation(g, g.current_hash));
  EXPECT_EQ(res.outcome, RotateOutcome::revoked);
  EXPECT_EQ(res.grant.current_hash, g.current_hash);
}

// Expiry comes first and leaves the family as it is (even for a token that would be a reuse).
inline void rotate_expired_family(T& t) {
  auto g = t.must_create(t.grant(T::unique("user")));
  auto idle = t.rotation(g, g.current_hash, 600);  // idle_expires_at = base + 600
  EXPECT_EQ(t.rotate(idle).outcome, RotateOutcome::expired);
  auto reuse = t.rotation(g, T::hash(), 600);
  EXPECT_EQ(t.rotate(reuse).outcome, RotateOutcome::expired);
  EXPECT_EQ(grant_fields(t.must_get(g.family_id)), grant_fields(g));
  auto h = t.grant(g.user);
  h.idle_expires_at = t.base() + 5000;  // absolute (base + 3600) ends first
  t.must_create(h);
  EXPECT_EQ(t.rotate(t.rotation(h, h.current_hash, 3600)).outcome, RotateOutcome::expired);
  EXPECT_EQ(t.rotate(t.rotation(h, h.current_hash, 3599)).outcome, RotateOutcome::rotated);
}

// THE concurrency rule: N requests present the same token with distinct successors: exactly
// one rotates, every other sees a reuse, and the family ends revoked, so no two live
// successors ever exist.
inline void racing_rotations_never_leave_two_successors(T& t) {
  for (int round = 0; round < 5; ++round) {
    auto g = t.must_create(t.grant(T::unique("user")));
    constexpr int kThreads = 8;
    std::vector<RotateRequest> requests;
    for (int i = 0; i < kThreads; ++i) requests.push_back(t.rotation(g, g.current_hash, 1));
    std::atomic<int> rotated{0}, reused{0}, other{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i)
      threads.emplace_back([&, i] {
        auto r = t.store().rotate_refresh(requests[i]);
        if (!r) ++other;
        else if (r->outcome == RotateOutcome::rotated) ++rotated;
        else if (r->outcome == RotateOutcome::reused || r->outcome == RotateOutcome::revoked) ++reused;
        else ++other;
      });
    for (auto& th : threads) th.join();
    EXPECT_EQ(rotated.load(), 1);
    EXPECT_EQ(reused.load(), kThreads - 1);
    EXPECT_EQ(other.load(), 0);
    EXPECT_TRUE(t.must_get(g.family_id).revoked) << "a live successor survived the race";
  }
}

inline void remember_access_appends_and_prunes(T& t) {
  auto g = t.grant(T::unique("user"));
  g.access = {{T::unique("jti"), t.base() + 5}};
  t.must_create(g);
  const IssuedAccess a{T::unique("jti"), t.base() + 400};
  EXPECT_TRUE(T::ok(t.store().remember_access(g.family_id, a, t.base() + 5)));
  EXPECT_EQ(access_list(t.must_get(g.family_id).access), access_list({a}));
  EXPECT_FALSE(T::ok(t.store().remember_access(T::family_id(), a, t.base())));
  EXPECT_TRUE(T::ok(t.store().revoke_grant(g.family_id, t.base(), 60)).has_value());
  EXPECT_FALSE(T::ok(t.store().remember_access(g.family_id, {T::unique("jti"), t.base() + 400}, t.base() + 6)));
  EXPECT_EQ(access_list(t.must_get(g.family_id).access), access_list({a}));
}

inline void list_grants_live_oldest_first(T& t) {
  const auto user = T::unique("user");
  auto newest = t.grant(user, 30), oldest = t.grant(user, 10), middle = t.grant(user, 20);
  auto revoked = t.grant(user, 5), idle = t.grant(user, 6), other = t.grant(T::unique("user"), 1);
  idle.idle_expires_at = t.base() + 50;
  for (const auto* g : {&newest, &oldest, &middle, &revoked, &idle, &other}) t.must_create(*g);
  EXPECT_TRUE(T::ok(t.store().revoke_grant(revoked.family_id, t.base(), 60)).has_value());
  EXPECT_EQ(t.listed(user, t.base() + 40),
            (std::vector<std::string>{idle.family_id, oldest.family_id, middle.family_id, newest.family_id}));
  EXPECT_EQ(t.listed(user, t.base() + 50),
            (std::vector<std::string>{oldest.family_id, middle.family_id, newest.family_id}));
  EXPECT_EQ(grant_fields(T::ok(t.store().list_grants(user, t.base() + 50)).at(0)), grant_fields(oldest));
  EXPECT_TRUE(t.listed(T::unique("user"), t.base()).empty());
}

}  // namespace oauth_conformance
}  // namespace tessera::test
