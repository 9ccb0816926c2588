// The account page and its forms (server/routes/account_routes.hpp).
#include "server/routes/account_routes.hpp"

#include <algorithm>
#include <ctime>
#include <optional>
#include <string>
#include <utility>

#include "server/error_table.hpp"
#include "server/pages.hpp"
#include "server/request.hpp"
#include "server/request_body.hpp"
#include "server/response.hpp"
#include "server/routes/authenticate.hpp"
#include "server/routes/devices.hpp"
#include "server/routes/login_call.hpp"
#include "server/routes/oauth_pages.hpp"
#include "server/routes/page_routes.hpp"

namespace tessera::server {
namespace {

// What ?notice= may say; anything else shows nothing.
std::string notice_text(std::string_view code) {
  if (code == "revoked") return "The device was signed out.";
  if (code == "signed_out_others") return "Every other device was signed out.";
  if (code == "password_changed") return "Your password was changed, and every other device was signed out.";
  return {};
}

// What the page says when a form is refused.
std::string refusal_text(const Error& e) {
  switch (e.code) {
    case Errc::csrf_failed: return "This form was sent from another site or has expired. Reload the page and try again.";
    case Errc::invalid_credentials: return "The current password is wrong.";
    case Errc::weak_password: return "The new password is too short or too long.";
    case Errc::throttled: return "Too many wrong passwords. Wait a moment and try again.";
    case Errc::session_not_found: return "That device is not signed in any more.";
    case Errc::invalid_argument: return "Enter your current password and a new one.";
    default: return std::string(public_error(e.code).message);
  }
}

// A time as the page shows it (UTC).
std::string show_time(std::int64_t t) {
  if (t <= 0) return "—";
  const std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  if (!::gmtime_r(&tt, &tm)) return "—";
  char buf[32];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return std::string(buf, n);
}

mstch::map device_context(const Device& d) {
  return mstch::map{{"id", d.id},
                    {"kind", std::string(d.app ? "App" : "Browser")},
                    {"app", d.app},
                    {"client_name", d.client_name},
                    {"ip", d.ip.empty() ? std::string("—") : d.ip},
                    {"user_agent", d.user_agent.empty() ? std::string("—") : d.user_agent},
                    {"created", show_time(d.created_at)},
                    {"last_used", show_time(d.last_seen_at)},
                    {"current", d.current}};
}

Response see_other(std::string_view location) {
  Response res{http::status::see_other, 11};
  res.set(http::field::location, location);
  return res;
}

// The account page for this session, with a message (a refusal) or a notice (a success).
asio::awaitable<Response> render_account(const AppContext& ctx, Exchange& x, const Authed& a, http::status status,
                                         std::string message, std::string notice) {
  const auto& rec = a.session.record;
  auto devices = co_await list_devices(ctx, rec.user, rec.id_hash);
  if (!devices) co_return error_page(ctx, x, public_error(devices.error().code).status, devices.error());
  mstch::array list;
  for (const Device& d : *devices) list.push_back(device_context(d));
  co_return page_response(status, Page::account,
                          mstch::map{{"user", rec.user},
                                     {"csrf_token", ctx.auth.csrf_token(a.session)},
                                     {"message", std::move(message)},
                                     {"notice", std::move(notice)},
                                     {"devices", std::move(list)}});
}

// The account page again after a refused form: the error's status (the error table's, unless
// given), message, log line and metrics (Retry-After when throttled).
asio::awaitable<Response> refused(const AppContext& ctx, Exchange& x, const Authed& a, const Error& e,
                                  std::optional<http::status> status = std::nullopt) {
  note_error(ctx, x, e);
  std::string text = refusal_text(e);
  const http::status code = status.value_or(public_error(e.code).status);
  Response res = co_await render_account(ctx, x, a, code, std::move(text), std::string());
  if (e.code == Errc::throttled) res.set(http::field::retry_after, std::to_string(std::max<std::int64_t>(1, e.retry_after)));
  co_return res;
}

// One field of the form body, or nullopt when it is missing (or the body is no form).
std::optional<std::string> form_field(const AppContext& ctx, const Exchange& x, std::string_view name) {
  if (!is_form_post(x.in.msg)) return std::nullopt;
  auto f = parse_body_fields("application/x-www-form-urlencoded", x.in.msg.body(), {name}, true,
                             ctx.cfg.http.max_body_bytes);
  if (!f) return std::nullopt;
  return std::move(f->front());
}

// The session behind a form POST, after the CSRF rule (the csrf_token field and the same-origin
// headers); otherwise the answer: 303 to the login page without a live session, the account
// page with the refusal when the CSRF rule fails.
asio::awaitable<std::expected<Authed, Response>> form_session(const AppContext& ctx, Exchange& x) {
  auto s = co_await optional_session(ctx, x);
  if (!s) co_return std::unexpected(error_page(ctx, x, public_error(s.error().code).status, s.error()));
  if (!*s) co_return std::unexpected(see_other(kLoginForAccount));
  const bool same = same_origin(x.in.msg, ctx.cfg.public_origin);
  const auto token = form_field(ctx, x, "csrf_token");
  std::optional<std::string_view> presented;
  if (token) presented = *token;
  if (auto ok = ctx.auth.check_csrf((**s).session, presented, same); !ok)
    co_return std::unexpected(co_await refused(ctx, x, **s, ok.error()));
  co_return std::move(**s);
}

}  // namespace

asio::awaitable<Response> home(const AppContext& ctx, Exchange& x) {
  auto s = co_await optional_session(ctx, x);
  if (!s) co_return error_page(ctx, x, public_error(s.error().code).status, s.error());
  if (*s) co_return see_other(kAccountPath);
  co_return see_other(kLoginForAccount);
}

asio::awaitable<Response> account_page(const AppContext& ctx, Exchange& x) {
  auto s = co_await optional_session(ctx, x);
  if (!s) co_return error_page(ctx, x, public_error(s.error().code).status, s.error());
  if (!*s) co_return see_other(kLoginForAccount);
  std::string notice;
  if (const auto code = query_param(x.in.msg, "notice")) notice = notice_text(*code);
  co_return co_await render_account(ctx, x, **s, http::status::ok, std::string(), std::move(notice));
}

asio::awaitable<Response> account_revoke_device(const AppContext& ctx, Exchange& x) {
  auto a = co_await form_session(ctx, x);
  if (!a) co_return std::move(a.error());
  const auto device = form_field(ctx, x, "device");
  if (!device)
    co_return co_await refused(ctx, x, *a, Error(Errc::session_not_found, "no device named"), http::status::not_found);
  auto r = co_await revoke_device(ctx, a->session.record.user, *device);
  if (!r) {
    // Someone else's device, or none at all: one answer, 404 (as DELETE /sessions/{id}).
    if (r.error().code == Errc::session_not_found)
      co_return co_await refused(ctx, x, *a, r.error(), http::status::not_found);
    co_return co_await refused(ctx, x, *a, r.error());
  }
  if (*device != a->session.record.id_hash) co_return see_other("/account?notice=revoked");
  // This browser's own session: signed out.
  Response res = see_other(kLoginForAccount);
  res.set(http::field::set_cookie, session_deletion_cookie());
  co_return res;
}

asio::awaitable<Response> account_sign_out_others(const AppContext& ctx, Exchange& x) {
  auto a = co_await form_session(ctx, x);
  if (!a) co_return std::move(a.error());
  const std::string user = a->session.record.user;
  auto r = co_await run_store(ctx, [&ctx, &user, &a] { return ctx.auth.revoke_others(user, a->id); });
  if (!r) co_return co_await refused(ctx, x, *a, r.error());
  ctx.metrics.add(Counter::sessions_revoked, *r);
  co_return see_other("/account?notice=signed_out_others");
}

asio::awaitable<Response> account_sign_out_everywhere(const AppContext& ctx, Exchange& x) {
  auto a = co_await form_session(ctx, x);
  if (!a) co_return std::move(a.error());
  const std::string user = a->session.record.user;
  auto r = co_await run_store(ctx, [&ctx, &user] { return ctx.auth.logout_everywhere(user); });
  if (!r) co_return co_await refused(ctx, x, *a, r.error());
  ctx.metrics.add(Counter::sessions_revoked, *r);
  Response res = see_other(kLoginForAccount);
  res.set(http::field::set_cookie, session_deletion_cookie());
  co_return res;
}

asio::awaitable<Response> account_change_password(const AppContext& ctx, Exchange& x) {
  auto a = co_await form_session(ctx, x);
  if (!a) co_return std::move(a.error());
  const auto current = form_field(ctx, x, "current_password");
  const auto next = form_field(ctx, x, "new_password");
  if (!current || !next)
    co_return co_await refused(ctx, x, *a, Error(Errc::invalid_argument, "current_password and new_password"));
  auto r = co_await run_blocking(ctx.password_pool,
                                 [&ctx, &a, &current, &next] { return ctx.auth.change_password(a->id, *current, *next); });
  count_login(ctx, r);
  if (!r) co_return co_await refused(ctx, x, *a, r.error());
  Response res = see_other("/account?notice=password_changed");
  set_login_cookies(ctx, x, res, *r);
  co_return res;
}

std::span<const RouteEntry> account_route_table() {
  static constexpr RouteEntry kRoutes[] = {
      {http::verb::get, "/", &home},
      {http::verb::get, kAccountPath, &account_page},
      {http::verb::post, "/account/devices/revoke", &account_revoke_device},
      {http::verb::post, "/account/sign-out-others", &account_sign_out_others},
      {http::verb::post, "/account/sign-out-everywhere", &account_sign_out_everywhere},
      {http::verb::post, "/account/password", &account_change_password},
  };
  return kRoutes;
}

void add_account_routes(Router& r, const AppContext& ctx) { add_routes(r, ctx, account_route_table()); }

}  // namespace tessera::server
