// The BFF's sample single-page app (docs/bff.md "The sample app"): GET /bff/app renders
// web/templates/bff_app.mustache, a static shell with the configured upstream names; its script
// and stylesheet are the embedded files of web/static/bff/ (app.js, app.css). The script asks
// /bff/user who is signed in and calls /bff/api/{name}/... with X-CSRF: 1; it never sees a
// token (the browser holds only the BFF's HttpOnly cookie). The CSP allows scripts and styles
// from this origin only, no inline code, and fetch to this origin only.
// Thread safety: plain functions over constant data.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/http.hpp"

namespace tessera::server {

inline constexpr std::string_view kBffAppPath = "/bff/app";
inline constexpr std::string_view kBffAssetPrefix = "/static/bff/";

// The page's CSP: kPageCsp (server/pages.hpp) plus script-src 'self'; connect-src 'self';
// form-action 'none'.
std::string bff_app_csp();

// GET /bff/app: the page (200, text/html, bff_app_csp, no-store) listing upstream_names (the
// NAME of each --bff-upstream, in the configured order) as the API choices.
Response bff_app_page_response(const std::vector<std::string>& upstream_names);

// GET /static/bff/<file>: an embedded .js or .css file of web/static/bff/ (pages.hpp
// static_file_response); nullopt for any other name.
std::optional<Response> bff_app_asset_response(std::string_view file);

}  // namespace tessera::server
