// HTML pages of `tessera serve` (login, consent, error), rendered from the Mustache templates of
// web/templates/ (embedded, server/web_assets.hpp) with libmstch. {{name}} escapes HTML (& < > "
// ' /); the templates never use the unescaped forms {{{name}}} / {{&name}} (a test checks), so
// user data reaches a page only as an escaped context value, never concatenated into HTML.
// Every page can include the partials (templates whose name starts with "_", e.g. {{> _head}})
// and gets style_href (the stylesheet's URL, versioned by its hash) in its context.
//
// The context each page reads:
//   login    return_to, username (to refill the form), message (shown as an alert when set)
//   consent  client_name, user, scopes (list of {name, description?}), fields (list of
//            {name, value}: the original authorize parameters, sent back as hidden inputs),
//            csrf_token; the form POSTs to /oauth2/authorize with decision=approve|deny
//   error    error (the code), message
//   account  user, csrf_token, message (an alert), notice (a confirmation), devices (list of
//            {id, kind ("Browser"|"App"), client_name, ip, user_agent, created, last_used,
//            current}); its forms POST to /account/... (server/routes/account_routes.hpp)
//
// Every page's headers come from one place (set_page_headers): the CSP below, no framing, no
// referrer, Cache-Control no-store (every page may show personal data, and the back button
// after logout must not show it again).
//
// Thread safety: render_page and page_response are thread-safe (the templates are constant).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <mstch/mstch.hpp>

#include "server/http.hpp"

namespace tessera::server {

enum class Page { login, consent, error, account };

// The template's file name without extension ("login", ...).
std::string_view page_name(Page page) noexcept;

// The page's HTML.
std::string render_page(Page page, const mstch::map& context);
// Any template of web/templates/ by name ("debugger"), with the partials and style_href, for
// pages that are no Page (they set their own CSP: server/debugger_page.hpp). logic_error when
// there is no such template (a build error: every caller names one that exists, a test checks).
std::string render_template(std::string_view name, const mstch::map& context);

// The Content-Security-Policy every page starts from: nothing but same-origin stylesheets and
// images, no inline script or style, no framing, no <base>.
inline constexpr std::string_view kPageCsp =
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'";

// The Content-Security-Policy of a page: kPageCsp; the login and account pages add
// form-action 'self' (their forms post to this server and redirect within it). The consent page
// must not: Chromium applies form-action to the redirect that follows the consent POST, and
// that redirect goes to the client.
std::string page_csp(Page page);

// The headers of every HTML page, templated or static (the debugger, the BFF's sample app):
// text/html; charset=utf-8, Content-Security-Policy csp (page_csp, or kPageCsp plus a page's
// own directives, e.g. "; script-src 'self'; connect-src 'self'"), X-Frame-Options DENY,
// Referrer-Policy no-referrer, Cache-Control no-store.
void set_page_headers(Response& res, std::string_view csp);

// A page as the response: set_page_headers with page_csp(page), the rendered template.
Response page_response(http::status status, Page page, const mstch::map& context);
// The same headers around any HTML with the given CSP.
Response html_response(http::status status, std::string html, std::string_view csp);

// The embedded stylesheet, as GET /static/style.css serves it: text/css; charset=utf-8, cached
// for a year (its URL in the pages changes with its content).
Response stylesheet_response();
inline constexpr std::string_view kStylesheetPath = "/static/style.css";

// A page's own static file, embedded from web/static/<dir>/<file> and served at
// url_prefix + file: its URL versioned by its hash ("?v=<16 hex>"), as the stylesheet's.
std::string static_file_href(std::string_view url_prefix, std::string_view dir, std::string_view file);
// GET <url_prefix><file>: an embedded .js (text/javascript) or .css (text/css) file of
// web/static/<dir>/, Cache-Control no-cache (ES modules import one another by unversioned URL, so
// the browser revalidates), an ETag; nullopt for any other name.
std::optional<Response> static_file_response(std::string_view dir, std::string_view file);

}  // namespace tessera::server
