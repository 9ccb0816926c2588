// The token endpoints (server/routes/oauth_routes.hpp): POST /oauth2/token, /oauth2/introspect
// and /oauth2/revoke. Form bodies only; the client authenticates with Authorization: Basic or
// in the form (the AuthorizationServer decides which is acceptable); answers are never cached.
#include <algorithm>

#include <boost/json.hpp>

#include "server/routes/oauth_routes.hpp"
#include "server/routes/oauth_support.hpp"

namespace tessera::server {

namespace {

// A private_key_jwt request may make the AuthorizationServer fetch the client's jwks_uri
// (blocking, up to the fetcher's 3 s deadline: server/jwks_fetcher.hpp), which must never hold
// up an I/O thread. With a store pool it runs there as every store call; without one (SQLite and
// memory run store calls inline) it runs on the password pool. Other requests: run_store.
template <class F>
asio::awaitable<std::invoke_result_t<F&>> run_client_call(const AppContext& ctx, const Params& form, F fn) {
  const bool assertion = std::any_of(form.begin(), form.end(), [](const auto& p) { return p.first == "client_assertion"; });
  if (assertion && !ctx.pool) co_return co_await run_blocking(ctx.password_pool, std::move(fn));
  co_return co_await run_store(ctx, std::move(fn));
}

}  // namespace

asio::awaitable<Response> token(const AppContext& ctx, Exchange& x) {
  auto form = form_params(x);
  if (!form) co_return oauth_error(x, Errc::invalid_request, form.error());
  const ClientAuth auth = client_auth(x);
  auto r = co_await run_client_call(ctx, *form, [&ctx, &form, &auth, &x] { return ctx.oauth.token(*form, auth, x.client); });
  if (!r) co_return oauth_error(ctx, x, r.error(), auth.basic || auth.malformed_basic);
  co_return oauth_json(http::status::ok, *r);
}

asio::awaitable<Response> introspect(const AppContext& ctx, Exchange& x) {
  auto form = form_params(x);
  if (!form) co_return oauth_error(x, Errc::invalid_request, form.error());
  const ClientAuth auth = client_auth(x);
  auto r = co_await run_client_call(ctx, *form, [&ctx, &form, &auth] { return ctx.oauth.introspect(*form, auth); });
  if (!r) co_return oauth_error(ctx, x, r.error(), auth.basic || auth.malformed_basic);
  co_return oauth_json(http::status::ok, *r);
}

asio::awaitable<Response> revoke(const AppContext& ctx, Exchange& x) {
  auto form = form_params(x);
  if (!form) co_return oauth_error(x, Errc::invalid_request, form.error());
  const ClientAuth auth = client_auth(x);
  auto r = co_await run_client_call(ctx, *form, [&ctx, &form, &auth] { return ctx.oauth.revoke(*form, auth); });
  if (!r) co_return oauth_error(ctx, x, r.error(), auth.basic || auth.malformed_basic);
  // RFC 7009 §2.2: 200 whether or not the token was known; the body is not used.
  co_return oauth_json(http::status::ok, boost::json::object{});
}

}  // namespace tessera::server
