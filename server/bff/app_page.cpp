// The BFF's sample single-page app (server/bff/app_page.hpp).
#include "server/bff/app_page.hpp"

#include "server/pages.hpp"

namespace tessera::server {
namespace {

constexpr std::string_view kAssetDir = "bff";

}  // namespace

std::string bff_app_csp() {
  return std::string(kPageCsp) + "; script-src 'self'; connect-src 'self'; form-action 'none'";
}

Response bff_app_page_response(const std::vector<std::string>& upstream_names) {
  mstch::array upstreams;
  for (const std::string& name : upstream_names) upstreams.emplace_back(mstch::map{{"name", name}});
  const mstch::map context{{"app_js", static_file_href(kBffAssetPrefix, kAssetDir, "app.js")},
                           {"app_css", static_file_href(kBffAssetPrefix, kAssetDir, "app.css")},
                           {"upstreams", upstreams},
                           {"has_upstreams", !upstream_names.empty()}};
  return html_response(http::status::ok, render_template("bff_app", context), bff_app_csp());
}

std::optional<Response> bff_app_asset_response(std::string_view file) { return static_file_response(kAssetDir, file); }

}  // namespace tessera::server
