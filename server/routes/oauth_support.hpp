// What the OAuth routes of `tessera serve` share (docs/oauth.md "HTTP endpoints"): reading a
// form body and the client's Authorization header into the AuthorizationServer's Params and
// ClientAuth, and answering in the protocol's shapes: JSON that is never cached (RFC 6749 §5.1),
// errors as {"error", "error_description"} (RFC 6749 §5.2) with WWW-Authenticate where the RFCs
// ask for it. (The HTML pages: server/routes/oauth_pages.hpp.)
// Thread safety: plain functions; those taking an AppContext log and count through its
// thread-safe Logger and Metrics.
#pragma once

#include <algorithm>
#include <expected>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "server/app_context.hpp"
#include "server/http.hpp"
#include "server/router.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/error.hpp"

namespace tessera::server {

// The parameters of an application/x-www-form-urlencoded body (repeats kept), or why it is not
// one (another or no media type, a bad escape).
std::expected<Params, std::string> form_params(const Exchange& x);
// The query parameters of the request target (repeats kept), or nullopt for a bad escape.
std::optional<Params> query_params(const Exchange& x);

// The client authentication a request presented: its Authorization: Basic credentials, if any.
ClientAuth client_auth(const Exchange& x);

// Every DPoP header value of the request, in order (RFC 9449 §4.1; the AuthorizationServer
// refuses none where one is required, and several).
std::vector<std::string_view> dpop_headers(const Exchange& x);
// Sets DPoP-Nonce to the current server nonce when nonces are on (RFC 9449 §8.2, §9): on every
// answer of the token endpoint and /userinfo, so a client always has a fresh one.
void set_dpop_nonce(const AppContext& ctx, Response& res);
// Counts a request that carried DPoP headers (none: nothing) in
// tessera_oauth_dpop_requests_total{endpoint, result}: ok, invalid_dpop_proof, use_dpop_nonce
// or other (any other error).
void count_dpop(const AppContext& ctx, std::string_view endpoint, const std::vector<std::string_view>& dpop,
                const Error* error);
// The DPoP challenge of a protected resource (RFC 9449 §7.1): `DPoP algs="ES256 ..."` (the
// algorithms the metadata advertises) and `, error="<error>"` when error is not empty; empty
// when DPoP is off.
std::string dpop_challenge(const AppContext& ctx, std::string_view error = {});
// Runs an AuthorizationServer call that authenticates a client. A private_key_jwt request may
// make it fetch the client's jwks_uri (blocking, up to the fetcher's 3 s deadline:
// tessera/https_key_set_fetcher.hpp), which must never hold up an I/O thread. With a store pool
// it runs there as every store call; without one (SQLite and memory run store calls inline) it runs on
// the password pool. Other requests: run_store.
template <class F>
asio::awaitable<std::invoke_result_t<F&>> run_client_call(const AppContext& ctx, const Params& params, F fn) {
  const bool assertion =
      std::any_of(params.begin(), params.end(), [](const auto& p) { return p.first == "client_assertion"; });
  if (assertion && !ctx.pool) co_return co_await run_blocking(ctx.password_pool, std::move(fn));
  co_return co_await run_store(ctx, std::move(fn));
}

// A JSON answer of the token, introspection and revocation endpoints and /userinfo:
// Cache-Control: no-store and Pragma: no-cache.
Response oauth_json(http::status status, const boost::json::value& body);
// A library error in the token endpoint's shape (RFC 6749 §5.2): {"error": code,
// "error_description": text} with the error table's status (400; invalid_client 401, with
// WWW-Authenticate: Basic realm="tessera" when the client used Basic; 503 store_unavailable).
// The JSON family and invalid_argument go out as invalid_request, anything unknown as 500
// server_error. The description is the fixed public text, except for errors about the
// request's own shape (invalid_request, invalid_scope, unsupported_*, unauthorized_client,
// invalid_target), whose library message names what to fix. Logged and counted (note_error).
Response oauth_error(const AppContext& ctx, Exchange& x, const Error& e, bool basic = false);
// An error of the token endpoint the front end finds itself (a body that is not a form).
Response oauth_error(Exchange& x, Errc code, std::string_view description);

}  // namespace tessera::server
