// The fixture of the AuthorizationServer's DPoP tests (oauth_dpop_*_test.cpp): the OAuth
// fixture with DPoP on (an in-memory replay cache; nonces on request), two client keys, and
// proofs for the token endpoint and /userinfo built with dpop_proof (dpop_fixture.hpp).
// Thread safety: a fixture is used by one test.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dpop_fixture.hpp"
#include "oauth_fixture.hpp"
#include "oauth/random_token.hpp"
#include "tessera/jwt.hpp"

namespace tessera::test {

class OauthDpopTest : public OauthTest {
 protected:
  void SetUp() override {
    OauthTest::SetUp();
    enable_dpop();
  }

  // DPoP on (a fresh replay cache), with nonces when asked.
  void enable_dpop(bool nonces = false) {
    OAuthOptions o;
    replay_ = make_memory_dpop_replay_cache(1000, clock_);
    o.dpop_replay = replay_;
    if (nonces) o.dpop_nonces = std::make_shared<const DpopNonces>(DpopNonces::create(SecretBytes(std::string(32, 'n'))).value());
    make_server(std::move(o));
  }

  static std::string token_url() { return std::string(kIssuer) + "/oauth2/token"; }
  static std::string userinfo_url() { return std::string(kIssuer) + "/userinfo"; }

  struct ProofSpec {
    std::string htu = token_url();
    std::string htm = "POST";
    std::optional<std::string> ath;    // for an access token
    std::optional<std::string> nonce;
    const Key* key = nullptr;          // the fixture's key when null
    std::optional<std::string> jti;    // fresh when not given
  };
  std::string proof(const ProofSpec& p) {
    boost::json::object c{{"jti", p.jti.value_or(oauth::random_token(16))},
                          {"htm", p.htm},
                          {"htu", p.htu},
                          {"iat", clock_.now()}};
    if (p.ath) c["ath"] = *p.ath;
    if (p.nonce) c["nonce"] = *p.nonce;
    return dpop_proof(c, p.key ? *p.key : key_);
  }
  std::string proof() { return proof(ProofSpec{}); }
  std::string proof_with(const Key& k) {
    ProofSpec p;
    p.key = &k;
    return proof(p);
  }

  static std::vector<std::string_view> headers(const std::vector<std::string>& v) {
    return std::vector<std::string_view>(v.begin(), v.end());
  }

  Result<boost::json::object> exchange_dpop(const Registered& c, const std::string& code,
                                            const std::vector<std::string>& dpop) {
    Params form{{"grant_type", "authorization_code"}, {"code", code}, {"redirect_uri", std::string(kRedirect)},
                {"code_verifier", verifier_}};
    if (c.secret.empty()) form.emplace_back("client_id", c.id);
    return server_->token(form, c.secret.empty() ? ClientAuth{} : basic(c), ClientInfo{"192.0.2.1", "test", ""},
                          headers(dpop));
  }
  Result<boost::json::object> refresh_dpop(const Registered& c, const std::string& token,
                                           const std::vector<std::string>& dpop) {
    Params form{{"grant_type", "refresh_token"}, {"refresh_token", token}};
    if (c.secret.empty()) form.emplace_back("client_id", c.id);
    return server_->token(form, c.secret.empty() ? ClientAuth{} : basic(c), ClientInfo{}, headers(dpop));
  }

  // The code of an authorization request with dpop_jkt (RFC 9449 §10).
  std::string code_bound_to(const Registered& c, const std::string& jkt) {
    auto p = authorize_params(c);
    p.emplace_back("dpop_jkt", jkt);
    auto s = session();
    auto r = server_->authorize(p, &s, ConsentDecision::approve);
    EXPECT_TRUE(r);
    EXPECT_EQ(r->kind, AuthorizeResult::Kind::redirect);
    return query_value(r->location, "code").value_or("");
  }

  static ClientSettings public_settings() {
    auto s = web_settings();
    s.name = "Phone";
    s.public_client = true;
    s.first_party = true;
    return s;
  }
  static ClientSettings first_party(ClientSettings s) {
    s.first_party = true;
    return s;
  }

  // The claims of a JWT access token, unverified (the tests check what was issued).
  static boost::json::object jwt_claims(const std::string& token) {
    auto d = decode_unverified_for_debugging(token);
    EXPECT_TRUE(d);
    return d && d->payload.is_object() ? d->payload.get_object() : boost::json::object{};
  }
  static std::string cnf_jkt(const boost::json::object& o) {
    const auto* cnf = o.if_contains("cnf");
    if (!cnf || !cnf->is_object()) return {};
    return str(cnf->get_object(), "jkt");
  }

  // The error message of a refused call; "" when it was accepted (so a check on it fails).
  template <class V>
  static std::string message(const Result<V>& r) {
    return r ? std::string() : r.error().message;
  }
  static void expect_error(const Result<boost::json::object>& r, Errc code) {
    ASSERT_FALSE(r.has_value()) << "accepted: " << boost::json::serialize(*r);
    EXPECT_EQ(r.error().code, code) << r.error().message;
  }

  Key key_ = Key::generate(KeySpec::p256).value();
  Key other_ = Key::generate(KeySpec::ed25519).value();
  std::shared_ptr<DpopReplayCache> replay_;
};

}  // namespace tessera::test
