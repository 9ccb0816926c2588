// A GoogleTest conformance suite for any AccountStore backend: credential generations and
// change_credentials (include/tessera/account_store.hpp, docs/design.md invariant 10), written
// once, run against memory, SQLite, Redis and a Redis Cluster (account_store_test.cpp):
//   TESSERA_ACCOUNT_STORE_CONFORMANCE(memory, [] { return ...make_memory_halves()...; });
// registers "AccountStoreConformance/<backend>.<case>". Unique user names make a shared Redis
// fine. What it pins down:
//  - create() writes only under the user's current generation (0 without an account);
//  - get() and list() report the user's generation beside the record's own;
//  - change_credentials is all or nothing: every refusal (unknown user, generation moved, kept
//    session dead or someone else's, deadline passed) leaves hash, status, generation and
//    every session exactly as they were; a success does all of it at once;
//  - under concurrent logins and credential changes no live session outlives a change.
// Thread safety: registration runs during static initialisation; tests run one at a time.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"
#include "store_conformance.hpp"
#include "user_store_conformance.hpp"
#include "tessera/account_store.hpp"
#include "tessera/clock.hpp"

namespace tessera::test {

using AccountStoreFactory = std::function<std::unique_ptr<AccountStore>()>;

// A change of user at updated_at that only advances the generation (a logout everywhere);
// tests set the other fields they need.
inline CredentialChange change_of(std::string user, std::int64_t updated_at) {
  CredentialChange c;
  c.user = std::move(user);
  c.updated_at = updated_at;
  return c;
}

class AccountStoreConformanceTest : public ::testing::Test {
 public:
  using Body = void (*)(AccountStoreConformanceTest&);
  AccountStoreConformanceTest(AccountStoreFactory make, Body body) : make_(std::move(make)), body_(body) {}

  void SetUp() override {
    if (!(store_ = make_())) GTEST_SKIP() << "store backend not available";
  }
  void TestBody() override { body_(*this); }

  AccountStore& store() { return *store_; }
  SessionStore& sessions() { return store_->sessions(); }
  UserStore& users() { return store_->users(); }
  std::int64_t base() const { return base_; }

  // A new account (generation 0) with a unique name.
  std::string account(std::string_view tag) {
    std::string name = "acct-" + std::string(tag) + "-" + codec::hex_encode(crypto::random_bytes(8));
    UserRecord u{name, "$argon2id$v=19$m=8192,t=1,p=1$c2FsdA$" + codec::hex_encode(crypto::random_bytes(8)), false,
                 base_, base_};
    EXPECT_TRUE(ok(users().add(u)));
    return name;
  }
  // A live session of user under generation g, created now.
  SessionRecord session(const std::string& user, std::uint64_t g = 0) const {
    const std::int64_t t = base_;
    SessionRecord r{random_id_hash(), user, t, t, t + 1800, t + 3600, false,
                    SecretBytes(codec::base64url_encode(crypto::random_bytes(32))), ClientInfo{"203.0.113.7", "ua", ""}, "{}"};
    r.generation = g;
    return r;
  }
  SessionRecord created(const std::string& user, std::uint64_t g = 0) {
    auto r = session(user, g);
    auto c = sessions().create(r, 0);
    EXPECT_TRUE(c) << c.error().name() << ": " << c.error().message;
    return r;
  }
  UserRecord must_user(const std::string& name) {
    auto u = ok(users().get(name));
    if (!u) ADD_FAILURE() << "no account " << name;
    return u.value_or(UserRecord{});
  }
  SessionRecord must_get(const std::string& id_hash) {
    auto r = ok(sessions().get(id_hash));
    if (!r) ADD_FAILURE() << "no session " << id_hash;
    return r.value_or(SessionRecord{});
  }
  // Live as the manager decides it: not revoked and of the user's current generation.
  bool live(const std::string& id_hash) {
    auto r = ok(sessions().get(id_hash));
    return r && !r->revoked && r->generation == r->user_generation;
  }
  template <class V>
  static V ok(Result<V> r) {
    if (r) return std::move(*r);
    ADD_FAILURE() << "store error: " << r.error().name() << ": " << r.error().message;
    return V{};
  }
  static void expect_error(const auto& r, Errc code) {
    ASSERT_FALSE(r) << "expected " << code_name(code);
    EXPECT_EQ(r.error().code, code) << r.error().message;
  }

 private:
  AccountStoreFactory make_;
  Body body_;
  std::unique_ptr<AccountStore> store_;
  std::int64_t base_ = SystemClock::instance().now();
};

namespace account_conformance {

using T = AccountStoreConformanceTest;

inline void create_needs_the_current_generation(T& t) {
  const auto alice = t.account("gen");
  auto s0 = t.created(alice, 0);
  EXPECT_EQ(t.must_get(s0.id_hash).generation, 0u);
  EXPECT_EQ(t.must_get(s0.id_hash).user_generation, 0u);
  auto moved = T::ok(t.store().change_credentials(change_of(alice, t.base() + 1)));
  EXPECT_EQ(moved.generation, 1u);
  // A login that checked the password under generation 0 writes nothing now.
  auto late = t.session(alice, 0);
  T::expect_error(t.sessions().create(late, 0), Errc::credentials_changed);
  EXPECT_FALSE(T::ok(t.sessions().get(late.id_hash)));
  auto ahead = t.session(alice, 2);
  T::expect_error(t.sessions().create(ahead, 0), Errc::credentials_changed);
  auto s1 = t.created(alice, 1);
  EXPECT_TRUE(t.live(s1.id_hash));
  // A session user without an account is at generation 0.
  const auto loose = "no-account-" + codec::hex_encode(crypto::random_bytes(8));
  auto l = t.created(loose, 0);
  EXPECT_TRUE(t.live(l.id_hash));
  T::expect_error(t.sessions().create(t.session(loose, 1), 0), Errc::credentials_changed);
}

inline void get_and_list_report_the_user_generation(T& t) {
  const auto alice = t.account("report");
  auto s = t.created(alice, 0);
  ASSERT_TRUE(T::ok(t.store().change_credentials(change_of(alice, t.base()))).generation == 1);
  auto got = t.must_get(s.id_hash);
  EXPECT_EQ(got.generation, 0u);
  EXPECT_EQ(got.user_generation, 1u);
  EXPECT_TRUE(got.revoked);
  auto n = t.created(alice, 1);
  auto listed = T::ok(t.sessions().list(alice, t.base()));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id_hash, n.id_hash);
  EXPECT_EQ(listed[0].generation, 1u);
  EXPECT_EQ(listed[0].user_generation, 1u);
}

inline void password_change_is_all_at_once(T& t) {
  const auto alice = t.account("change");
  const auto bob = t.account("bystander");
  auto here = t.created(alice), other = t.created(alice), third = t.created(alice), bobs = t.created(bob);
  auto next = t.session(alice, 0);
  next.created_at = here.created_at;
  auto c = change_of(alice, t.base() + 9);
  c.expected_generation = 0;
  c.password_hash = "$argon2id$new";
  c.keep_id_hash = here.id_hash;
  c.replacement = next;
  auto r = T::ok(t.store().change_credentials(c));
  EXPECT_EQ(r.generation, 1u);
  EXPECT_EQ(r.revoked, 2u);  // the other two; the kept one is rotated, not counted
  auto u = t.must_user(alice);
  EXPECT_EQ(u.password_hash, "$argon2id$new");
  EXPECT_EQ(u.generation, 1u);
  EXPECT_EQ(u.updated_at, t.base() + 9);
  EXPECT_FALSE(u.disabled);
  EXPECT_FALSE(t.live(here.id_hash));
  EXPECT_TRUE(t.must_get(here.id_hash).revoked);
  EXPECT_FALSE(t.live(other.id_hash));
  EXPECT_FALSE(t.live(third.id_hash));
  auto n = t.must_get(next.id_hash);
  EXPECT_TRUE(t.live(next.id_hash));
  EXPECT_EQ(n.generation, 1u);
  EXPECT_TRUE(n.csrf_secret.equals(next.csrf_secret));
  EXPECT_TRUE(t.live(bobs.id_hash));
  EXPECT_EQ(t.must_user(bob).generation, 0u);
  auto listed = T::ok(t.sessions().list(alice, t.base()));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id_hash, next.id_hash);
}

inline void disable_revokes_everything(T& t) {
  const auto alice = t.account("disable");
  auto a = t.created(alice), b = t.created(alice);
  auto off = change_of(alice, t.base());
  off.disabled = true;
  auto r = T::ok(t.store().change_credentials(off));
  EXPECT_EQ(r.revoked, 2u);
  auto u = t.must_user(alice);
  EXPECT_TRUE(u.disabled);
  EXPECT_EQ(u.generation, 1u);
  EXPECT_FALSE(t.live(a.id_hash));
  EXPECT_FALSE(t.live(b.id_hash));
  EXPECT_TRUE(T::ok(t.sessions().list(alice, t.base())).empty());
}

// Every refusal leaves the account and every session exactly as they were.
inline void refusals_write_nothing(T& t) {
  const auto alice = t.account("refuse");
  const auto bob = t.account("refuse-other");
  auto here = t.created(alice), other = t.created(alice), bobs = t.created(bob);
  const auto before = t.must_user(alice);
  const auto unchanged = [&] {
    EXPECT_EQ(user_fields(t.must_user(alice)), user_fields(before));
    EXPECT_TRUE(t.live(here.id_hash));
    EXPECT_TRUE(t.live(other.id_hash));
    EXPECT_TRUE(t.live(bobs.id_hash));
    EXPECT_EQ(T::ok(t.sessions().list(alice, t.base())).size(), 2u);
  };
  const auto change = [&](std::optional<std::string> keep) {
    auto c = change_of(alice, t.base() + 1);
    c.expected_generation = 0;
    c.password_hash = "$argon2id$new";
    if (keep) {
      c.keep_id_hash = *keep;
      c.replacement = t.session(alice, 0);
    }
    return c;
  };
  auto stale = change(here.id_hash);
  stale.expected_generation = 7;
  T::expect_error(t.store().change_credentials(stale), Errc::credentials_changed);
  EXPECT_FALSE(T::ok(t.sessions().get(stale.replacement->id_hash)));
  unchanged();
  auto ghost = change(std::nullopt);
  ghost.user = "ghost-" + codec::hex_encode(crypto::random_bytes(8));
  T::expect_error(t.store().change_credentials(ghost), Errc::user_not_found);
  unchanged();
  auto someone_elses = change(bobs.id_hash);
  T::expect_error(t.store().change_credentials(someone_elses), Errc::session_revoked);
  EXPECT_FALSE(T::ok(t.sessions().get(someone_elses.replacement->id_hash)));
  unchanged();
  auto unknown = change(random_id_hash());
  T::expect_error(t.store().change_credentials(unknown), Errc::session_revoked);
  unchanged();
  auto late = change(here.id_hash);
  late.deadline_ms = 1;  // 1970: whoever sent it has long stopped waiting
  T::expect_error(t.store().change_credentials(late), Errc::store_unavailable);
  EXPECT_FALSE(T::ok(t.sessions().get(late.replacement->id_hash)));
  unchanged();
  auto crossed = change(here.id_hash);
  crossed.replacement->user = bob;
  T::expect_error(t.store().change_credentials(crossed), Errc::invalid_argument);
  unchanged();
  // A dead kept session: refused too.
  ASSERT_TRUE(T::ok(t.sessions().revoke(other.id_hash)));
  auto dead = change(other.id_hash);
  T::expect_error(t.store().change_credentials(dead), Errc::session_revoked);
  EXPECT_EQ(user_fields(t.must_user(alice)), user_fields(before));
  EXPECT_TRUE(t.live(here.id_hash));
}

// Logins (create under the generation they read) race credential changes; afterwards no
// session that is live belongs to an older generation, and every change was counted once.
inline void concurrent_logins_never_outlive_a_change(T& t) {
  const auto alice = t.account("race");
  std::atomic<bool> stop{false};
  std::atomic<int> created{0}, refused{0}, tries{0};
  std::vector<std::string> made[2];
  std::vector<std::thread> logins;
  for (int w = 0; w < 2; ++w)
    logins.emplace_back([&, w] {
      while (!stop) {
        auto u = t.users().get(alice);
        if (!u || !*u) continue;
        auto r = t.session(alice, (*u)->generation);
        auto c = t.sessions().create(r, 0);
        ++tries;
        if (c) {
          ++created;
          made[w].push_back(r.id_hash);
        } else if (c.error().code == Errc::credentials_changed) {
          ++refused;
        }
      }
    });
  constexpr int kChanges = 40;
  for (int i = 0; i < kChanges; ++i) {
    // Let a few logins in between two changes (bounded: a stuck worker fails below, not here).
    const int seen = tries.load();
    for (int spin = 0; spin < 200000 && tries.load() < seen + 3; ++spin) std::this_thread::yield();
    EXPECT_TRUE(t.store().change_credentials(change_of(alice, t.base())));
  }
  stop = true;
  for (auto& th : logins) th.join();
  EXPECT_EQ(t.must_user(alice).generation, static_cast<std::uint64_t>(kChanges));
  EXPECT_GT(created.load(), 0);
  for (const auto& w : made)
    for (const auto& h : w) {
      auto r = t.must_get(h);
      // Live only if created under the final generation; everything older was revoked.
      if (!r.revoked) {
        EXPECT_EQ(r.generation, static_cast<std::uint64_t>(kChanges)) << h;
      }
      if (r.generation != kChanges) {
        EXPECT_TRUE(r.revoked) << h;
      }
    }
}

}  // namespace account_conformance

inline bool register_account_store_conformance(const char* backend, AccountStoreFactory make,
                                               const char* file = __FILE__, int line = __LINE__) {
#define TC(f) std::pair<const char*, AccountStoreConformanceTest::Body>{#f, account_conformance::f}
  static constexpr std::pair<const char*, AccountStoreConformanceTest::Body> kCases[] = {
      TC(create_needs_the_current_generation), TC(get_and_list_report_the_user_generation),
      TC(password_change_is_all_at_once),      TC(disable_revokes_everything),
      TC(refusals_write_nothing),              TC(concurrent_logins_never_outlive_a_change),
  };
#undef TC
  const std::string suite = std::string("AccountStoreConformance/") + backend;
  for (const auto& [name, body] : kCases)
    ::testing::RegisterTest(suite.c_str(), name, nullptr, nullptr, file, line,
                            [make, b = body]() -> AccountStoreConformanceTest* {
                              return new AccountStoreConformanceTest(make, b);
                            });
  return true;
}

}  // namespace tessera::test

#define TESSERA_ACCOUNT_STORE_CONFORMANCE(backend, ...)                   \
  [[maybe_unused]] static const bool tessera_account_conformance_##backend = \
      ::tessera::test::register_account_store_conformance(#backend, __VA_ARGS__, __FILE__, __LINE__)
