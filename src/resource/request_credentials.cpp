// Reading a request's credentials (request_credentials.hpp).
#include "resource/request_credentials.hpp"

#include <cctype>

#include "tessera/cookie.hpp"

namespace tessera::resource {
namespace {

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

bool is_ows(char c) noexcept { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
  return s;
}

Result<void> read_authorization(std::string_view value, RequestCredentials& out) {
  if (value.size() > kMaxAuthorizationBytes) return fail(Errc::invalid_request, "Authorization header over the size limit");
  value = trim(value);
  const auto sp = value.find_first_of(" \t");
  const std::string_view scheme = value.substr(0, sp);
  if (iequals(scheme, "Bearer")) {
    out.scheme = Scheme::bearer;
  } else if (iequals(scheme, "DPoP")) {
    out.scheme = Scheme::dpop;
  } else {
    out.scheme = Scheme::other;  // Basic, Negotiate, ...: no token of ours
    return {};
  }
  if (sp == std::string_view::npos) return fail(Errc::invalid_request, "Authorization header without a token");
  const std::string_view token = trim(value.substr(sp));
  if (!is_token68(token)) return fail(Errc::invalid_request, "Authorization token is not token68");
  out.token = token;
  return {};
}

Result<void> read_cookies(const AuthRequest& request, std::string_view name, RequestCredentials& out) {
  for (const auto& [header, value] : request.headers) {
    if (!iequals(header, "Cookie")) continue;
    auto pairs = parse_cookie_header(value);
    if (!pairs) return fail(Errc::invalid_request, "Cookie header: " + pairs.error().message);
    for (auto& p : *pairs) {
      if (p.name != name) continue;
      if (out.session_id && *out.session_id != p.value)
        return fail(Errc::invalid_request, "the session cookie is present twice with different values");
      out.session_id = std::move(p.value);
    }
  }
  return {};
}

}  // namespace

bool is_token68(std::string_view token) noexcept {
  std::size_t i = 0;
  for (; i < token.size(); ++i) {
    const char c = token[i];
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' ||
        c == '/')
      continue;
    break;
  }
  if (i == 0) return false;
  for (; i < token.size(); ++i)
    if (token[i] != '=') return false;
  return true;
}

Result<RequestCredentials> read_credentials(const AuthRequest& request, std::string_view cookie_name) {
  RequestCredentials out;
  bool seen_authorization = false;
  for (const auto& [name, value] : request.headers) {
    if (iequals(name, "Authorization")) {
      if (seen_authorization) return fail(Errc::invalid_request, "more than one Authorization header");
      seen_authorization = true;
      if (auto r = read_authorization(value, out); !r) return std::unexpected(std::move(r.error()));
    } else if (iequals(name, "DPoP")) {
      out.dpop_headers.push_back(value);
    }
  }
  if (!cookie_name.empty() && out.scheme == Scheme::none)
    if (auto r = read_cookies(request, cookie_name, out); !r) return std::unexpected(std::move(r.error()));
  return out;
}

}  // namespace tessera::resource
