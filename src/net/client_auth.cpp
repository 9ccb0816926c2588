// client_secret_basic and form bodies (client_auth.hpp).
#include "net/client_auth.hpp"

#include "tessera/wiped.hpp"

#include "codec/base64url.hpp"
#include "codec/form.hpp"

namespace tessera::net {

namespace {

// Standard base64 (RFC 4648 §4, padded), from the codec's base64url.
std::string base64(std::string_view in) {
  std::string out = codec::base64url_encode(in);
  for (char& c : out) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
  }
  while (out.size() % 4 != 0) out += '=';
  return out;
}

}  // namespace

std::string form_body(std::initializer_list<std::pair<std::string_view, std::string_view>> params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += codec::form_encode(k);
    out += '=';
    out += codec::form_encode(v);
  }
  return out;
}

}  // namespace tessera::net

namespace tessera {

std::string basic_authorization(const ClientCredentials& c) {
  const auto secret = c.client_secret.reveal(SecretAccess{});
  const std::string_view secret_text(reinterpret_cast<const char*>(secret.data()), secret.size());
  const Wiped<std::string> pair(codec::form_encode(c.client_id) + ":" + codec::form_encode(secret_text));
  return "Basic " + net::base64(pair);
}

}  // namespace tessera
