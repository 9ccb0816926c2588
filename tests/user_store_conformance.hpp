// A GoogleTest conformance suite for any UserStore backend: the contract of
// include/tessera/user_store.hpp, written once, run against memory, SQLite, Redis and a Redis
// Cluster. In a backend's test file (a fresh store per test; a nullptr factory result skips):
//   TESSERA_USER_STORE_CONFORMANCE(memory, [] { return tessera::store::make_memory_user_store(); });
// registers "UserStoreConformance/<backend>.<case>". Unique user names and throttle keys make a
// shared Redis (or a reused SQLite file) fine.
// What the suite pins down beyond the header comments:
//  - A throttle counter is forgotten once now >= last_failure_at + window (the window of the
//    failure that set it), decided by the caller's `now` in every backend.
//  - throttle_fail with a window below 1 s is invalid_argument.
//  - list() is sorted by username bytes (unsigned), like std::string's operator<.
// Thread safety: registration runs during static initialisation; tests run one at a time.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
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
#include "tessera/user_store.hpp"

namespace tessera::test {

using UserStoreFactory = std::function<std::unique_ptr<UserStore>()>;

inline auto user_fields(const UserRecord& r) {
  return std::make_tuple(r.username, r.password_hash, r.disabled, r.created_at, r.updated_at, r.generation);
}

class UserStoreConformanceTest : public ::testing::Test {
 public:
  using Body = void (*)(UserStoreConformanceTest&);
  UserStoreConformanceTest(UserStoreFactory make, Body body) : make_(std::move(make)), body_(body) {}

  void SetUp() override {
    if (!(store_ = make_())) GTEST_SKIP() << "store backend not available";
  }
  void TestBody() override { body_(*this); }

  UserStore& store() { return *store_; }
  std::int64_t base() const { return base_; }

  // A name no other test (or earlier run against a shared store) uses; 16 random hex digits.
  static std::string unique(std::string_view tag) {
    return std::string(tag) + "-" + codec::hex_encode(crypto::random_bytes(8));
  }
  // A user record as the service would write it (an Argon2id-shaped hash string).
  UserRecord user(std::string name, std::int64_t offset = 0) const {
    const std::int64_t t = base_ + offset;
    return {std::move(name), "$argon2id$v=19$m=8192,t=1,p=1$" + codec::base64url_encode(crypto::random_bytes(16)) +
                                 "$" + codec::base64url_encode(crypto::random_bytes(32)),
            false, t, t};
  }

  // The value of a call that must succeed; a store error fails the test (and gives V{}).
  template <class V>
  static V ok(Result<V> r) {
    if (r) return std::move(*r);
    ADD_FAILURE() << "store error: " << r.error().name() << ": " << r.error().message;
    return V{};
  }
  static void ok(Result<void> r) {
    if (!r) ADD_FAILURE() << "store error: " << r.error().name() << ": " << r.error().message;
  }
  UserRecord must_get(std::string_view name) {
    auto r = ok(store().get(name));
    if (!r) ADD_FAILURE() << "user missing: " << name;
    return r.value_or(UserRecord{});
  }
  void expect_throttle(std::string_view key, std::int64_t now, std::int64_t failures, std::int64_t last) {
    auto r = ok(store().throttle_get(key, now));
    EXPECT_EQ(r.failures, failures) << key << " at " << now;
    EXPECT_EQ(r.last_failure_at, last) << key << " at " << now;
  }
  // The listed users whose name starts with prefix (a shared store holds other tests' users).
  std::vector<UserRecord> listed(std::string_view prefix) {
    std::vector<UserRecord> out;
    for (auto& r : ok(store().list()))
      if (std::string_view(r.username).starts_with(prefix)) out.push_back(std::move(r));
    return out;
  }

 private:
  UserStoreFactory make_;
  Body body_;
  std::unique_ptr<UserStore> store_;
  std::int64_t base_ = SystemClock::instance().now();
};

namespace user_conformance {

using T = UserStoreConformanceTest;

inline void add_get_round_trip(T& t) {
  auto a = t.user(T::unique("alice.o'neil+tag@example.com"), 5);
  a.updated_at = a.created_at + 9;
  EXPECT_TRUE(T::ok(t.store().add(a)));
  EXPECT_EQ(user_fields(t.must_get(a.username)), user_fields(a));
  auto d = t.user(T::unique("disabled_user-1"), 6);
  d.disabled = true;
  EXPECT_TRUE(T::ok(t.store().add(d)));
  EXPECT_EQ(user_fields(t.must_get(d.username)), user_fields(d));
  EXPECT_EQ(user_fields(t.must_get(a.username)), user_fields(a));  // still itself
}

inline void duplicate_add_is_false_and_changes_nothing(T& t) {
  const auto a = t.user(T::unique("dup"));
  EXPECT_TRUE(T::ok(t.store().add(a)));
  auto again = t.user(a.username, 100);
  again.disabled = true;
  EXPECT_FALSE(T::ok(t.store().add(again)));
  EXPECT_EQ(user_fields(t.must_get(a.username)), user_fields(a));
  EXPECT_EQ(t.listed(a.username).size(), 1u);
}

inline void unknown_user_is_nullopt_and_not_updatable(T& t) {
  const auto name = T::unique("ghost");
  EXPECT_FALSE(T::ok(t.store().get(name)));
  EXPECT_FALSE(T::ok(t.store().get("")));
  EXPECT_FALSE(T::ok(t.store().rehash_password(name, 0, "$argon2id$x", t.base())));
  EXPECT_FALSE(T::ok(t.store().get(name)));  // updates never create a user
  EXPECT_TRUE(t.listed(name).empty());
}

inline void rehash_changes_only_hash_and_updated_at(T& t) {
  const auto a = t.user(T::unique("rehash"));
  ASSERT_TRUE(T::ok(t.store().add(a)));
  EXPECT_EQ(t.must_get(a.username).generation, 0u);  // every account starts at generation 0
  auto want = a;
  want.password_hash = t.user("x").password_hash;
  want.updated_at = a.created_at + 60;
  EXPECT_TRUE(T::ok(t.store().rehash_password(a.username, 0, want.password_hash, want.updated_at)));
  EXPECT_EQ(user_fields(t.must_get(a.username)), user_fields(want));
  EXPECT_NE(t.must_get(a.username).password_hash, a.password_hash);
}

inline void rehash_refuses_another_generation(T& t) {
  const auto a = t.user(T::unique("rehash-gen"));
  ASSERT_TRUE(T::ok(t.store().add(a)));
  // A login that read the account under generation 1 must not write over generation 0's hash
  // (nor a generation-0 login over a later one: any other generation is refused).
  EXPECT_FALSE(T::ok(t.store().rehash_password(a.username, 1, "$argon2id$stale", a.created_at + 5)));
  EXPECT_EQ(user_fields(t.must_get(a.username)), user_fields(a));
}

inline void list_is_sorted_and_complete(T& t) {
  const auto p = T::unique("list") + "-";
  // Inserted out of order; '.' < '0' < 'A' < '_' < 'a' in byte order, "b" < "b.c" < "bb".
  const std::vector<std::string> suffixes{"bb", "a", "B", "b.c", "_x", "b", "0", "Z9", "@x"};
  std::vector<UserRecord> added;
  for (std::size_t i = 0; i < suffixes.size(); ++i) {
    added.push_back(t.user(p + suffixes[i], static_cast<std::int64_t>(i)));
    ASSERT_TRUE(T::ok(t.store().add(added.back())));
  }
  std::sort(added.begin(), added.end(), [](const auto& a, const auto& b) { return a.username < b.username; });
  const auto got = t.listed(p);
  ASSERT_EQ(got.size(), added.size());
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(user_fields(got[i]), user_fields(added[i]));
  const auto all = T::ok(t.store().list());
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(),
                             [](const auto& a, const auto& b) { return a.username < b.username; }));
}

inline void names_are_kept_apart(T& t) {
  // Names that a careless key scheme would mix up (prefixes, braces, separators).
  const auto p = T::unique("apart");
  const std::vector<std::string> names{p, p + "}", "{" + p, p + ":x", p + "x", p + "{x}"};
  for (std::size_t i = 0; i < names.size(); ++i)
    ASSERT_TRUE(T::ok(t.store().add(t.user(names[i], static_cast<std::int64_t>(i)))));
  for (std::size_t i = 0; i < names.size(); ++i) {
    auto u = t.must_get(names[i]);
    EXPECT_EQ(u.username, names[i]);
    EXPECT_EQ(u.created_at, t.base() + static_cast<std::int64_t>(i));
  }
  EXPECT_TRUE(T::ok(t.store().rehash_password(p + "}", 0, "$argon2id$other", t.base())));
  EXPECT_NE(t.must_get(p).password_hash, "$argon2id$other");
  EXPECT_EQ(t.must_get(p + "}").password_hash, "$argon2id$other");
}

inline void throttle_unknown_is_zero(T& t) {
  t.expect_throttle(T::unique("ip:198.51.100.9"), t.base(), 0, 0);
  t.expect_throttle("", t.base(), 0, 0);
}

inline void throttle_fail_counts_and_returns_state(T& t) {
  const auto k = T::unique("user:carol");
  for (std::int64_t i = 1; i <= 5; ++i) {
    auto r = T::ok(t.store().throttle_fail(k, t.base() + i, 300));
    EXPECT_EQ(r.failures, i);
    EXPECT_EQ(r.last_failure_at, t.base() + i);
    t.expect_throttle(k, t.base() + i, i, t.base() + i);
  }
  // Keys are independent, IPv6 colons included.
  const auto v6 = "ip:2001:db8::" + T::unique("1");
  EXPECT_EQ(T::ok(t.store().throttle_fail(v6, t.base(), 300)).failures, 1);
  t.expect_throttle(k, t.base() + 5, 5, t.base() + 5);
  t.expect_throttle(v6, t.base(), 1, t.base());
}

inline void throttle_window_expiry_forgets(T& t) {
  const auto k = T::unique("ip:203.0.113.5");
  const auto b = t.base();
  ASSERT_EQ(T::ok(t.store().throttle_fail(k, b, 60)).failures, 1);
  ASSERT_EQ(T::ok(t.store().throttle_fail(k, b + 10, 60)).failures, 2);  // lives until b + 70
  t.expect_throttle(k, b + 69, 2, b + 10);
  t.expect_throttle(k, b + 70, 0, 0);  // window seconds after the last failure: forgotten
  t.expect_throttle(k, b + 71, 0, 0);
  // A failure after the window starts a new count.
  auto r = T::ok(t.store().throttle_fail(k, b + 70, 60));
  EXPECT_EQ(r.failures, 1);
  EXPECT_EQ(r.last_failure_at, b + 70);
  // Within the window it keeps counting, and a shorter window is the one that counts now.
  EXPECT_EQ(T::ok(t.store().throttle_fail(k, b + 71, 5)).failures, 2);
  t.expect_throttle(k, b + 75, 2, b + 71);
  t.expect_throttle(k, b + 76, 0, 0);
  EXPECT_EQ(T::ok(t.store().throttle_fail(k, b + 200, 60)).failures, 1);
}

inline void throttle_reset_forgets(T& t) {
  const auto k = T::unique("user:dave"), other = T::unique("user:erin");
  for (int i = 0; i < 3; ++i) (void)T::ok(t.store().throttle_fail(k, t.base(), 300));
  (void)T::ok(t.store().throttle_fail(other, t.base(), 300));
  T::ok(t.store().throttle_reset(k));
  t.expect_throttle(k, t.base(), 0, 0);
  t.expect_throttle(other, t.base(), 1, t.base());
  T::ok(t.store().throttle_reset(k));  // resetting nothing is fine
  EXPECT_EQ(T::ok(t.store().throttle_fail(k, t.base() + 1, 300)).failures, 1);
}

inline void throttle_rejects_bad_window(T& t) {
  const auto k = T::unique("user:frank");
  for (std::int64_t w : {0, -1}) {
    auto r = t.store().throttle_fail(k, t.base(), w);
    ASSERT_FALSE(r) << w;
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
  }
  t.expect_throttle(k, t.base(), 0, 0);
}

// 8 threads x 50 failures on one key: exactly 400, and every count 1..400 returned once.
inline void concurrent_throttle_fail_is_atomic(T& t) {
  const auto k = T::unique("ip:192.0.2.1");
  constexpr int kThreads = 8, kEach = 50;
  std::vector<std::vector<std::int64_t>> seen(kThreads);
  std::atomic<int> errors{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < kThreads; ++th)
    threads.emplace_back([&, th] {
      for (int i = 0; i < kEach; ++i) {
        auto r = t.store().throttle_fail(k, t.base(), 600);
        if (r) seen[static_cast<std::size_t>(th)].push_back(r->failures);
        else ++errors;
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  std::set<std::int64_t> all;
  for (const auto& v : seen) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), static_cast<std::size_t>(kThreads * kEach));
  EXPECT_EQ(*all.begin(), 1);
  EXPECT_EQ(*all.rbegin(), kThreads * kEach);
  t.expect_throttle(k, t.base(), kThreads * kEach, t.base());
}

// The same name added from 8 threads at once: exactly one add wins.
inline void concurrent_add_creates_once(T& t) {
  const auto name = T::unique("race");
  std::atomic<int> won{0}, errors{0};
  std::vector<std::thread> threads;
  for (int th = 0; th < 8; ++th)
    threads.emplace_back([&, th] {
      auto r = t.store().add(t.user(name, th));
      if (!r) ++errors;
      else if (*r) ++won;
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(t.listed(name).size(), 1u);
}

inline void ping_answers(T& t) { T::ok(t.store().ping()); }

}  // namespace user_conformance

// Registers every conformance case for one backend; returns true (for a static initialiser).
inline bool register_user_store_conformance(const char* backend, UserStoreFactory make, const char* file,
                                            int line) {
  // clang-format off
#define TC(f) std::pair<const char*, UserStoreConformanceTest::Body>{#f, user_conformance::f}
  static constexpr std::pair<const char*, UserStoreConformanceTest::Body> kCases[] = {
      TC(add_get_round_trip), TC(duplicate_add_is_false_and_changes_nothing),
      TC(unknown_user_is_nullopt_and_not_updatable), TC(rehash_changes_only_hash_and_updated_at),
      TC(rehash_refuses_another_generation), TC(list_is_sorted_and_complete), TC(names_are_kept_apart),
      TC(throttle_unknown_is_zero), TC(throttle_fail_counts_and_returns_state), TC(throttle_window_expiry_forgets),
      TC(throttle_reset_forgets), TC(throttle_rejects_bad_window), TC(concurrent_throttle_fail_is_atomic),
      TC(concurrent_add_creates_once), TC(ping_answers),
  };
#undef TC
  // clang-format on
  const std::string suite = std::string("UserStoreConformance/") + backend;
  for (const auto& [name, body] : kCases)
    ::testing::RegisterTest(suite.c_str(), name, nullptr, nullptr, file, line,
                            [make, b = body]() -> UserStoreConformanceTest* {
                              return new UserStoreConformanceTest(make, b);
                            });
  return true;
}

}  // namespace tessera::test

// One line per backend: `backend` an identifier, the factory last (variadic, so commas inside
// a lambda body are fine).
#define TESSERA_USER_STORE_CONFORMANCE(backend, ...)                            \
  [[maybe_unused]] static const bool tessera_user_store_conformance_##backend = \
      ::tessera::test::register_user_store_conformance(#backend, __VA_ARGS__, __FILE__, __LINE__)
