// The BFF's routes (server/routes/bff_routes.hpp).
#include "server/routes/bff_routes.hpp"

#include <string>
#include <utility>

#include <boost/json.hpp>

#include "server/bff/bff_service.hpp"
#include "server/error_table.hpp"
#include "server/request.hpp"
#include "server/response.hpp"
#include "tessera/bff_login_request.hpp"
#include "tessera/bff_proxy_rules.hpp"
#include "tessera/cookie.hpp"
#include "tessera/session.hpp"

namespace tessera::server {
namespace {

namespace json = boost::json;
using bff::BffService;

constexpr std::string_view kApiPrefix = "/bff/api/";

CookieOptions cookie_options(std::string_view name, std::int64_t max_age) {
  CookieOptions o;
  o.name = std::string(name);
  o.same_site = SameSite::lax;  // the callback is a top-level navigation from the issuer
  o.max_age = max_age;
  return o;
}

// Our values (base64url ids, v4.local tokens) are always valid cookie values.
std::string set_bff_cookie(std::string_view name, std::string_view value, std::int64_t max_age) {
  return set_cookie(cookie_options(name, max_age), value).value_or(std::string());
}
std::string clear_bff_cookie(std::string_view name) {
  return deletion_cookie(cookie_options(name, 0)).value_or(std::string());
}

Response redirect(Exchange& x, std::string_view location) {
  Response res{http::status::found, x.in.msg.version()};
  res.set(http::field::location, location);
  return res;
}

// Runs a blocking BFF call on the BFF pool.
template <class F>
auto on_bff_pool(const AppContext& ctx, F fn) {
  return run_blocking(*ctx.bff_pool, std::move(fn));
}

bool session_gone(Errc c) {
  return c == Errc::session_not_found || c == Errc::session_idle_expired || c == Errc::session_absolute_expired ||
         c == Errc::session_revoked || c == Errc::invalid_grant || c == Errc::login_required;
}

// The answer to a BFF call's error: 401 login_required (cookie cleared) when the session is
// gone or its grant failed; 504/502 when the issuer or an upstream timed out or could not be
// reached; the error table's answer otherwise.
Response bff_error(const AppContext& ctx, Exchange& x, const Error& e) {
  if (session_gone(e.code)) {
    note_error(ctx, x, e);
    Response res = error_response(x, "login_required");
    res.set(http::field::set_cookie, clear_bff_cookie(kBffSessionCookie));
    return res;
  }
  if (e.code == Errc::io_error) {
    note_error(ctx, x, e);
    return error_response(x, HttpClient::is_timeout(e) ? "gateway_timeout" : "bad_gateway");
  }
  if (e.code == Errc::invalid_request) return error_response(x, "invalid_request", e.message);
  return error_response(ctx, x, e);
}

// The session cookie, and the request log's session hash; nullopt without one.
std::optional<std::string> session_cookie_of(Exchange& x) {
  auto id = request_cookie(x.in.msg, kBffSessionCookie);
  if (id && !id->empty()) x.session_hash = SessionManager::hash_id(*id);
  if (id && id->empty()) return std::nullopt;
  return id;
}

// The CSRF rule of the state-changing BFF routes (tessera/bff_proxy_rules.hpp).
std::optional<Response> csrf_refusal(Exchange& x) {
  auto ok = tessera::bff::check_api_request(header(x.in.msg, "X-CSRF"), header(x.in.msg, "Sec-Fetch-Site"));
  if (ok) return std::nullopt;
  return error_response(x, "csrf_failed", ok.error().message);
}

asio::awaitable<Response> login_impl(const AppContext& ctx, Exchange& x) {
  const std::string return_to = query_param(x.in.msg, "return_to").value_or("");
  auto r = co_await on_bff_pool(ctx, [&ctx, &return_to] { return ctx.bff->start_login(return_to); });
  if (!r) co_return bff_error(ctx, x, r.error());
  Response res = redirect(x, r->authorization_url);
  res.set(http::field::set_cookie,
          set_bff_cookie(kBffLoginCookie, r->sealed, tessera::bff::kLoginRequestTtlSeconds));
  co_return res;
}

asio::awaitable<Response> callback_impl(const AppContext& ctx, Exchange& x) {
  const std::string sealed = request_cookie(x.in.msg, kBffLoginCookie).value_or("");
  Response res;
  if (auto denied = query_param(x.in.msg, "error")) {
    // The issuer refused (access_denied, login_required, ...): its code if ours knows it.
    const std::string code = public_error(*denied).code == *denied ? *denied : "access_denied";
    res = error_response(x, http::status::bad_request, code, "the issuer did not sign the user in");
  } else {
    const std::string code = query_param(x.in.msg, "code").value_or("");
    const std::string state = query_param(x.in.msg, "state").value_or("");
    auto r = co_await on_bff_pool(ctx, [&] { return ctx.bff->finish_login(code, state, sealed, x.client); });
    if (r) {
      res = redirect(x, r->return_to);
      x.session_hash = SessionManager::hash_id(r->session_id);
      res.set(http::field::set_cookie,
              set_bff_cookie(kBffSessionCookie, r->session_id, r->absolute_expires_at - ctx.clock.now()));
      ctx.metrics.add(Counter::sessions_created);
    } else if (r.error().code == Errc::io_error || r.error().code == Errc::invalid_request ||
               r.error().code == Errc::store_unavailable) {
      res = bff_error(ctx, x, r.error());
    } else if (r.error().code == Errc::invalid_grant || r.error().code == Errc::invalid_client) {
      note_error(ctx, x, r.error());
      res = error_response(x, http::status::bad_request, r.error().name(), "the issuer refused the code");
    } else {
      // The ID token failed a check (signature, iss, aud, exp, nonce, ...): say only that.
      note_error(ctx, x, r.error());
      res = error_response(x, http::status::bad_request, "invalid_token", "the ID token failed its check");
    }
  }
  res.insert(http::field::set_cookie, clear_bff_cookie(kBffLoginCookie));  // one sign-in, one callback
  co_return res;
}

asio::awaitable<Response> user_impl(const AppContext& ctx, Exchange& x) {
  auto id = session_cookie_of(x);
  if (!id) co_return error_response(x, "login_required");
  auto r = co_await on_bff_pool(ctx, [&ctx, &id] { return ctx.bff->user(*id); });
  if (!r) co_return bff_error(ctx, x, r.error());
  co_return json_response(http::status::ok, *r);
}

asio::awaitable<Response> logout_impl(const AppContext& ctx, Exchange& x) {
  if (auto refused = csrf_refusal(x)) co_return std::move(*refused);
  auto id = session_cookie_of(x);
  if (!id) co_return error_response(x, "login_required");
  auto r = co_await on_bff_pool(ctx, [&ctx, &id] { return ctx.bff->logout(*id); });
  if (!r) co_return bff_error(ctx, x, r.error());
  if (!*r)
    ctx.log.log(LogLevel::warn, "bff refresh token revocation failed",
                json::object{{"session", x.session_hash}, {"error", r->error().name()}, {"detail", r->error().message}});
  ctx.metrics.add(Counter::sessions_revoked);
  Response res{http::status::no_content, x.in.msg.version()};
  res.set(http::field::set_cookie, clear_bff_cookie(kBffSessionCookie));
  co_return res;
}

asio::awaitable<Response> api_impl(const AppContext& ctx, Exchange& x) {
  if (auto refused = csrf_refusal(x)) co_return std::move(*refused);
  bff::ProxyCall call;
  call.upstream = x.params.at(0);
  if (!ctx.bff->has_upstream(call.upstream)) co_return error_response(x, "not_found", "no such upstream");
  auto id = session_cookie_of(x);
  if (!id) co_return error_response(x, "login_required");
  const std::string_view target = x.in.msg.target();
  call.rest = std::string(target.substr(kApiPrefix.size() + call.upstream.size()));
  call.method = std::string(x.in.msg.method_string());
  for (const auto& f : x.in.msg) call.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  call.body = x.in.msg.body();
  auto r = co_await on_bff_pool(ctx, [&ctx, &id, &call] { return ctx.bff->proxy(*id, call); });
  if (!r) co_return bff_error(ctx, x, r.error());
  Response res{static_cast<http::status>(r->status), x.in.msg.version()};
  for (const auto& [k, v] : r->headers) res.insert(k, v);
  res.body() = std::move(r->body);
  res.prepare_payload();
  co_return res;
}

// The result label of tessera_bff_requests_total, from the code the answer carries.
std::string_view bff_result(const Exchange& x) {
  if (x.error.empty()) return "ok";
  for (std::string_view c : {"csrf_failed", "login_required", "bad_gateway", "gateway_timeout"})
    if (x.error == c) return c;
  for (std::string_view c : {"invalid_request", "not_found", "access_denied", "invalid_grant", "invalid_client",
                             "invalid_token"})
    if (x.error == c) return "invalid";
  return "error";
}

}  // namespace

#define TESSERA_BFF_COUNTED(name)                                                  \
  asio::awaitable<Response> bff_##name(const AppContext& ctx, Exchange& x) {       \
    Response res = co_await name##_impl(ctx, x);                                   \
    ctx.metrics.bff_request(#name, bff_result(x));                                 \
    co_return res;                                                                 \
  }
TESSERA_BFF_COUNTED(login)
TESSERA_BFF_COUNTED(callback)
TESSERA_BFF_COUNTED(user)
TESSERA_BFF_COUNTED(logout)
TESSERA_BFF_COUNTED(api)
#undef TESSERA_BFF_COUNTED

std::span<const RouteEntry> bff_route_table() {
  static constexpr RouteEntry kRoutes[] = {
      {http::verb::get, "/bff/login", &bff_login},
      {http::verb::get, "/bff/callback", &bff_callback},
      {http::verb::get, "/bff/user", &bff_user},
      {http::verb::post, "/bff/logout", &bff_logout},
      {http::verb::get, "/bff/api/{name}/{rest...}", &bff_api},
      {http::verb::head, "/bff/api/{name}/{rest...}", &bff_api},
      {http::verb::post, "/bff/api/{name}/{rest...}", &bff_api},
      {http::verb::put, "/bff/api/{name}/{rest...}", &bff_api},
      {http::verb::patch, "/bff/api/{name}/{rest...}", &bff_api},
      {http::verb::delete_, "/bff/api/{name}/{rest...}", &bff_api},
  };
  return kRoutes;
}

void add_bff_routes(Router& r, const AppContext& ctx) {
  if (ctx.bff != nullptr && ctx.bff_pool != nullptr) add_routes(r, ctx, bff_route_table());
}

}  // namespace tessera::server
