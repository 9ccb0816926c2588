// PASETO v4 beside the raw libsodium steps, in the same binary as the JWT benchmarks (whose
// main() prints every "X" / "raw_X" pair as a ratio):
//   paseto/v4.public/sign, .../verify   vs  Ed25519 sign / verify of the same PAE message
//   paseto/v4.local/encrypt, .../decrypt vs  the spec's steps done by hand with libsodium: two
//                                            BLAKE2b KDF calls, XChaCha20, one BLAKE2b MAC
// Payload: a typical access token's claims, 300 bytes of JSON. verify/decrypt include claims
// parsing and the full claims policy, as an application would run them.
#include <benchmark/benchmark.h>
#include <sodium.h>

#include <boost/json.hpp>

#include <array>
#include <string>

#include "access_token.hpp"
#include "tessera/paserk.hpp"
#include "tessera/paseto_claims.hpp"

namespace {
using namespace tessera;

using bench::kNow;

PasetoVerifier verifier() {
  auto v = ClaimsValidator::Builder()
               .clock(bench::fixed_clock())
               .expect_issuer("https://auth.tessera.example")
               .expect_audience("https://api.tessera.example")
               .build()
               .value();
  return PasetoVerifier::Builder(std::move(v)).build();
}

// The claims JSON exactly as the builder writes it, for the raw benchmarks' message size.
std::string payload_of(const std::string& token, const PasetoVerifier& v, const paseto::PublicKey& key) {
  return boost::json::serialize(v.verify(key, token).value().claims().json());
}

struct Public {
  paseto::SecretKey secret = paseto::SecretKey::generate(paseto::Version::v4).value();
  paseto::PublicKey pub = secret.public_key();
  PasetoBuilder builder = bench::access_token<PasetoBuilder>();
  PasetoVerifier verify = verifier();
  std::string token = builder.sign(secret).value();
  std::string pae;  // PAE("v4.public.", m, "", "") — the signed message
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  Public() {
    const std::string m = payload_of(token, verify, pub);
    const std::string_view pieces[] = {"v4.public.", m, "", ""};
    pae = paseto::pae(pieces);
    crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(pae.data()), pae.size(),
                         secret.bytes().reveal(SecretAccess{}).data());
  }
};

Public& pub_fixture() {
  static Public f;
  return f;
}

void BM_v4_public_sign(benchmark::State& state) {
  auto& f = pub_fixture();
  for (auto _ : state) benchmark::DoNotOptimize(f.builder.sign(f.secret));
}
void BM_raw_v4_public_sign(benchmark::State& state) {
  auto& f = pub_fixture();
  const auto sk = f.secret.bytes().reveal(SecretAccess{});
  std::array<unsigned char, crypto_sign_BYTES> sig{};
  for (auto _ : state) {
    crypto_sign_detached(sig.data(), nullptr, reinterpret_cast<const unsigned char*>(f.pae.data()), f.pae.size(),
                         sk.data());
    benchmark::DoNotOptimize(sig);
  }
}
void BM_v4_public_verify(benchmark::State& state) {
  auto& f = pub_fixture();
  if (!f.verify.verify(f.pub, f.token)) state.SkipWithError("token does not verify");
  for (auto _ : state) benchmark::DoNotOptimize(f.verify.verify(f.pub, f.token));
}
void BM_raw_v4_public_verify(benchmark::State& state) {
  auto& f = pub_fixture();
  const std::string pk = f.pub.bytes();
  for (auto _ : state) {
    int r = crypto_sign_verify_detached(f.sig.data(), reinterpret_cast<const unsigned char*>(f.pae.data()),
                                        f.pae.size(), reinterpret_cast<const unsigned char*>(pk.data()));
    benchmark::DoNotOptimize(r);
  }
}

struct Local {
  paseto::LocalKey key = paseto::LocalKey::generate(paseto::Version::v4).value();
  PasetoBuilder builder = bench::access_token<PasetoBuilder>();
  PasetoVerifier verify = verifier();
  std::string token = builder.encrypt(key).value();
  std::string m = boost::json::serialize(verify.decrypt(key, token).value().claims().json());
};

Local& local_fixture() {
  static Local f;
  return f;
}

// The spec's v4.local steps by hand. Returns the ciphertext length (or 0 on a tag mismatch).
struct RawLocal {
  std::array<unsigned char, 32> n{};
  std::array<unsigned char, 56> tmp{};
  std::array<unsigned char, 32> ak{};
  std::array<unsigned char, 32> tag{};
  std::string c, pae_buf;

  void derive(const unsigned char* k) {
    crypto_generichash_state st;
    crypto_generichash_init(&st, k, 32, tmp.size());
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>("paseto-encryption-key"), 21);
    crypto_generichash_update(&st, n.data(), n.size());
    crypto_generichash_final(&st, tmp.data(), tmp.size());
    crypto_generichash_init(&st, k, 32, ak.size());
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>("paseto-auth-key-for-aead"), 24);
    crypto_generichash_update(&st, n.data(), n.size());
    crypto_generichash_final(&st, ak.data(), ak.size());
  }
  void mac() {
    const std::string_view pieces[] = {"v4.local.", {reinterpret_cast<const char*>(n.data()), n.size()}, c, "", ""};
    pae_buf = paseto::pae(pieces);
    crypto_generichash(tag.data(), tag.size(), reinterpret_cast<const unsigned char*>(pae_buf.data()),
                       pae_buf.size(), ak.data(), ak.size());
  }
};

void BM_v4_local_encrypt(benchmark::State& state) {
  auto& f = local_fixture();
  for (auto _ : state) benchmark::DoNotOptimize(f.builder.encrypt(f.key));
}
void BM_raw_v4_local_encrypt(benchmark::State& state) {
  auto& f = local_fixture();
  const auto k = f.key.bytes().reveal(SecretAccess{});
  RawLocal r;
  r.c.resize(f.m.size());
  for (auto _ : state) {
    randombytes_buf(r.n.data(), r.n.size());
    r.derive(k.data());
    crypto_stream_xchacha20_xor(reinterpret_cast<unsigned char*>(r.c.data()),
                                reinterpret_cast<const unsigned char*>(f.m.data()), f.m.size(), r.tmp.data() + 32,
                                r.tmp.data());
    r.mac();
    benchmark::DoNotOptimize(r.tag);
  }
}
void BM_v4_local_decrypt(benchmark::State& state) {
  auto& f = local_fixture();
  if (!f.verify.decrypt(f.key, f.token)) state.SkipWithError("token does not decrypt");
  for (auto _ : state) benchmark::DoNotOptimize(f.verify.decrypt(f.key, f.token));
}
void BM_raw_v4_local_decrypt(benchmark::State& state) {
  auto& f = local_fixture();
  const auto k = f.key.bytes().reveal(SecretAccess{});
  RawLocal r;
  randombytes_buf(r.n.data(), r.n.size());
  r.derive(k.data());
  r.c.resize(f.m.size());
  crypto_stream_xchacha20_xor(reinterpret_cast<unsigned char*>(r.c.data()),
                              reinterpret_cast<const unsigned char*>(f.m.data()), f.m.size(), r.tmp.data() + 32,
                              r.tmp.data());
  r.mac();
  const auto expected = r.tag;
  std::string plain(f.m.size(), '\0');
  for (auto _ : state) {
    r.derive(k.data());
    r.mac();
    if (sodium_memcmp(r.tag.data(), expected.data(), expected.size()) != 0) state.SkipWithError("tag");
    crypto_stream_xchacha20_xor(reinterpret_cast<unsigned char*>(plain.data()),
                                reinterpret_cast<const unsigned char*>(r.c.data()), r.c.size(), r.tmp.data() + 32,
                                r.tmp.data());
    benchmark::DoNotOptimize(plain.data());
  }
}

BENCHMARK(BM_v4_public_sign)->Name("paseto/v4.public/sign");
BENCHMARK(BM_raw_v4_public_sign)->Name("raw_paseto/v4.public/sign");
BENCHMARK(BM_v4_public_verify)->Name("paseto/v4.public/verify");
BENCHMARK(BM_raw_v4_public_verify)->Name("raw_paseto/v4.public/verify");
BENCHMARK(BM_v4_local_encrypt)->Name("paseto/v4.local/encrypt");
BENCHMARK(BM_raw_v4_local_encrypt)->Name("raw_paseto/v4.local/encrypt");
BENCHMARK(BM_v4_local_decrypt)->Name("paseto/v4.local/decrypt");
BENCHMARK(BM_raw_v4_local_decrypt)->Name("raw_paseto/v4.local/decrypt");

}  // namespace
