// DPoP and the grants (RFC 9449 §5, §10): dpop_jkt binds the code to a key; a public client's
// refresh family is bound to the key of its exchange and every refresh must prove it; a
// confidential client's refresh token is not bound; require_dpop refuses unbound requests.
#include "oauth_dpop_fixture.hpp"

#include "oauth/client_settings.hpp"

namespace tessera::test {
namespace {

class OauthDpopGrants : public OauthDpopTest {};

TEST_F(OauthDpopGrants, DpopJktCodeNeedsAProofOfThatKey) {
  auto c = add(first_party(web_settings()));
  const auto jkt = key_.thumbprint();
  auto r = exchange_dpop(c, code_bound_to(c, jkt), {proof_with(other_)});
  expect_error(r, Errc::invalid_grant);
  EXPECT_NE(message(r).find("dpop_jkt"), std::string::npos) << message(r);
  expect_error(exchange_dpop(c, code_bound_to(c, jkt), {}), Errc::invalid_grant);
  auto ok = exchange_dpop(c, code_bound_to(c, jkt), {proof()});
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(cnf_jkt(jwt_claims(str(*ok, "access_token"))), jkt);
}

TEST_F(OauthDpopGrants, MalformedDpopJktIsRedirectedAsInvalidRequest) {
  auto c = add(first_party(web_settings()));
  for (std::string bad : {std::string("short"), std::string(43, '+'), key_.thumbprint() + "A"}) {
    SCOPED_TRACE(bad);
    auto p = authorize_params(c);
    p.emplace_back("dpop_jkt", bad);
    auto s = session();
    auto r = server_->authorize(p, &s, ConsentDecision::approve);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->kind, AuthorizeResult::Kind::redirect);
    EXPECT_EQ(query_value(r->location, "error"), "invalid_request");
    EXPECT_FALSE(query_value(r->location, "code"));
  }
}

TEST_F(OauthDpopGrants, PublicClientRefreshTokensAreBoundToTheKey) {
  auto c = add(public_settings());
  auto first = exchange_dpop(c, code_for(c), {proof()});
  ASSERT_TRUE(first) << first.error().message;
  const auto rt = str(*first, "refresh_token");
  auto none = refresh_dpop(c, rt, {});
  expect_error(none, Errc::invalid_grant);
  EXPECT_NE(message(none).find("DPoP"), std::string::npos) << message(none);
  expect_error(refresh_dpop(c, rt, {proof_with(other_)}), Errc::invalid_grant);
  // Neither refused refresh rotated or revoked the family: the key holder refreshes.
  auto next = refresh_dpop(c, rt, {proof()});
  ASSERT_TRUE(next) << next.error().message;
  EXPECT_EQ(str(*next, "token_type"), "DPoP");
  EXPECT_EQ(cnf_jkt(jwt_claims(str(*next, "access_token"))), key_.thumbprint());
  // The successor is bound too.
  const auto rt2 = str(*next, "refresh_token");
  expect_error(refresh_dpop(c, rt2, {}), Errc::invalid_grant);
  EXPECT_TRUE(refresh_dpop(c, rt2, {proof()}));
}

TEST_F(OauthDpopGrants, PublicClientFamilyWithoutProofStaysUnbound) {
  auto c = add(public_settings());
  auto first = exchange(c, code_for(c));
  ASSERT_TRUE(first);
  auto bound_access = refresh_dpop(c, str(*first, "refresh_token"), {proof()});
  ASSERT_TRUE(bound_access) << bound_access.error().message;
  EXPECT_EQ(str(*bound_access, "token_type"), "DPoP");  // this access token is bound ...
  EXPECT_TRUE(refresh(c, str(*bound_access, "refresh_token")));  // ... the family is not
}

TEST_F(OauthDpopGrants, ConfidentialClientRefreshTokensAreNotBound) {
  auto c = add(first_party(web_settings()));
  auto first = exchange_dpop(c, code_for(c), {proof()});
  ASSERT_TRUE(first) << first.error().message;
  EXPECT_EQ(str(*first, "token_type"), "DPoP");
  auto plain = refresh(c, str(*first, "refresh_token"));
  ASSERT_TRUE(plain) << plain.error().message;
  EXPECT_EQ(str(*plain, "token_type"), "Bearer");
  auto other_key = refresh_dpop(c, str(*plain, "refresh_token"), {proof_with(other_)});
  ASSERT_TRUE(other_key) << other_key.error().message;
  EXPECT_EQ(cnf_jkt(jwt_claims(str(*other_key, "access_token"))), other_.thumbprint());
}

TEST_F(OauthDpopGrants, RequireDpopRefusesUnboundRequests) {
  auto s = first_party(web_settings());
  s.require_dpop = true;
  auto c = add(s);
  EXPECT_TRUE(server_->client(c.id)->settings.require_dpop);  // stored and read back
  const auto code = code_for(c);
  auto r = exchange(c, code);
  expect_error(r, Errc::invalid_dpop_proof);
  EXPECT_NE(message(r).find("must send a DPoP proof"), std::string::npos) << message(r);
  auto ok = exchange_dpop(c, code, {proof()});  // the refusal did not spend the code
  ASSERT_TRUE(ok) << ok.error().message;
  expect_error(refresh(c, str(*ok, "refresh_token")), Errc::invalid_dpop_proof);
  EXPECT_TRUE(refresh_dpop(c, str(*ok, "refresh_token"), {proof()}));
}

TEST_F(OauthDpopGrants, RequireDpopIsStoredAndOlderRecordsReadAsOff) {
  auto s = web_settings();
  s.require_dpop = true;
  auto json = oauth::encode_settings(s);
  auto back = oauth::decode_settings(json, s.name);
  ASSERT_TRUE(back);
  EXPECT_TRUE(back->require_dpop);
  // A client stored before DPoP has no require_dpop member.
  const auto at = json.find(",\"require_dpop\":true");
  ASSERT_NE(at, std::string::npos) << json;
  json.erase(at, std::string(",\"require_dpop\":true").size());
  auto old = oauth::decode_settings(json, s.name);
  ASSERT_TRUE(old) << old.error().message;
  EXPECT_FALSE(old->require_dpop);
  // A wrong type is still a broken record.
  json.insert(json.size() - 1, ",\"require_dpop\":\"yes\"");
  auto bad = oauth::decode_settings(json, s.name);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::store_unavailable);
}

}  // namespace
}  // namespace tessera::test
