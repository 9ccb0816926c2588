// The session routes (server/routes/session_routes.hpp).
#include "server/routes/session_routes.hpp"

#include <algorithm>
#include <string>
#include <utility>

#include <boost/json.hpp>

#include "server/error_table.hpp"
#include "server/request.hpp"
#include "server/response.hpp"
#include "server/routes/authenticate.hpp"
#include "server/routes/devices.hpp"
#include "server/routes/login_call.hpp"
#include "server/routes/page_routes.hpp"

namespace tessera::server {
namespace {

namespace json = boost::json;

json::object session_json(const SessionRecord& r) {
  return json::object{{"id", r.id_hash},
                      {"created_at", r.created_at},
                      {"last_seen_at", r.last_seen_at},
                      {"idle_expires_at", r.idle_expires_at},
                      {"absolute_expires_at", r.absolute_expires_at}};
}

// A device in GET /sessions.
json::object device_json(const Device& d) {
  json::object o{{"id", d.id},
                 {"kind", d.app ? "app" : "browser"},
                 {"created_at", d.created_at},
                 {"last_seen_at", d.last_seen_at},
                 {"ip", d.ip},
                 {"user_agent", d.user_agent},
                 {"current", d.current}};
  if (d.app) {
    o["client_id"] = d.client_id;
    o["client_name"] = d.client_name;
    o["scope"] = d.scope;
  }
  return o;
}

// {user, csrf_token, expires_at} + Set-Cookie, after login or password change.
Response logged_in(const AppContext& ctx, Exchange& x, const LoginResult& r) {
  const auto& rec = r.session.session.record;
  Response res = json_response(http::status::ok,
                               json::object{{"user", rec.user},
                                            {"csrf_token", r.csrf_token},
                                            {"expires_at", std::min(rec.idle_expires_at, rec.absolute_expires_at)}});
  set_login_cookies(ctx, x, res, r);
  return res;
}

// The JSON answer to /login and /password (already counted): the error, or the session.
Response login_outcome(const AppContext& ctx, Exchange& x, const Result<LoginResult>& r) {
  if (!r) return error_response(ctx, x, r.error());
  return logged_in(ctx, x, *r);
}

}  // namespace

asio::awaitable<Response> login(const AppContext& ctx, Exchange& x) {
  // An HTML form (the login page) is answered with a redirect or the page again.
  if (is_form_post(x.in.msg)) co_return co_await form_login(ctx, x);
  // Login CSRF: a cross-site page must not log the browser into the attacker's account.
  if (!same_origin(x.in.msg, ctx.cfg.public_origin)) co_return error_response(x, "csrf_failed");
  auto fields = read_fields(x, {"username", "password"}, true, ctx.cfg.http.max_body_bytes);
  if (!fields) co_return std::move(fields.error());
  auto r = co_await password_login(ctx, x, (*fields)[0], (*fields)[1]);
  co_return login_outcome(ctx, x, r);
}

asio::awaitable<Response> get_session(const AppContext& ctx, Exchange& x) {
  auto a = co_await authenticate(ctx, x, false);
  if (!a) co_return std::move(a.error());
  const auto& rec = a->session.record;
  co_return json_response(http::status::ok, json::object{{"user", rec.user},
                                                         {"session", session_json(rec)},
                                                         {"csrf_token", ctx.auth.csrf_token(a->session)}});
}

asio::awaitable<Response> logout(const AppContext& ctx, Exchange& x) {
  auto a = co_await authenticate(ctx, x, true);
  if (!a) co_return std::move(a.error());
  auto r = co_await run_store(ctx, [&ctx, &a] { return ctx.auth.logout(a->id); });
  if (!r) co_return error_response(ctx, x, r.error());
  ctx.metrics.add(Counter::sessions_revoked);
  Response res{http::status::no_content, 11};
  res.set(http::field::set_cookie, session_deletion_cookie());
  co_return res;
}

asio::awaitable<Response> list_sessions(const AppContext& ctx, Exchange& x) {
  auto a = co_await authenticate(ctx, x, false);
  if (!a) co_return std::move(a.error());
  auto devices = co_await list_devices(ctx, a->session.record.user, a->session.record.id_hash);
  if (!devices) co_return error_response(ctx, x, devices.error());
  json::array list;
  list.reserve(devices->size());
  for (const Device& d : *devices) list.push_back(device_json(d));
  co_return json_response(http::status::ok, json::object{{"sessions", std::move(list)}});
}

asio::awaitable<Response> revoke_session(const AppContext& ctx, Exchange& x) {
  auto a = co_await authenticate(ctx, x, true);
  if (!a) co_return std::move(a.error());
  const std::string user = a->session.record.user;
  const std::string& target = x.params.at(0);
  auto r = co_await revoke_device(ctx, user, target);
  if (!r) {
    // Someone else's session or grant, or none at all: one answer, 404.
    if (r.error().code == Errc::session_not_found)
      co_return error_response(x, http::status::not_found, "session_not_found",
                               public_error("session_not_found").message);
    co_return error_response(ctx, x, r.error());
  }
  Response res{http::status::no_content, 11};
  if (target == a->session.record.id_hash) res.set(http::field::set_cookie, session_deletion_cookie());
  co_return res;
}

asio::awaitable<Response> revoke_others(const AppContext& ctx, Exchange& x) {
  auto a = co_await authenticate(ctx, x, true);
  if (!a) co_return std::move(a.error());
  const std::string user = a->session.record.user;
  auto r = co_await run_store(ctx, [&ctx, &user, &a] { return ctx.auth.revoke_others(user, a->id); });
  if (!r) co_return error_response(ctx, x, r.error());
  ctx.metrics.add(Counter::sessions_revoked, *r);
  co_return json_response(http::status::ok, json::object{{"revoked", *r}});
}

asio::awaitable<Response> logout_everywhere(const AppContext& ctx, Exchange& x) {
  auto a = co_await authenticate(ctx, x, true);
  if (!a) co_return std::move(a.error());
  const std::string user = a->session.record.user;
  auto r = co_await run_store(ctx, [&ctx, &user] { return ctx.auth.logout_everywhere(user); });
  if (!r) co_return error_response(ctx, x, r.error());
  ctx.metrics.add(Counter::sessions_revoked, *r);
  Response res = json_response(http::status::ok, json::object{{"revoked", *r}});
  res.set(http::field::set_cookie, session_deletion_cookie());
  co_return res;
}

asio::awaitable<Response> change_password(const AppContext& ctx, Exchange& x) {
  auto a = co_await authenticate(ctx, x, true);
  if (!a) co_return std::move(a.error());
  auto fields = read_fields(x, {"current_password", "new_password"}, false, ctx.cfg.http.max_body_bytes);
  if (!fields) co_return std::move(fields.error());
  const std::string& current = (*fields)[0];
  const std::string& next = (*fields)[1];
  auto r = co_await run_blocking(ctx.password_pool,
                                 [&ctx, &a, &current, &next] { return ctx.auth.change_password(a->id, current, next); });
  count_login(ctx, r);
  co_return login_outcome(ctx, x, r);
}

std::span<const RouteEntry> session_route_table() {
  static constexpr RouteEntry kRoutes[] = {
      {http::verb::post, "/login", &login},
      {http::verb::get, "/session", &get_session},
      {http::verb::post, "/logout", &logout},
      {http::verb::get, "/sessions", &list_sessions},
      {http::verb::delete_, "/sessions/{id}", &revoke_session},
      {http::verb::post, "/sessions/revoke-others", &revoke_others},
      {http::verb::post, "/logout-everywhere", &logout_everywhere},
      {http::verb::post, "/password", &change_password},
  };
  return kRoutes;
}

void add_session_routes(Router& r, const AppContext& ctx) { add_routes(r, ctx, session_route_table()); }

}  // namespace tessera::server
