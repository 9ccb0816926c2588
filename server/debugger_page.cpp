// The token debugger page (server/debugger_page.hpp).
#include "server/debugger_page.hpp"

#include <algorithm>

#include <boost/url/parse.hpp>

#include "server/pages.hpp"

namespace tessera::server {
namespace {

constexpr std::string_view kJwksPath = "/.well-known/jwks.json";
constexpr std::string_view kAssetDir = "debugger";

std::string versioned(std::string_view file) { return static_file_href(kDebuggerAssetPrefix, kAssetDir, file); }

// Characters an origin may carry into a header value: no space, ';', ',' or quote can end the
// CSP source expression early.
bool csp_safe(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == ':' || c == '/' || c == '[' || c == ']';
  });
}

}  // namespace

std::optional<std::string> jwks_url_for(std::string_view issuer) {
  auto u = boost::urls::parse_absolute_uri(issuer);
  if (!u || (u->scheme() != "http" && u->scheme() != "https") || u->encoded_host().empty()) return std::nullopt;
  std::string url = std::string(u->scheme()) + "://" + std::string(u->encoded_host_and_port()) + std::string(kJwksPath);
  if (!csp_safe(url)) return std::nullopt;
  return url;
}

std::string debugger_csp(const std::optional<std::string>& jwks_url) {
  return "default-src 'none'; script-src 'self'; style-src 'self'; connect-src " + jwks_url.value_or("'none'") +
         "; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
}

Response debugger_page_response(std::string_view issuer) {
  const auto jwks_url = jwks_url_for(issuer);
  const mstch::map context{{"debugger_js", versioned("ui.js")},
                           {"debugger_css", versioned("debugger.css")},
                           {"jwks_url", jwks_url.value_or(std::string(kJwksPath))}};
  return html_response(http::status::ok, render_template("debugger", context), debugger_csp(jwks_url));
}

std::optional<Response> debugger_asset_response(std::string_view file) {
  return static_file_response(kAssetDir, file);
}

}  // namespace tessera::server
