// JWT sign and verify+validate for every algorithm, beside the raw primitive (OpenSSL or
// libsodium, measured the fastest way each allows) on the same signing input. At the end it
// prints, per algorithm, the ratio token-ops/s ÷ primitive-ops/s.
//
//   build/bench/tessera_bench                       (defaults below)
//   build/bench/tessera_bench --benchmark_filter=HS256
// Defaults: 5 repetitions in random interleaving (token and primitive runs alternate, so
// noise from a shared machine hits both alike), 0.2 s each, medians in the ratio table.
#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <sodium.h>

#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "crypto/pkey_impl.hpp"
#include "keys/key_impl.hpp"
#include "access_token.hpp"
#include "tessera/jwt.hpp"

namespace {
using namespace tessera;

using bench::kNow;

struct Fixture {
  Algorithm alg;
  Key key;
  std::string token;
  std::string signing_input;
  JwtBuilder builder;
  std::optional<JwtVerifier> verifier;
};

Fixture& fixture(Algorithm alg) {
  static std::map<Algorithm, Fixture> all;
  auto it = all.find(alg);
  if (it != all.end()) return it->second;
  KeySpec spec = KeySpec::rsa2048;
  switch (alg) {
    case Algorithm::HS256: spec = KeySpec::hs256; break;
    case Algorithm::HS384: spec = KeySpec::hs384; break;
    case Algorithm::HS512: spec = KeySpec::hs512; break;
    case Algorithm::ES256: spec = KeySpec::p256; break;
    case Algorithm::ES384: spec = KeySpec::p384; break;
    case Algorithm::ES512: spec = KeySpec::p521; break;
    case Algorithm::EdDSA: spec = KeySpec::ed25519; break;
    default: break;
  }
  Fixture f{alg, Key::generate(spec, "bench").value(), {}, {}, bench::access_token<JwtBuilder>(), std::nullopt};
  f.builder.algorithm(alg);
  f.token = f.builder.sign(f.key).value();
  f.signing_input = f.token.substr(0, f.token.rfind('.'));
  KeySet set;
  (void)set.add(f.key.is_symmetric() ? f.key : f.key.public_key().value());
  auto validator = ClaimsValidator::Builder()
                       .clock(bench::fixed_clock())
                       .expect_issuer("https://auth.tessera.example")
                       .expect_audience("https://api.tessera.example")
                       .build()
                       .value();
  f.verifier = JwtVerifier::Builder(set, validator).build().value();
  return all.emplace(alg, std::move(f)).first->second;
}

void BM_sign(benchmark::State& state, Algorithm alg) {
  auto& f = fixture(alg);
  for (auto _ : state) {
    auto t = f.builder.sign(f.key);
    benchmark::DoNotOptimize(t);
  }
}

void BM_verify(benchmark::State& state, Algorithm alg) {
  auto& f = fixture(alg);
  if (!f.verifier->verify(f.token)) state.SkipWithError("token does not verify");
  for (auto _ : state) {
    auto v = f.verifier->verify(f.token);
    benchmark::DoNotOptimize(v);
  }
}

// ---- raw primitives on the same signing input -----------------------------------------

const char* digest_of(Algorithm alg) {
  switch (alg) {
    case Algorithm::HS384: case Algorithm::RS384: case Algorithm::PS384: case Algorithm::ES384: return "SHA384";
    case Algorithm::HS512: case Algorithm::RS512: case Algorithm::PS512: case Algorithm::ES512: return "SHA512";
    default: return "SHA256";
  }
}
bool is_hmac(Algorithm a) { return a == Algorithm::HS256 || a == Algorithm::HS384 || a == Algorithm::HS512; }
bool is_pss(Algorithm a) { return a == Algorithm::PS256 || a == Algorithm::PS384 || a == Algorithm::PS512; }

void BM_raw_hmac(benchmark::State& state, Algorithm alg) {
  auto& f = fixture(alg);
  auto secret = f.key.impl().secret->reveal(SecretAccess{});
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* keyed = EVP_MAC_CTX_new(mac);
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest_of(alg)), 0),
                         OSSL_PARAM_construct_end()};
  EVP_MAC_init(keyed, secret.data(), secret.size(), params);
  unsigned char out[64];
  size_t outlen = 0;
  for (auto _ : state) {
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(keyed);
    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(f.signing_input.data()), f.signing_input.size());
    EVP_MAC_final(ctx, out, &outlen, sizeof out);
    EVP_MAC_CTX_free(ctx);
    benchmark::DoNotOptimize(out);
  }
  EVP_MAC_CTX_free(keyed);
  EVP_MAC_free(mac);
}

// A digest context set up for alg (PSS padding and salt = hash length for PS*), the way the
// primitive is used without any JOSE layer. Caller frees it.
EVP_MD_CTX* digest_ctx(bool sign, Algorithm alg, const EVP_MD* md, EVP_PKEY* pkey) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  if (sign) {
    EVP_DigestSignInit(ctx, &pctx, md, nullptr, pkey);
  } else {
    EVP_DigestVerifyInit(ctx, &pctx, md, nullptr, pkey);
  }
  if (is_pss(alg)) {
    EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING);
    EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST);
  }
  return ctx;
}

void BM_raw_sign(benchmark::State& state, Algorithm alg) {
  auto& f = fixture(alg);
  const auto* in = reinterpret_cast<const unsigned char*>(f.signing_input.data());
  if (alg == Algorithm::EdDSA) {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
    crypto_sign_keypair(pk, sk);
    for (auto _ : state) {
      crypto_sign_detached(sig, nullptr, in, f.signing_input.size(), sk);
      benchmark::DoNotOptimize(sig);
    }
    return;
  }
  EVP_PKEY* pkey = f.key.impl().pkey->impl().pkey.get();
  EVP_MD* md = EVP_MD_fetch(nullptr, digest_of(alg), nullptr);
  std::vector<unsigned char> sig(EVP_PKEY_get_size(pkey));
  for (auto _ : state) {
    EVP_MD_CTX* ctx = digest_ctx(true, alg, md, pkey);
    size_t len = sig.size();
    EVP_DigestSign(ctx, sig.data(), &len, in, f.signing_input.size());
    EVP_MD_CTX_free(ctx);
    benchmark::DoNotOptimize(sig.data());
  }
  EVP_MD_free(md);
}

void BM_raw_verify(benchmark::State& state, Algorithm alg) {
  auto& f = fixture(alg);
  const auto* in = reinterpret_cast<const unsigned char*>(f.signing_input.data());
  if (alg == Algorithm::EdDSA) {
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
    crypto_sign_keypair(pk, sk);
    crypto_sign_detached(sig, nullptr, in, f.signing_input.size(), sk);
    for (auto _ : state) {
      int r = crypto_sign_verify_detached(sig, in, f.signing_input.size(), pk);
      benchmark::DoNotOptimize(r);
    }
    return;
  }
  EVP_PKEY* pkey = f.key.impl().pkey->impl().pkey.get();
  EVP_MD* md = EVP_MD_fetch(nullptr, digest_of(alg), nullptr);
  // A DER/PKCS#1 signature from OpenSSL itself, so the primitive does no JOSE conversion.
  std::vector<unsigned char> sig(EVP_PKEY_get_size(pkey));
  size_t siglen = sig.size();
  {
    EVP_MD_CTX* ctx = digest_ctx(true, alg, md, pkey);
    EVP_DigestSign(ctx, sig.data(), &siglen, in, f.signing_input.size());
    EVP_MD_CTX_free(ctx);
  }
  for (auto _ : state) {
    EVP_MD_CTX* ctx = digest_ctx(false, alg, md, pkey);
    int r = EVP_DigestVerify(ctx, sig.data(), siglen, in, f.signing_input.size());
    EVP_MD_CTX_free(ctx);
    benchmark::DoNotOptimize(r);
  }
  EVP_MD_free(md);
}

// ---- ratio report ------------------------------------------------------------------------

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    // With --benchmark_repetitions the median is used; without, the single run.
    for (const auto& r : runs) {
      if (r.error_occurred) continue;
      const std::string name = r.run_name.str();
      if (r.run_type == Run::RT_Aggregate && r.aggregate_name == "median") {
        ns_[name] = r.GetAdjustedRealTime();
        medians_.insert(name);
      } else if (r.run_type == Run::RT_Iteration && !medians_.count(name)) {
        ns_[name] = r.GetAdjustedRealTime();
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  void print_ratios() const {
    auto get = [&](const std::string& k) { auto it = ns_.find(k); return it == ns_.end() ? 0.0 : it->second; };
    std::printf("\nratio = token-ops/s / primitive-ops/s (1.00 = no overhead over the primitive)\n");
    std::printf("%-7s %12s %12s %8s %12s %12s %8s\n", "alg", "sign ns", "raw ns", "ratio", "verify ns", "raw ns", "ratio");
    for (std::size_t i = 0; i < kAlgorithmCount; ++i) {
      const auto name = std::string(alg_name(static_cast<Algorithm>(i)));
      const double s = get("sign/" + name), rs = get("raw_sign/" + name);
      const double v = get("verify/" + name), rv = get("raw_verify/" + name);
      if (v == 0 && s == 0) continue;
      std::printf("%-7s %12.0f %12.0f %8.2f %12.0f %12.0f %8.2f\n", name.c_str(), s, rs, s > 0 ? rs / s : 0.0, v, rv,
                  v > 0 ? rv / v : 0.0);
    }
    // Any other pair "X" / "raw_X" (the PASETO benchmarks register theirs that way).
    bool header = false;
    for (const auto& [name, t] : ns_) {
      if (name.starts_with("raw_") || name.starts_with("sign/") || name.starts_with("verify/")) continue;
      const double raw = get("raw_" + name);
      if (raw == 0) continue;
      if (!header) {
        std::printf("\n%-34s %12s %12s %8s\n", "operation", "token ns", "raw ns", "ratio");
        header = true;
      }
      std::printf("%-34s %12.0f %12.0f %8.2f\n", name.c_str(), t, raw, raw / t);
    }
  }
 private:
  std::map<std::string, double> ns_;
  std::set<std::string> medians_;
};

}  // namespace

int main(int argc, char** argv) {
  for (std::size_t i = 0; i < kAlgorithmCount; ++i) {
    const auto alg = static_cast<Algorithm>(i);
    const std::string name(alg_name(alg));
    benchmark::RegisterBenchmark(("sign/" + name).c_str(), BM_sign, alg);
    if (is_hmac(alg)) {
      benchmark::RegisterBenchmark(("raw_sign/" + name).c_str(), BM_raw_hmac, alg);
    } else {
      benchmark::RegisterBenchmark(("raw_sign/" + name).c_str(), BM_raw_sign, alg);
    }
    benchmark::RegisterBenchmark(("verify/" + name).c_str(), BM_verify, alg);
    if (is_hmac(alg)) {
      benchmark::RegisterBenchmark(("raw_verify/" + name).c_str(), BM_raw_hmac, alg);
    } else {
      benchmark::RegisterBenchmark(("raw_verify/" + name).c_str(), BM_raw_verify, alg);
    }
  }
  std::vector<char*> args(argv, argv + argc);
  std::string reps = "--benchmark_repetitions=5", inter = "--benchmark_enable_random_interleaving=true",
              agg = "--benchmark_report_aggregates_only=true", mintime = "--benchmark_min_time=0.2";
  for (auto* a : {&reps, &inter, &agg, &mintime}) args.insert(args.begin() + 1, a->data());
  argc = static_cast<int>(args.size());
  argv = args.data();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.print_ratios();
  benchmark::Shutdown();
  return 0;
}
