// The secrets of one BFF sign-in (tessera/bff_login_request.hpp).
#include "tessera/bff_login_request.hpp"

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"

namespace tessera::bff {
namespace {

constexpr std::size_t kRandomBytes = 32;

std::string random_token() { return codec::base64url_encode(crypto::random_bytes(kRandomBytes)); }

}  // namespace

std::string s256_challenge(std::string_view code_verifier) {
  return codec::base64url_encode(crypto::sha256(crypto::as_bytes(code_verifier)));
}

LoginRequest new_login_request() {
  LoginRequest r{random_token(), random_token(), random_token(), {}};
  r.code_challenge = s256_challenge(r.code_verifier);
  return r;
}

bool state_matches(const LoginRequest& request, std::string_view returned_state) {
  if (returned_state.empty() || request.state.empty()) return false;
  return crypto::constant_time_equal(crypto::as_bytes(request.state), crypto::as_bytes(returned_state));
}

}  // namespace tessera::bff
