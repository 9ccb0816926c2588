// AuthService on the memory stores with a clock the tests advance: login, enumeration-safe
// failures, throttling with backoff, fixation, password change and administration.
#include "tessera/auth_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "faulty_account_store.hpp"
#include "store/stores.hpp"

namespace tessera {
namespace {

constexpr std::int64_t kStart = 1'800'000'000;
const PasswordParams kFast{1, 8u * 1024u * 1024u};
constexpr std::string_view kPw = "correct horse battery";

class AuthClock final : public Clock {
 public:
  std::int64_t now() const override { return t_.load(); }
  void advance(std::int64_t s) { t_ += s; }

 private:
  std::atomic<std::int64_t> t_{kStart};
};

class AuthServiceTest : public ::testing::Test {
 protected:
  AuthServiceTest() {
    options_.password = kFast;
    service_ = std::make_unique<AuthService>(AuthService::create(sessions_, accounts_, options_, &clock_).value());
    EXPECT_TRUE(service_->add_user("alice", kPw));
    EXPECT_TRUE(service_->add_user("bob", kPw));
  }
  Result<LoginResult> login(std::string_view user, std::string_view pw, std::string ip = "203.0.113.7") {
    return service_->login(user, pw, ClientInfo{std::move(ip), "test-agent", ""});
  }
  LoginResult must_login(std::string_view user, std::string ip = "203.0.113.7") {
    auto r = login(user, kPw, std::move(ip));
    EXPECT_TRUE(r) << r.error().name() << ": " << r.error().message;
    return r ? *r : LoginResult{};
  }
  bool alive(const LoginResult& l) { return service_->authenticate(l.session.id).has_value(); }
  static void expect_error(const auto& r, Errc code) {
    ASSERT_FALSE(r) << "expected " << code_name(code);
    EXPECT_EQ(r.error().code, code) << r.error().message;
  }

  AuthClock clock_;
  std::unique_ptr<AccountStore> inner_ = store::combine(store::make_memory_halves());
  UserStore* user_store_ = &inner_->users();
  testing::FaultyAccountStore accounts_{*inner_};
  SessionManager sessions_ = SessionManager::create(accounts_.sessions(), SessionOptions{}, &clock_).value();
  AuthOptions options_;
  std::unique_ptr<AuthService> service_;
};

TEST(Username, Rules) {
  EXPECT_TRUE(valid_username("alice"));
  EXPECT_TRUE(valid_username("a.b_c-d+e@example.org"));
  EXPECT_TRUE(valid_username(std::string(64, 'x')));
  EXPECT_FALSE(valid_username(""));
  EXPECT_FALSE(valid_username(std::string(65, 'x')));
  EXPECT_FALSE(valid_username("al ice"));
  EXPECT_FALSE(valid_username("alice\n"));
  EXPECT_FALSE(valid_username("{alice}"));
  EXPECT_FALSE(valid_username("al:ice"));
  EXPECT_FALSE(valid_username("\xc3\xa9lise"));
}

TEST_F(AuthServiceTest, LoginCreatesASessionWithItsCsrfToken) {
  auto l = must_login("alice");
  EXPECT_EQ(l.session.id.size(), 43u);
  EXPECT_EQ(l.session.session.record.user, "alice");
  EXPECT_EQ(l.session.session.record.client.ip, "203.0.113.7");
  auto s = service_->authenticate(l.session.id);
  ASSERT_TRUE(s);
  EXPECT_EQ(l.csrf_token, sessions_.csrf_token(*s));
  EXPECT_TRUE(sessions_.check_csrf(*s, l.csrf_token));
}

TEST_F(AuthServiceTest, LoginAlwaysIssuesAFreshId) {
  auto a = must_login("alice");
  auto b = must_login("alice");
  EXPECT_NE(a.session.id, b.session.id);
  EXPECT_TRUE(alive(a));
  EXPECT_TRUE(alive(b));
}

TEST_F(AuthServiceTest, FailuresAllLookTheSame) {
  auto wrong = login("alice", "not the password");
  auto unknown = login("mallory", kPw);
  ASSERT_TRUE(service_->disable_user("bob"));
  auto disabled = login("bob", kPw);
  auto bad_name = login("bad name", kPw);
  for (const auto* r : {&wrong, &unknown, &disabled, &bad_name}) {
    expect_error(*r, Errc::invalid_credentials);
    EXPECT_EQ(r->error().message, wrong.error().message);
  }
}

TEST_F(AuthServiceTest, OversizedPasswordIsRefusedWithoutHashing) {
  expect_error(login("alice", std::string(kMaxPasswordLength + 1, 'p')), Errc::invalid_credentials);
}

TEST_F(AuthServiceTest, AccountBackoffThenRecovery) {
  for (int i = 0; i < 5; ++i) expect_error(login("alice", "wrong password"), Errc::invalid_credentials);
  // Five failures are free: the sixth attempt is still checked.
  expect_error(login("alice", "wrong password"), Errc::invalid_credentials);
  // Now locked for 1 s after the last failure, even with the right password.
  auto t = login("alice", kPw);
  expect_error(t, Errc::throttled);
  EXPECT_EQ(t.error().retry_after, 1);
  clock_.advance(1);
  expect_error(login("alice", "wrong password"), Errc::invalid_credentials);
  auto t2 = login("alice", kPw);
  expect_error(t2, Errc::throttled);
  EXPECT_EQ(t2.error().retry_after, 2);  // doubled
  clock_.advance(2);
  must_login("alice");
  // Success reset the account counter: five free failures again.
  for (int i = 0; i < 5; ++i) expect_error(login("alice", "wrong password"), Errc::invalid_credentials);
  must_login("alice");
}

TEST_F(AuthServiceTest, BackoffIsCappedAndNeverOverflows) {
  // 70 failures, each after the previous lock ran out (and from fresh addresses, so the IP
  // counters stay free): 2^64 would overflow long before the last one.
  for (int i = 0; i < 70; ++i) {
    expect_error(login("alice", "wrong password", "198.51.100." + std::to_string(i)), Errc::invalid_credentials);
    clock_.advance(options_.backoff_max);
  }
  expect_error(login("alice", "wrong password", "192.0.2.1"), Errc::invalid_credentials);
  auto t = login("alice", kPw, "192.0.2.1");
  expect_error(t, Errc::throttled);
  EXPECT_EQ(t.error().retry_after, options_.backoff_max);
}

TEST_F(AuthServiceTest, UnknownUsersAreThrottledLikeKnownOnes) {
  for (int i = 0; i < 6; ++i) expect_error(login("mallory", "guess"), Errc::invalid_credentials);
  expect_error(login("mallory", "guess"), Errc::throttled);
}

TEST_F(AuthServiceTest, IpThrottleSpansAccountsAndSurvivesASuccess) {
  for (int i = 0; i < 21; ++i) {
    expect_error(login("user" + std::to_string(i), "guess", "192.0.2.9"), Errc::invalid_credentials);
  }
  auto t = login("alice", kPw, "192.0.2.9");
  expect_error(t, Errc::throttled);
  EXPECT_GE(t.error().retry_after, 1);
  must_login("alice", "192.0.2.10");  // another address is not affected
  clock_.advance(1);
  must_login("alice", "192.0.2.9");
  // The success did not reset the IP: the next failure locks it again, for longer.
  expect_error(login("nobody", "guess", "192.0.2.9"), Errc::invalid_credentials);
  auto t2 = login("alice", kPw, "192.0.2.9");
  expect_error(t2, Errc::throttled);
  EXPECT_EQ(t2.error().retry_after, 2);
}

TEST_F(AuthServiceTest, ThrottleIsForgottenAfterTheWindow) {
  for (int i = 0; i < 7; ++i) (void)login("alice", "wrong password");
  expect_error(login("alice", kPw), Errc::throttled);
  clock_.advance(options_.throttle_window + 1);
  for (int i = 0; i < 5; ++i) expect_error(login("alice", "wrong password"), Errc::invalid_credentials);
  must_login("alice");
}

TEST_F(AuthServiceTest, RehashOnLoginWhenParametersChange) {
  auto before = user_store_->get("alice");
  ASSERT_TRUE(before && *before);
  AuthOptions stronger = options_;
  stronger.password.ops_limit = 2;
  AuthService upgraded = AuthService::create(sessions_, accounts_, stronger, &clock_).value();
  EXPECT_TRUE(password_needs_rehash((*before)->password_hash, stronger.password));
  ASSERT_TRUE(upgraded.login("alice", kPw, ClientInfo{"203.0.113.7", "", ""}));
  auto after = user_store_->get("alice");
  ASSERT_TRUE(after && *after);
  EXPECT_NE((*after)->password_hash, (*before)->password_hash);
  EXPECT_FALSE(password_needs_rehash((*after)->password_hash, stronger.password));
  ASSERT_TRUE(upgraded.login("alice", kPw, ClientInfo{"203.0.113.7", "", ""}));
}

TEST_F(AuthServiceTest, ChangePasswordRevokesOthersAndRotatesThisOne) {
  auto here = must_login("alice");
  auto other = must_login("alice");
  auto bobs = must_login("bob");
  expect_error(service_->change_password(here.session.id, "not my password", "a brand new password"),
               Errc::invalid_credentials);
  expect_error(service_->change_password(here.session.id, kPw, "short"), Errc::weak_password);
  EXPECT_TRUE(alive(here));
  EXPECT_TRUE(alive(other));

  auto changed = service_->change_password(here.session.id, kPw, "a brand new password");
  ASSERT_TRUE(changed) << changed.error().message;
  EXPECT_NE(changed->session.id, here.session.id);
  EXPECT_FALSE(alive(here));
  EXPECT_FALSE(alive(other));
  EXPECT_TRUE(alive(*changed));
  EXPECT_TRUE(alive(bobs));
  auto s = service_->authenticate(changed->session.id);
  ASSERT_TRUE(s);
  EXPECT_TRUE(sessions_.check_csrf(*s, changed->csrf_token));
  expect_error(login("alice", kPw), Errc::invalid_credentials);
  EXPECT_TRUE(login("alice", "a brand new password"));
}

TEST_F(AuthServiceTest, ChangePasswordNeedsALiveSession) {
  auto l = must_login("alice");
  ASSERT_TRUE(service_->logout(l.session.id));
  expect_error(service_->change_password(l.session.id, kPw, "a brand new password"), Errc::session_revoked);
}

TEST_F(AuthServiceTest, WrongCurrentPasswordsAreThrottled) {
  auto l = must_login("alice");
  for (int i = 0; i < 6; ++i) {
    expect_error(service_->change_password(l.session.id, "guess", "a brand new password"),
                 Errc::invalid_credentials);
  }
  expect_error(service_->change_password(l.session.id, kPw, "a brand new password"), Errc::throttled);
}

TEST_F(AuthServiceTest, RevokeSessionOnlyTouchesYourOwn) {
  auto mine = must_login("alice");
  auto mine2 = must_login("alice");
  auto theirs = must_login("bob");
  expect_error(service_->revoke_session("alice", theirs.session.session.record.id_hash), Errc::session_not_found);
  EXPECT_TRUE(alive(theirs));
  expect_error(service_->revoke_session("alice", "not-a-hash"), Errc::session_not_found);
  ASSERT_TRUE(service_->revoke_session("alice", mine2.session.session.record.id_hash));
  EXPECT_FALSE(alive(mine2));
  EXPECT_TRUE(alive(mine));
}

TEST_F(AuthServiceTest, RevokeOthersAndLogoutEverywhere) {
  auto a1 = must_login("alice");
  auto a2 = must_login("alice");
  auto a3 = must_login("alice");
  auto b = must_login("bob");
  auto n = service_->revoke_others("alice", a1.session.id);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2u);
  EXPECT_TRUE(alive(a1));
  EXPECT_FALSE(alive(a2));
  EXPECT_FALSE(alive(a3));
  auto a4 = must_login("alice");
  auto m = service_->logout_everywhere("alice");
  ASSERT_TRUE(m);
  EXPECT_EQ(*m, 2u);
  EXPECT_FALSE(alive(a1));
  EXPECT_FALSE(alive(a4));
  EXPECT_TRUE(alive(b));
  auto list = service_->sessions("alice");
  ASSERT_TRUE(list);
  EXPECT_TRUE(list->empty());
}

TEST_F(AuthServiceTest, Administration) {
  expect_error(service_->add_user("alice", kPw), Errc::user_exists);
  expect_error(service_->add_user("no spaces", kPw), Errc::invalid_argument);
  expect_error(service_->add_user("carol", "short"), Errc::weak_password);
  expect_error(service_->add_user("carol", std::string(kMaxPasswordLength + 1, 'p')), Errc::weak_password);
  expect_error(service_->reset_password("nobody", kPw), Errc::user_not_found);
  expect_error(service_->disable_user("nobody"), Errc::user_not_found);

  auto a1 = must_login("alice");
  auto a2 = must_login("alice");
  auto reset = service_->reset_password("alice", "reset by the admin");
  ASSERT_TRUE(reset);
  EXPECT_EQ(*reset, 2u);
  EXPECT_FALSE(alive(a1));
  EXPECT_FALSE(alive(a2));
  EXPECT_TRUE(login("alice", "reset by the admin"));

  auto b = must_login("bob");
  auto disabled = service_->disable_user("bob");
  ASSERT_TRUE(disabled);
  EXPECT_EQ(*disabled, 1u);
  EXPECT_FALSE(alive(b));
  expect_error(login("bob", kPw), Errc::invalid_credentials);

  auto all = service_->users();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].username, "alice");
  EXPECT_FALSE((*all)[0].disabled);
  EXPECT_EQ((*all)[1].username, "bob");
  EXPECT_TRUE((*all)[1].disabled);
  EXPECT_EQ((*all)[1].password_hash.rfind("$argon2id$", 0), 0u);
}

TEST_F(AuthServiceTest, StoreDownFailsClosed) {
  auto l = must_login("alice");
  accounts_.down = true;
  expect_error(login("alice", kPw), Errc::store_unavailable);
  expect_error(service_->change_password(l.session.id, kPw, "a brand new password"), Errc::store_unavailable);
  expect_error(service_->add_user("carol", kPw), Errc::store_unavailable);
  accounts_.down = false;
  must_login("alice");
}

TEST_F(AuthServiceTest, CsrfNeedsTheSessionsTokenAndASameOriginRequest) {
  auto l = must_login("alice");
  auto other = must_login("bob");
  auto s = service_->authenticate(l.session.id);
  ASSERT_TRUE(s);
  EXPECT_EQ(service_->csrf_token(*s), l.csrf_token);
  EXPECT_TRUE(service_->check_csrf(*s, l.csrf_token, true));
  expect_error(service_->check_csrf(*s, std::nullopt, true), Errc::csrf_failed);         // no token
  expect_error(service_->check_csrf(*s, "", true), Errc::csrf_failed);                    // empty token
  expect_error(service_->check_csrf(*s, other.csrf_token, true), Errc::csrf_failed);      // another session's
  expect_error(service_->check_csrf(*s, l.csrf_token + "x", true), Errc::csrf_failed);    // altered
  expect_error(service_->check_csrf(*s, l.csrf_token, false), Errc::csrf_failed);         // cross-origin
}

// An account store whose ping fails with an error other than store_unavailable.
class PingFails final : public AccountStore {
 public:
  explicit PingFails(AccountStore& inner) : inner_(inner) {}
  SessionStore& sessions() override { return inner_.sessions(); }
  UserStore& users() override { return inner_.users(); }
  Result<CredentialChangeResult> change_credentials(const CredentialChange& c) override {
    return inner_.change_credentials(c);
  }
  Result<void> ping() override { return fail(Errc::internal, "disk on fire"); }

 private:
  AccountStore& inner_;
};

TEST_F(AuthServiceTest, ReadyPingsTheAccountStore) {
  const auto before = accounts_.calls().size();
  EXPECT_TRUE(service_->ready());
  ASSERT_EQ(accounts_.calls().size(), before + 1);
  EXPECT_EQ(accounts_.calls().back(), "ping");
  accounts_.down = true;
  expect_error(service_->ready(), Errc::store_unavailable);
  accounts_.down = false;
  EXPECT_TRUE(service_->ready());

  // Any failure of the probe is reported as store_unavailable (its detail kept for the log).
  PingFails broken(*inner_);
  auto sessions = SessionManager::create(broken.sessions(), SessionOptions{}, &clock_).value();
  auto service = AuthService::create(sessions, broken, options_, &clock_).value();
  auto r = service.ready();
  expect_error(r, Errc::store_unavailable);
  EXPECT_EQ(r.error().message, "disk on fire");
}

}  // namespace
}  // namespace tessera
