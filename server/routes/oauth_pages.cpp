// The consent and error pages (server/routes/oauth_pages.hpp).
// PLACEHOLDER until the page templates (server/pages.hpp, branch oauth-pages) are merged: a
// minimal HTML body with every value escaped; replaced by render_page("consent"/"error").
#include "server/routes/oauth_pages.hpp"

#include <string>

#include "server/error_table.hpp"
#include "server/response.hpp"
#include "server/routes/oauth_support.hpp"

namespace tessera::server {
namespace {

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

Response consent_page(const AuthorizeResult& r, const Params& query, std::string_view csrf_token) {
  std::string html = "<!doctype html><title>Consent</title><h1>" + escape(r.client_name) + "</h1><ul>";
  for (const auto& s : r.scopes) html += "<li>" + escape(s) + "</li>";
  html += "</ul><form method=\"post\" action=\"/oauth2/authorize\">";
  for (const auto& [name, value] : query)
    html += "<input type=\"hidden\" name=\"" + escape(name) + "\" value=\"" + escape(value) + "\">";
  html += "<input type=\"hidden\" name=\"csrf_token\" value=\"" + escape(csrf_token) + "\">";
  html += "<button name=\"decision\" value=\"approve\">Allow</button><button name=\"decision\" value=\"deny\">Deny</button></form>";
  return page_response(http::status::ok, std::move(html));
}

Response error_page(const AppContext& ctx, Exchange& x, http::status status, const Error& e) {
  note_error(ctx, x, e);
  const PublicError pe = public_error(e.code);
  return page_response(status, "<!doctype html><title>Error</title><h1>" + escape(pe.code) + "</h1><p>" +
                                   escape(pe.message) + "</p>");
}

}  // namespace tessera::server
