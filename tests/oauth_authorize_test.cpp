// AuthorizationServer::authorize: where errors may go, PKCE, sessions, consent, the code.
#include "oauth_fixture.hpp"

namespace tessera::test {
namespace {

using Kind = AuthorizeResult::Kind;

class OauthAuthorize : public OauthTest {
 protected:
  Result<AuthorizeResult> run(const Params& p, bool with_session = true,
                              ConsentDecision d = ConsentDecision::none) {
    auto s = session();
    return server_->authorize(p, with_session ? &s : nullptr, d);
  }
  static Params set(Params p, std::string name, std::string value) {
    std::erase_if(p, [&](const auto& kv) { return kv.first == name; });
    p.emplace_back(std::move(name), std::move(value));
    return p;
  }
  static Params drop(Params p, std::string_view name) {
    std::erase_if(p, [&](const auto& kv) { return kv.first == name; });
    return p;
  }
  void expect_redirect_error(const Result<AuthorizeResult>& r, Errc code) {
    ASSERT_TRUE(r);
    ASSERT_EQ(r->kind, Kind::redirect);
    EXPECT_TRUE(r->location.starts_with(std::string(kRedirect) + "?")) << r->location;
    EXPECT_EQ(query_value(r->location, "error"), std::string(code_name(code))) << r->location;
    EXPECT_EQ(query_value(r->location, "state"), "xyz");
    EXPECT_EQ(query_value(r->location, "iss"), std::string(kIssuer));
    EXPECT_FALSE(query_value(r->location, "code"));
  }
  void expect_error_page(const Result<AuthorizeResult>& r) {
    ASSERT_TRUE(r);
    EXPECT_EQ(r->kind, Kind::error_page);
    EXPECT_TRUE(r->location.empty());
    ASSERT_TRUE(r->error);
  }
};

TEST_F(OauthAuthorize, UnknownClientIsAnErrorPage) {
  auto c = add(web_settings());
  expect_error_page(run(set(authorize_params(c), "client_id", "nobody-12345678")));
  expect_error_page(run(drop(authorize_params(c), "client_id")));
}

TEST_F(OauthAuthorize, UnregisteredRedirectUriIsAnErrorPageNeverARedirect) {
  auto c = add(web_settings());
  expect_error_page(run(set(authorize_params(c), "redirect_uri", "https://evil.example/cb")));
  expect_error_page(run(set(authorize_params(c), "redirect_uri", "https://app.example/cb/")));
  expect_error_page(run(drop(authorize_params(c), "redirect_uri")));
  // Even with other errors in the request, nothing goes to an unregistered URI.
  auto p = set(authorize_params(c), "redirect_uri", "https://evil.example/cb");
  expect_error_page(run(set(p, "response_type", "token")));
  auto repeated = authorize_params(c);
  repeated.emplace_back("redirect_uri", std::string(kRedirect));
  expect_error_page(run(repeated));
}

TEST_F(OauthAuthorize, LoopbackRedirectMayDifferOnlyInPort) {
  auto s = web_settings();
  s.public_client = true;
  s.redirect_uris = {"http://127.0.0.1/cb"};
  auto c = add(s);
  auto ok = run(set(authorize_params(c), "redirect_uri", "http://127.0.0.1:53123/cb"), true, ConsentDecision::approve);
  ASSERT_TRUE(ok);
  ASSERT_EQ(ok->kind, Kind::redirect);
  EXPECT_TRUE(ok->location.starts_with("http://127.0.0.1:53123/cb?code=")) << ok->location;
  expect_error_page(run(set(authorize_params(c), "redirect_uri", "http://127.0.0.1:53123/other")));
}

TEST_F(OauthAuthorize, LaterErrorsAreRedirectsWithStateAndIss) {
  auto c = add(web_settings());
  expect_redirect_error(run(set(authorize_params(c), "response_type", "token")), Errc::unsupported_response_type);
  expect_redirect_error(run(drop(authorize_params(c), "code_challenge")), Errc::invalid_request);
  expect_redirect_error(run(drop(authorize_params(c), "code_challenge_method")), Errc::invalid_request);
  expect_redirect_error(run(set(authorize_params(c), "code_challenge_method", "plain")), Errc::invalid_request);
  expect_redirect_error(run(set(authorize_params(c), "scope", "openid admin")), Errc::invalid_scope);
  expect_redirect_error(run(set(authorize_params(c), "resource", "https://other.example")), Errc::invalid_target);
  auto repeated = authorize_params(c);
  repeated.emplace_back("nonce", "again");
  expect_redirect_error(run(repeated), Errc::invalid_request);
}

TEST_F(OauthAuthorize, NoSessionGoesToLoginAndPromptNoneSaysLoginRequired) {
  auto c = add(web_settings());
  auto r = run(authorize_params(c), false);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Kind::login);
  EXPECT_EQ(r->client_id, c.id);
  expect_redirect_error(run(set(authorize_params(c), "prompt", "none"), false), Errc::login_required);
}

TEST_F(OauthAuthorize, ASessionFromAnOlderGenerationIsNoSession) {
  auto c = add(web_settings());
  auto s = session();
  change_credentials("alice");
  auto r = server_->authorize(authorize_params(c), &s, ConsentDecision::approve);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Kind::login);
  change_credentials("alice", true);  // disabled
  auto fresh = session();
  r = server_->authorize(authorize_params(c), &fresh, ConsentDecision::approve);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Kind::login);
}

TEST_F(OauthAuthorize, PromptLoginAndMaxAgeNeedARecentLogin) {
  auto s = web_settings();
  s.first_party = true;
  auto c = add(s);
  // The fixture's session logged in 100 s ago.
  EXPECT_EQ(run(set(authorize_params(c), "prompt", "login"))->kind, Kind::login);
  EXPECT_EQ(run(set(authorize_params(c), "max_age", "50"))->kind, Kind::login);
  EXPECT_EQ(run(set(authorize_params(c), "max_age", "200"))->kind, Kind::redirect);
  expect_redirect_error(run(set(set(authorize_params(c), "max_age", "50"), "prompt", "none")), Errc::login_required);
  expect_redirect_error(run(set(authorize_params(c), "max_age", "-1")), Errc::invalid_request);
  // Right after the login page, prompt=login is satisfied.
  auto fresh = session();
  fresh.record.created_at = clock_.now() - 5;
  auto r = server_->authorize(set(authorize_params(c), "prompt", "login"), &fresh, ConsentDecision::none);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Kind::redirect);
}

TEST_F(OauthAuthorize, ThirdPartyClientsNeedAConsentThatIsRemembered) {
  auto c = add(web_settings());
  auto r = run(authorize_params(c));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->kind, Kind::consent);
  EXPECT_EQ(r->client_name, "Web App");
  EXPECT_EQ(r->scopes, (std::vector<std::string>{"offline_access", "openid", "profile", "read"}));
  expect_redirect_error(run(set(authorize_params(c), "prompt", "none")), Errc::consent_required);
  expect_redirect_error(run(authorize_params(c), true, ConsentDecision::deny), Errc::access_denied);
  // Approve: a code, and the consent is stored.
  r = run(authorize_params(c), true, ConsentDecision::approve);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->kind, Kind::redirect);
  auto consent = store_->get_consent("alice", c.id);
  ASSERT_TRUE(consent && *consent);
  EXPECT_EQ((*consent)->scope, "offline_access openid profile read");
  // Next time no consent page for the same or fewer scopes, and prompt=none works.
  r = run(set(authorize_params(c), "scope", "openid read"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Kind::redirect);
  r = run(set(authorize_params(c), "prompt", "none"));
  ASSERT_TRUE(r);
  EXPECT_TRUE(query_value(r->location, "code"));
  // More scopes: consent again, and the stored consent becomes the union.
  r = run(set(authorize_params(c), "scope", "openid write"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Kind::consent);
  ASSERT_TRUE(run(set(authorize_params(c), "scope", "openid write"), true, ConsentDecision::approve));
  consent = store_->get_consent("alice", c.id);
  EXPECT_EQ((*consent)->scope, "offline_access openid profile read write");
  // prompt=consent asks again even when covered.
  r = run(set(authorize_params(c), "prompt", "consent"));
  EXPECT_EQ(r->kind, Kind::consent);
}

TEST_F(OauthAuthorize, FirstPartyClientsSkipConsent) {
  auto s = web_settings();
  s.first_party = true;
  auto c = add(s);
  auto r = run(authorize_params(c));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, Kind::redirect);
  EXPECT_TRUE(query_value(r->location, "code"));
}

TEST_F(OauthAuthorize, SuccessCarriesCodeStateAndIssAndStoresOnlyTheHash) {
  auto c = add(web_settings());
  auto r = run(authorize_params(c), true, ConsentDecision::approve);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->kind, Kind::redirect);
  const auto code = query_value(r->location, "code");
  ASSERT_TRUE(code);
  EXPECT_EQ(code->size(), 43u);  // 256 bits
  EXPECT_EQ(query_value(r->location, "state"), "xyz");
  EXPECT_EQ(query_value(r->location, "iss"), std::string(kIssuer));
  // Taking the code by its own value finds nothing: only its hash is a key.
  auto raw = store_->take_code(*code, clock_.now());
  ASSERT_TRUE(raw);
  EXPECT_FALSE(*raw);
}

}  // namespace
}  // namespace tessera::test
