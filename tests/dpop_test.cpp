// DpopVerifier (tessera/dpop.hpp): a valid proof passes, and each check refuses a proof broken
// in exactly its one way (RFC 9449 §4.3).
#include "dpop_fixture.hpp"

namespace tessera::test {
namespace {

using DpopVerify = DpopTestBase;
constexpr auto kBad = Errc::invalid_dpop_proof;

TEST_F(DpopVerify, ValidProofsGiveTheKeyThumbprint) {
  for (auto spec : {KeySpec::p256, KeySpec::p384, KeySpec::ed25519, KeySpec::rsa2048}) {
    auto k = Key::generate(spec).value();
    const auto c = claims();
    auto r = verifier().verify(request(proof(c, k)));
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(r->jkt, k.thumbprint());
    EXPECT_EQ(r->jti, c.at("jti").as_string());
    EXPECT_EQ(r->issued_at, kDpopNow);
  }
  auto rsa = Key::generate(KeySpec::rsa2048).value();
  auto ps = verifier().verify(request(proof(claims(), rsa, nullptr, Algorithm::PS256)));
  ASSERT_TRUE(ps.has_value()) << ps.error().message;
  EXPECT_EQ(ps->alg, Algorithm::PS256);
}

TEST_F(DpopVerify, OneVerifierTellsKeysApart) {
  // The verifier keeps imported keys: each proof must still get its own key's thumbprint, and a
  // signature by one key under another's jwk must still fail with a warm cache.
  auto v = verifier();
  auto other = Key::generate(KeySpec::p256).value();
  for (int round = 0; round < 2; ++round) {
    for (const Key* k : {&key, &other}) {
      auto r = v.verify(request(proof(claims(), *k)));
      ASSERT_TRUE(r.has_value()) << r.error().message;
      EXPECT_EQ(r->jkt, k->thumbprint());
    }
  }
  expect_refused(v.verify(request(proof(claims(), key, &other))), kBad, "signature");
  DpopOptions no_cache;
  no_cache.key_cache_entries = 0;
  auto cold = verifier(no_cache);
  for (int round = 0; round < 2; ++round) EXPECT_EQ(cold.verify(request(proof())).value().jkt, key.thumbprint());
}

TEST_F(DpopVerify, ExactlyOneHeader) {
  const auto p = proof();
  auto r = request(p);
  r.dpop_headers = {};
  expect_refused(verifier().verify(r), kBad, "no DPoP header");
  r.dpop_headers = {p, p};
  expect_refused(verifier().verify(r), kBad, "more than one DPoP header");
}

TEST_F(DpopVerify, OversizedProofRefusedBeforeDecoding) {
  DpopOptions o;
  o.max_proof_bytes = 100;
  expect_refused(verifier(o).verify(request(proof())), kBad, "over 100 bytes");
}

TEST_F(DpopVerify, NotAThreePartJwt) {
  const auto p = proof();
  expect_refused(verifier().verify(request(p.substr(0, p.rfind('.')))), kBad, "three parts");
  expect_refused(verifier().verify(request(p + ".x")), kBad, "three parts");
  expect_refused(verifier().verify(request("!!!.e30.e30")), kBad, "not base64url");
}

TEST_F(DpopVerify, TypMustBeDpopJwt) {
  auto h = header();
  h["typ"] = "JWT";
  expect_refused(verifier().verify(request(proof_with_header(h, claims()))), kBad, "typ");
  h.erase("typ");
  expect_refused(verifier().verify(request(proof_with_header(h, claims()))), kBad, "typ");
}

TEST_F(DpopVerify, AlgNoneAndSymmetricRefused) {
  auto h = header();
  h["alg"] = "none";
  const auto c = claims();
  const auto unsigned_proof = codec::base64url_encode(codec::to_json(h)) + "." +
                              codec::base64url_encode(codec::to_json(c)) + ".";
  expect_refused(verifier().verify(request(unsigned_proof)), kBad, "alg none not allowed");
  auto hs = Key::generate(KeySpec::hs256).value();
  expect_refused(verifier().verify(request(proof(claims(), hs))), kBad, "alg HS256 not allowed");
  DpopOptions o;
  o.algorithms = {Algorithm::ES256, Algorithm::HS256};
  o.clock = &clock;
  auto v = DpopVerifier::create(o, cache);
  ASSERT_FALSE(v.has_value());
  EXPECT_EQ(v.error().code, Errc::invalid_argument);
}

TEST_F(DpopVerify, AlgOutsideTheAllowListRefused) {
  DpopOptions o;
  o.algorithms = {Algorithm::ES256};
  auto ed = Key::generate(KeySpec::ed25519).value();
  expect_refused(verifier(o).verify(request(proof(claims(), ed))), kBad, "alg EdDSA not allowed");
}

TEST_F(DpopVerify, JwkHeaderRequired) {
  auto h = header();
  h.erase("jwk");
  expect_refused(verifier().verify(request(proof_with_header(h, claims()))), kBad, "no jwk header");
  h["jwk"] = "not an object";
  expect_refused(verifier().verify(request(proof_with_header(h, claims()))), kBad, "no jwk header");
}

TEST_F(DpopVerify, PrivateJwkRefused) {
  auto h = header();
  h["jwk"] = key.to_jwk(true).value();
  ASSERT_TRUE(h["jwk"].as_object().contains("d"));
  expect_refused(verifier().verify(request(proof_with_header(h, claims()))), kBad, "private key");
  // The same with the proof really signed by that key (so only this check can refuse it).
  JwsSignOptions o;
  o.include_kid = false;
  o.typ = "dpop+jwt";
  o.extra_header["jwk"] = key.to_jwk(true).value();
  const auto signed_with_private_jwk = jws_sign(key, codec::to_json(claims()), o).value();
  expect_refused(verifier().verify(request(signed_with_private_jwk)), kBad, "private key");
}

TEST_F(DpopVerify, JwkTypeMustAllowTheAlg) {
  auto ed = Key::generate(KeySpec::ed25519).value();
  // Signed ES256 by key, but the header's jwk is an Ed25519 key.
  expect_refused(verifier().verify(request(proof(claims(), key, &ed))), kBad, "does not allow alg ES256");
}

TEST_F(DpopVerify, SignatureMustVerifyWithTheHeaderJwk) {
  auto other = Key::generate(KeySpec::p256).value();
  expect_refused(verifier().verify(request(proof(claims(), key, &other))), kBad, "signature");
  // A payload swapped under a valid signature.
  const auto a = proof();
  const auto b = proof();
  const auto swapped = a.substr(0, a.find('.')) + b.substr(b.find('.'), b.rfind('.') - b.find('.')) + a.substr(a.rfind('.'));
  expect_refused(verifier().verify(request(swapped)), kBad, "signature");
}

TEST_F(DpopVerify, EveryClaimRequired) {
  for (const char* name : {"jti", "htm", "htu", "iat"}) {
    auto c = claims();
    c.erase(name);
    expect_refused(verifier().verify(request(proof(c))), kBad, std::string("no ") + name + " claim");
  }
  auto c = claims();
  c["iat"] = "now";
  expect_refused(verifier().verify(request(proof(c))), kBad, "iat is not a number");
}

TEST_F(DpopVerify, JtiLengthBounded) {
  auto c = claims();
  c["jti"] = std::string(65, 'j');
  expect_refused(verifier().verify(request(proof(c))), kBad, "jti empty or over 64 bytes");
  c["jti"] = "";
  expect_refused(verifier().verify(request(proof(c))), kBad, "jti empty");
  c["jti"] = std::string(64, 'j');
  EXPECT_TRUE(verifier().verify(request(proof(c))).has_value());
}

TEST_F(DpopVerify, HtmMustBeTheMethod) {
  expect_refused(verifier().verify(request(proof(), kTokenUrl, "GET")), kBad, "htm");
  auto c = claims();
  c["htm"] = "post";  // methods are case-sensitive (RFC 9110 §9.1)
  expect_refused(verifier().verify(request(proof(c))), kBad, "htm");
}

TEST_F(DpopVerify, HtuMustBeTheUrl) {
  expect_refused(verifier().verify(request(proof(), "https://as.example/other")), kBad, "htu");
  expect_refused(verifier().verify(request(proof(), "https://rs.example/token")), kBad, "htu");
  expect_refused(verifier().verify(request(proof(), "http://as.example/token")), kBad, "htu");
  expect_refused(verifier().verify(request(proof(), "https://as.example:8443/token")), kBad, "htu");
}

TEST_F(DpopVerify, HtuComparedNormalisedWithoutQueryAndFragment) {
  const std::pair<std::string_view, std::string_view> same[] = {
      {"HTTPS://AS.Example/token", kTokenUrl},
      {"https://as.example:443/token", kTokenUrl},
      {"https://as.example/token", "https://as.example/token?foo=bar"},
      {"https://as.example/token#frag", kTokenUrl},
      {"https://as.example/%74oken", kTokenUrl},
      {"http://as.example:80/a%2fb", "http://as.example/a%2Fb"},
  };
  for (const auto& [htu, url] : same) {
    auto c = claims();
    c["htu"] = htu;
    auto r = verifier().verify(request(proof(c), url));
    EXPECT_TRUE(r.has_value()) << htu << " vs " << url << ": " << (r ? "" : r.error().message);
  }
  auto c = claims();
  c["htu"] = "https://as.example/Token";  // the path is case-sensitive
  expect_refused(verifier().verify(request(proof(c))), kBad, "htu");
}

TEST_F(DpopVerify, UnparsableRequestUrlIsTheCallersError) {
  auto r = verifier().verify(request(proof(), "/token"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
}

TEST_F(DpopVerify, IatWithinTheWindow) {
  // max_age 60 + leeway 5 in the past, leeway 5 ahead.
  for (auto [iat, ok] : {std::pair{kDpopNow - 65, true}, {kDpopNow - 66, false}, {kDpopNow + 5, true}, {kDpopNow + 6, false}}) {
    auto c = claims();
    c["iat"] = iat;
    auto r = verifier().verify(request(proof(c)));
    EXPECT_EQ(r.has_value(), ok) << iat - kDpopNow;
    if (!ok && !r) {
      EXPECT_NE(r.error().message.find(iat > kDpopNow ? "future" : "too old"), std::string::npos);
    }
  }
}

TEST_F(DpopVerify, AthRequiredWithAnAccessToken) {
  const auto without = proof();
  auto r = request(without);
  r.access_token = "the-access-token";
  expect_refused(verifier().verify(r), kBad, "no ath claim");
  auto c = claims();
  c["ath"] = dpop_ath("another-token");
  const auto wrong = proof(c);
  r.dpop_headers = {wrong};
  expect_refused(verifier().verify(r), kBad, "ath does not match");
  c = claims();
  c["ath"] = dpop_ath("the-access-token");
  const auto right = proof(c);
  r.dpop_headers = {right};
  EXPECT_TRUE(verifier().verify(r).has_value());
  EXPECT_EQ(dpop_ath("the-access-token").size(), 43u);
}

TEST_F(DpopVerify, KeyMustMatchTheBoundToken) {
  const auto first = proof();
  auto r = request(first);
  const auto other = Key::generate(KeySpec::p256).value().thumbprint();
  r.expected_jkt = other;
  expect_refused(verifier().verify(r), kBad, "jkt");
  const auto p = proof();
  r.dpop_headers = {p};
  const auto mine = key.thumbprint();
  r.expected_jkt = mine;
  EXPECT_TRUE(verifier().verify(r).has_value());
}

TEST_F(DpopVerify, ReplayRefused) {
  const auto p = proof();
  ASSERT_TRUE(verifier().verify(request(p)).has_value());
  expect_refused(verifier().verify(request(p)), kBad, "replay");
}

TEST_F(DpopVerify, RefusedProofsDoNotEnterTheReplayCache) {
  auto c = claims();
  const auto p = proof(c);
  // The same proof refused for its method first: its jti must still be usable.
  ASSERT_FALSE(verifier().verify(request(p, kTokenUrl, "GET")).has_value());
  EXPECT_TRUE(verifier().verify(request(p)).has_value());
}

TEST_F(DpopVerify, ReplayCacheErrorsFailClosed) {
  struct Down final : DpopReplayCache {
    Result<bool> first_use(std::string_view, std::int64_t) override { return fail(Errc::store_unavailable, "down"); }
  };
  DpopOptions o;
  o.clock = &clock;
  auto v = DpopVerifier::create(o, std::make_shared<Down>()).value();
  expect_refused(v.verify(request(proof())), Errc::store_unavailable, "down");
  EXPECT_FALSE(DpopVerifier::create(o, nullptr).has_value());
}

}  // namespace
}  // namespace tessera::test
