// tessera/bff_proxy_rules.hpp (implemented in src/bff/): the rules of the BFF's API proxy
// (/bff/api/{name}/..., docs/bff.md), as pure functions so each has one home and one test:
//  - which browser requests may reach an upstream (the CSRF rule);
//  - which headers cross the proxy, each way (never the browser's Cookie, never hop-by-hop);
//  - where a request goes (upstream URL + the rest of the path and query);
//  - when the access token is refreshed before use.
// Thread safety: free functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tessera/error.hpp"

namespace tessera::bff {

// The CSRF rule of every BFF API call and of POST /bff/logout: the header `X-CSRF: 1` (exactly;
// a custom header forces a CORS preflight, which the BFF never answers, so another origin cannot
// send it), and Sec-Fetch-Site, when present, `same-origin` (a browser that says cross-site,
// same-site or none is refused; the header's absence is accepted: browsers before 2020 and
// non-browser clients send none, and the custom header alone already stops cross-origin forms).
// csrf_failed with a message naming which part failed.
Result<void> check_api_request(std::optional<std::string_view> x_csrf, std::optional<std::string_view> sec_fetch_site);

// Whether a browser request header goes on to the upstream. Never: Cookie, Authorization (the
// BFF sets its own), Host (the upstream's), the hop-by-hop headers of RFC 9110 §7.6.1
// (Connection, Keep-Alive, TE, Trailer, Transfer-Encoding, Upgrade, Proxy-*), and any header
// the request's Connection header names. Names compare case-insensitively.
bool forward_request_header(std::string_view name, std::string_view connection_header);
// Whether an upstream response header goes back to the browser: not hop-by-hop, not one the
// response's Connection header names, and never Set-Cookie (an upstream may not set cookies on
// the BFF's origin).
bool forward_response_header(std::string_view name, std::string_view connection_header);

// The upstream URL of a proxied request: `base_url` (a bff_upstream URL, no trailing slash) +
// `rest`, the path after /bff/api/{name} with its query ("" or starting with '/' or '?').
// invalid_request for a rest that would leave the upstream's path: not starting with '/' or
// '?', or holding a "." or ".." segment (also percent-encoded), or a backslash.
Result<std::string> upstream_url(std::string_view base_url, std::string_view rest);

// Refresh before use when the access token expires within `leeway` seconds (or has expired).
inline constexpr std::int64_t kRefreshLeewaySeconds = 30;
bool needs_refresh(std::int64_t access_expires_at, std::int64_t now, std::int64_t leeway = kRefreshLeewaySeconds);

}  // namespace tessera::bff
