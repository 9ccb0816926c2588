// What a request presents to the resource server, read from its headers (RFC 6750 §2.1,
// RFC 9449 §7.1, RFC 6265): the Authorization header's scheme and token, every DPoP header, and
// the session cookie. Only the syntax is checked here; nothing is verified.
//
// Rules: at most one Authorization header (several: invalid_request); its value is
// `scheme 1*SP token68` with optional whitespace around it; the scheme is matched
// case-insensitively (Bearer, DPoP; anything else is Scheme::other and carries no token); the
// token must be token68 (RFC 9110 §11.2) and at most kMaxAuthorizationBytes; Cookie headers are
// parsed strictly (tessera/cookie.hpp) only when a cookie name is asked for, and a session
// cookie present twice with different values is refused. Every refusal is invalid_request with
// a message for the log.
// Thread safety: pure functions; the result views into the request's header values.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/authenticator.hpp"

namespace tessera::resource {

// The longest Authorization header value accepted (scheme, token and whitespace).
inline constexpr std::size_t kMaxAuthorizationBytes = 16 * 1024;

enum class Scheme { none, bearer, dpop, other };

struct RequestCredentials {
  Scheme scheme = Scheme::none;
  std::string_view token;                     // set for bearer and dpop
  std::vector<std::string_view> dpop_headers;  // every DPoP header value
  std::optional<std::string> session_id;      // the session cookie's value, when asked for and present
};

// cookie_name empty: cookies are not read.
Result<RequestCredentials> read_credentials(const AuthRequest& request, std::string_view cookie_name);

// Whether token is token68: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=".
bool is_token68(std::string_view token) noexcept;

}  // namespace tessera::resource
