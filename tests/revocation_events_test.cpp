// What the services announce on the revocation feed (tessera/revocation_log.hpp): the
// AuthorizationServer's jti and grant events (revoking a JWT access token or a refresh token,
// refresh token reuse, code reuse, revoking a device grant) and AuthService's subject events
// (logout everywhere, password change and reset, disable); and that an append failing after the
// revocation was written is store_unavailable, and a retry announces.
#include <gtest/gtest.h>

#include <algorithm>

#include "oauth_fixture.hpp"
#include "store/stores.hpp"
#include "tessera/auth_service.hpp"
#include "tessera/revocation_log.hpp"

namespace tessera {
namespace {

using test::OauthTest;
using test::Registered;
using test::str;
using Type = RevocationEvent::Type;

// Keeps what is appended; refuses appends while `failing`.
class RecordingLog final : public RevocationLog {
 public:
  Result<std::string> append(const RevocationEvent& e) override {
    if (failing) return fail(Errc::store_unavailable, "test: the log is down");
    events.push_back(e);
    return std::to_string(events.size());
  }
  Result<RevocationRead> read(std::string_view, std::size_t) override { return RevocationRead{}; }
  Result<void> wait(std::string_view, std::chrono::milliseconds) override { return {}; }
  std::int64_t retention() const noexcept override { return 60; }

  std::vector<RevocationEvent> of(Type t) const {
    std::vector<RevocationEvent> out;
    for (const auto& e : events)
      if (e.type == t) out.push_back(e);
    return out;
  }
  bool failing = false;
  std::vector<RevocationEvent> events;
};

class RevocationEvents : public OauthTest {
 protected:
  void SetUp() override {
    OauthTest::SetUp();
    OAuthOptions o;
    o.revocations = &log_;
    make_server(o);
  }
  boost::json::object start(const Registered& c) {
    auto t = exchange(c, code_for(c));
    EXPECT_TRUE(t) << (t ? "" : t.error().message);
    return t ? *t : boost::json::object{};
  }
  std::string jti_of(const Registered& c, const std::string& token) { return str(introspect(c, token), "jti"); }
  RecordingLog log_;
};

TEST_F(RevocationEvents, RevokingAJwtAccessTokenAnnouncesItsJti) {
  auto c = add(web_settings());
  auto t = start(c);
  const std::string jti = jti_of(c, str(t, "access_token"));
  ASSERT_FALSE(jti.empty());
  ASSERT_TRUE(server_->revoke({{"token", str(t, "access_token")}}, basic(c)));
  ASSERT_EQ(log_.events.size(), 1u);
  EXPECT_EQ(log_.events[0].type, Type::jti);
  EXPECT_EQ(log_.events[0].jti, jti);
  EXPECT_EQ(log_.events[0].exp, clock_.now() + c.settings.access_ttl);
  // Another client's token, garbage: nothing revoked, nothing announced.
  auto other = add(web_settings());
  auto t2 = start(other);
  ASSERT_TRUE(server_->revoke({{"token", str(t2, "access_token")}}, basic(c)));
  ASSERT_TRUE(server_->revoke({{"token", "garbage"}}, basic(c)));
  EXPECT_EQ(log_.events.size(), 1u);
}

TEST_F(RevocationEvents, RevokingARefreshTokenAnnouncesTheGrantAndItsLiveJtis) {
  auto c = add(web_settings());
  auto t = start(c);
  const std::string jti = jti_of(c, str(t, "access_token"));
  ASSERT_TRUE(server_->revoke({{"token", str(t, "refresh_token")}}, basic(c)));
  const auto jtis = log_.of(Type::jti);
  const auto grants = log_.of(Type::grant);
  ASSERT_EQ(jtis.size(), 1u);
  EXPECT_EQ(jtis[0].jti, jti);
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0].sub, "alice");
  EXPECT_FALSE(grants[0].grant.empty());
  EXPECT_EQ(log_.events.back().type, Type::grant) << "the grant event comes after its jtis";
}

TEST_F(RevocationEvents, RefreshReuseAnnouncesTheFamily) {
  auto c = add(web_settings());
  auto t = start(c);
  ASSERT_TRUE(refresh(c, str(t, "refresh_token")));
  clock_.set(clock_.now() + c.settings.access_ttl + 1);  // the first access token has expired: not announced
  auto reuse = refresh(c, str(t, "refresh_token"));
  ASSERT_FALSE(reuse);
  EXPECT_EQ(reuse.error().code, Errc::invalid_grant);
  const auto jtis = log_.of(Type::jti);
  EXPECT_TRUE(jtis.empty()) << "both access tokens have expired by now";
  ASSERT_EQ(log_.of(Type::grant).size(), 1u);
  EXPECT_EQ(log_.of(Type::grant)[0].sub, "alice");
}

TEST_F(RevocationEvents, RefreshReuseAnnouncesLiveJtis) {
  auto c = add(web_settings());
  auto t = start(c);
  auto r1 = refresh(c, str(t, "refresh_token"));
  ASSERT_TRUE(r1);
  const std::string jti1 = jti_of(c, str(t, "access_token"));
  const std::string jti2 = jti_of(c, str(*r1, "access_token"));
  ASSERT_FALSE(refresh(c, str(t, "refresh_token")));
  std::vector<std::string> got;
  for (const auto& e : log_.of(Type::jti)) got.push_back(e.jti);
  std::sort(got.begin(), got.end());
  std::vector<std::string> want{jti1, jti2};
  std::sort(want.begin(), want.end());
  EXPECT_EQ(got, want);
  EXPECT_EQ(log_.of(Type::grant).size(), 1u);
}

TEST_F(RevocationEvents, CodeReuseAnnouncesTheGrant) {
  auto c = add(web_settings());
  const std::string code = code_for(c);
  ASSERT_TRUE(exchange(c, code));
  ASSERT_FALSE(exchange(c, code));
  ASSERT_EQ(log_.of(Type::grant).size(), 1u);
  EXPECT_EQ(log_.of(Type::jti).size(), 1u);
}

TEST_F(RevocationEvents, RevokingADeviceGrantAnnouncesIt) {
  auto c = add(web_settings());
  start(c);
  auto list = server_->grants("alice");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1u);
  ASSERT_TRUE(server_->revoke_grant("alice", (*list)[0].family_id));
  const auto grants = log_.of(Type::grant);
  ASSERT_EQ(grants.size(), 1u);
  EXPECT_EQ(grants[0].grant, (*list)[0].family_id);
  EXPECT_EQ(grants[0].sub, "alice");
}

TEST_F(RevocationEvents, AFailedAppendIsStoreUnavailableAndARetryAnnounces) {
  auto c = add(web_settings());
  auto t = start(c);
  log_.failing = true;
  auto r = server_->revoke({{"token", str(t, "access_token")}}, basic(c));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::store_unavailable);
  EXPECT_FALSE(active(c, str(t, "access_token"))) << "the revocation itself stands";
  log_.failing = false;
  ASSERT_TRUE(server_->revoke({{"token", str(t, "access_token")}}, basic(c)));
  EXPECT_EQ(log_.of(Type::jti).size(), 1u);

  log_.failing = true;
  auto g = server_->revoke({{"token", str(t, "refresh_token")}}, basic(c));
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().code, Errc::store_unavailable);
  log_.failing = false;
  ASSERT_TRUE(server_->revoke({{"token", str(t, "refresh_token")}}, basic(c)));
  EXPECT_EQ(log_.of(Type::grant).size(), 1u) << "the retry announces the revoked family";
}

// ---- AuthService ----------------------------------------------------------------------------

constexpr std::string_view kPw = "correct horse battery";

class SubjectEvents : public ::testing::Test {
 protected:
  SubjectEvents() {
    AuthOptions o;
    o.password = PasswordParams{1, 8u * 1024u * 1024u};
    o.revocations = &log_;
    service_ = std::make_unique<AuthService>(AuthService::create(*sessions_, *accounts_, o, &clock_).value());
    EXPECT_TRUE(service_->add_user("alice", kPw));
  }
  void expect_subject(std::size_t n) {
    ASSERT_EQ(log_.events.size(), n);
    EXPECT_EQ(log_.events.back().type, Type::subject);
    EXPECT_EQ(log_.events.back().sub, "alice");
    EXPECT_EQ(log_.events.back().not_before, clock_.now());
  }
  test::SettableClock clock_{1'800'000'000};
  std::unique_ptr<AccountStore> accounts_ = store::combine(store::make_memory_halves());
  std::unique_ptr<SessionManager> sessions_ = std::make_unique<SessionManager>(
      SessionManager::create(accounts_->sessions(), SessionOptions{}, &clock_).value());
  RecordingLog log_;
  std::unique_ptr<AuthService> service_;
};

TEST_F(SubjectEvents, EveryGenerationMoveIsAnnounced) {
  EXPECT_TRUE(log_.events.empty()) << "adding a user revokes nothing";
  ASSERT_TRUE(service_->logout_everywhere("alice"));
  expect_subject(1);
  clock_.set(clock_.now() + 5);
  auto login = service_->login("alice", kPw, ClientInfo{"203.0.113.7", "t", ""});
  ASSERT_TRUE(login);
  EXPECT_EQ(log_.events.size(), 1u) << "a login revokes nothing";
  ASSERT_TRUE(service_->change_password(login->session.id, kPw, "another long password"));
  expect_subject(2);
  clock_.set(clock_.now() + 5);
  ASSERT_TRUE(service_->reset_password("alice", "yet another password"));
  expect_subject(3);
  clock_.set(clock_.now() + 5);
  ASSERT_TRUE(service_->disable_user("alice"));
  expect_subject(4);
}

TEST_F(SubjectEvents, AFailedAppendIsStoreUnavailableAfterTheChange) {
  auto login = service_->login("alice", kPw, ClientInfo{"203.0.113.7", "t", ""});
  ASSERT_TRUE(login);
  log_.failing = true;
  auto r = service_->logout_everywhere("alice");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::store_unavailable);
  EXPECT_FALSE(service_->authenticate(login->session.id)) << "the logout itself stands";
  log_.failing = false;
  ASSERT_TRUE(service_->logout_everywhere("alice"));
  expect_subject(1);
}

}  // namespace
}  // namespace tessera
