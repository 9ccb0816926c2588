// DPoP (RFC 9449) through the HTTP front end of `tessera serve`, in process (the App with a real
// AuthorizationServer, DPoP on with nonces as serve has it by default): what the token endpoint
// and /userinfo answer — statuses, DPoP-Nonce, WWW-Authenticate challenges — for good proofs,
// missing or stale nonces, replays, several headers, bound tokens sent as Bearer, and
// malformed Authorization headers. The proof checks themselves: dpop_test.cpp.
#include "codec/base64url.hpp"
#include "codec/json.hpp"
#include "server_oauth_fixture.hpp"
#include "tessera/dpop.hpp"
#include "tessera/jws.hpp"

namespace tessera::server::oauth_test {
namespace {

class ServerDpop : public Fixture {
 protected:
  ServerDpop() : Fixture(true) {}

  // A proof for method and url by `key`, with the server's nonce unless told otherwise, and ath
  // for an access token when given.
  std::string proof(std::string_view method, std::string_view url, std::optional<std::string> nonce = std::nullopt,
                    std::string_view access_token = {}) {
    json::object c{{"jti", "jti-" + std::to_string(++counter_)}, {"htm", method}, {"htu", url}, {"iat", kNow}};
    c["nonce"] = nonce ? *nonce : oauth_.dpop_nonce();
    if (c["nonce"].as_string().empty()) c.erase("nonce");
    if (!access_token.empty()) c["ath"] = dpop_ath(access_token);
    JwsSignOptions o;
    o.include_kid = false;
    o.typ = "dpop+jwt";
    o.extra_header["jwk"] = key_.public_key()->to_jwk().value();
    return jws_sign(key_, codec::to_json(c), o).value();
  }
  std::string token_proof(std::optional<std::string> nonce = std::nullopt) {
    return proof("POST", std::string(kIssuer) + "/oauth2/token", std::move(nonce));
  }
  Response token_with(std::vector<std::string> proofs) {
    Incoming in = request(http::verb::post, "/oauth2/token",
                          form({{"grant_type", "authorization_code"},
                                {"code", code(login().first)},
                                {"redirect_uri", kRedirect},
                                {"code_verifier", kVerifier}}));
    in.msg.set(http::field::authorization, basic(app_.client.client_id, secret_of(app_)));
    for (const auto& p : proofs) in.msg.insert("DPoP", p);
    return send(std::move(in));
  }
  // A DPoP-bound access token.
  std::string bound_token() {
    const Response r = token_with({token_proof()});
    EXPECT_EQ(r.result(), http::status::ok) << r.body();
    return std::string(json::parse(r.body()).at("access_token").as_string());
  }
  Response userinfo(std::vector<std::string> authorization, std::vector<std::string> proofs) {
    Incoming in = request(http::verb::get, "/userinfo");
    for (const auto& a : authorization) in.msg.insert(http::field::authorization, a);
    for (const auto& p : proofs) in.msg.insert("DPoP", p);
    return send(std::move(in));
  }
  std::string userinfo_proof(std::string_view token, std::optional<std::string> nonce = std::nullopt) {
    return proof("GET", std::string(kIssuer) + "/userinfo", std::move(nonce), token);
  }
  static std::vector<std::string> challenges(const Response& r) {
    std::vector<std::string> out;
    auto [a, b] = r.equal_range(http::field::www_authenticate);
    for (auto it = a; it != b; ++it) out.emplace_back(it->value());
    return out;
  }

  Key key_ = Key::generate(KeySpec::p256).value();
  int counter_ = 0;
};

TEST_F(ServerDpop, MetadataAdvertisesAlgorithms) {
  const Response r = send(request(http::verb::get, "/.well-known/openid-configuration"));
  const auto m = json::parse(r.body()).as_object();
  ASSERT_TRUE(m.contains("dpop_signing_alg_values_supported"));
  EXPECT_FALSE(m.at("dpop_signing_alg_values_supported").as_array().empty());
}

// No nonce: 400 use_dpop_nonce with the nonce to use; with it: a DPoP token, and a fresh nonce.
TEST_F(ServerDpop, TokenNonceRoundTrip) {
  const Response first = token_with({token_proof(std::string())});
  EXPECT_EQ(first.result(), http::status::bad_request);
  EXPECT_EQ(error_of(first), "use_dpop_nonce");
  ASSERT_EQ(std::string(first["DPoP-Nonce"]), oauth_.dpop_nonce());
  EXPECT_EQ(std::string(first[http::field::cache_control]), "no-store");
  const Response ok = token_with({token_proof(std::string(first["DPoP-Nonce"]))});
  ASSERT_EQ(ok.result(), http::status::ok) << ok.body();
  EXPECT_EQ(json::parse(ok.body()).at("token_type").as_string(), "DPoP");
  EXPECT_EQ(std::string(ok["DPoP-Nonce"]), oauth_.dpop_nonce());
  EXPECT_EQ(metrics_.dpop_requests("token", "use_dpop_nonce"), 1u);
  EXPECT_EQ(metrics_.dpop_requests("token", "ok"), 1u);
  EXPECT_EQ(metrics_.dpop_requests("userinfo", "ok"), 0u);
}

TEST_F(ServerDpop, StaleNonceAsksAgain) {
  const Response r = token_with({token_proof(std::string("bm90LXRoZS1ub25jZQ"))});
  EXPECT_EQ(r.result(), http::status::bad_request);
  EXPECT_EQ(error_of(r), "use_dpop_nonce");
  EXPECT_EQ(std::string(r["DPoP-Nonce"]), oauth_.dpop_nonce());
}

TEST_F(ServerDpop, ReplayedProofAndTwoProofsRefused) {
  const auto p = token_proof();
  ASSERT_EQ(token_with({p}).result(), http::status::ok);
  const Response replay = token_with({p});
  EXPECT_EQ(replay.result(), http::status::bad_request);
  EXPECT_EQ(error_of(replay), "invalid_dpop_proof");
  const Response two = token_with({token_proof(), token_proof()});
  EXPECT_EQ(two.result(), http::status::bad_request);
  EXPECT_EQ(error_of(two), "invalid_dpop_proof");
  const Response junk = token_with({"not.a.proof"});
  EXPECT_EQ(junk.result(), http::status::bad_request);
  EXPECT_EQ(error_of(junk), "invalid_dpop_proof");
  EXPECT_EQ(metrics_.dpop_requests("token", "invalid_dpop_proof"), 3u);
  EXPECT_EQ(metrics_.dpop_requests("token", "ok"), 1u);
}

// Without a proof the tokens are plain bearer tokens (DPoP on by default changes nothing for
// clients that do not use it).
TEST_F(ServerDpop, NoProofGivesBearer) {
  const Response r = token_with({});
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  EXPECT_EQ(json::parse(r.body()).at("token_type").as_string(), "Bearer");
}

TEST_F(ServerDpop, UserinfoWithDpop) {
  const auto at = bound_token();
  const Response r = userinfo({"DPoP " + at}, {userinfo_proof(at)});
  ASSERT_EQ(r.result(), http::status::ok) << r.body();
  EXPECT_EQ(json::parse(r.body()).at("sub").as_string().empty(), false);
  EXPECT_EQ(std::string(r["DPoP-Nonce"]), oauth_.dpop_nonce());
}

// §7.2: a bound token as Bearer is refused, with the Bearer error and the DPoP challenge.
TEST_F(ServerDpop, BoundTokenAsBearerRefused) {
  const auto at = bound_token();
  const Response r = userinfo({"Bearer " + at}, {});
  EXPECT_EQ(r.result(), http::status::unauthorized);
  const auto ch = challenges(r);
  ASSERT_EQ(ch.size(), 2u);
  EXPECT_EQ(ch[0], "Bearer realm=\"tessera\", error=\"invalid_token\"");
  EXPECT_TRUE(ch[1].starts_with("DPoP algs=\"")) << ch[1];
  EXPECT_NE(ch[1].find("ES256"), std::string::npos) << ch[1];
}

TEST_F(ServerDpop, UserinfoProofErrorsAreDpopChallenges) {
  const auto at = bound_token();
  {
    SCOPED_TRACE("no proof");
    const Response r = userinfo({"DPoP " + at}, {});
    EXPECT_EQ(r.result(), http::status::unauthorized);
    ASSERT_EQ(challenges(r).size(), 1u);
    EXPECT_TRUE(challenges(r)[0].starts_with("DPoP algs=\""));
    EXPECT_TRUE(challenges(r)[0].ends_with(", error=\"invalid_dpop_proof\"")) << challenges(r)[0];
  }
  {
    SCOPED_TRACE("no nonce");
    const Response r = userinfo({"DPoP " + at}, {userinfo_proof(at, std::string())});
    EXPECT_EQ(r.result(), http::status::unauthorized);
    EXPECT_TRUE(challenges(r).at(0).ends_with(", error=\"use_dpop_nonce\"")) << challenges(r)[0];
    EXPECT_EQ(std::string(r["DPoP-Nonce"]), oauth_.dpop_nonce());
  }
  {
    SCOPED_TRACE("proof for another token (ath)");
    const Response r = userinfo({"DPoP " + at}, {userinfo_proof(at + "x")});
    EXPECT_EQ(r.result(), http::status::unauthorized);
    EXPECT_TRUE(challenges(r).at(0).ends_with(", error=\"invalid_dpop_proof\"")) << challenges(r)[0];
  }
  {
    SCOPED_TRACE("unknown token");
    const Response r = userinfo({"DPoP x" + at}, {userinfo_proof("x" + at)});
    EXPECT_EQ(r.result(), http::status::unauthorized);
    EXPECT_TRUE(challenges(r).at(0).ends_with(", error=\"invalid_token\"")) << challenges(r)[0];
  }
  // Counted by result (the request without a proof is not a DPoP request).
  EXPECT_EQ(metrics_.dpop_requests("userinfo", "invalid_dpop_proof"), 1u);
  EXPECT_EQ(metrics_.dpop_requests("userinfo", "use_dpop_nonce"), 1u);
  EXPECT_EQ(metrics_.dpop_requests("userinfo", "other"), 1u);
  EXPECT_TRUE(metrics_.exposition().find("tessera_oauth_dpop_requests_total{endpoint=\"userinfo\",result=\"other\"} 1\n") !=
              std::string::npos);
}

TEST_F(ServerDpop, MalformedOrDoubleAuthorizationIsInvalidRequest) {
  const auto at = bound_token();
  const Response two = userinfo({"DPoP " + at, "Bearer " + at}, {userinfo_proof(at)});
  EXPECT_EQ(two.result(), http::status::bad_request);
  EXPECT_EQ(error_of(two), "invalid_request");
  const Response bad = userinfo({"DPoP a b"}, {});
  EXPECT_EQ(bad.result(), http::status::bad_request);
  EXPECT_EQ(error_of(bad), "invalid_request");
  EXPECT_TRUE(challenges(bad).at(0).ends_with(", error=\"invalid_request\"")) << challenges(bad)[0];
  const Response empty = userinfo({"DPoP"}, {});
  EXPECT_EQ(empty.result(), http::status::bad_request);
}

// No credentials: both challenges, no error code (RFC 6750 §3.1, RFC 9449 §7.1).
TEST_F(ServerDpop, NoCredentialsGetBothChallenges) {
  const Response r = userinfo({}, {});
  EXPECT_EQ(r.result(), http::status::unauthorized);
  const auto ch = challenges(r);
  ASSERT_EQ(ch.size(), 2u);
  EXPECT_EQ(ch[0], "Bearer realm=\"tessera\"");
  EXPECT_EQ(ch[1].find("error="), std::string::npos);
  EXPECT_TRUE(ch[1].starts_with("DPoP algs=\""));
}

}  // namespace
}  // namespace tessera::server::oauth_test
