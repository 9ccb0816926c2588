// Algorithm and KeySpec names (keys.hpp).
#include <array>
#include <utility>

#include "tessera/keys.hpp"

namespace tessera {
namespace {

constexpr std::array<std::pair<Algorithm, std::string_view>, kAlgorithmCount> kAlgNames{{
    {Algorithm::HS256, "HS256"}, {Algorithm::HS384, "HS384"}, {Algorithm::HS512, "HS512"},
    {Algorithm::RS256, "RS256"}, {Algorithm::RS384, "RS384"}, {Algorithm::RS512, "RS512"},
    {Algorithm::PS256, "PS256"}, {Algorithm::PS384, "PS384"}, {Algorithm::PS512, "PS512"},
    {Algorithm::ES256, "ES256"}, {Algorithm::ES384, "ES384"}, {Algorithm::ES512, "ES512"},
    {Algorithm::EdDSA, "EdDSA"},
}};

constexpr std::array<std::pair<KeySpec, std::string_view>, 10> kSpecNames{{
    {KeySpec::hs256, "hs256"},     {KeySpec::hs384, "hs384"},     {KeySpec::hs512, "hs512"},
    {KeySpec::rsa2048, "rsa2048"}, {KeySpec::rsa3072, "rsa3072"}, {KeySpec::rsa4096, "rsa4096"},
    {KeySpec::p256, "p256"},       {KeySpec::p384, "p384"},       {KeySpec::p521, "p521"},
    {KeySpec::ed25519, "ed25519"},
}};

}  // namespace

std::string_view alg_name(Algorithm alg) noexcept {
  for (const auto& [a, name] : kAlgNames)
    if (a == alg) return name;
  return "unknown";
}

std::optional<Algorithm> parse_algorithm(std::string_view name) noexcept {
  // Exact, case-sensitive match (JOSE names are case-sensitive); "none" is not in the table.
  for (const auto& [a, n] : kAlgNames)
    if (n == name) return a;
  return std::nullopt;
}

std::optional<KeySpec> parse_key_spec(std::string_view name) noexcept {
  for (const auto& [s, n] : kSpecNames)
    if (n == name) return s;
  return std::nullopt;
}

}  // namespace tessera
