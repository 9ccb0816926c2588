// The BFF proxy's rules (tessera/bff_proxy_rules.hpp).
#include "tessera/bff_proxy_rules.hpp"

#include <array>
#include <cctype>

namespace tessera::bff {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

constexpr std::array<std::string_view, 6> kHopByHop = {"connection", "keep-alive", "te", "trailer", "transfer-encoding",
                                                       "upgrade"};

// Hop-by-hop: the fixed list, Proxy-*, and the names the Connection header lists.
bool hop_by_hop(std::string_view name, std::string_view connection_header) {
  for (auto h : kHopByHop)
    if (iequals(name, h)) return true;
  if (istarts_with(name, "proxy-")) return true;
  std::string_view rest = connection_header;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    if (iequals(trim(rest.substr(0, comma)), name)) return true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return false;
}

// A path segment that climbs: ".", "..", or their percent-encoded forms (%2e, %2E).
bool dot_segment(std::string_view seg) {
  std::string decoded;
  for (std::size_t i = 0; i < seg.size(); ++i) {
    if (seg[i] == '%' && iequals(seg.substr(i, 3), "%2e")) {
      decoded += '.';
      i += 2;
    } else {
      decoded += seg[i];
    }
  }
  return decoded == "." || decoded == "..";
}

}  // namespace

Result<void> check_api_request(std::optional<std::string_view> x_csrf, std::optional<std::string_view> sec_fetch_site) {
  if (!x_csrf || *x_csrf != "1") return fail(Errc::csrf_failed, "X-CSRF: 1 is required");
  if (sec_fetch_site && *sec_fetch_site != "same-origin")
    return fail(Errc::csrf_failed, "Sec-Fetch-Site must be same-origin (or absent)");
  return {};
}

bool forward_request_header(std::string_view name, std::string_view connection_header) {
  if (iequals(name, "cookie") || iequals(name, "authorization") || iequals(name, "host")) return false;
  return !hop_by_hop(name, connection_header);
}

bool forward_response_header(std::string_view name, std::string_view connection_header) {
  if (iequals(name, "set-cookie")) return false;
  return !hop_by_hop(name, connection_header);
}

Result<std::string> upstream_url(std::string_view base_url, std::string_view rest) {
  if (!rest.empty() && rest.front() != '/' && rest.front() != '?')
    return fail(Errc::invalid_request, "the API path must start with / or ?");
  const std::string_view path = rest.substr(0, rest.find('?'));
  if (path.find('\\') != std::string_view::npos) return fail(Errc::invalid_request, "no backslash in the API path");
  std::string_view segs = path;
  while (!segs.empty()) {
    if (segs.front() == '/') segs.remove_prefix(1);
    const auto slash = segs.find('/');
    if (dot_segment(segs.substr(0, slash))) return fail(Errc::invalid_request, "no . or .. segment in the API path");
    if (slash == std::string_view::npos) break;
    segs.remove_prefix(slash);
  }
  return std::string(base_url) + std::string(rest);
}

bool needs_refresh(std::int64_t access_expires_at, std::int64_t now, std::int64_t leeway) {
  return access_expires_at - now <= leeway;
}

}  // namespace tessera::bff
