// DPoP-bound tokens at the Authenticator (RFC 9449 §7): the proof, ath, the key binding, the
// scheme a token may come under, require_dpop, nonces and replay.
#include <random>

#include "dpop_fixture.hpp"
#include "resource_fixture.hpp"

namespace tessera::test {
namespace {

class ResourceDpop : public ResourceTest {
 protected:
  Key client_key = Key::generate(KeySpec::p256).value();
  std::shared_ptr<DpopReplayCache> replay{make_memory_dpop_replay_cache(1000, clock)};
  std::shared_ptr<const DpopNonces> nonces =
      std::make_shared<const DpopNonces>(DpopNonces::create(SecretBytes(std::string(32, 'n'))).value());
  int proofs = 0;

  AuthenticatorOptions dpop_options(bool require_nonce = false) {
    auto o = options();
    DpopOptions d;
    d.clock = &clock;
    if (require_nonce) {
      d.require_nonce = true;
      d.nonces = nonces;
    }
    o.dpop = std::make_shared<const DpopVerifier>(DpopVerifier::create(d, replay).value());
    return o;
  }
  std::string bound_jwt() {
    auto c = claims();
    c.jkt = client_key.thumbprint();
    return jwt(c);
  }
  boost::json::object proof_claims(const std::string& token, std::string_view method = "GET",
                                   std::string_view url = kApiUrl) {
    return {{"jti", "proof-" + std::to_string(++proofs)},
            {"htm", std::string(method)},
            {"htu", std::string(url)},
            {"iat", clock.now()},
            {"ath", dpop_ath(token)}};
  }
  std::string proof(const std::string& token) { return dpop_proof(proof_claims(token), client_key); }
  AuthResult<Principal> dpop(const Authenticator& a, const std::string& token, const std::string& proof) {
    const std::string v = "DPoP " + token;
    return call(a, {{"Authorization", v}, {"DPoP", proof}});
  }
  static void expect_dpop_error(const AuthResult<Principal>& r, std::string_view error) {
    ASSERT_FALSE(r.has_value());
    EXPECT_NE(r.error().www_authenticate.find("DPoP error=\"" + std::string(error) + "\""), std::string::npos)
        << r.error().www_authenticate;
  }
};

TEST_F(ResourceDpop, BoundTokenWithAValidProofIsAccepted) {
  const auto token = bound_jwt();
  const auto r = dpop(authenticator(dpop_options()), token, proof(token));
  ASSERT_TRUE(r.has_value()) << r.error().error.message;
  EXPECT_TRUE(r->dpop_bound);
  EXPECT_EQ(r->jkt, client_key.thumbprint());
}

TEST_F(ResourceDpop, ReplayedProofIsRefused) {
  const auto token = bound_jwt();
  const auto a = authenticator(dpop_options());
  const auto p = proof(token);
  ASSERT_TRUE(dpop(a, token, p).has_value());
  const auto r = dpop(a, token, p);
  ASSERT_NO_FATAL_FAILURE(expect_refused(r, 401, Errc::invalid_dpop_proof));
  expect_dpop_error(r, "invalid_dpop_proof");
}

TEST_F(ResourceDpop, AthOfAnotherTokenIsRefused) {
  const auto token = bound_jwt();
  const auto other = bound_jwt();
  const auto r = dpop(authenticator(dpop_options()), token, dpop_proof(proof_claims(other), client_key));
  ASSERT_NO_FATAL_FAILURE(expect_refused(r, 401, Errc::invalid_dpop_proof));
  EXPECT_NE(r.error().error.message.find("ath"), std::string::npos) << r.error().error.message;
}

TEST_F(ResourceDpop, ProofByAnotherKeyIsRefused) {
  const auto token = bound_jwt();
  const Key thief = Key::generate(KeySpec::p256).value();
  expect_refused(dpop(authenticator(dpop_options()), token, dpop_proof(proof_claims(token), thief)), 401,
                 Errc::invalid_dpop_proof);
}

TEST_F(ResourceDpop, ProofForAnotherMethodOrUrlIsRefused) {
  const auto token = bound_jwt();
  const auto a = authenticator(dpop_options());
  expect_refused(dpop(a, token, dpop_proof(proof_claims(token, "POST"), client_key)), 401, Errc::invalid_dpop_proof);
  expect_refused(dpop(a, token, dpop_proof(proof_claims(token, "GET", "https://api.example/admin"), client_key)), 401,
                 Errc::invalid_dpop_proof);
}

TEST_F(ResourceDpop, MissingProofIsRefused) {
  const auto token = bound_jwt();
  const std::string v = "DPoP " + token;
  expect_refused(call(authenticator(dpop_options()), {{"Authorization", v}}), 401, Errc::invalid_dpop_proof);
}

TEST_F(ResourceDpop, BoundTokenAsBearerIsRefused) {
  const auto token = bound_jwt();
  const std::string v = "Bearer " + token;
  const auto r = call(authenticator(dpop_options()), {{"Authorization", v}, {"DPoP", proof(token)}});
  ASSERT_NO_FATAL_FAILURE(expect_refused(r, 401, Errc::invalid_token));
  EXPECT_NE(r.error().error.message.find("as Bearer"), std::string::npos);
}

TEST_F(ResourceDpop, UnboundTokenUnderDpopIsRefused) {
  const auto token = jwt();
  const auto r = dpop(authenticator(dpop_options()), token, proof(token));
  ASSERT_NO_FATAL_FAILURE(expect_refused(r, 401, Errc::invalid_token));
  expect_dpop_error(r, "invalid_token");
}

TEST_F(ResourceDpop, RequireDpopRefusesUnboundTokens) {
  auto o = dpop_options();
  o.require_dpop = true;
  const auto r = bearer(authenticator(o), jwt());
  ASSERT_NO_FATAL_FAILURE(expect_refused(r, 401, Errc::invalid_token));
  EXPECT_EQ(r.error().www_authenticate.rfind("DPoP ", 0), 0u) << r.error().www_authenticate;
  EXPECT_EQ(r.error().www_authenticate.find("Bearer"), std::string::npos);
}

TEST_F(ResourceDpop, MissingNonceGetsUseDpopNonceAndTheNonce) {
  const auto token = bound_jwt();
  const auto a = authenticator(dpop_options(true));
  const auto r = dpop(a, token, proof(token));
  ASSERT_NO_FATAL_FAILURE(expect_refused(r, 401, Errc::use_dpop_nonce));
  expect_dpop_error(r, "use_dpop_nonce");
  ASSERT_EQ(r.error().dpop_nonce, nonces->current(clock.now()));
  auto c = proof_claims(token);
  c["nonce"] = r.error().dpop_nonce;
  EXPECT_TRUE(dpop(a, token, dpop_proof(c, client_key)).has_value());
}

TEST_F(ResourceDpop, DpopSchemeWithoutAVerifierIsNoCredentials) {
  const auto token = bound_jwt();
  const auto r = dpop(authenticator(), token, proof(token));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().status, 401u);
  EXPECT_EQ(r.error().www_authenticate, "Bearer");
}

TEST_F(ResourceDpop, BoundPasetoTokenNeedsItsProofToo) {
  auto c = claims();
  c.jkt = client_key.thumbprint();
  const auto token = paseto(c);
  const auto a = authenticator(dpop_options());
  EXPECT_TRUE(dpop(a, token, proof(token)).has_value());
  const std::string v = "Bearer " + token;
  expect_refused(call(a, {{"Authorization", v}}), 401, Errc::invalid_token);
}

// Nonces required and none sent: a flip that happens to leave the proof intact is still refused
// (use_dpop_nonce comes after the parsing and the signature), so every request must be.
TEST_F(ResourceDpop, MangledProofsNeverCrashAndAreRefused) {
  std::mt19937 rng(11);
  const auto token = bound_jwt();
  const auto a = authenticator(dpop_options(true));
  for (int i = 0; i < 1000; ++i) {
    auto p = proof(token);
    const int flips = 1 + static_cast<int>(rng() % 3);
    for (int f = 0; f < flips; ++f) p[rng() % p.size()] = static_cast<char>(rng() % 256);
    const auto r = dpop(a, token, p);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().status, 401u);
  }
}

}  // namespace
}  // namespace tessera::test
