// The token endpoints (server/routes/oauth_routes.hpp): POST /oauth2/token, /oauth2/introspect
// and /oauth2/revoke. Form bodies only; the client authenticates with Authorization: Basic or
// in the form (the AuthorizationServer decides which is acceptable); answers are never cached.
#include <boost/json.hpp>

#include "server/routes/oauth_routes.hpp"
#include "server/routes/oauth_support.hpp"

namespace tessera::server {

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
