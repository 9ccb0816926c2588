// The resource server's Authenticator (docs/resource-server.md): authenticate() on a request
// with `Authorization: Bearer <JWT>` (ES256, EdDSA) beside the raw JwtVerifier::verify of the
// same token with the same keys and claims policy (named raw_authenticator/..., so main()'s
// ratio table shows the Authenticator's overhead: header parsing, kid lookup through
// VerificationKeys, the per-request verifier, the principal), and the opaque-token path with a
// warm introspection cache.
//
//   build/bench/tessera_bench --benchmark_filter=authenticator
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "access_token.hpp"
#include "tessera/authenticator.hpp"
#include "tessera/jwt.hpp"

namespace {
using namespace tessera;

constexpr std::string_view kUrl = "https://api.tessera.example/orders";
using Headers = std::vector<std::pair<std::string_view, std::string_view>>;

struct JwtFixture {
  std::string header;  // "Bearer <token>"
  std::string token;
  std::optional<Authenticator> auth;
  std::optional<JwtVerifier> raw;
};

AuthenticatorOptions base_options() {
  AuthenticatorOptions o;
  o.issuer = "https://auth.tessera.example";
  o.audiences = {"https://api.tessera.example"};
  o.clock = &bench::fixed_clock();
  return o;
}

JwtFixture& jwt_fixture(Algorithm alg) {
  static std::map<Algorithm, JwtFixture> all;
  if (auto it = all.find(alg); it != all.end()) return it->second;
  const Key key = Key::generate(alg == Algorithm::EdDSA ? KeySpec::ed25519 : KeySpec::p256, "bench-key").value();
  auto b = bench::access_token<JwtBuilder>();
  b.type("at+jwt").algorithm(alg).claim("client_id", "bench-client");
  JwtFixture f;
  f.token = b.sign(key).value();
  f.header = "Bearer " + f.token;
  KeySet set;
  (void)set.add(key.public_key().value());
  auto o = base_options();
  o.keys = make_static_verification_keys(set);
  f.auth.emplace(Authenticator::create(o).value());
  auto claims = ClaimsValidator::Builder()
                    .clock(bench::fixed_clock())
                    .expect_issuer("https://auth.tessera.example")
                    .expect_audience("https://api.tessera.example")
                    .leeway(30)
                    .build()
                    .value();
  f.raw.emplace(JwtVerifier::Builder(set, claims).allow_algorithms(o.algorithms).expect_type("at+jwt").build().value());
  return all.emplace(alg, std::move(f)).first->second;
}

void BM_authenticate_jwt(benchmark::State& state, Algorithm alg) {
  auto& f = jwt_fixture(alg);
  const Headers headers{{"Host", "api.tessera.example"}, {"Accept", "application/json"}, {"Authorization", f.header}};
  const AuthRequest request{"GET", kUrl, headers};
  if (!f.auth->authenticate(request)) state.SkipWithError("token refused");
  for (auto _ : state) {
    auto p = f.auth->authenticate(request);
    benchmark::DoNotOptimize(p);
  }
}

void BM_raw_jwt_verify(benchmark::State& state, Algorithm alg) {
  auto& f = jwt_fixture(alg);
  if (!f.raw->verify(f.token)) state.SkipWithError("token refused");
  for (auto _ : state) {
    auto v = f.raw->verify(f.token);
    benchmark::DoNotOptimize(v);
  }
}

// Answers every token as active; counts calls so the benchmark can check the cache is warm.
class CountingIntrospector final : public Introspector {
 public:
  int calls = 0;
  Result<IntrospectionAnswer> introspect(std::string_view) override {
    ++calls;
    IntrospectionAnswer a;
    a.active = true;
    a.subject = "user-7f3c9a2e";
    a.client_id = "bench-client";
    a.scope = "openid profile email orders:read orders:write";
    a.jti = "01JD2Q7W9XK4M8N3P5R6S7T8V9";
    a.issuer = "https://auth.tessera.example";
    a.audience = {"https://api.tessera.example"};
    a.token_type = "Bearer";
    a.issued_at = bench::kNow;
    a.expires_at = bench::kNow + 900;
    return a;
  }
};

void BM_authenticate_opaque_cached(benchmark::State& state) {
  auto introspector = std::make_shared<CountingIntrospector>();
  auto o = base_options();
  o.accept_jwt = o.accept_paseto = false;
  o.introspector = introspector;
  o.introspection_cache_ttl = 60;
  const auto auth = Authenticator::create(o).value();
  const std::string header = "Bearer Xq7nP2wLk9vR4tY8bZ3mC6hJ1sD5fG0aE-uI_oT2yW4";  // 43 chars, as Tessera's
  const Headers headers{{"Host", "api.tessera.example"}, {"Accept", "application/json"}, {"Authorization", header}};
  const AuthRequest request{"GET", kUrl, headers};
  if (!auth.authenticate(request)) state.SkipWithError("token refused");
  for (auto _ : state) {
    auto p = auth.authenticate(request);
    benchmark::DoNotOptimize(p);
  }
  if (introspector->calls != 1) state.SkipWithError("the cache was not warm");
}

[[maybe_unused]] const bool registered = [] {
  for (Algorithm alg : {Algorithm::ES256, Algorithm::EdDSA}) {
    const std::string name(alg_name(alg));
    benchmark::RegisterBenchmark(("authenticator/jwt/" + name).c_str(), BM_authenticate_jwt, alg);
    benchmark::RegisterBenchmark(("raw_authenticator/jwt/" + name).c_str(), BM_raw_jwt_verify, alg);
  }
  benchmark::RegisterBenchmark("authenticator/opaque/cached", BM_authenticate_opaque_cached);
  return true;
}();

}  // namespace
