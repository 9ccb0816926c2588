// Set-Cookie builder and Cookie header parser (include/tessera/cookie.hpp, RFC 6265 / 6265bis).
// The builder refuses anything a browser would silently drop or weaken (prefix rules,
// SameSite=None without Secure, characters outside the grammar); the parser is bounded and
// strict about control characters and quoting, lenient about whitespace around pairs.
// Thread safety: pure functions.
#include "tessera/cookie.hpp"

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

namespace tessera {
namespace {

bool is_ctl(unsigned char c) { return c < 0x20 || c == 0x7f; }

// RFC 2616 token: visible ASCII except separators.
bool is_token(std::string_view s) {
  constexpr std::string_view kSeparators = "()<>@,;:\\\"/[]?={} \t";
  return !s.empty() && std::all_of(s.begin(), s.end(), [&](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c > 0x20 && c < 0x7f && kSeparators.find(ch) == std::string_view::npos;
  });
}

// RFC 6265 cookie-octet: %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E.
bool is_cookie_octet(unsigned char c) {
  return c >= 0x21 && c <= 0x7e && c != '"' && c != ',' && c != ';' && c != '\\';
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
         });
}

bool is_domain(std::string_view d) {
  return !d.empty() && d.size() <= 253 && std::all_of(d.begin(), d.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  });
}

Result<void> check_options(const CookieOptions& o) {
  if (!is_token(o.name)) return fail(Errc::invalid_argument, "cookie name is not an RFC 6265 token");
  // Prefixes are matched case-insensitively, as RFC 6265bis has browsers do.
  if (starts_with_ci(o.name, "__Host-")) {
    if (!o.secure) return fail(Errc::invalid_argument, "__Host- cookie requires Secure");
    if (o.path != "/") return fail(Errc::invalid_argument, "__Host- cookie requires Path=/");
    if (o.domain) return fail(Errc::invalid_argument, "__Host- cookie must not have a Domain");
  }
  if (starts_with_ci(o.name, "__Secure-") && !o.secure)
    return fail(Errc::invalid_argument, "__Secure- cookie requires Secure");
  if (o.same_site == SameSite::none && !o.secure) return fail(Errc::invalid_argument, "SameSite=None requires Secure");
  if (o.path.empty() || o.path.front() != '/' || std::any_of(o.path.begin(), o.path.end(), [](char c) {
        return is_ctl(static_cast<unsigned char>(c)) || c == ';';
      }))
    return fail(Errc::invalid_argument, "cookie Path must start with '/' and hold no ';' or control characters");
  if (o.domain && !is_domain(*o.domain)) return fail(Errc::invalid_argument, "cookie Domain is not a host name");
  if (o.max_age < 0) return fail(Errc::invalid_argument, "cookie Max-Age must not be negative");
  return {};
}

std::string build(const CookieOptions& o, std::string_view value, std::int64_t max_age) {
  std::string out;
  out.reserve(o.name.size() + value.size() + 96);
  out.append(o.name).append("=").append(value);
  out.append("; Max-Age=").append(std::to_string(max_age));
  out.append("; Path=").append(o.path);
  if (o.domain) out.append("; Domain=").append(*o.domain);
  if (o.secure) out.append("; Secure");
  if (o.http_only) out.append("; HttpOnly");
  switch (o.same_site) {
    case SameSite::lax:
      out.append("; SameSite=Lax");
      break;
    case SameSite::strict:
      out.append("; SameSite=Strict");
      break;
    case SameSite::none:
      out.append("; SameSite=None");
      break;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<std::string> set_cookie(const CookieOptions& options, std::string_view value) {
  if (auto ok = check_options(options); !ok) return std::unexpected(ok.error());
  if (!std::all_of(value.begin(), value.end(), [](char c) { return is_cookie_octet(static_cast<unsigned char>(c)); }))
    return fail(Errc::invalid_argument, "cookie value holds characters outside RFC 6265 cookie-octet");
  return build(options, value, options.max_age);
}

Result<std::string> deletion_cookie(const CookieOptions& options) {
  if (auto ok = check_options(options); !ok) return std::unexpected(ok.error());
  return build(options, "", 0);
}

Result<std::vector<CookiePair>> parse_cookie_header(std::string_view header) {
  if (header.size() > kMaxCookieHeaderBytes) return fail(Errc::token_too_large, "Cookie header too large");
  for (char ch : header) {
    const auto c = static_cast<unsigned char>(ch);
    if (is_ctl(c) && c != '\t') return fail(Errc::malformed, "Cookie header holds a control character");
  }
  std::vector<CookiePair> out;
  while (!header.empty()) {
    const auto semi = header.find(';');
    const std::string_view piece = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view{} : header.substr(semi + 1);
    if (piece.empty()) continue;  // "a=1;" or "a=1; ; b=2"
    const auto eq = piece.find('=');
    if (eq == std::string_view::npos) return fail(Errc::malformed, "cookie pair without '='");
    const std::string_view name = trim(piece.substr(0, eq));
    std::string_view value = trim(piece.substr(eq + 1));
    if (name.empty()) return fail(Errc::malformed, "cookie with an empty name");
    if (name.find('"') != std::string_view::npos) return fail(Errc::malformed, "quote in a cookie name");
    if (!value.empty() && value.front() == '"') {
      if (value.size() < 2 || value.back() != '"') return fail(Errc::malformed, "unbalanced quotes in a cookie value");
      value = value.substr(1, value.size() - 2);
    }
    if (value.find('"') != std::string_view::npos) return fail(Errc::malformed, "stray quote in a cookie value");
    out.push_back(CookiePair{std::string(name), std::string(value)});
  }
  return out;
}

std::optional<std::string> find_cookie(const std::vector<CookiePair>& cookies, std::string_view name) {
  for (const auto& c : cookies)
    if (c.name == name) return c.value;
  return std::nullopt;
}

bool same_origin_request(std::optional<std::string_view> sec_fetch_site, std::optional<std::string_view> origin,
                         const std::vector<std::string>& allowed_origins, bool allow_missing) {
  // Fetch metadata is authoritative when present; any other value (same-site, cross-site or
  // something unknown) is refused.
  if (sec_fetch_site) return *sec_fetch_site == "same-origin" || *sec_fetch_site == "none";
  if (origin) {
    if (*origin == "null") return false;
    return std::find(allowed_origins.begin(), allowed_origins.end(), *origin) != allowed_origins.end();
  }
  return allow_missing;
}

}  // namespace tessera
