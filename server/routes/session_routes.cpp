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

// A family id (GrantRecord::family_id: 128 random bits as base64url); a session's id hash is 43.
constexpr std::size_t kGrantIdLength = 22;

// An app grant in the device list, beside the browser sessions.
json::object grant_json(const GrantInfo& g) {
  json::object o{{"id", g.family_id},
                 {"kind", "app"},
                 {"client_id", g.client_id},
                 {"client_name", g.client_name},
                 {"scope", g.scope},
                 {"created_at", g.created_at},
                 {"last_seen_at", g.last_used_at},
                 {"ip", ""},
                 {"user_agent", ""},
                 {"current", false}};
  // What the code exchange's client said about itself ({"ip", "user_agent"}), when it parses.
  boost::system::error_code ec;
  const json::value info = json::parse(g.client_info_json, ec);
  if (!ec && info.is_object()) {
    for (const char* k : {"ip", "user_agent"}) {
      const auto* v = info.as_object().if_contains(k);
      if (v && v->is_string()) o[k] = v->as_string();
    }
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
  const std::string user = a->session.record.user;
  auto r = co_await run_store(ctx, [&ctx, &user] { return ctx.auth.sessions(user); });
  if (!r) co_return error_response(ctx, x, r.error());
  auto g = co_await run_store(ctx, [&ctx, &user] { return ctx.oauth.grants(user); });
  if (!g) co_return error_response(ctx, x, g.error());
  json::array list;
  list.reserve(r->size() + g->size());
  for (const auto& s : *r) {
    const auto& rec = s.record;
    list.push_back(json::object{{"id", rec.id_hash},
                                {"kind", "browser"},
                                {"created_at", rec.created_at},
                                {"last_seen_at", rec.last_seen_at},
                                {"ip", rec.client.ip},
                                {"user_agent", rec.client.user_agent},
                                {"current", rec.id_hash == a->session.record.id_hash}});
  }
  for (const auto& grant : *g) list.push_back(grant_json(grant));
  co_return json_response(http::status::ok, json::object{{"sessions", std::move(list)}});
}

asio::awaitable<Response> revoke_session(const AppContext& ctx, Exchange& x) {
  auto a = co_await authenticate(ctx, x, true);
  if (!a) co_return std::move(a.error());
  const std::string user = a->session.record.user;
  const std::string& target = x.params.at(0);
  // An app grant (a refresh-token family id) or a browser session (an id hash): their lengths differ.
  const bool grant = target.size() == kGrantIdLength;
  auto r = co_await run_store(ctx, [&ctx, &user, &target, grant] {
    return grant ? ctx.oauth.revoke_grant(user, target) : ctx.auth.revoke_session(user, target);
  });
  if (!r) {
    // Someone else's session or grant, or none at all: one answer, 404.
    if (r.error().code == Errc::session_not_found)
      co_return error_response(x, http::status::not_found, "session_not_found",
                               public_error("session_not_found").message);
    co_return error_response(ctx, x, r.error());
  }
  if (!grant) ctx.metrics.add(Counter::sessions_revoked);
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
