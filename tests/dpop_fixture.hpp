// Shared by the DPoP tests: a settable clock, and valid proofs built with Key::generate and
// jws_sign (dpop_proof, also for the AuthorizationServer's DPoP tests), which the tests then
// break one thing at a time.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "codec/base64url.hpp"
#include "codec/json.hpp"
#include "tessera/dpop.hpp"
#include "tessera/jws.hpp"
#include "settable_clock.hpp"

namespace tessera::test {

inline constexpr std::int64_t kDpopNow = 1'800'000'000;
inline constexpr std::string_view kTokenUrl = "https://as.example/token";

// A DPoP proof with claims c, signed by signer, with header jwk = the public JWK of jwk_key
// (signer when null): what a client sends, or (with the wrong jwk_key or alg) a broken one.
inline std::string dpop_proof(const boost::json::object& c, const Key& signer, const Key* jwk_key = nullptr,
                              std::optional<Algorithm> alg = std::nullopt) {
  JwsSignOptions o;
  o.alg = alg;
  o.include_kid = false;
  o.typ = "dpop+jwt";
  const Key& k = jwk_key ? *jwk_key : signer;
  o.extra_header["jwk"] = (k.is_symmetric() ? k.to_jwk(true) : k.public_key()->to_jwk()).value();
  return jws_sign(signer, codec::to_json(c), o).value();
}

class DpopTestBase : public ::testing::Test {
 protected:
  SettableClock clock{kDpopNow};
  Key key = Key::generate(KeySpec::p256).value();
  std::shared_ptr<DpopReplayCache> cache{make_memory_dpop_replay_cache(1000, clock)};
  int counter = 0;

  boost::json::object claims() {
    return {{"jti", "jti-" + std::to_string(++counter) + "-0123456789abcdef"},
            {"htm", "POST"},
            {"htu", std::string(kTokenUrl)},
            {"iat", kDpopNow}};
  }
  // Signed by signer, with header jwk = the public JWK of jwk_key (signer when null).
  std::string proof(const boost::json::object& c, const Key& signer, const Key* jwk_key = nullptr,
                    std::optional<Algorithm> alg = std::nullopt) {
    return dpop_proof(c, signer, jwk_key, alg);
  }
  std::string proof(const boost::json::object& c) { return proof(c, key); }
  std::string proof() { return proof(claims()); }
  // A proof whose header is exactly header (and a real signature by key over it).
  std::string proof_with_header(const boost::json::object& header, const boost::json::object& c) {
    const auto h = codec::base64url_encode(codec::to_json(header));
    const auto p = codec::base64url_encode(codec::to_json(c));
    // Sign h.p by signing with the same header through jws_sign is not possible for arbitrary
    // headers, so reuse the signature of an ordinary proof: the checks under test come first.
    const auto ordinary = proof(c);
    return h + "." + p + ordinary.substr(ordinary.rfind('.'));
  }
  boost::json::object header() {
    return {{"typ", "dpop+jwt"}, {"alg", "ES256"}, {"jwk", key.public_key()->to_jwk().value()}};
  }

  DpopVerifier verifier(DpopOptions o = {}) {
    o.clock = &clock;
    return DpopVerifier::create(std::move(o), cache).value();
  }
  static DpopRequest request(std::string_view p, std::string_view url = kTokenUrl, std::string_view method = "POST") {
    DpopRequest r;
    r.dpop_headers = {p};
    r.method = method;
    r.url = url;
    return r;
  }
  static void expect_refused(const Result<DpopProof>& r, Errc code, std::string_view fragment) {
    ASSERT_FALSE(r.has_value()) << "accepted; expected: " << fragment;
    EXPECT_EQ(r.error().code, code) << r.error().message;
    EXPECT_NE(r.error().message.find(fragment), std::string::npos) << r.error().message << " lacks " << fragment;
  }
};

}  // namespace tessera::test
