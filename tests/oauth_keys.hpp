// Signing keys for the OAuth tests: one ES256, one Ed25519 named by its PASERK pid, one RS256,
// generated once per test binary (RSA generation is slow).
#pragma once

#include <gtest/gtest.h>

#include "tessera/keys.hpp"
#include "tessera/paseto_jwk.hpp"

namespace tessera::test {

inline Key ed25519_named_by_pid() {
  auto ed = Key::generate(KeySpec::ed25519);
  EXPECT_TRUE(ed.has_value());
  auto pid = paseto::v4_pid(*ed);
  EXPECT_TRUE(pid.has_value());
  return ed->with_kid(*pid);
}

inline const KeySet& oauth_signing_keys() {
  static const KeySet keys = [] {
    KeySet s;
    auto es = Key::generate(KeySpec::p256);
    auto rs = Key::generate(KeySpec::rsa2048);
    EXPECT_TRUE(es && rs);
    EXPECT_TRUE(s.add(*es).has_value());
    EXPECT_TRUE(s.add(ed25519_named_by_pid()).has_value());
    EXPECT_TRUE(s.add(*rs).has_value());
    return s;
  }();
  return keys;
}

}  // namespace tessera::test
