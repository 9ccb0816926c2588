// Tests: the keys of one data directory (server/keys_dir.hpp: Ed25519 named by its PASERK id,
// ES256, RS256 and the OAuth server key), made once per test binary (RSA generation is slow),
// for the tests that build an AuthorizationServer the way `tessera serve` does.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "server/keys_dir.hpp"

namespace tessera::testing {

inline const server::DataDir& server_test_keys() {
  static const server::DataDir d = [] {
    const auto dir = std::filesystem::temp_directory_path() / ("tessera-test-keys-" + std::to_string(::getpid()));
    auto r = server::open_data_dir(dir.string());
    std::filesystem::remove_all(dir);
    if (!r) ADD_FAILURE() << "open_data_dir: " << r.error().message;
    return r ? std::move(*r) : server::DataDir{};
  }();
  return d;
}

}  // namespace tessera::testing
