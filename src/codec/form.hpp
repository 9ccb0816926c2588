// application/x-www-form-urlencoded as the OAuth endpoints and their clients write it: every
// byte but the unreserved characters (RFC 3986 §2.3) as %XX (upper-case hex), so a space is
// %20, never '+'. Written once for the authorization server's redirects and the library's
// HTTP clients (introspection, the revocation feed, Basic credentials per RFC 6749 §2.3.1).
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace tessera::codec {

std::string form_encode(std::string_view s);

}  // namespace tessera::codec
