// Keys for the key ring tests: fresh ES256 and Ed25519 keys (cheap), RS256 keys from a small
// pool generated once per test binary (RSA generation is slow). Each bound to its algorithm.
#pragma once

#include <gtest/gtest.h>

#include <vector>

#include "oauth_keys.hpp"
#include "tessera/key_ring.hpp"

namespace tessera::test {

inline Key ring_es256() {
  auto k = Key::generate(KeySpec::p256);
  EXPECT_TRUE(k.has_value());
  return *k;
}

inline Key ring_rs256(std::size_t i) {
  static const std::vector<Key> pool = [] {
    std::vector<Key> v;
    for (int n = 0; n < 3; ++n) {
      auto k = Key::generate(KeySpec::rsa2048);
      EXPECT_TRUE(k.has_value());
      auto jwk = k->to_jwk(true);
      (*jwk)["alg"] = "RS256";
      v.push_back(*Key::from_jwk(*jwk));
    }
    return v;
  }();
  return pool.at(i);
}

inline KeyRingEntry entry(Key k, std::int64_t created, std::optional<std::int64_t> activates = std::nullopt) {
  return KeyRingEntry{std::move(k), created, activates};
}

// One key of each group, active since `at`.
inline std::vector<KeyRingEntry> one_of_each(std::int64_t at, std::size_t rsa = 0) {
  return {entry(ring_es256(), at, at), entry(ed25519_named_by_pid(), at, at), entry(ring_rs256(rsa), at, at)};
}

}  // namespace tessera::test
