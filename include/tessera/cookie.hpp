// Cookies for session ids: a Set-Cookie builder that defaults to the safest form, and a strict
// Cookie header parser (RFC 6265bis).
//
// Defaults: name "__Host-tessera" (the __Host- prefix requires Secure, Path=/ and no Domain,
// which the builder enforces), HttpOnly, SameSite=Lax (Strict on request), Max-Age equal to the
// absolute session timeout. deletion() gives the header that removes the cookie on logout.
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/error.hpp"

namespace tessera {

enum class SameSite { lax, strict, none };

struct CookieOptions {
  std::string name = "__Host-tessera";
  bool secure = true;
  bool http_only = true;
  SameSite same_site = SameSite::lax;
  std::string path = "/";
  std::optional<std::string> domain;  // must stay empty for __Host- names
  std::int64_t max_age = 12 * 60 * 60;
};

// "name=value; Max-Age=...; Path=/; Secure; HttpOnly; SameSite=Lax". invalid_argument when the
// options break the __Host- / __Secure- prefix rules, SameSite=None lacks Secure, or name/value
// hold characters a cookie cannot carry.
Result<std::string> set_cookie(const CookieOptions& options, std::string_view value);
// The Set-Cookie value that deletes the cookie (empty value, Max-Age=0, same attributes).
Result<std::string> deletion_cookie(const CookieOptions& options);

struct CookiePair {
  std::string name;
  std::string value;  // surrounding double quotes removed
};

inline constexpr std::size_t kMaxCookieHeaderBytes = 8192;

// Parses a Cookie request header ("a=1; b=2"): whitespace around pairs allowed, quoted values
// unquoted. Errors: token_too_large (over kMaxCookieHeaderBytes), malformed (a pair without
// '=', an empty name, control characters, bad quoting).
Result<std::vector<CookiePair>> parse_cookie_header(std::string_view header);

// The value of the first cookie called name, if any (after a successful parse).
std::optional<std::string> find_cookie(const std::vector<CookiePair>& cookies, std::string_view name);

// Second CSRF layer for cookie-authenticated state-changing requests: true when the request is
// same-origin by Sec-Fetch-Site ("same-origin", or "none" for user-initiated navigation) or,
// without it, by Origin equal to one of the allowed origins. Absent both headers: true only if
// allow_missing (non-browser clients); the synchronizer token is the primary defence.
bool same_origin_request(std::optional<std::string_view> sec_fetch_site, std::optional<std::string_view> origin,
                         const std::vector<std::string>& allowed_origins, bool allow_missing = true);

}  // namespace tessera
