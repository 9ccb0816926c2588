// A GoogleTest conformance suite for any SessionStore backend: the contract of
// include/tessera/session_store.hpp, written once, run against memory, SQLite and Redis.
// In a backend's test file (a fresh store per test; a nullptr factory result skips the test):
//   TESSERA_STORE_CONFORMANCE(memory, {}, [] { return tessera::store::make_memory_store(); });
//   TESSERA_STORE_CONFORMANCE(redis, tessera::test::ConformanceOptions{.native_expiry = true},
//                             [] { ... return nullptr if no server ... });
// registers "StoreConformance/<backend>.<case>". Unique user names and random id hashes make a
// shared Redis (or a reused SQLite file) fine.
// What the suite pins down beyond the header comments:
//  - Live at t: !revoked && t < idle_expires_at && t < absolute_expires_at. create()'s bound
//    counts sessions live at r.created_at (the new one included); list(user, now) is live-at-now.
//  - Eviction revokes the oldest live sessions by created_at and returns only those it revoked.
//  - A tombstone (revoke, rotate, eviction) keeps every other field unchanged.
//  - Times are near the real clock (expiries in the future) so native TTLs keep the records;
//    with native_expiry, sweep() may return 0 and need not delete.
// Thread safety: registration runs during static initialisation; tests run one at a time.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <tuple>
#include <utility>
#include <vector>

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"
#include "tessera/clock.hpp"
#include "tessera/session_store.hpp"

namespace tessera::test {

using StoreFactory = std::function<std::unique_ptr<SessionStore>()>;

struct ConformanceOptions {
  bool native_expiry = false;  // sweep() may leave expired records to the backend's TTLs
};

// Every field, compared once for every backend (and reused by session_test.cpp).
// The CSRF secret as the text the stores keep (a SecretBytes, read with SecretAccess).
inline std::string csrf_text(const SessionRecord& r) {
  const auto b = r.csrf_secret.reveal(SecretAccess{});
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}
inline auto record_fields(const SessionRecord& r) {
  return std::make_tuple(r.id_hash, r.user, r.created_at, r.last_seen_at, r.idle_expires_at, r.absolute_expires_at,
                         r.revoked, csrf_text(r), r.client.ip, r.client.user_agent, r.client.device_label,
                         r.attributes_json, r.generation);
}
inline void expect_same_record(const SessionRecord& a, const SessionRecord& b) {
  EXPECT_EQ(record_fields(a), record_fields(b));
}

// A fresh random id hash of the real shape: base64url(SHA-256(32 random bytes)).
inline std::string random_id_hash() { return codec::base64url_encode(crypto::sha256(crypto::random_bytes(32))); }

// The fixture every conformance case runs in; Body is the case itself.
class StoreConformanceTest : public ::testing::Test {
 public:
  using Body = void (*)(StoreConformanceTest&);
  StoreConformanceTest(StoreFactory make, ConformanceOptions options, Body body)
      : make_(std::move(make)), options_(options), body_(body) {}

  void SetUp() override {
    if (!(store_ = make_())) GTEST_SKIP() << "store backend not available";
  }
  void TestBody() override { body_(*this); }

  SessionStore& store() { return *store_; }
  const ConformanceOptions& options() const { return options_; }
  std::int64_t base() const { return base_; }

  // A user name no other test (or earlier run against a shared store) uses.
  std::string user(std::string_view tag) const {
    return "conf-" + std::string(tag) + "-" + codec::hex_encode(crypto::random_bytes(8));
  }
  // A live record created at base + offset, idle window 1800 s, absolute 3600 s.
  SessionRecord record(const std::string& user_name, std::int64_t offset = 0) const {
    const std::int64_t t = base_ + offset;
    ClientInfo client{"203.0.113.7", "Mozilla/5.0 (X11; Linux x86_64) \"quoted\"; a=b", "laptop"};
    std::string csrf = codec::base64url_encode(crypto::random_bytes(32));
    std::string attrs = R"({"role":"admin","n":[1,2,{"k":"v"}],"s":"caf\u00e9 \"q\" :;{x}"})";
    return {random_id_hash(), user_name, t, t, t + 1800, t + 3600, false, SecretBytes(csrf), client, attrs};
  }
  std::vector<SessionRecord> records(const std::string& user_name, int n, std::int64_t from = 0) const {
    std::vector<SessionRecord> rs;
    for (int i = 0; i < n; ++i) rs.push_back(record(user_name, from + i));
    return rs;
  }
  // The value of a call that must succeed; a store error fails the test (and gives V{}).
  template <class V>
  static V ok(Result<V> r) {
    if (r) return std::move(*r);
    ADD_FAILURE() << "store error: " << r.error().name() << ": " << r.error().message;
    return V{};
  }
  // get() that must find the record.
  SessionRecord must_get(std::string_view id_hash) {
    auto r = ok(store().get(id_hash));
    if (!r) ADD_FAILURE() << "record missing: " << id_hash;
    return r.value_or(SessionRecord{});
  }
  bool absent(std::string_view id_hash) { return !ok(store().get(id_hash)); }
  void must_create(const SessionRecord& r, std::size_t max_per_user = 0) {
    EXPECT_TRUE(ok(store().create(r, max_per_user)).empty()) << "unexpected eviction";
  }
  std::vector<std::string> list_hashes(std::string_view user_name, std::int64_t now) {
    std::vector<std::string> out;
    for (const auto& r : ok(store().list(user_name, now))) out.push_back(r.id_hash);
    return out;
  }

 private:
  StoreFactory make_;
  ConformanceOptions options_;
  Body body_;
  std::unique_ptr<SessionStore> store_;
  std::int64_t base_ = SystemClock::instance().now();
};

namespace conformance {

using T = StoreConformanceTest;

inline SessionRecord as_tombstone(SessionRecord r) { return r.revoked = true, r; }

inline void create_get_round_trip(T& t) {
  auto r = t.record(t.user("round{trip}: \"x\"\t\xc3\xa9"), 5);  // user names are arbitrary text
  r.last_seen_at = r.created_at + 7;
  r.idle_expires_at = r.created_at + 1234;
  t.must_create(r);
  expect_same_record(t.must_get(r.id_hash), r);
  // Empty client fields and the minimal attributes survive too.
  auto e = t.record(r.user, 6);
  e.client = {};
  e.attributes_json = "{}";
  t.must_create(e);
  expect_same_record(t.must_get(e.id_hash), e);
  EXPECT_EQ(t.list_hashes(r.user, t.base()), (std::vector<std::string>{r.id_hash, e.id_hash}));
}

inline void get_unknown_is_nullopt(T& t) {
  EXPECT_TRUE(t.absent(random_id_hash()));
  EXPECT_TRUE(t.absent(""));
}

inline void create_unbounded_evicts_nothing(T& t) {
  auto u = t.user("unbounded");
  for (int i = 0; i < 5; ++i) t.must_create(t.record(u, i), 0);
  EXPECT_EQ(t.list_hashes(u, t.base() + 10).size(), 5u);
}

inline void create_evicts_oldest_beyond_bound(T& t) {
  auto u = t.user("bound");
  auto rs = t.records(u, 5, 10);
  // Inserted out of created_at order: eviction goes by created_at, not by insertion.
  for (int i : {1, 0, 2}) t.must_create(rs[i], 3);
  EXPECT_EQ(T::ok(t.store().create(rs[3], 3)), std::vector<std::string>{rs[0].id_hash});
  expect_same_record(t.must_get(rs[0].id_hash), as_tombstone(rs[0]));
  // A tighter bound evicts several at once.
  auto c = T::ok(t.store().create(rs[4], 2));
  EXPECT_EQ(std::set<std::string>(c.begin(), c.end()), (std::set<std::string>{rs[1].id_hash, rs[2].id_hash}));
  EXPECT_EQ(c.size(), 2u);
  EXPECT_TRUE(t.must_get(rs[1].id_hash).revoked);
  EXPECT_TRUE(t.must_get(rs[2].id_hash).revoked);
  EXPECT_EQ(t.list_hashes(u, t.base() + 20), (std::vector<std::string>{rs[3].id_hash, rs[4].id_hash}));
}

// Two logins in the same second with a bound of 1: the new session survives, whatever the
// id hashes' order.
inline void eviction_keeps_the_new_session_on_ties(T& t) {
  for (int round = 0; round < 8; ++round) {
    auto u = t.user("bound-tie");
    auto first = t.record(u, 0), second = t.record(u, 0);
    t.must_create(first, 1);
    EXPECT_EQ(T::ok(t.store().create(second, 1)), std::vector<std::string>{first.id_hash});
    EXPECT_FALSE(t.must_get(second.id_hash).revoked);
    EXPECT_TRUE(t.must_get(first.id_hash).revoked);
  }
}

inline void eviction_counts_only_live_sessions(T& t) {
  auto u = t.user("bound-live");
  auto revoked = t.record(u, 0), expired = t.record(u, 1), idle = t.record(u, 2), live = t.record(u, 3);
  expired.absolute_expires_at = t.base() + 50;
  idle.idle_expires_at = t.base() + 50;
  for (const auto* r : {&revoked, &expired, &idle, &live}) t.must_create(*r);
  EXPECT_TRUE(T::ok(t.store().revoke(revoked.id_hash)));
  // At created_at = base + 100 only `live` and the new one are live: a bound of 2 holds.
  t.must_create(t.record(u, 100), 2);
  EXPECT_FALSE(t.must_get(live.id_hash).revoked);
  EXPECT_FALSE(t.must_get(expired.id_hash).revoked);
}

inline void touch_slides_window(T& t) {
  auto r = t.record(t.user("touch"));
  t.must_create(r);
  EXPECT_TRUE(T::ok(t.store().touch(r.id_hash, r.created_at + 60, r.created_at + 1860)));
  auto want = r;
  want.last_seen_at = r.created_at + 60;
  want.idle_expires_at = r.created_at + 1860;
  expect_same_record(t.must_get(r.id_hash), want);
  EXPECT_FALSE(T::ok(t.store().touch(random_id_hash(), r.created_at, r.created_at + 10)));
  EXPECT_TRUE(T::ok(t.store().revoke(r.id_hash)));
  EXPECT_FALSE(T::ok(t.store().touch(r.id_hash, r.created_at + 120, r.created_at + 1920)));
  expect_same_record(t.must_get(r.id_hash), as_tombstone(want));
}

inline void rotate_is_atomic(T& t) {
  auto old = t.record(t.user("rotate"));
  t.must_create(old);
  auto repl = old;
  repl.id_hash = random_id_hash();
  repl.last_seen_at = old.created_at + 30;
  repl.idle_expires_at = old.created_at + 1830;
  EXPECT_TRUE(T::ok(t.store().rotate(old.id_hash, repl)));
  expect_same_record(t.must_get(old.id_hash), as_tombstone(old));
  expect_same_record(t.must_get(repl.id_hash), repl);
  EXPECT_EQ(t.list_hashes(old.user, t.base() + 60), std::vector<std::string>{repl.id_hash});
  // The old id is dead: rotating it again inserts nothing; nor does rotating an unknown id.
  auto again = repl;
  again.id_hash = random_id_hash();
  EXPECT_FALSE(T::ok(t.store().rotate(old.id_hash, again)));
  EXPECT_TRUE(t.absent(again.id_hash));
  EXPECT_FALSE(T::ok(t.store().rotate(random_id_hash(), again)));
  EXPECT_TRUE(t.absent(again.id_hash));
  expect_same_record(t.must_get(repl.id_hash), repl);
}

inline void revoke_leaves_tombstone(T& t) {
  auto r = t.record(t.user("revoke"));
  t.must_create(r);
  EXPECT_TRUE(T::ok(t.store().revoke(r.id_hash)));
  expect_same_record(t.must_get(r.id_hash), as_tombstone(r));
  EXPECT_FALSE(T::ok(t.store().revoke(r.id_hash)));
  EXPECT_FALSE(T::ok(t.store().revoke(random_id_hash())));
  EXPECT_TRUE(t.list_hashes(r.user, t.base()).empty());
}

// update_attributes: a compare-and-set of attributes_json alone, on live records only.
inline void update_attributes_is_compare_and_set(T& t) {
  auto r = t.record(t.user("cas"));
  t.must_create(r);
  const std::string next = R"({"bff":"v4.local.x","n":1})";
  EXPECT_FALSE(T::ok(t.store().update_attributes(r.id_hash, "{}", next)));  // not the current value
  expect_same_record(t.must_get(r.id_hash), r);
  EXPECT_TRUE(T::ok(t.store().update_attributes(r.id_hash, r.attributes_json, next)));
  auto updated = r;
  updated.attributes_json = next;
  expect_same_record(t.must_get(r.id_hash), updated);  // every other field unchanged
  EXPECT_FALSE(T::ok(t.store().update_attributes(r.id_hash, r.attributes_json, "{}")));  // stale expectation
  EXPECT_FALSE(T::ok(t.store().update_attributes(random_id_hash(), "{}", next)));         // absent
  EXPECT_TRUE(T::ok(t.store().revoke(r.id_hash)));
  EXPECT_FALSE(T::ok(t.store().update_attributes(r.id_hash, next, "{}")));  // a tombstone keeps its data
  expect_same_record(t.must_get(r.id_hash), as_tombstone(updated));
}

// Writers that read the same value race; exactly one of them wins each round, so a counter
// advanced read-then-CAS by many threads counts every success once.
inline void update_attributes_concurrent_writers(T& t) {
  auto r = t.record(t.user("cas-race"));
  r.attributes_json = R"({"n":0})";
  t.must_create(r);
  constexpr int kThreads = 4, kAttempts = 25;
  std::atomic<int> wins{0}, errors{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&] {
      for (int k = 0; k < kAttempts; ++k) {
        auto cur = t.store().get(r.id_hash);
        if (!cur || !*cur) {
          ++errors;
          continue;
        }
        const std::string seen = (*cur)->attributes_json;
        const int n = std::stoi(seen.substr(5, seen.size() - 6));
        auto won = t.store().update_attributes(r.id_hash, seen, "{\"n\":" + std::to_string(n + 1) + "}");
        if (!won) ++errors;
        else if (*won) ++wins;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GE(wins.load(), 1);
  EXPECT_EQ(t.must_get(r.id_hash).attributes_json, "{\"n\":" + std::to_string(wins.load()) + "}");
}

inline void revoke_all_reaches_only_that_user(T& t) {
  auto a = t.user("all-a"), b = t.user("all-b");
  auto as = t.records(a, 3);
  auto pre = t.record(a, 3), other = t.record(b, 0);
  for (const auto* r : {&as[0], &as[1], &as[2], &pre, &other}) t.must_create(*r);
  EXPECT_TRUE(T::ok(t.store().revoke(pre.id_hash)));
  EXPECT_EQ(T::ok(t.store().revoke_all(a, std::nullopt)), 3u);  // the revoked one does not count
  for (const auto& r : as) expect_same_record(t.must_get(r.id_hash), as_tombstone(r));
  expect_same_record(t.must_get(other.id_hash), other);
  EXPECT_EQ(T::ok(t.store().revoke_all(a, std::nullopt)), 0u);
  EXPECT_EQ(T::ok(t.store().revoke_all(t.user("nobody"), std::nullopt)), 0u);
}

inline void revoke_all_except_one(T& t) {
  auto u = t.user("all-except");
  auto rs = t.records(u, 4);
  for (const auto& r : rs) t.must_create(r);
  EXPECT_EQ(T::ok(t.store().revoke_all(u, std::string_view(rs[2].id_hash))), 3u);
  EXPECT_EQ(t.list_hashes(u, t.base() + 10), std::vector<std::string>{rs[2].id_hash});
  expect_same_record(t.must_get(rs[2].id_hash), rs[2]);
  // An except hash that matches none of the user's sessions revokes them all.
  auto x = random_id_hash();
  EXPECT_EQ(T::ok(t.store().revoke_all(u, std::string_view(x))), 1u);
  EXPECT_TRUE(t.list_hashes(u, t.base() + 10).empty());
}

inline void list_live_oldest_first(T& t) {
  auto u = t.user("list");
  auto r1 = t.record(u, 1), r2 = t.record(u, 2), r3 = t.record(u, 3), r4 = t.record(u, 4);
  auto gone = t.record(u, 5), idle = t.record(u, 6), old = t.record(u, 7), foreign = t.record(t.user("list-o"), 0);
  idle.idle_expires_at = t.base() + 100;
  old.absolute_expires_at = t.base() + 100;
  for (const auto* r : {&r3, &r1, &gone, &r4, &idle, &old, &r2, &foreign}) t.must_create(*r);
  EXPECT_TRUE(T::ok(t.store().revoke(gone.id_hash)));
  auto l = T::ok(t.store().list(u, t.base() + 100));
  ASSERT_EQ(l.size(), 4u);
  const SessionRecord* want[] = {&r1, &r2, &r3, &r4};
  for (std::size_t i = 0; i < 4; ++i) expect_same_record(l[i], *want[i]);
  // Just before their idle / absolute deadlines those two are still listed.
  EXPECT_EQ(t.list_hashes(u, t.base() + 99).size(), 6u);
  EXPECT_TRUE(t.list_hashes(t.user("list-nobody"), t.base()).empty());
}

inline void sweep_removes_long_expired(T& t) {
  auto u = t.user("sweep");
  auto expired = t.record(u, 0), tomb = t.record(u, 1), keep = t.record(u, 2);
  expired.absolute_expires_at = t.base() + 100;
  tomb.absolute_expires_at = t.base() + 100;
  for (const auto* r : {&expired, &tomb, &keep}) t.must_create(*r);
  EXPECT_TRUE(T::ok(t.store().revoke(tomb.id_hash)));
  const std::int64_t due = t.base() + 100 + kExpiredGrace;
  T::ok(t.store().sweep(due - 1));
  expect_same_record(t.must_get(expired.id_hash), expired);
  expect_same_record(t.must_get(tomb.id_hash), as_tombstone(tomb));
  auto n = T::ok(t.store().sweep(due));
  expect_same_record(t.must_get(keep.id_hash), keep);
  if (t.options().native_expiry) return;  // the TTLs do it, in real time
  EXPECT_GE(n, 2u);
  EXPECT_TRUE(t.absent(expired.id_hash));
  EXPECT_TRUE(t.absent(tomb.id_hash));
}

inline void ping_answers(T& t) {
  auto p = t.store().ping();
  EXPECT_TRUE(p) << (p ? "" : p.error().message);
}

// Runs fn(thread_index) on n threads at once and joins them.
template <class Fn>
void on_threads(int n, Fn fn) {
  std::vector<std::thread> threads;
  for (int th = 0; th < n; ++th) threads.emplace_back(fn, th);
  for (auto& th : threads) th.join();
}

inline void concurrent_creates_gets_touches(T& t) {
  constexpr int kThreads = 4, kOps = 200;
  std::vector<std::vector<SessionRecord>> mine;
  for (int th = 0; th < kThreads; ++th) mine.push_back(t.records(t.user("conc"), kOps));
  std::atomic<int> errors{0};
  on_threads(kThreads, [&](int th) {
    for (const auto& r : mine[th]) {
      auto c = t.store().create(r, 0);
      auto g = t.store().get(r.id_hash);
      auto k = t.store().touch(r.id_hash, r.created_at + 1, r.created_at + 1801);
      if (!c || !c->empty() || !g || !*g || (*g)->user != r.user || !k || !*k) ++errors;
    }
  });
  EXPECT_EQ(errors.load(), 0);
  for (const auto& rs : mine) {
    EXPECT_EQ(t.list_hashes(rs.front().user, t.base()).size(), static_cast<std::size_t>(kOps));
    for (const auto& r : rs) EXPECT_EQ(t.must_get(r.id_hash).last_seen_at, r.created_at + 1);
  }
}

// Concurrent creates for one user under a bound: eviction is atomic, so exactly the surplus
// is evicted, each session once, and the bound holds at the end.
inline void concurrent_bounded_creates_keep_bound(T& t) {
  constexpr int kThreads = 4, kOps = 25;
  constexpr std::size_t kMax = 5;
  auto u = t.user("conc-bound");
  std::vector<std::vector<SessionRecord>> mine;
  std::vector<std::vector<std::string>> evicted(kThreads);
  for (int th = 0; th < kThreads; ++th) mine.push_back(t.records(u, kOps, th * kOps));
  std::atomic<int> errors{0};
  on_threads(kThreads, [&](int th) {
    for (const auto& r : mine[th]) {
      auto c = t.store().create(r, kMax);
      if (c)
        evicted[th].insert(evicted[th].end(), c->begin(), c->end());
      else
        ++errors;
    }
  });
  EXPECT_EQ(errors.load(), 0);
  std::set<std::string> all;
  std::size_t total = 0;
  for (const auto& e : evicted) {
    all.insert(e.begin(), e.end());
    total += e.size();
  }
  EXPECT_EQ(total, kThreads * kOps - kMax);
  EXPECT_EQ(all.size(), total);
  EXPECT_EQ(t.list_hashes(u, t.base()).size(), kMax);
}

inline void keys_unique_across_users(T& t) {
  auto a = t.user("keys-a"), b = t.user("keys-b");
  auto rs = t.records(a, 30), more = t.records(b, 30);
  rs.insert(rs.end(), more.begin(), more.end());
  for (const auto& r : rs) t.must_create(r);
  for (const auto& r : rs) expect_same_record(t.must_get(r.id_hash), r);
  EXPECT_EQ(t.list_hashes(a, t.base()).size(), 30u);
  EXPECT_EQ(t.list_hashes(b, t.base()).size(), 30u);
  EXPECT_EQ(T::ok(t.store().revoke_all(a, std::nullopt)), 30u);
  EXPECT_EQ(t.list_hashes(b, t.base()).size(), 30u);
}

}  // namespace conformance

// Registers every conformance case for one backend; returns true (for a static initialiser).
inline bool register_store_conformance(const char* backend, StoreFactory make, ConformanceOptions options = {},
                                       const char* file = __FILE__, int line = __LINE__) {
  // clang-format off
#define TC(f) std::pair<const char*, StoreConformanceTest::Body>{#f, conformance::f}  // named as the function
  static constexpr std::pair<const char*, StoreConformanceTest::Body> kCases[] = {
      TC(create_get_round_trip), TC(get_unknown_is_nullopt), TC(create_unbounded_evicts_nothing),
      TC(create_evicts_oldest_beyond_bound), TC(eviction_keeps_the_new_session_on_ties),
      TC(eviction_counts_only_live_sessions), TC(touch_slides_window),
      TC(rotate_is_atomic), TC(update_attributes_is_compare_and_set), TC(update_attributes_concurrent_writers),
      TC(revoke_leaves_tombstone), TC(revoke_all_reaches_only_that_user),
      TC(revoke_all_except_one), TC(list_live_oldest_first), TC(sweep_removes_long_expired), TC(ping_answers),
      TC(concurrent_creates_gets_touches), TC(concurrent_bounded_creates_keep_bound), TC(keys_unique_across_users),
  };
#undef TC
  // clang-format on
  const std::string suite = std::string("StoreConformance/") + backend;
  for (const auto& [name, body] : kCases)
    ::testing::RegisterTest(
        suite.c_str(), name, nullptr, nullptr, file, line,
        [make, options, b = body]() -> StoreConformanceTest* { return new StoreConformanceTest(make, options, b); });
  return true;
}

}  // namespace tessera::test

// One line per backend test file: `backend` is an identifier (memory, sqlite, redis, ...),
// options a ConformanceOptions (or {}), and the factory comes last (variadic, so commas inside
// a lambda body are fine).
#define TESSERA_STORE_CONFORMANCE(backend, options, ...)                   \
  [[maybe_unused]] static const bool tessera_store_conformance_##backend = \
      ::tessera::test::register_store_conformance(#backend, __VA_ARGS__, options, __FILE__, __LINE__)
