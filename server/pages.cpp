// Pages (server/pages.hpp): the embedded templates rendered with libmstch.
#include "server/pages.hpp"

#include <map>
#include <stdexcept>
#include <utility>

#include "server/web_assets.hpp"

namespace tessera::server {
namespace {

constexpr std::string_view kTemplateDir = "templates/";
constexpr std::string_view kTemplateExt = ".mustache";
constexpr std::string_view kStylesheetAsset = "static/style.css";
constexpr std::string_view kStaticDir = "static/";

std::string static_asset_path(std::string_view dir, std::string_view file) {
  return std::string(kStaticDir) + std::string(dir) + "/" + std::string(file);
}

// The partials: every template named "_something", by that name.
const std::map<std::string, std::string>& partials() {
  static const std::map<std::string, std::string> kPartials = [] {
    std::map<std::string, std::string> out;
    for (const WebAsset& a : web_assets()) {
      if (!a.path.starts_with(kTemplateDir) || !a.path.ends_with(kTemplateExt)) continue;
      std::string_view name = a.path.substr(kTemplateDir.size());
      name.remove_suffix(kTemplateExt.size());
      if (name.starts_with('_')) out.emplace(std::string(name), std::string(a.content));
    }
    return out;
  }();
  return kPartials;
}

// The stylesheet's URL: its path and a version from its hash, so a changed stylesheet is a
// new URL and the year-long cache never serves a stale one.
const std::string& style_href() {
  static const std::string kHref = [] {
    const auto css = web_asset(kStylesheetAsset);
    std::string href(kStylesheetPath);
    if (css) href += "?v=" + std::string(css->sha256.substr(0, 16));
    return href;
  }();
  return kHref;
}

}  // namespace

std::string_view page_name(Page page) noexcept {
  switch (page) {
    case Page::login: return "login";
    case Page::consent: return "consent";
    case Page::error: return "error";
    case Page::account: return "account";
  }
  return "error";
}

std::string render_page(Page page, const mstch::map& context) { return render_template(page_name(page), context); }

std::string render_template(std::string_view name, const mstch::map& context) {
  const std::string path = std::string(kTemplateDir) + std::string(name) + std::string(kTemplateExt);
  const auto tmpl = web_asset(path);
  // Every Page has its template (PagesTest.EveryPageHasATemplate): a missing one is a build error.
  if (!tmpl) throw std::logic_error("no template " + path);
  mstch::map full = context;
  full.insert_or_assign("style_href", style_href());
  return mstch::render(std::string(tmpl->content), full, partials());
}

std::string page_csp(Page page) {
  std::string csp(kPageCsp);
  if (page == Page::login || page == Page::account) csp += "; form-action 'self'";
  return csp;
}

void set_page_headers(Response& res, std::string_view csp) {
  res.set(http::field::content_type, "text/html; charset=utf-8");
  res.set("Content-Security-Policy", csp);
  res.set("X-Frame-Options", "DENY");
  res.set("Referrer-Policy", "no-referrer");
  res.set(http::field::cache_control, "no-store");
}

Response page_response(http::status status, Page page, const mstch::map& context) {
  return html_response(status, render_page(page, context), page_csp(page));
}

Response html_response(http::status status, std::string html, std::string_view csp) {
  Response res{status, 11};
  set_page_headers(res, csp);
  res.body() = std::move(html);
  return res;
}

Response stylesheet_response() {
  Response res{http::status::ok, 11};
  const auto css = web_asset(kStylesheetAsset);
  res.set(http::field::content_type, "text/css; charset=utf-8");
  res.set(http::field::cache_control, "public, max-age=31536000, immutable");
  res.body() = css ? std::string(css->content) : std::string();
  return res;
}

std::string static_file_href(std::string_view url_prefix, std::string_view dir, std::string_view file) {
  std::string href = std::string(url_prefix) + std::string(file);
  if (auto a = web_asset(static_asset_path(dir, file))) href += "?v=" + std::string(a->sha256.substr(0, 16));
  return href;
}

std::optional<Response> static_file_response(std::string_view dir, std::string_view file) {
  std::string_view type;
  if (file.ends_with(".js")) type = "text/javascript; charset=utf-8";
  else if (file.ends_with(".css")) type = "text/css; charset=utf-8";
  else return std::nullopt;
  // One path segment (the router guarantees it), an embedded file, nothing else.
  const auto asset = web_asset(static_asset_path(dir, file));
  if (!asset) return std::nullopt;
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, type);
  res.set(http::field::cache_control, "no-cache");
  res.set(http::field::etag, "\"" + std::string(asset->sha256.substr(0, 32)) + "\"");
  res.body() = std::string(asset->content);
  return res;
}

}  // namespace tessera::server
