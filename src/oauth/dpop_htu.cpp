// The htu form of a URL and the ath of a token (tessera/dpop.hpp): RFC 9449 §4.3 compares htu
// with the request URL "without query and fragment", after RFC 3986 §6.2.2-6.2.3 normalisation.
#include <string>

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"
#include "tessera/dpop.hpp"

namespace tessera {

namespace {

char lower(char c) noexcept { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char upper(char c) noexcept { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }
int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
bool unreserved(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}
bool visible_ascii(char c) noexcept { return c > 0x20 && c < 0x7f; }

// Upper-case percent-encoding hex, decode encoded unreserved characters (§6.2.2.1-2).
Result<std::string> normalise_percent(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (!visible_ascii(c)) return fail(Errc::malformed, "URL has a control, space or non-ASCII character");
    if (c != '%') {
      out.push_back(c);
      continue;
    }
    if (i + 2 >= s.size()) return fail(Errc::malformed, "URL has a bad %-escape");
    const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
    if (hi < 0 || lo < 0) return fail(Errc::malformed, "URL has a bad %-escape");
    const char decoded = static_cast<char>(hi * 16 + lo);
    if (unreserved(decoded)) {
      out.push_back(decoded);
    } else {
      out.push_back('%');
      out.push_back(upper(s[i + 1]));
      out.push_back(upper(s[i + 2]));
    }
    i += 2;
  }
  return out;
}

}  // namespace

Result<std::string> dpop_htu(std::string_view url) {
  const auto colon = url.find("://");
  if (colon == std::string_view::npos) return fail(Errc::malformed, "URL is not absolute");
  std::string scheme;
  for (char c : url.substr(0, colon)) scheme.push_back(lower(c));
  std::string_view default_port;
  if (scheme == "https") default_port = "443";
  else if (scheme == "http") default_port = "80";
  else return fail(Errc::malformed, "URL scheme is not http or https");

  auto rest = url.substr(colon + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));  // query and fragment are not compared
  const auto slash = rest.find('/');
  const auto authority = rest.substr(0, slash);
  const auto path = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) return fail(Errc::malformed, "URL has userinfo");

  std::string_view host = authority, port;
  const auto bracket = authority.rfind(']');
  const auto port_colon = authority.rfind(':');
  if (port_colon != std::string_view::npos && (bracket == std::string_view::npos || port_colon > bracket)) {
    host = authority.substr(0, port_colon);
    port = authority.substr(port_colon + 1);
  }
  if (host.empty()) return fail(Errc::malformed, "URL has no host");
  for (char c : port)
    if (c < '0' || c > '9') return fail(Errc::malformed, "URL port is not a number");
  while (port.size() > 1 && port.front() == '0') port.remove_prefix(1);

  auto host_norm = normalise_percent(host);
  if (!host_norm) return std::unexpected(host_norm.error());
  auto path_norm = normalise_percent(path);
  if (!path_norm) return std::unexpected(path_norm.error());

  std::string out = scheme + "://";
  for (char c : *host_norm) out.push_back(lower(c));
  if (!port.empty() && port != default_port) {
    out.push_back(':');
    out.append(port);
  }
  out.append(*path_norm);
  return out;
}

std::string dpop_ath(std::string_view access_token) {
  return codec::base64url_encode(crypto::sha256(crypto::as_bytes(access_token)));
}

}  // namespace tessera
