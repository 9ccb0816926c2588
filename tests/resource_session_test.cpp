// The Authenticator and Tessera's session cookie (sessions option): a live session is a
// principal, a revoked or unknown one is refused, the cookie header is read strictly, and a
// store that cannot answer fails closed.
#include "resource_fixture.hpp"
#include "store/stores.hpp"
#include "tessera/session.hpp"

namespace tessera::test {
namespace {

class ResourceSession : public ResourceTest {
 protected:
  std::unique_ptr<SessionStore> store = store::make_memory_store();
  SessionManager sessions = SessionManager::create(*store, {}, &clock).value();

  AuthenticatorOptions session_options() {
    auto o = options();
    o.sessions = &sessions;
    return o;
  }
  std::string cookie(const std::string& id) { return "theme=dark; __Host-tessera-session=" + id; }
};

TEST_F(ResourceSession, LiveSessionIsAccepted) {
  const auto s = sessions.create("alice", "{}", {}).value();
  const auto c = cookie(s.id);
  const auto r = call(authenticator(session_options()), {{"Cookie", c}});
  ASSERT_TRUE(r.has_value()) << r.error().error.message;
  EXPECT_EQ(r->method, AuthMethod::session);
  EXPECT_EQ(r->subject, "alice");
  EXPECT_EQ(r->token_id, SessionManager::hash_id(s.id));
  EXPECT_NE(r->token_id, s.id);
  EXPECT_TRUE(r->scopes.empty());
}

TEST_F(ResourceSession, RevokedSessionIsRefused) {
  const auto s = sessions.create("alice", "{}", {}).value();
  ASSERT_TRUE(sessions.revoke(s.id).has_value());
  const auto c = cookie(s.id);
  const auto r = call(authenticator(session_options()), {{"Cookie", c}});
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().status, 401u);
  EXPECT_NE(r.error().error.code, Errc::invalid_token);  // the session's own reason, for the log
  EXPECT_EQ(r.error().www_authenticate, "Bearer");
}

TEST_F(ResourceSession, UnknownSessionIsRefused) {
  const auto c = cookie(std::string(43, 'A'));
  expect_refused(call(authenticator(session_options()), {{"Cookie", c}}), 401, Errc::session_not_found);
}

TEST_F(ResourceSession, CookiesAreIgnoredWithoutTheSessionsOption) {
  const auto s = sessions.create("alice", "{}", {}).value();
  const auto c = cookie(s.id);
  expect_refused(call(authenticator(), {{"Cookie", c}}), 401, Errc::invalid_token);
}

TEST_F(ResourceSession, MalformedCookieHeaderIs400) {
  expect_refused(call(authenticator(session_options()), {{"Cookie", "novalue; \x01=x"}}), 400, Errc::invalid_request);
}

TEST_F(ResourceSession, TwoDifferentSessionCookiesAre400) {
  const auto a = sessions.create("alice", "{}", {}).value();
  const auto b = sessions.create("bob", "{}", {}).value();
  const auto ca = cookie(a.id), cb = cookie(b.id);
  expect_refused(call(authenticator(session_options()), {{"Cookie", ca}, {"Cookie", cb}}), 400, Errc::invalid_request);
}

TEST_F(ResourceSession, AnAuthorizationHeaderWinsOverTheCookie) {
  const auto s = sessions.create("bob", "{}", {}).value();
  const auto c = cookie(s.id);
  const std::string v = "Bearer " + jwt();
  const auto r = call(authenticator(session_options()), {{"Cookie", c}, {"Authorization", v}});
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->subject, "alice");
  EXPECT_EQ(r->method, AuthMethod::jwt);
}

TEST_F(ResourceSession, ExpiredSessionIsRefused) {
  const auto s = sessions.create("alice", "{}", {}).value();
  clock.advance(sessions.options().idle_timeout + 1);
  const auto c = cookie(s.id);
  expect_refused(call(authenticator(session_options()), {{"Cookie", c}}), 401, Errc::session_idle_expired);
}

}  // namespace
}  // namespace tessera::test
