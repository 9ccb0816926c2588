// DPoP at /userinfo (RFC 9449 §7): a bound token only with the DPoP scheme (any case) and a
// proof of its key for this request (htm, htu, ath); a bound token as Bearer and an unbound
// token under the DPoP scheme are invalid_token; proof errors invalid_dpop_proof or
// use_dpop_nonce.
#include "oauth_dpop_fixture.hpp"

namespace tessera::test {
namespace {

class OauthDpopUserinfo : public OauthDpopTest {
 protected:
  // A DPoP-bound access token of alice (format as the client's).
  std::string bound_token(TokenFormat f = TokenFormat::jwt) {
    auto s = first_party(web_settings());
    s.token_format = f;
    auto c = add(s);
    auto r = exchange_dpop(c, code_for(c), {proof()});
    EXPECT_TRUE(r);
    return r ? str(*r, "access_token") : std::string();
  }
  ProofSpec for_userinfo(const std::string& token, std::string method = "GET") {
    ProofSpec p;
    p.htu = userinfo_url();
    p.htm = std::move(method);
    p.ath = dpop_ath(token);
    return p;
  }
  Result<boost::json::object> call(std::string_view scheme, const std::string& token,
                                   const std::vector<std::string>& dpop, std::string_view method = "GET") {
    return server_->userinfo(PresentedToken{scheme, token, method, headers(dpop)});
  }
};

TEST_F(OauthDpopUserinfo, BoundTokenWithAMatchingProofIsAccepted) {
  for (auto f : {TokenFormat::jwt, TokenFormat::paseto, TokenFormat::opaque}) {
    SCOPED_TRACE(std::string(token_format_name(f)));
    const auto token = bound_token(f);
    auto r = call("DPoP", token, {proof(for_userinfo(token))});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(str(*r, "sub"), "alice");
    auto lower = call("dpop", token, {proof(for_userinfo(token, "POST"))}, "POST");  // scheme: any case
    EXPECT_TRUE(lower) << (lower ? "" : lower.error().message);
  }
}

TEST_F(OauthDpopUserinfo, BoundTokenAsBearerIsRefused) {
  const auto token = bound_token();
  auto r = call("Bearer", token, {proof(for_userinfo(token))});
  expect_error(r, Errc::invalid_token);
  EXPECT_NE(message(r).find("DPoP-bound"), std::string::npos) << message(r);
  expect_error(call("bearer", token, {}), Errc::invalid_token);
}

TEST_F(OauthDpopUserinfo, WrongOrMissingAthIsRefused) {
  const auto token = bound_token();
  auto p = for_userinfo(token);
  p.ath = dpop_ath(token + "x");
  expect_error(call("DPoP", token, {proof(p)}), Errc::invalid_dpop_proof);
  p.ath.reset();
  expect_error(call("DPoP", token, {proof(p)}), Errc::invalid_dpop_proof);
}

TEST_F(OauthDpopUserinfo, ProofOfAnotherKeyOrRequestIsRefused) {
  const auto token = bound_token();
  auto p = for_userinfo(token);
  p.key = &other_;
  expect_error(call("DPoP", token, {proof(p)}), Errc::invalid_dpop_proof);
  auto at_token_endpoint = for_userinfo(token);
  at_token_endpoint.htu = token_url();
  expect_error(call("DPoP", token, {proof(at_token_endpoint)}), Errc::invalid_dpop_proof);
  expect_error(call("DPoP", token, {proof(for_userinfo(token, "POST"))}, "GET"), Errc::invalid_dpop_proof);
  expect_error(call("DPoP", token, {}), Errc::invalid_dpop_proof);
  const auto once = proof(for_userinfo(token));
  EXPECT_TRUE(call("DPoP", token, {once}));
  expect_error(call("DPoP", token, {once}), Errc::invalid_dpop_proof);  // replayed
}

TEST_F(OauthDpopUserinfo, UnboundTokenUnderTheDpopSchemeIsRefused) {
  auto c = add(first_party(web_settings()));
  auto r = exchange(c, code_for(c));
  ASSERT_TRUE(r);
  const auto token = str(*r, "access_token");
  auto d = call("DPoP", token, {proof(for_userinfo(token))});
  expect_error(d, Errc::invalid_token);
  EXPECT_NE(message(d).find("not DPoP-bound"), std::string::npos) << message(d);
  EXPECT_TRUE(call("Bearer", token, {}));
  expect_error(call("Basic", token, {}), Errc::invalid_token);
}

TEST_F(OauthDpopUserinfo, NonceRequiredHereToo) {
  enable_dpop(/*nonces=*/true);
  auto c = add(first_party(web_settings()));
  ProofSpec at_token;
  at_token.nonce = server_->dpop_nonce();
  auto r = exchange_dpop(c, code_for(c), {proof(at_token)});
  ASSERT_TRUE(r) << r.error().message;
  const auto token = str(*r, "access_token");
  expect_error(call("DPoP", token, {proof(for_userinfo(token))}), Errc::use_dpop_nonce);
  auto p = for_userinfo(token);
  p.nonce = server_->dpop_nonce();
  EXPECT_TRUE(call("DPoP", token, {proof(p)}));
}

TEST_F(OauthDpopUserinfo, InactiveBoundTokenIsInvalidTokenWhateverTheProof) {
  const auto token = bound_token();
  change_credentials("alice");
  expect_error(call("DPoP", token, {proof(for_userinfo(token))}), Errc::invalid_token);
}

}  // namespace
}  // namespace tessera::test
