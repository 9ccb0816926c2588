// PKCE S256 (pkce.hpp).
#include "oauth/pkce.hpp"

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"

namespace tessera::oauth {

namespace {
bool unreserved(unsigned char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}
}  // namespace

bool valid_code_verifier(std::string_view verifier) noexcept {
  if (verifier.size() < 43 || verifier.size() > 128) return false;
  for (unsigned char c : verifier)
    if (!unreserved(c)) return false;
  return true;
}

bool valid_code_challenge(std::string_view challenge) noexcept {
  if (challenge.size() != 43) return false;
  std::string out;
  return codec::base64url_decode_into(challenge, out) && out.size() == 32;
}

std::string s256_challenge(std::string_view verifier) {
  return codec::base64url_encode(crypto::sha256(crypto::as_bytes(verifier)));
}

bool pkce_matches(std::string_view verifier, std::string_view challenge) {
  if (!valid_code_verifier(verifier)) return false;
  const auto computed = s256_challenge(verifier);
  return crypto::constant_time_equal(crypto::as_bytes(computed), crypto::as_bytes(challenge));
}

}  // namespace tessera::oauth
