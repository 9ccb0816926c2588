// A small mutation driver for token_fuzz.cpp when libFuzzer is not available (g++ builds).
// usage: tessera_fuzz SECONDS [SEED_FILE...]
// Seeds: each file's content, plus built-in valid tokens and keys. Each round takes a seed and
// applies a few random byte edits (flip, insert, delete, duplicate a span, splice another seed),
// then runs the target. Stops after SECONDS; prints the number of inputs run.
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "tessera/jwt.hpp"
#include "tessera/paserk.hpp"
#include "tessera/paseto_claims.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<std::string> builtin_seeds() {
  using namespace tessera;
  std::vector<std::string> seeds;
  auto hs = Key::generate(KeySpec::hs256, "hs").value();
  auto ec = Key::generate(KeySpec::p256, "ec").value();
  seeds.push_back(JwtBuilder().issuer("i").audience("a").expires_in(300).sign(hs).value());
  seeds.push_back(JwtBuilder().subject("s").claim("x", boost::json::array{1, "2", nullptr}).expires_in(300).sign(ec).value());
  seeds.push_back(hs.to_jwk_json(true).value());
  seeds.push_back(ec.public_key().value().to_jwk_json().value());
  seeds.push_back(ec.to_pem(true).value());
  seeds.push_back(R"({"keys":[)" + ec.public_key().value().to_jwk_json().value() + "]}");
  auto local = paseto::LocalKey::generate(paseto::Version::v4).value();
  seeds.push_back(PasetoBuilder().issuer("i").footer_kid("k").expires_in(300).encrypt(local).value());
  auto sk = paseto::SecretKey::generate(paseto::Version::v4).value();
  seeds.push_back(PasetoBuilder().subject("s").expires_in(300).sign(sk).value());
  seeds.push_back(paserk::to_paserk(local).value());
  seeds.push_back(paserk::wrap_local(local, local).value());
  seeds.push_back(R"({"a":[{"b":{"c":[1,2.5e3,-0,true,false,null,"\u00e9\ud83d\ude00"]}}]})");
  return seeds;
}

}  // namespace

int main(int argc, char** argv) {
  const double seconds = argc > 1 ? std::atof(argv[1]) : 10.0;
  std::vector<std::string> seeds = builtin_seeds();
  for (int i = 2; i < argc; ++i) {
    std::ifstream f(argv[i], std::ios::binary);
    std::stringstream ss;
    ss << f.rdbuf();
    seeds.push_back(ss.str());
  }
  std::mt19937_64 rng(0x7e55e7a);
  auto pick = [&](std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng() % n); };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::uint64_t runs = 0;
  for (const auto& s : seeds) LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
  while (std::chrono::steady_clock::now() < deadline) {
    for (int batch = 0; batch < 64; ++batch, ++runs) {
      std::string in = seeds[pick(seeds.size())];
      const int edits = 1 + static_cast<int>(pick(4));
      for (int e = 0; e < edits; ++e) {
        switch (pick(6)) {
          case 0:
            if (!in.empty()) in[pick(in.size())] ^= static_cast<char>(1u << pick(8));
            break;
          case 1: in.insert(in.begin() + static_cast<std::ptrdiff_t>(pick(in.size() + 1)), static_cast<char>(rng())); break;
          case 2:
            if (!in.empty()) in.erase(pick(in.size()), 1 + pick(8));
            break;
          case 3: {
            const std::size_t at = pick(in.size() + 1), len = pick(64);
            in.insert(at, in.substr(pick(in.size() + 1), len));
            break;
          }
          case 4: {
            const std::string& other = seeds[pick(seeds.size())];
            in = in.substr(0, pick(in.size() + 1)) + other.substr(pick(other.size() + 1));
            break;
          }
          case 5: in.insert(pick(in.size() + 1), std::string(pick(40), "[{.\"=,"[pick(6)])); break;
        }
      }
      LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(in.data()), in.size());
    }
  }
  std::printf("tessera_fuzz: %llu inputs in %.0f s, no crash\n", static_cast<unsigned long long>(runs), seconds);
  return 0;
}
