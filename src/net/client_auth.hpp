// The pieces of an OAuth request src/net/ sends to the issuer: the client_secret_basic header
// (RFC 6749 §2.3.1) and application/x-www-form-urlencoded bodies (RFC 6749 Appendix B).
// Thread safety: pure functions.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "tessera/client_credentials.hpp"

namespace tessera::net {

// "Basic " + base64(form_encode(id) ":" form_encode(secret)).
std::string basic_authorization(const ClientCredentials& c);
// name=value&... with both sides form_encoded.
std::string form_body(std::initializer_list<std::pair<std::string_view, std::string_view>> params);

}  // namespace tessera::net
