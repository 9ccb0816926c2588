// The secrets of a BFF sign-in (tessera/bff_login_request.hpp): fresh per sign-in, the PKCE S256
// challenge as RFC 7636 computes it, and the state compared exactly.
#include <gtest/gtest.h>

#include "tessera/bff_login_request.hpp"

namespace tessera::bff {
namespace {

TEST(BffLoginRequest, S256MatchesTheRfc7636Example) {
  // RFC 7636 Appendix B.
  EXPECT_EQ(s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(BffLoginRequest, FreshRandomValuesAndAMatchingChallenge) {
  const auto a = new_login_request();
  const auto b = new_login_request();
  EXPECT_EQ(a.state.size(), 43u);
  EXPECT_EQ(a.nonce.size(), 43u);
  EXPECT_EQ(a.code_verifier.size(), 43u);  // RFC 7636 §4.1: 43..128 characters
  EXPECT_EQ(a.code_challenge, s256_challenge(a.code_verifier));
  EXPECT_NE(a.state, b.state);
  EXPECT_NE(a.nonce, b.nonce);
  EXPECT_NE(a.code_verifier, b.code_verifier);
  EXPECT_NE(a.state, a.nonce);
}

TEST(BffLoginRequest, StateMustMatchExactly) {
  const auto r = new_login_request();
  EXPECT_TRUE(state_matches(r, r.state));
  EXPECT_FALSE(state_matches(r, ""));
  EXPECT_FALSE(state_matches(r, r.state.substr(1)));
  EXPECT_FALSE(state_matches(r, r.state + "x"));
  EXPECT_FALSE(state_matches(r, new_login_request().state));
  LoginRequest empty;
  EXPECT_FALSE(state_matches(empty, ""));
}

TEST(BffLoginRequest, SealedRecordOpensOnlyUnchangedInTimeAndWithTheKey) {
  auto key = paseto::LocalKey::generate(paseto::Version::v4);
  ASSERT_TRUE(key);
  const auto r = new_login_request();
  auto sealed = seal_login_request(r, *key, 1000, 600);
  ASSERT_TRUE(sealed) << sealed.error().message;
  EXPECT_EQ(sealed->find(r.code_verifier), std::string::npos);
  EXPECT_EQ(sealed->find(r.nonce), std::string::npos);
  auto opened = open_login_request(*sealed, *key, 1599);
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(opened->state, r.state);
  EXPECT_EQ(opened->nonce, r.nonce);
  EXPECT_EQ(opened->code_verifier, r.code_verifier);
  EXPECT_EQ(opened->code_challenge, r.code_challenge);

  auto late = open_login_request(*sealed, *key, 1600);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, Errc::token_expired);
  auto other = paseto::LocalKey::generate(paseto::Version::v4);
  ASSERT_TRUE(other);
  auto wrong_key = open_login_request(*sealed, *other, 1000);
  ASSERT_FALSE(wrong_key);
  EXPECT_EQ(wrong_key.error().code, Errc::bad_signature);
  std::string tampered = *sealed;
  tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(open_login_request(tampered, *key, 1000));
  // A sealed token record (another purpose, same key) is not a login record.
  auto token_record = paseto::encrypt(*key, R"({"state":"s","nonce":"n","cv":"c","exp":99999})", {}, "tessera-bff-tokens:x");
  ASSERT_TRUE(token_record);
  auto cross = open_login_request(*token_record, *key, 1000);
  ASSERT_FALSE(cross);
  EXPECT_EQ(cross.error().code, Errc::bad_signature);
  auto shape = paseto::encrypt(*key, R"({"state":"s","exp":99999})", {}, "tessera-bff-login");
  ASSERT_TRUE(shape);
  auto malformed = open_login_request(*shape, *key, 1000);
  ASSERT_FALSE(malformed);
  EXPECT_EQ(malformed.error().code, Errc::malformed);
  auto v3 = paseto::LocalKey::generate(paseto::Version::v3);
  ASSERT_TRUE(v3);
  auto bad_key = seal_login_request(r, *v3, 1000);
  ASSERT_FALSE(bad_key);
  EXPECT_EQ(bad_key.error().code, Errc::invalid_argument);
}

}  // namespace
}  // namespace tessera::bff
