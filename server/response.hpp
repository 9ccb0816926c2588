// Responses of `tessera serve` (docs/server.md "HTTP API"): JSON bodies, the security headers
// every response carries, error responses from the one error table (server/error_table.hpp)
// and the Set-Cookie values for a session, its deletion and a device cookie.
// Thread safety: plain functions; error_response(ctx, ...) logs and counts through the
// thread-safe Logger and Metrics.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "server/app_context.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "tessera/error.hpp"
#include "tessera/session.hpp"

namespace tessera::server {

// A JSON response with Content-Type application/json.
Response json_response(http::status status, const boost::json::value& body);
// The headers every response carries (docs/server.md "HTTP API"): nosniff, no referrer, CSP
// (unless set: the pages have their own), no framing, Cache-Control: no-store unless set; HSTS
// over TLS.
void add_security_headers(Response& res, bool tls);

// {"error": code, "message": message} with this status; x.error names the code for the log.
Response error_response(Exchange& x, http::status status, std::string_view code, std::string_view message);
// The answer error_table.hpp gives for a public code; message replaces the fixed text when
// given (a reason the client may see, e.g. which field is missing).
Response error_response(Exchange& x, std::string_view code, std::string_view message = {});
// The answer error_table.hpp gives for a public code, for a request not served by a route
// (the transport's refusals, the metrics listener).
Response refusal_response(std::string_view code);
// The response for a library error, with its metrics and log line (store errors: an error line
// and the store_errors counter; internal errors: an error line; others: a debug line).
// Throttled answers carry Retry-After.
Response error_response(const AppContext& ctx, Exchange& x, const Error& e);
// The metrics and log line of that answer alone, for routes that answer a library error in
// another shape (the OAuth endpoints, the pages); sets x.error to the public code.
void note_error(const AppContext& ctx, Exchange& x, const Error& e);

// Set-Cookie for a session id: the session cookie (tessera/cookie.hpp defaults), kept until the
// session's absolute expiry as seen at `now` (seconds since the epoch).
std::string session_cookie(const Session& s, std::string_view id, std::int64_t now);
// Set-Cookie that deletes the session cookie.
std::string session_deletion_cookie();
// Set-Cookie for a device cookie (include/tessera/device_cookie.hpp): __Host-, Secure, HttpOnly,
// SameSite=Strict (only /login, a same-origin POST, needs it), kept for the cookie's lifetime.
std::string device_set_cookie(std::string_view value);

}  // namespace tessera::server
