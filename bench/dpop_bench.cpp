// DPoP proof verification (DpopVerifier::verify, every RFC 9449 §4.3 check) beside a bare JWS
// signature verification of the same proof with the key already in hand (JwsVerifier), for
// ES256 and EdDSA; plus the in-memory replay cache's insert on its own.
//
//   build/bench/tessera_bench --benchmark_filter=dpop
//
// The verify benchmarks use a replay cache that accepts every jti (the same proof is verified
// over and over); the replay cache's own cost is dpop/memory_replay_cache/first_use.
// dpop/verify hits the verifier's cache of imported keys (a client's usual case);
// dpop/verify_cold_key imports the jwk every time (a client's first proof).
#include <benchmark/benchmark.h>

#include <map>
#include <string>

#include "codec/json.hpp"
#include "tessera/dpop.hpp"
#include "tessera/jws.hpp"

namespace {
using namespace tessera;

constexpr std::int64_t kNow = 1'800'000'000;
constexpr std::string_view kUrl = "https://as.example/token";

struct AcceptAll final : DpopReplayCache {
  Result<bool> first_use(std::string_view, std::int64_t) override { return true; }
};

struct Fixture {
  std::string proof;
  std::optional<DpopVerifier> dpop;
  std::optional<DpopVerifier> cold;  // no key cache: the jwk imported on every proof
  std::optional<JwsVerifier> bare;
};

const FixedClock& clock() {
  static const FixedClock c(kNow);
  return c;
}

Fixture& fixture(KeySpec spec) {
  static std::map<KeySpec, Fixture> all;
  if (auto it = all.find(spec); it != all.end()) return it->second;
  auto key = Key::generate(spec).value();
  JwsSignOptions o;
  o.include_kid = false;
  o.typ = "dpop+jwt";
  o.extra_header["jwk"] = key.public_key()->to_jwk().value();
  boost::json::object claims{{"jti", "e1j3V_bKic8-LAEB"}, {"htm", "POST"}, {"htu", std::string(kUrl)}, {"iat", kNow}};
  Fixture f;
  f.proof = jws_sign(key, codec::to_json(claims), o).value();
  DpopOptions options;
  options.clock = &clock();
  f.dpop = DpopVerifier::create(options, std::make_shared<AcceptAll>()).value();
  options.key_cache_entries = 0;
  f.cold = DpopVerifier::create(options, std::make_shared<AcceptAll>()).value();
  f.bare.emplace(KeySet::single_key(key.public_key().value()).value());
  return all.emplace(spec, std::move(f)).first->second;
}

void BM_dpop_verify(benchmark::State& state, KeySpec spec, bool cold) {
  auto& f = fixture(spec);
  auto& verifier = cold ? *f.cold : *f.dpop;
  DpopRequest r;
  r.dpop_headers = {f.proof};
  r.method = "POST";
  r.url = kUrl;
  if (!verifier.verify(r)) state.SkipWithError("proof does not verify");
  for (auto _ : state) {
    auto v = verifier.verify(r);
    benchmark::DoNotOptimize(v);
  }
}

void BM_bare_verify(benchmark::State& state, KeySpec spec) {
  auto& f = fixture(spec);
  if (!f.bare->verify(f.proof)) state.SkipWithError("signature does not verify");
  for (auto _ : state) {
    auto v = f.bare->verify(f.proof);
    benchmark::DoNotOptimize(v);
  }
}

void BM_memory_replay_cache(benchmark::State& state) {
  auto cache = make_memory_dpop_replay_cache(1'000'000, clock());
  std::uint64_t n = 0;
  std::string jti;
  for (auto _ : state) {
    jti = "jti-" + std::to_string(n++ % 500'000) + "-padding-to-22";
    auto v = cache->first_use(jti, kNow + 70);
    benchmark::DoNotOptimize(v);
  }
}

BENCHMARK_CAPTURE(BM_dpop_verify, ES256, KeySpec::p256, false)->Name("dpop/verify/ES256");
BENCHMARK_CAPTURE(BM_dpop_verify, ES256_cold, KeySpec::p256, true)->Name("dpop/verify_cold_key/ES256");
BENCHMARK_CAPTURE(BM_bare_verify, ES256, KeySpec::p256)->Name("raw_dpop/verify/ES256");
BENCHMARK_CAPTURE(BM_dpop_verify, EdDSA, KeySpec::ed25519, false)->Name("dpop/verify/EdDSA");
BENCHMARK_CAPTURE(BM_dpop_verify, EdDSA_cold, KeySpec::ed25519, true)->Name("dpop/verify_cold_key/EdDSA");
BENCHMARK_CAPTURE(BM_bare_verify, EdDSA, KeySpec::ed25519)->Name("raw_dpop/verify/EdDSA");
BENCHMARK(BM_memory_replay_cache)->Name("dpop/memory_replay_cache/first_use");

}  // namespace
