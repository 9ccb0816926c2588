// Refresh tokens: "<family_id>.<secret>", the family id (22 base64url characters, 128 bits)
// naming the grant, the secret 43 base64url characters (256 bits). Only hashes are stored
// (random_token.hpp). The token that replaces a presented one is derived, not drawn:
//   successor(t) = family_id "." base64url(HMAC-SHA-256(server_key, "tessera refresh successor" || t))
// so a request inside the reuse grace (RFC 9700 §4.14) hands back the same successor the first
// rotation issued without the store ever holding it (the store checks its hash is current).
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "oauth/client_secret.hpp"

namespace tessera::oauth {

std::string new_family_id();
bool valid_family_id(std::string_view id) noexcept;
// A fresh token of the family.
std::string new_refresh_token(std::string_view family_id);
// The family id of a well-formed refresh token; nullopt for anything else.
std::optional<std::string> refresh_family(std::string_view token);
std::string refresh_successor(const SecretHasher& key, std::string_view presented);

}  // namespace tessera::oauth
