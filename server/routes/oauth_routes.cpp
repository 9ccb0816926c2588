// The OAuth routes (server/routes/oauth_routes.hpp): metadata, the authorization endpoint and
// /userinfo; the route table.
#include "server/routes/oauth_routes.hpp"

#include <optional>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "server/error_table.hpp"
#include "server/oauth_request.hpp"
#include "server/request.hpp"
#include "server/response.hpp"
#include "server/routes/authenticate.hpp"
#include "server/routes/oauth_pages.hpp"
#include "server/routes/oauth_support.hpp"
#include "server/routes/revocation_routes.hpp"

namespace tessera::server {
namespace {

namespace json = boost::json;

constexpr std::string_view kAuthorizePath = "/oauth2/authorize";
constexpr std::string_view kBearerRealm = "Bearer realm=\"tessera\"";

// "/oauth2/authorize?a=1&b=2" for the parameters of a consent form (where the login page sends
// the browser back to, should the session be gone).
std::string authorize_target(const Params& params) {
  std::string out(kAuthorizePath);
  char sep = '?';
  for (const auto& [k, v] : params) {
    out += sep;
    out += percent_encode(k);
    out += '=';
    out += percent_encode(v);
    sep = '&';
  }
  return out;
}

Response redirect(http::status status, std::string_view location) {
  Response res{status, 11};
  res.set(http::field::location, location);
  return res;
}

// The answer to an authorization request: the client's redirect URI (302), the login page and
// back (303), the consent page or the error page. return_to: this request's path and query.
Response authorize_answer(const AppContext& ctx, Exchange& x, const Result<AuthorizeResult>& r, const Params& params,
                          const std::optional<Authed>& session, std::string_view return_to) {
  if (!r) return error_page(ctx, x, public_error(r.error().code).status, r.error());
  switch (r->kind) {
    case AuthorizeResult::Kind::redirect:
      if (r->error) x.error = std::string(r->error->name());  // sent to the client: the request log names it
      return redirect(http::status::found, r->location);
    case AuthorizeResult::Kind::login:
      return redirect(http::status::see_other, "/login?return_to=" + percent_encode(return_to));
    case AuthorizeResult::Kind::consent:
      if (session) return consent_page(*r, params, session->session.record.user, ctx.auth.csrf_token(session->session));
      return error_page(ctx, x, http::status::unauthorized, Error(Errc::login_required, "consent without a session"));
    case AuthorizeResult::Kind::error_page:
      break;
  }
  return error_page(ctx, x, http::status::bad_request, r->error.value_or(Error(Errc::invalid_request)));
}

// Whether an Authorization header names the Bearer scheme (whatever follows).
bool bearer_scheme(std::optional<std::string_view> h) {
  if (!h || h->size() < 7) return false;
  return beast::iequals(h->substr(0, 7), "Bearer ");
}

}  // namespace

asio::awaitable<Response> oauth_metadata(const AppContext& ctx, Exchange&) {
  Response res = json_response(http::status::ok, ctx.oauth.metadata());
  res.set(http::field::cache_control, "public, max-age=300");
  co_return res;
}

asio::awaitable<Response> authorize(const AppContext& ctx, Exchange& x) {
  auto query = query_params(x);
  if (!query)
    co_return error_page(ctx, x, http::status::bad_request,
                         Error(Errc::invalid_request, "the query string is not valid percent-encoding"));
  auto s = co_await optional_session(ctx, x);
  if (!s) co_return error_page(ctx, x, public_error(s.error().code).status, s.error());
  const Session* session = *s ? &(*s)->session : nullptr;
  auto r = co_await run_store(ctx, [&ctx, &query, session] {
    return ctx.oauth.authorize(*query, session, ConsentDecision::none);
  });
  co_return authorize_answer(ctx, x, r, *query, *s, x.in.msg.target());
}

asio::awaitable<Response> authorize_decision(const AppContext& ctx, Exchange& x) {
  auto form = form_params(x);
  if (!form) co_return error_page(ctx, x, http::status::bad_request, Error(Errc::invalid_request, form.error()));
  auto s = co_await optional_session(ctx, x);
  if (!s) co_return error_page(ctx, x, public_error(s.error().code).status, s.error());
  if (!*s)
    co_return error_page(ctx, x, http::status::unauthorized,
                         Error(Errc::login_required, "the consent form was posted without a live session"));
  // The form's own fields; the rest are the authorization request's parameters.
  std::optional<std::string> csrf;
  std::optional<std::string> decision;
  Params params;
  for (auto& [k, v] : *form) {
    if (k != kCsrfField && k != kDecisionField) {
      params.emplace_back(std::move(k), std::move(v));
      continue;
    }
    auto& slot = k == kCsrfField ? csrf : decision;
    if (slot)
      co_return error_page(ctx, x, http::status::bad_request, Error(Errc::invalid_request, k + " given twice"));
    slot = std::move(v);
  }
  // A form post: Sec-Fetch-Site decides when present (Chromium sends Origin: null on a
  // same-origin form POST under Referrer-Policy: no-referrer), else Origin.
  const bool same = same_origin(x.in.msg, ctx.cfg.public_origin);
  std::optional<std::string_view> presented;
  if (csrf) presented = *csrf;
  if (!ctx.auth.check_csrf((*s)->session, presented, same))
    co_return error_page(ctx, x, http::status::forbidden, Error(Errc::csrf_failed, "consent form"));
  ConsentDecision d = ConsentDecision::none;
  if (decision == "approve") d = ConsentDecision::approve;
  else if (decision == "deny") d = ConsentDecision::deny;
  else
    co_return error_page(ctx, x, http::status::bad_request,
                         Error(Errc::invalid_request, "decision must be approve or deny"));
  const Session* session = &(*s)->session;
  auto r = co_await run_store(ctx, [&ctx, &params, session, d] { return ctx.oauth.authorize(params, session, d); });
  co_return authorize_answer(ctx, x, r, params, *s, authorize_target(params));
}

asio::awaitable<Response> userinfo(const AppContext& ctx, Exchange& x) {
  const auto h = header(x.in.msg, http::field::authorization);
  const auto token = parse_bearer_token(h);
  if (!token) {
    // RFC 6750 §3.1: no credentials at all get no error code; a malformed Bearer header is
    // invalid_request (400).
    if (bearer_scheme(h)) {
      Response res = oauth_error(x, Errc::invalid_request, "the Authorization header is not Bearer <token>");
      res.set(http::field::www_authenticate, std::string(kBearerRealm) + ", error=\"invalid_request\"");
      co_return res;
    }
    Response res = oauth_error(x, Errc::invalid_token, "send the access token as Authorization: Bearer <token>");
    res.set(http::field::www_authenticate, kBearerRealm);
    co_return res;
  }
  const std::string method(x.in.msg.method_string());
  auto r = co_await run_store(ctx, [&ctx, &token, &method] {
    return ctx.oauth.userinfo(PresentedToken{"Bearer", *token, method, {}});
  });
  if (r) co_return oauth_json(http::status::ok, *r);
  Response res = oauth_error(ctx, x, r.error());
  if (r.error().code == Errc::invalid_token || r.error().code == Errc::insufficient_scope)
    res.set(http::field::www_authenticate,
            std::string(kBearerRealm) + ", error=\"" + std::string(code_name(r.error().code)) + "\"");
  co_return res;
}

bool oauth_public_route(std::string_view pattern) {
  return pattern == "/.well-known/openid-configuration" || pattern == "/.well-known/oauth-authorization-server";
}

std::optional<Response> oauth_refusal(const AppContext& ctx, Exchange& x, std::string_view pattern, const Error& e) {
  if (pattern == kAuthorizePath) return error_page(ctx, x, public_error(e.code).status, e);
  if (pattern.starts_with("/oauth2/") || pattern == "/userinfo") return oauth_error(ctx, x, e);
  return std::nullopt;
}

std::span<const RouteEntry> oauth_route_table() {
  static constexpr RouteEntry kRoutes[] = {
      {http::verb::get, "/.well-known/openid-configuration", &oauth_metadata},
      {http::verb::get, "/.well-known/oauth-authorization-server", &oauth_metadata},
      {http::verb::get, kAuthorizePath, &authorize},
      {http::verb::post, kAuthorizePath, &authorize_decision},
      {http::verb::post, "/oauth2/token", &token},
      {http::verb::post, "/oauth2/introspect", &introspect},
      {http::verb::post, "/oauth2/revoke", &revoke},
      {http::verb::get, kRevocationsPath, &revocations},
      {http::verb::post, kRevocationsPath, &revocations},
      {http::verb::get, "/userinfo", &userinfo},
      {http::verb::post, "/userinfo", &userinfo},
  };
  return kRoutes;
}

void add_oauth_routes(Router& r, const AppContext& ctx) { add_routes(r, ctx, oauth_route_table()); }

}  // namespace tessera::server
