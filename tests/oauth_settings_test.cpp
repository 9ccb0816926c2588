// Client settings rules and their strict storage codec (src/oauth/client_settings.hpp), and
// the authorization request reader (src/oauth/authorize_request.hpp).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <functional>

#include "oauth/authorize_request.hpp"
#include "oauth/client_settings.hpp"
#include "oauth/pkce.hpp"

namespace tessera {
namespace {

using namespace oauth;

ClientSettings web() {
  ClientSettings s;
  s.name = "Web";
  s.redirect_uris = {"https://app.example/cb"};
  s.audiences = {"https://api.example"};
  return s;
}

void expect_refused(const ClientSettings& s, std::string_view setting) {
  auto r = check_settings(s);
  ASSERT_FALSE(r) << setting;
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_NE(r.error().message.find(setting), std::string::npos) << r.error().message;
}

std::string public_jwks() {
  auto k = Key::generate(KeySpec::p256);
  KeySet s;
  EXPECT_TRUE(s.add(*k->public_key()));
  return *s.to_jwks_json(false);
}

TEST(OauthClientSettings, DefaultsAreValid) { EXPECT_TRUE(check_settings(web())); }

TEST(OauthClientSettings, EachRuleNamesItsSetting) {
  const std::vector<std::pair<std::function<void(ClientSettings&)>, std::string>> cases = {
      {[](ClientSettings& s) { s.name.clear(); }, "name"},
      {[](ClientSettings& s) { s.redirect_uris = {"http://example.com/cb"}; }, "redirect_uris"},
      {[](ClientSettings& s) { s.redirect_uris = {"https://a/cb#x"}; }, "redirect_uris"},
      {[](ClientSettings& s) { s.redirect_uris.clear(); }, "redirect_uris"},
      {[](ClientSettings& s) { s.grants = {"password"}; }, "grants"},
      {[](ClientSettings& s) { s.grants = {"implicit", "authorization_code"}; }, "grants"},
      {[](ClientSettings& s) { s.grants.clear(); }, "grants"},
      {[](ClientSettings& s) { s.grants = {"refresh_token", "client_credentials"}; }, "grants"},
      {[](ClientSettings& s) { s.public_client = true; s.grants.push_back("client_credentials"); }, "grants"},
      {[](ClientSettings& s) { s.scopes = {"a b"}; }, "scopes"},
      {[](ClientSettings& s) { s.scopes = {""}; }, "scopes"},
      {[](ClientSettings& s) { s.audiences = {""}; }, "audiences"},
      {[](ClientSettings& s) { s.resources = {""}; }, "resources"},
      {[](ClientSettings& s) { s.access_ttl = 0; }, "access_ttl"},
      {[](ClientSettings& s) { s.refresh_idle_ttl = 0; }, "refresh_idle_ttl"},
      {[](ClientSettings& s) { s.refresh_absolute_ttl = s.refresh_idle_ttl - 1; }, "refresh_absolute_ttl"},
      {[](ClientSettings& s) { s.refresh_reuse_grace = 61; }, "refresh_reuse_grace"},
      {[](ClientSettings& s) { s.refresh_reuse_grace = -1; }, "refresh_reuse_grace"},
      {[](ClientSettings& s) { s.id_token_alg = Algorithm::HS256; }, "id_token_alg"},
      {[](ClientSettings& s) { s.id_token_alg = Algorithm::PS256; }, "id_token_alg"},
      {[](ClientSettings& s) { s.jwks_json = "{\"keys\":[]}"; }, "jwks"},
      {[](ClientSettings& s) { s.jwks_json = "not json"; }, "jwks"},
      {[](ClientSettings& s) { s.jwks_json = *Key::generate(KeySpec::hs256)->to_jwk_json(true); }, "jwks"},
      {[](ClientSettings& s) {
         KeySet ks;
         (void)ks.add(*Key::generate(KeySpec::p256));  // a private key
         s.jwks_json = *ks.to_jwks_json(true);
       }, "jwks"},
      {[](ClientSettings& s) { s.jwks_json = public_jwks(); s.jwks_uri = "https://a/jwks"; }, "jwks"},
      {[](ClientSettings& s) { s.jwks_json = public_jwks(); s.public_client = true; }, "jwks"},
      {[](ClientSettings& s) { s.jwks_uri = "http://a/jwks"; }, "jwks_uri"},
  };
  for (const auto& [mutate, setting] : cases) {
    auto s = web();
    mutate(s);
    expect_refused(s, setting);
  }
}

TEST(OauthClientSettings, NativeAndServiceClientsAreValid) {
  auto native = web();
  native.public_client = true;
  native.redirect_uris = {"http://127.0.0.1/cb", "com.example.app:/cb"};
  EXPECT_TRUE(check_settings(native));
  auto service = web();
  service.redirect_uris.clear();
  service.grants = {"client_credentials"};
  EXPECT_TRUE(check_settings(service));
  auto partner = web();
  partner.jwks_json = public_jwks();
  EXPECT_TRUE(check_settings(partner));
  EXPECT_TRUE(client_keys(partner));
}

TEST(OauthClientSettings, CodecRoundTrips) {
  auto s = web();
  s.public_client = true;
  s.first_party = true;
  s.scopes = {"openid", "read"};
  s.resources = {"https://api.example"};
  s.token_format = TokenFormat::paseto;
  s.access_ttl = 300;
  s.refresh_reuse_grace = 10;
  s.id_token_alg = Algorithm::EdDSA;
  auto back = decode_settings(encode_settings(s), s.name);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->name, "Web");
  EXPECT_EQ(back->redirect_uris, s.redirect_uris);
  EXPECT_TRUE(back->public_client);
  EXPECT_TRUE(back->first_party);
  EXPECT_EQ(back->scopes, s.scopes);
  EXPECT_EQ(back->resources, s.resources);
  EXPECT_EQ(back->token_format, TokenFormat::paseto);
  EXPECT_EQ(back->access_ttl, 300);
  EXPECT_EQ(back->refresh_reuse_grace, 10);
  EXPECT_EQ(back->id_token_alg, Algorithm::EdDSA);
}

TEST(OauthClientSettings, AStoredRecordThatDoesNotParseIsStoreUnavailable) {
  const auto good = encode_settings(web());
  auto o = boost::json::parse(good).as_object();
  std::vector<std::string> bad = {"", "[]", "{", good.substr(0, good.size() - 1)};
  auto unknown = o;
  unknown["extra"] = 1;
  bad.push_back(boost::json::serialize(unknown));
  auto missing = o;
  missing.erase("grants");
  bad.push_back(boost::json::serialize(missing));
  auto wrong = o;
  wrong["access_ttl"] = "600";
  bad.push_back(boost::json::serialize(wrong));
  auto wrong_list = o;
  wrong_list["scopes"] = boost::json::array{1};
  bad.push_back(boost::json::serialize(wrong_list));
  auto bad_format = o;
  bad_format["token_format"] = "saml";
  bad.push_back(boost::json::serialize(bad_format));
  auto bad_rule = o;
  bad_rule["refresh_reuse_grace"] = 100;
  bad.push_back(boost::json::serialize(bad_rule));
  for (const auto& text : bad) {
    auto r = decode_settings(text, "Web");
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code, Errc::store_unavailable) << text;
  }
}

// ---- the authorization request ------------------------------------------------------------

const std::string kChallenge = s256_challenge(std::string(43, 'v'));

Params request() {
  return {{"response_type", "code"}, {"client_id", "c1"}, {"redirect_uri", "https://app.example/cb"},
          {"scope", "openid profile"}, {"state", "st"}, {"nonce", "n"},
          {"code_challenge", kChallenge}, {"code_challenge_method", "S256"}};
}

Params without(Params p, std::string_view name) {
  std::erase_if(p, [&](const auto& kv) { return kv.first == name; });
  return p;
}
Params with(Params p, std::string name, std::string value) {
  p = without(std::move(p), name);
  p.emplace_back(std::move(name), std::move(value));
  return p;
}

Errc read_error(const Params& p) {
  auto t = authorize_target(p);
  EXPECT_TRUE(t);
  auto r = read_authorize_request(p, *t, web());
  EXPECT_FALSE(r);
  return r ? Errc::internal : r.error().code;
}

TEST(OauthAuthorizeRequest, ReadsAGoodRequest) {
  auto p = request();
  auto t = authorize_target(p);
  ASSERT_TRUE(t);
  auto r = read_authorize_request(p, *t, web());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->scopes, (ScopeSet{"openid", "profile"}));
  EXPECT_EQ(r->state, "st");
  EXPECT_EQ(r->nonce, "n");
  EXPECT_EQ(r->audience, "https://api.example");
}

TEST(OauthAuthorizeRequest, ClientIdAndRedirectUriMustBeThereOnce) {
  EXPECT_FALSE(authorize_target(without(request(), "client_id")));
  EXPECT_FALSE(authorize_target(without(request(), "redirect_uri")));
  auto twice = request();
  twice.emplace_back("redirect_uri", "https://evil.example/cb");
  auto r = authorize_target(twice);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_request);
}

TEST(OauthAuthorizeRequest, EachRuleHasItsErrorCode) {
  EXPECT_EQ(read_error(without(request(), "response_type")), Errc::invalid_request);
  EXPECT_EQ(read_error(with(request(), "response_type", "token")), Errc::unsupported_response_type);
  EXPECT_EQ(read_error(with(request(), "response_type", "code id_token")), Errc::unsupported_response_type);
  EXPECT_EQ(read_error(without(request(), "code_challenge")), Errc::invalid_request);
  EXPECT_EQ(read_error(without(request(), "code_challenge_method")), Errc::invalid_request);  // = plain
  EXPECT_EQ(read_error(with(request(), "code_challenge_method", "plain")), Errc::invalid_request);
  EXPECT_EQ(read_error(with(request(), "code_challenge", "short")), Errc::invalid_request);
  EXPECT_EQ(read_error(with(request(), "scope", "openid admin")), Errc::invalid_scope);
  EXPECT_EQ(read_error(with(request(), "scope", "openid  profile")), Errc::invalid_scope);
  EXPECT_EQ(read_error(with(request(), "resource", "https://other.example")), Errc::invalid_target);
  EXPECT_EQ(read_error(with(request(), "prompt", "none login")), Errc::invalid_request);
  auto repeated = request();
  repeated.emplace_back("scope", "openid");
  EXPECT_EQ(read_error(repeated), Errc::invalid_request);
  auto service = web();
  service.grants = {"client_credentials"};
  auto p = request();
  auto r = read_authorize_request(p, *authorize_target(p), service);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unauthorized_client);
}

TEST(OauthAuthorizeRequest, ErrorRedirectCarriesStateAndIss) {
  const auto loc = error_redirect("https://app.example/cb", Error(Errc::invalid_scope, "no"), "s t", "https://as.example");
  EXPECT_EQ(loc, "https://app.example/cb?error=invalid_scope&error_description=no&state=s%20t&iss=https%3A%2F%2Fas.example");
}

}  // namespace
}  // namespace tessera
