// Construction that can fail returns Result (issue 10): JwtVerifier::Builder::build() refuses an
// empty key set, SessionManager::create checks its options once, and AuthService::create makes
// the unknown-user dummy hash up front and fails when it cannot (rather than letting an unknown
// user's login skip the Argon2id work).
#include <memory>

#include <gtest/gtest.h>

#include "store/stores.hpp"
#include "tessera/auth_service.hpp"
#include "tessera/jwt.hpp"
#include "tessera/session.hpp"

namespace tessera {
namespace {

const PasswordParams kFast{1, 8u * 1024u * 1024u};

TEST(Construction, JwtVerifierRefusesAnEmptyKeySet) {
  auto validator = ClaimsValidator::Builder().ignore_issuer().build().value();
  auto empty = JwtVerifier::Builder(KeySet{}, validator).build();
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().code, Errc::invalid_argument);

  KeySet one;
  ASSERT_TRUE(one.add(Key::generate(KeySpec::hs256, "k").value()));
  EXPECT_TRUE(JwtVerifier::Builder(one, validator).build());
}

TEST(Construction, SessionManagerChecksItsOptionsOnce) {
  auto store = store::make_memory_store();
  EXPECT_TRUE(SessionManager::create(*store));
  for (SessionOptions bad : {SessionOptions{.idle_timeout = 0}, SessionOptions{.absolute_timeout = 0},
                             SessionOptions{.touch_fraction = 2.0}, SessionOptions{.touch_fraction = -1.0}}) {
    auto m = SessionManager::create(*store, bad);
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().code, Errc::invalid_argument);
  }
}

TEST(Construction, AuthServiceFailsWhenTheUnknownUserDummyCannotBeMade) {
  auto accounts = store::combine(store::make_memory_halves());
  auto sessions = SessionManager::create(accounts->sessions()).value();
  AuthOptions bad;
  bad.password = PasswordParams{0, 0};  // outside libsodium's range: no hash can be made
  auto refused = AuthService::create(sessions, *accounts, bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::invalid_argument);

  AuthOptions good;
  good.password = kFast;
  auto service = AuthService::create(sessions, *accounts, good);
  ASSERT_TRUE(service) << service.error().message;
  EXPECT_EQ(service->unknown_user_params(), kFast);  // the dummy exists, made with these
  auto unknown = service->login("nobody", "guess", ClientInfo{"203.0.113.9", "", ""});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, Errc::invalid_credentials);
}

}  // namespace
}  // namespace tessera
