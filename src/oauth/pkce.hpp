// PKCE (RFC 7636), S256 only: the code_verifier is 43..128 characters of
// [A-Za-z0-9-._~] (§4.1); the code_challenge is BASE64URL(SHA256(ASCII(verifier))), always 43
// characters. "plain" is never accepted (OAuth 2.1).
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace tessera::oauth {

bool valid_code_verifier(std::string_view verifier) noexcept;
// 43 base64url characters (the shape of a SHA-256 in base64url).
bool valid_code_challenge(std::string_view challenge) noexcept;
std::string s256_challenge(std::string_view verifier);
// The verifier is well formed and its S256 challenge equals challenge (constant time).
bool pkce_matches(std::string_view verifier, std::string_view challenge);

}  // namespace tessera::oauth
