// The token debugger page (docs/pages.md "Token debugger"): GET /debugger renders
// web/templates/debugger.mustache; its scripts and stylesheet are the embedded files of
// web/static/debugger/ (plain ES modules: decode.js, verify.js, sign.js, ui.js). Everything runs
// in the browser; the CSP allows scripts and styles from this origin only, no inline code, and
// exactly one URL to connect to: this server's JWKS (the "this server's JWKS" key choice).
// Thread safety: plain functions over constant data.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "server/http.hpp"

namespace tessera::server {

inline constexpr std::string_view kDebuggerPath = "/debugger";
inline constexpr std::string_view kDebuggerAssetPrefix = "/static/debugger/";

// The absolute URL of this server's JWKS: issuer's origin (scheme://host[:port]) +
// /.well-known/jwks.json; nullopt when the issuer is no plain absolute http(s) URL.
std::optional<std::string> jwks_url_for(std::string_view issuer);

// The page's CSP: default-src 'none'; script-src 'self'; style-src 'self'; connect-src <jwks_url>
// ('none' when there is none); form-action 'none'; frame-ancestors 'none'; base-uri 'none'.
std::string debugger_csp(const std::optional<std::string>& jwks_url);

// GET /debugger: the page (200, text/html, debugger_csp, no-store; pages.hpp html_response).
Response debugger_page_response(std::string_view issuer);

// GET /static/debugger/<file>: an embedded .js (text/javascript) or .css (text/css) file,
// Cache-Control no-cache (the modules import each other by unversioned URL, so the browser
// revalidates); nullopt for any other name.
std::optional<Response> debugger_asset_response(std::string_view file);

}  // namespace tessera::server
