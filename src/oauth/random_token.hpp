// Random values and the hashes the store keeps of them (oauth_store.hpp): every code, token and
// family id comes from the CSPRNG as base64url; the store sees only base64url(SHA-256(value)).
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace tessera::oauth {

// base64url of `bytes` random bytes (32 bytes: 43 characters; 16 bytes: 22).
std::string random_token(std::size_t bytes = 32);
// base64url(SHA-256(value)), 43 characters: the key a credential is stored under.
std::string token_hash(std::string_view value);

}  // namespace tessera::oauth
