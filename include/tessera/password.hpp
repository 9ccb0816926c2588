// Password hashing with Argon2id (libsodium crypto_pwhash_str): the encoded string carries
// the algorithm, its parameters and a random salt, so parameters can change over time and
// old hashes still verify; password_needs_rehash() tells when to re-hash after a login.
// Thread safety: free functions, safe from any thread. Each hash/verify uses mem_limit bytes
// and takes tens of milliseconds by design: call them off any event loop.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tessera/error.hpp"

namespace tessera {

struct PasswordParams {
  std::uint64_t ops_limit = 2;                 // Argon2id passes (libsodium "interactive")
  std::size_t mem_limit = 64u * 1024u * 1024u;  // bytes (libsodium "interactive": 64 MiB)
};

// Bounds a front end should enforce before hashing (ASVS 2.1.1 / 2.1.2).
inline constexpr std::size_t kMinPasswordLength = 8;    // bytes
inline constexpr std::size_t kMaxPasswordLength = 1024;  // bytes: bounds the hashing work

// Errors: invalid_argument (parameters outside libsodium's limits), internal (out of memory).
Result<std::string> hash_password(std::string_view password, const PasswordParams& params);

// true when password matches encoded, false when it does not. malformed when encoded is not
// an Argon2id string this library can read. Comparison is constant-time (inside libsodium).
Result<bool> verify_password(std::string_view encoded, std::string_view password);

// true when encoded was made with parameters other than params (or is not readable).
bool password_needs_rehash(std::string_view encoded, const PasswordParams& params);

// The parameters encoded was made with; nullopt when it is not an Argon2id string libsodium
// reads with exactly these parameters.
std::optional<PasswordParams> password_params(std::string_view encoded);

inline bool operator==(const PasswordParams& a, const PasswordParams& b) noexcept {
  return a.ops_limit == b.ops_limit && a.mem_limit == b.mem_limit;
}

}  // namespace tessera
