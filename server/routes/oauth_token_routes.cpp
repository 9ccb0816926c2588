// The token endpoints (server/routes/oauth_routes.hpp): POST /oauth2/token, /oauth2/introspect
// and /oauth2/revoke. Form bodies only; the client authenticates with Authorization: Basic or
// in the form (the AuthorizationServer decides which is acceptable); answers are never cached.
// The token endpoint also takes DPoP proofs (docs/dpop.md).
#include <boost/json.hpp>

#include "server/routes/oauth_routes.hpp"
#include "server/routes/oauth_support.hpp"

namespace tessera::server {

// Every DPoP header goes to the library (which refuses none where required, and several);
// invalid_dpop_proof and use_dpop_nonce are 400 (RFC 9449 §5, §8). With nonces on, every answer
// carries the current nonce (DPoP-Nonce, §8.2): the one a use_dpop_nonce asks for, and on success
// the one the client's next proof should carry.
asio::awaitable<Response> token(const AppContext& ctx, Exchange& x) {
  auto form = form_params(x);
  if (!form) co_return oauth_error(x, Errc::invalid_request, form.error());
  const ClientAuth auth = client_auth(x);
  const auto dpop = dpop_headers(x);
  auto r = co_await run_client_call(ctx, *form, [&ctx, &form, &auth, &x, &dpop] {
    return ctx.oauth.token(*form, auth, x.client, dpop);
  });
  count_dpop(ctx, "token", dpop, r ? nullptr : &r.error());
  Response res;
  if (r) res = oauth_json(http::status::ok, *r);
  else res = oauth_error(ctx, x, r.error(), auth.basic || auth.malformed_basic);
  set_dpop_nonce(ctx, res);
  co_return res;
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
