// AuthService under races and faults (issue: login state that stays right), on the memory and
// SQLite backends through a FaultyAccountStore:
//  - a login held between its password check and its session write (a barrier in the store)
//    while a password change, an admin reset or a disable runs: the login must not yield a
//    session that is valid afterwards; while a logout everywhere runs, it still logs in;
//  - a password change failed at each of its store calls in turn, before or after the store
//    applied the call: every outcome is all or nothing, 503 only when nothing changed, and a
//    retry works;
//  - an unknown user's dummy verification uses the parameters the stored hashes use.
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "faulty_account_store.hpp"
#include "redis_test_server.hpp"
#include "tessera/auth_service.hpp"

namespace tessera {
namespace {

using testing::FaultyAccountStore;

const PasswordParams kFast{1, 8u * 1024u * 1024u};
const PasswordParams kFaster{1, 16u * 1024u};  // what a restart with cheaper parameters uses
constexpr std::string_view kOld = "correct horse battery";
constexpr std::string_view kNew = "a brand new password";

std::string db_path() {
  static test::TempDir dir;
  static std::atomic<int> n{0};
  return dir.path() + "/races-" + std::to_string(n++) + ".db";
}

class AuthRaces : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    const std::string kind = GetParam();
    auto s = open_account_store(kind == "memory" ? "memory:" : "sqlite:" + db_path());
    ASSERT_TRUE(s) << s.error().message;
    inner_ = std::move(*s);
    faulty_ = std::make_unique<FaultyAccountStore>(*inner_);
    sessions_ = std::make_unique<SessionManager>(SessionManager::create(faulty_->sessions()).value());
    AuthOptions o;
    o.password = kFast;
    o.account_free_failures = 1000;  // these tests fail logins on purpose; throttling is tested elsewhere
    o.ip_free_failures = 1000;
    auth_ = std::make_unique<AuthService>(AuthService::create(*sessions_, *faulty_, o).value());
  }

  std::string user(std::string_view tag) {
    std::string name = std::string(tag) + "-" + std::to_string(next_++);
    EXPECT_TRUE(auth_->add_user(name, kOld));
    return name;
  }
  Result<LoginResult> login(const std::string& u, std::string_view pw) {
    return auth_->login(u, pw, ClientInfo{"198.51.100.4", "test", ""});
  }
  std::string must_login(const std::string& u, std::string_view pw = kOld) {
    auto l = login(u, pw);
    EXPECT_TRUE(l) << l.error().name() << ": " << l.error().message;
    return l ? l->session.id : std::string();
  }
  bool alive(const std::string& id) { return auth_->authenticate(id).has_value(); }
  std::size_t live_sessions(const std::string& u) {
    auto l = auth_->sessions(u);
    return l ? l->size() : 999;
  }

  // Runs in_flight on another thread until its first store call named `at`, holds it there
  // while `meanwhile` runs, then lets it go on; returns its result.
  Result<LoginResult> hold_at(const std::string& at, const std::function<Result<LoginResult>()>& in_flight,
                              const std::function<void()>& meanwhile) {
    std::promise<void> reached, release;
    auto released = release.get_future().share();
    std::atomic<bool> armed{true};
    faulty_->on_call = [&](const std::string& name) {
      if (name == at && armed.exchange(false)) {
        reached.set_value();
        released.wait();
      }
    };
    auto result = std::async(std::launch::async, in_flight);
    reached.get_future().wait();
    meanwhile();
    release.set_value();
    auto r = result.get();
    faulty_->on_call = nullptr;
    return r;
  }
  // A login of u held between its password check and its session write.
  Result<LoginResult> login_across(const std::string& u, const std::function<void()>& meanwhile) {
    return hold_at("create", [&] { return login(u, kOld); }, meanwhile);
  }

  std::unique_ptr<AccountStore> inner_;
  std::unique_ptr<FaultyAccountStore> faulty_;
  std::unique_ptr<SessionManager> sessions_;
  std::unique_ptr<AuthService> auth_;
  int next_ = 0;
};

TEST_P(AuthRaces, LoginInFlightDoesNotSurviveAPasswordChange) {
  const auto u = user("change");
  const auto here = must_login(u);
  std::string rotated;
  auto r = login_across(u, [&] {
    auto c = auth_->change_password(here, kOld, kNew);
    ASSERT_TRUE(c) << c.error().message;
    rotated = c->session.id;
  });
  ASSERT_FALSE(r) << "a login checked against the old password got a session after the change";
  EXPECT_EQ(r.error().code, Errc::invalid_credentials);
  EXPECT_TRUE(alive(rotated));
  EXPECT_EQ(live_sessions(u), 1u);  // only the rotated one
  EXPECT_FALSE(login(u, kOld));
  EXPECT_TRUE(login(u, kNew));
}

TEST_P(AuthRaces, LoginInFlightDoesNotSurviveAnAdminReset) {
  const auto u = user("reset");
  auto r = login_across(u, [&] { ASSERT_TRUE(auth_->reset_password(u, kNew)); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_credentials);
  EXPECT_EQ(live_sessions(u), 0u);
}

TEST_P(AuthRaces, LoginInFlightDoesNotSurviveADisable) {
  const auto u = user("disable");
  auto r = login_across(u, [&] { ASSERT_TRUE(auth_->disable_user(u)); });
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_credentials);
  EXPECT_EQ(live_sessions(u), 0u);
  EXPECT_FALSE(login(u, kOld));
}

// Logging out everywhere ends the sessions that exist; a login whose password is still the
// one it checked is a new login, under the new generation.
TEST_P(AuthRaces, LoginInFlightDuringLogoutEverywhereStillLogsIn) {
  const auto u = user("everywhere");
  const auto before = must_login(u);
  auto r = login_across(u, [&] { ASSERT_TRUE(auth_->logout_everywhere(u)); });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(alive(before));
  EXPECT_TRUE(alive(r->session.id));
  EXPECT_EQ(r->session.session.record.generation, 1u);
}

// The stall of the issue (Redis paused mid-request), at every store call of a password change.
TEST_P(AuthRaces, PasswordChangeFailedAtEveryStepIsAllOrNothing) {
  // How many store calls a successful change makes.
  std::size_t steps = 0;
  {
    const auto u = user("count");
    const auto here = must_login(u);
    const auto from = faulty_->calls().size();
    ASSERT_TRUE(auth_->change_password(here, kOld, kNew));
    steps = faulty_->calls().size() - from;
  }
  ASSERT_GE(steps, 3u);
  for (auto mode : {FaultyAccountStore::Mode::before, FaultyAccountStore::Mode::after}) {
    for (std::size_t k = 1; k <= steps; ++k) {
      SCOPED_TRACE(std::string(mode == FaultyAccountStore::Mode::before ? "before" : "after") + " step " +
                   std::to_string(k));
      const auto u = user("fault");
      const auto here = must_login(u);
      const auto other = must_login(u);
      faulty_->fail_call(static_cast<int>(k), mode);
      auto r = auth_->change_password(here, kOld, kNew);
      if (r) {
        // Everything happened.
        EXPECT_TRUE(alive(r->session.id));
        EXPECT_FALSE(alive(here));
        EXPECT_FALSE(alive(other));
        EXPECT_FALSE(login(u, kOld));
        EXPECT_TRUE(login(u, kNew));
        continue;
      }
      // 503, and nothing happened: both devices still in, the old password still the one.
      EXPECT_EQ(r.error().code, Errc::store_unavailable) << r.error().message;
      EXPECT_TRUE(alive(here));
      EXPECT_TRUE(alive(other));
      EXPECT_FALSE(login(u, kNew));
      // A retry is safe and completes the change.
      auto again = auth_->change_password(here, kOld, kNew);
      ASSERT_TRUE(again) << again.error().message;
      EXPECT_FALSE(alive(other));
      EXPECT_TRUE(login(u, kNew));
    }
  }
}

// A login that re-hashes to new parameters never writes the old password back over a
// change that raced it.
TEST_P(AuthRaces, RehashNeverUndoesARacingPasswordChange) {
  const auto u = user("rehash");
  const auto here = must_login(u);
  AuthOptions stronger = auth_->options();
  stronger.password.ops_limit = 2;
  AuthService upgraded = AuthService::create(*sessions_, *faulty_, stronger).value();
  auto r = hold_at(
      "rehash_password", [&] { return upgraded.login(u, kOld, ClientInfo{"198.51.100.4", "", ""}); },
      [&] { ASSERT_TRUE(auth_->change_password(here, kOld, kNew)); });
  EXPECT_FALSE(r);
  EXPECT_FALSE(login(u, kOld)) << "the re-hash wrote the old password back";
  EXPECT_TRUE(login(u, kNew));
}

// Equal time for unknown users after an Argon2 parameter change: the dummy is verified with
// the parameters the stored hashes use, not the newly configured ones.
TEST_P(AuthRaces, UnknownUserCostsWhatStoredHashesCost) {
  const auto u = user("timing");  // stored with kFast
  AuthOptions cheaper = auth_->options();
  cheaper.password = kFaster;  // the restart of the issue: --argon2-mem-kib lowered
  AuthService restarted = AuthService::create(*sessions_, *faulty_, cheaper).value();
  EXPECT_EQ(restarted.unknown_user_params(), kFaster);  // what it would do without learning
  ASSERT_TRUE(restarted.learn_password_params());
  EXPECT_EQ(restarted.unknown_user_params(), kFast);
  // Without learning, the first known login it sees teaches it too.
  AuthService other = AuthService::create(*sessions_, *faulty_, cheaper).value();
  EXPECT_FALSE(other.login(u, "wrong password", ClientInfo{"198.51.100.4", "", ""}));
  EXPECT_EQ(other.unknown_user_params(), kFast);
}

INSTANTIATE_TEST_SUITE_P(Backends, AuthRaces, ::testing::Values("memory", "sqlite"),
                         [](const ::testing::TestParamInfo<const char*>& p) { return std::string(p.param); });

}  // namespace
}  // namespace tessera
