// Random tokens and their stored hashes (random_token.hpp).
#include "oauth/random_token.hpp"

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"

namespace tessera::oauth {

std::string random_token(std::size_t bytes) {
  crypto::Wiped<crypto::Bytes> raw(crypto::random_bytes(bytes));
  return codec::base64url_encode(std::span<const std::uint8_t>(raw));
}

std::string token_hash(std::string_view value) {
  return codec::base64url_encode(crypto::sha256(crypto::as_bytes(value)));
}

}  // namespace tessera::oauth
