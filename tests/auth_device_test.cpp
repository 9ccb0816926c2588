// AuthService with device cookies (OWASP device-cookie scheme, include/tessera/device_cookie.hpp):
// strangers' failures lock the account for strangers only; a client holding a valid device
// cookie for the user is throttled on its own counter; a forged, foreign, expired or wrong-key
// cookie counts as a stranger. Memory stores and a clock the tests advance.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>

#include "store/stores.hpp"
#include "tessera/auth_service.hpp"
#include "tessera/device_cookie.hpp"

namespace tessera {
namespace {

constexpr std::int64_t kStart = 1'800'000'000;
const PasswordParams kFast{1, 8u * 1024u * 1024u};
constexpr std::string_view kPw = "correct horse battery";
constexpr std::string_view kWrong = "wrong password";

class DeviceClock final : public Clock {
 public:
  std::int64_t now() const override { return t_.load(); }
  void advance(std::int64_t s) { t_ += s; }

 private:
  std::atomic<std::int64_t> t_{kStart};
};

std::shared_ptr<const DeviceCookies> device_cookies(char fill) {
  auto dc = DeviceCookies::create(SecretBytes(std::string(kDeviceKeyBytes, fill)));
  EXPECT_TRUE(dc);
  return std::make_shared<const DeviceCookies>(std::move(*dc));
}

class AuthDeviceTest : public ::testing::Test {
 protected:
  AuthDeviceTest() {
    options_.password = kFast;
    options_.device_cookies = cookies_;
    service_ = std::make_unique<AuthService>(AuthService::create(sessions_, *accounts_, options_, &clock_).value());
    EXPECT_TRUE(service_->add_user("alice", kPw));
    EXPECT_TRUE(service_->add_user("bob", kPw));
  }

  // Each stranger attempt comes from its own address, so only the account key can lock.
  Result<LoginResult> login(std::string_view user, std::string_view pw, std::string_view cookie = {},
                            std::string ip = "203.0.113.7") {
    return service_->login(user, pw, ClientInfo{std::move(ip), "test-agent", ""}, cookie);
  }
  std::string next_ip() { return "198.51.100." + std::to_string(++ip_counter_ % 250); }
  LoginResult must_login(std::string_view user, std::string_view cookie = {}) {
    auto r = login(user, kPw, cookie, next_ip());
    EXPECT_TRUE(r) << r.error().name() << ": " << r.error().message;
    return r ? *r : LoginResult{};
  }
  // The device id behind a cookie (empty when it does not verify for user).
  std::string device_of(std::string_view cookie, std::string_view user) {
    auto d = cookies_->verify(cookie, user, clock_.now());
    return d ? d->id : std::string();
  }
  static void expect_error(const Result<LoginResult>& r, Errc code) {
    ASSERT_FALSE(r) << "expected " << code_name(code);
    EXPECT_EQ(r.error().code, code) << r.error().message;
  }
  // Six wrong passwords from six addresses with this cookie: the account's (or the device's)
  // five free failures and one more, which locks its key for 1 s.
  void fail_six(std::string_view user, std::string_view cookie = {}) {
    for (int i = 0; i < 6; ++i) expect_error(login(user, kWrong, cookie, next_ip()), Errc::invalid_credentials);
  }

  DeviceClock clock_;
  std::shared_ptr<const DeviceCookies> cookies_ = device_cookies('d');
  std::unique_ptr<AccountStore> accounts_ = store::combine(store::make_memory_halves());
  UserStore* users_ = &accounts_->users();
  SessionManager sessions_ = SessionManager::create(accounts_->sessions(), SessionOptions{}, &clock_).value();
  AuthOptions options_;
  std::unique_ptr<AuthService> service_;
  int ip_counter_ = 0;
};

TEST_F(AuthDeviceTest, SuccessIssuesADeviceCookieForThatUser) {
  auto a = must_login("alice");
  ASSERT_EQ(a.device_cookie.size(), kDeviceCookieChars);
  EXPECT_FALSE(device_of(a.device_cookie, "alice").empty());
  EXPECT_TRUE(device_of(a.device_cookie, "bob").empty());
  // A fresh client is a new device; a returning one keeps its device id (new value, same id).
  auto b = must_login("alice");
  EXPECT_NE(device_of(b.device_cookie, "alice"), device_of(a.device_cookie, "alice"));
  clock_.advance(5);
  auto again = must_login("alice", a.device_cookie);
  EXPECT_NE(again.device_cookie, a.device_cookie);
  EXPECT_EQ(device_of(again.device_cookie, "alice"), device_of(a.device_cookie, "alice"));
  // Failures never issue one.
  expect_error(login("alice", kWrong), Errc::invalid_credentials);
}

TEST_F(AuthDeviceTest, StrangersLockTheAccountForStrangersOnlyNotForTheUsersDevice) {
  const std::string device = must_login("alice").device_cookie;
  fail_six("alice");  // strangers, each from its own address
  // A stranger (no cookie) is locked out even with the right password...
  expect_error(login("alice", kPw, {}, next_ip()), Errc::throttled);
  // ...but alice's device logs in, from any address.
  auto ok = login("alice", kPw, device, next_ip());
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->session.session.record.user, "alice");
  // Her success with the device did not reset the account: strangers are still locked out.
  expect_error(login("alice", kPw, {}, next_ip()), Errc::throttled);
  // And she still gets in while it lasts, with the cookie she was just given too.
  EXPECT_TRUE(login("alice", kPw, ok->device_cookie, next_ip()));
}

TEST_F(AuthDeviceTest, ADevicesOwnFailuresLockOnlyThatDevice) {
  const std::string d1 = must_login("alice").device_cookie;
  const std::string d2 = must_login("alice").device_cookie;
  fail_six("alice", d1);
  auto locked = login("alice", kPw, d1, next_ip());
  expect_error(locked, Errc::throttled);
  EXPECT_EQ(locked.error().retry_after, 1);
  // Another device of alice's and a client without a cookie are not affected.
  EXPECT_TRUE(login("alice", kPw, d2, next_ip()));
  EXPECT_TRUE(login("alice", kPw, {}, next_ip()));
  // The device's lock runs out like any other, and its success resets its counter: five free
  // failures again before the next lock.
  clock_.advance(1);
  EXPECT_TRUE(login("alice", kPw, d1, next_ip()));
  for (int i = 0; i < 5; ++i) expect_error(login("alice", kWrong, d1, next_ip()), Errc::invalid_credentials);
  EXPECT_TRUE(login("alice", kPw, d1, next_ip()));
}

TEST_F(AuthDeviceTest, ForgedForeignAndWrongKeyCookiesCountAsStrangers) {
  const std::string bobs = must_login("bob").device_cookie;
  const std::string alices = must_login("alice").device_cookie;
  std::string tampered = alices;
  tampered[50] = tampered[50] == 'A' ? 'B' : 'A';  // inside the tag
  const std::string other_key = device_cookies('x')->issue("alice", clock_.now());
  const std::string cookies[] = {bobs, tampered, other_key, "garbage", alices.substr(0, 40), tampered};
  // Six failures, each with a cookie that is not a valid device cookie of alice's: they all
  // count against the account...
  for (const auto& c : cookies) expect_error(login("alice", kWrong, c, next_ip()), Errc::invalid_credentials);
  // ...so every one of those clients is now a locked-out stranger.
  for (const auto& c : cookies) expect_error(login("alice", kPw, c, next_ip()), Errc::throttled);
  expect_error(login("alice", kPw, {}, next_ip()), Errc::throttled);
  // Only alice's genuine device gets in; bob's cookie still works for bob.
  EXPECT_TRUE(login("alice", kPw, alices, next_ip()));
  EXPECT_TRUE(login("bob", kPw, bobs, next_ip()));
}

TEST_F(AuthDeviceTest, AnExpiredCookieCountsAsAStranger) {
  const std::string old = must_login("alice").device_cookie;
  clock_.advance(kDeviceCookieMaxAge);
  fail_six("alice", old);
  expect_error(login("alice", kPw, old, next_ip()), Errc::throttled);
  expect_error(login("alice", kPw, {}, next_ip()), Errc::throttled);
}

TEST_F(AuthDeviceTest, TheDeviceDoesNotEscapeTheIpThrottle) {
  const std::string device = must_login("alice").device_cookie;
  for (int i = 0; i < 21; ++i)
    expect_error(login("user" + std::to_string(i), "guess", {}, "192.0.2.9"), Errc::invalid_credentials);
  expect_error(login("alice", kPw, device, "192.0.2.9"), Errc::throttled);
  EXPECT_TRUE(login("alice", kPw, device, "192.0.2.10"));
}

TEST(AuthDeviceOff, WithoutDeviceCookiesEveryClientCountsAgainstTheAccount) {
  DeviceClock clock;
  auto accounts = store::combine(store::make_memory_halves());
  SessionManager sessions = SessionManager::create(accounts->sessions(), SessionOptions{}, &clock).value();
  AuthOptions o;
  o.password = kFast;
  AuthService service = AuthService::create(sessions, *accounts, o, &clock).value();
  ASSERT_TRUE(service.add_user("alice", kPw));
  // A cookie this service could never have issued (it has no key) changes nothing.
  const std::string cookie = device_cookies('d')->issue("alice", clock.now());
  auto ok = service.login("alice", kPw, ClientInfo{"203.0.113.1", "", ""}, cookie);
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->device_cookie.empty());
  for (int i = 0; i < 6; ++i)
    EXPECT_FALSE(service.login("alice", kWrong, ClientInfo{"203.0.113.1", "", ""}, cookie));
  auto t = service.login("alice", kPw, ClientInfo{"203.0.113.2", "", ""}, cookie);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, Errc::throttled);
}

}  // namespace
}  // namespace tessera
