// Refresh token shape and successor derivation (refresh_token.hpp).
#include "oauth/refresh_token.hpp"

#include "codec/base64url.hpp"
#include "oauth/random_token.hpp"

namespace tessera::oauth {

namespace {
bool b64url_of(std::string_view s, std::size_t len, std::size_t bytes) {
  if (s.size() != len) return false;
  std::string out;
  return codec::base64url_decode_into(s, out) && out.size() == bytes;
}
}  // namespace

std::string new_family_id() { return random_token(16); }

bool valid_family_id(std::string_view id) noexcept { return b64url_of(id, 22, 16); }

std::string new_refresh_token(std::string_view family_id) {
  return std::string(family_id) + "." + random_token(32);
}

std::optional<std::string> refresh_family(std::string_view token) {
  const auto dot = token.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const auto family = token.substr(0, dot);
  if (!valid_family_id(family) || !b64url_of(token.substr(dot + 1), 43, 32)) return std::nullopt;
  return std::string(family);
}

std::string refresh_successor(const SecretHasher& key, std::string_view presented) {
  const auto dot = presented.find('.');
  return std::string(presented.substr(0, dot)) + "." +
         codec::base64url_encode(key.mac("tessera refresh successor", presented));
}

}  // namespace tessera::oauth
