// Reading an OAuth request of `tessera serve` (docs/oauth.md "HTTP endpoints"): every parameter
// of a query string or form body (repeats kept, so that the AuthorizationServer can refuse
// them, RFC 6749 §3.1), the client credentials of an `Authorization: Basic` header (RFC 6749
// §2.3.1: base64 of form-urlencoded id ":" form-urlencoded secret) and the token of an
// `Authorization: Bearer` header (RFC 6750 §2.1) or `Authorization: DPoP` (RFC 9449 §7.1).
// Pure (no Beast types), so that fuzz/ can drive it.
// Thread safety: plain functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tessera::server {

// Every name/value pair, in order, percent-decoded with '+' as a space (the
// application/x-www-form-urlencoded rules, which a query string follows too). A pair without
// '=' has an empty value. nullopt when the text is not a valid query (a bad percent escape, a
// byte that is not printable ASCII: spaces and controls must be percent-encoded).
using FormParams = std::vector<std::pair<std::string, std::string>>;
std::optional<FormParams> parse_form_params(std::string_view text);

// What an Authorization header held, for client authentication at the token, introspection
// and revocation endpoints.
struct BasicCredentials {
  bool present = false;    // the header uses the Basic scheme
  bool malformed = false;  // ... but its credentials do not decode (then id and secret are empty)
  std::string id;
  std::string secret;
};
// header: the Authorization value, if any. The scheme is case-insensitive; the credentials
// must be strict base64 (RFC 4648 §4, padded) of "id:secret" where both halves are
// form-urlencoded and the id is not empty. Other schemes count as absent.
BasicCredentials parse_basic_credentials(std::optional<std::string_view> header);

// The token of "Bearer <token68>" (scheme case-insensitive, one space or more), or nullopt
// when the header is absent, of another scheme or not a token68.
std::optional<std::string> parse_bearer_token(std::optional<std::string_view> header);
// The same for any scheme ("DPoP <token68>", RFC 9449 §7.1).
std::optional<std::string> parse_token(std::optional<std::string_view> header, std::string_view scheme);
// Whether the header names this scheme (case-insensitive), whatever follows.
bool has_scheme(std::optional<std::string_view> header, std::string_view scheme);

// The percent-encoding of s for a query component: unreserved characters (RFC 3986 §2.3) as
// they are, everything else as %XX.
std::string percent_encode(std::string_view s);

}  // namespace tessera::server
