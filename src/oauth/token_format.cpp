// Token format names (tessera/authorization_server.hpp).
#include "tessera/authorization_server.hpp"

namespace tessera {

std::string_view token_format_name(TokenFormat f) noexcept {
  switch (f) {
    case TokenFormat::jwt: return "jwt";
    case TokenFormat::paseto: return "paseto";
    case TokenFormat::opaque: return "opaque";
  }
  return "jwt";
}

std::optional<TokenFormat> parse_token_format(std::string_view name) noexcept {
  if (name == "jwt") return TokenFormat::jwt;
  if (name == "paseto") return TokenFormat::paseto;
  if (name == "opaque") return TokenFormat::opaque;
  return std::nullopt;
}

}  // namespace tessera
