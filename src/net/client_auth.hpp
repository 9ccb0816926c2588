// The pieces of an OAuth request src/net/ sends to the issuer: application/x-www-form-urlencoded
// bodies (RFC 6749 Appendix B); the client_secret_basic header (RFC 6749 §2.3.1) is public
// (tessera/client_credentials.hpp) and defined in client_auth.cpp.
// Thread safety: pure functions.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "tessera/client_credentials.hpp"

namespace tessera::net {

// name=value&... with both sides form_encoded.
std::string form_body(std::initializer_list<std::pair<std::string_view, std::string_view>> params);

}  // namespace tessera::net
