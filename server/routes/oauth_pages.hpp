// The HTML answers of the authorization endpoint (docs/oauth.md "Authorization endpoint"),
// rendered from the page templates (server/pages.hpp: Mustache, HTML-escaped):
//  - the consent page: the client's name and the scopes it asks for, and a form that POSTs the
//    original request's parameters back to /oauth2/authorize as hidden fields with the
//    session's CSRF token and the user's decision (approve or deny);
//  - the error page: a request that cannot be answered at the client's redirect URI (unknown
//    client, unregistered redirect_uri), or a consent POST that is refused.
// Both go out as server/pages.hpp's page_response makes them: their CSP (the consent page's has
// no form-action: Chromium would abort the form's redirect to the client), never cached or framed.
// Thread safety: plain functions.
#pragma once

#include <string_view>

#include "server/app_context.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/error.hpp"

namespace tessera::server {

// The form's own fields besides the request's parameters.
inline constexpr std::string_view kCsrfField = "csrf_token";
inline constexpr std::string_view kDecisionField = "decision";

// 200: the consent page for r (Kind::consent) of the request whose parameters are `query`, shown
// to user, with the session's CSRF token.
Response consent_page(const AuthorizeResult& r, const Params& query, std::string_view user,
                      std::string_view csrf_token);
// The error page for e with this status; logged and counted like other errors (note_error).
Response error_page(const AppContext& ctx, Exchange& x, http::status status, const Error& e);

}  // namespace tessera::server
