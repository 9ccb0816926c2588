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

}  // namespace
}  // namespace tessera::bff
