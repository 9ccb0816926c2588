// The one password login of `tessera serve`, shared by POST /login's two forms (JSON, answered
// with JSON: session_routes.cpp; an HTML form, answered with a redirect or the login page:
// page_routes.cpp): the device cookie picks the throttle key, AuthService::login runs on the
// password pool (Argon2id), the metrics count the outcome; on success the session cookie (and a
// device cookie, when the service issued one) go onto the response.
// Thread safety: plain functions; each call works on its own Exchange.
#pragma once

#include <string>

#include <boost/asio/awaitable.hpp>

#include "server/app_context.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "tessera/auth_service.hpp"

namespace tessera::server {

// AuthService::login for this request (client address, device cookie), counted in the metrics.
asio::awaitable<Result<LoginResult>> password_login(const AppContext& ctx, Exchange& x, const std::string& user,
                                                   const std::string& password);

// Counts a login-like outcome (login, password change): failures, throttling, new sessions.
void count_login(const AppContext& ctx, const Result<LoginResult>& r);

// The Set-Cookie headers of a successful login, added to res; x.session_hash names the session.
void set_login_cookies(const AppContext& ctx, Exchange& x, Response& res, const LoginResult& r);

}  // namespace tessera::server
