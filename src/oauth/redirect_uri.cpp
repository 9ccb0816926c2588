// Redirect URI registration rules and matching (redirect_uri.hpp).
#include "oauth/redirect_uri.hpp"

#include <cctype>

#include "codec/form.hpp"

namespace tessera::oauth {

namespace {

// The scheme (without ':'), or empty when uri has none.
std::string_view scheme_of(std::string_view uri) {
  const auto colon = uri.find(':');
  if (colon == std::string_view::npos || colon == 0) return {};
  const auto s = uri.substr(0, colon);
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return {};
  for (unsigned char c : s)
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return {};
  return s;
}

struct HttpParts {
  std::string_view host;  // "127.0.0.1", "[::1]", "example.com"
  std::string_view port;  // digits or empty
  std::string_view rest;  // path and query
};

// "http://" or "https://" + authority + rest; false if the authority is malformed.
bool split_http(std::string_view uri, std::string_view scheme, HttpParts& out) {
  const auto prefix = scheme.size() + 3;
  if (uri.size() < prefix || uri.substr(scheme.size(), 3) != "://") return false;
  const auto after = uri.substr(prefix);
  const auto end = after.find_first_of("/?");
  const auto authority = after.substr(0, end);
  out.rest = end == std::string_view::npos ? std::string_view{} : after.substr(end);
  if (authority.empty() || authority.find('@') != std::string_view::npos) return false;
  std::size_t host_end = 0;
  if (authority[0] == '[') {
    host_end = authority.find(']');
    if (host_end == std::string_view::npos) return false;
    ++host_end;
  } else {
    host_end = authority.find(':');
    if (host_end == std::string_view::npos) host_end = authority.size();
  }
  out.host = authority.substr(0, host_end);
  if (out.host.empty()) return false;
  const auto tail = authority.substr(host_end);
  if (!tail.empty()) {
    if (tail[0] != ':' || tail.size() < 2 || tail.size() > 6) return false;
    out.port = tail.substr(1);
    for (unsigned char c : out.port)
      if (!std::isdigit(c)) return false;
  }
  for (unsigned char c : out.rest)
    if (c <= 0x20 || c >= 0x7F) return false;
  return true;
}

bool loopback_literal(std::string_view host) { return host == "127.0.0.1" || host == "[::1]"; }

}  // namespace

Result<void> check_redirect_uri(std::string_view uri) {
  if (uri.empty() || uri.size() > 2048) return fail(Errc::invalid_argument, "redirect URI: empty or over 2048 bytes");
  if (uri.find('#') != std::string_view::npos)
    return fail(Errc::invalid_argument, "redirect URI: a fragment is not allowed");
  const auto scheme = scheme_of(uri);
  if (scheme.empty()) return fail(Errc::invalid_argument, "redirect URI: not an absolute URI");
  HttpParts parts;
  if (scheme == "https") {
    if (!split_http(uri, scheme, parts)) return fail(Errc::invalid_argument, "redirect URI: bad https URI");
    return {};
  }
  if (scheme == "http") {
    if (!split_http(uri, scheme, parts)) return fail(Errc::invalid_argument, "redirect URI: bad http URI");
    if (!loopback_literal(parts.host))
      return fail(Errc::invalid_argument,
                  "redirect URI: http only for the loopback IP literals 127.0.0.1 and [::1] (RFC 8252)");
    return {};
  }
  if (scheme.find('.') == std::string_view::npos)
    return fail(Errc::invalid_argument,
                "redirect URI: scheme must be https, http (loopback) or a private-use scheme like com.example.app");
  for (unsigned char c : uri)
    if (c <= 0x20 || c >= 0x7F) return fail(Errc::invalid_argument, "redirect URI: bad character");
  return {};
}

bool redirect_uri_matches(std::string_view registered, std::string_view presented) {
  if (registered == presented) return true;
  if (scheme_of(registered) != "http" || scheme_of(presented) != "http") return false;
  HttpParts r, p;
  if (!split_http(registered, "http", r) || !split_http(presented, "http", p)) return false;
  return loopback_literal(r.host) && r.host == p.host && r.rest == p.rest;
}

std::string append_query(std::string_view uri, const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out(uri);
  bool first = uri.find('?') == std::string_view::npos;
  for (const auto& [k, v] : params) {
    out += first ? '?' : '&';
    first = false;
    out += codec::form_encode(k);
    out += '=';
    out += codec::form_encode(v);
  }
  return out;
}

}  // namespace tessera::oauth
