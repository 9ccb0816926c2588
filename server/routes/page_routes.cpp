// The page routes (server/routes/page_routes.hpp).
#include "server/routes/page_routes.hpp"

#include <string>
#include <utility>

#include "server/error_table.hpp"
#include "server/pages.hpp"
#include "server/request.hpp"
#include "server/request_body.hpp"
#include "server/response.hpp"
#include "server/return_to.hpp"
#include "server/routes/login_call.hpp"

namespace tessera::server {
namespace {

// What the login page says after a failed attempt.
std::string login_message(const Error& e) {
  if (e.code == Errc::invalid_credentials) return "Wrong username or password.";
  if (e.code == Errc::throttled) return "Too many failed sign-ins. Wait a moment and try again.";
  return std::string(public_error(e.code).message);
}

Response login_form(http::status status, std::string_view return_to, std::string_view username,
                    std::string_view message) {
  return page_response(status, Page::login,
                       mstch::map{{"return_to", std::string(return_to)},
                                  {"username", std::string(username)},
                                  {"message", std::string(message)}});
}

// A form field that may be missing ("" then); the body was validated by read_fields.
std::string optional_field(const Exchange& x, std::string_view name, std::size_t max_body_bytes) {
  auto f = parse_body_fields("application/x-www-form-urlencoded", x.in.msg.body(), {name}, true, max_body_bytes);
  return f ? std::move(f->front()) : std::string();
}

Response cross_site_refusal(Exchange& x) {
  x.error = "csrf_failed";
  const PublicError pe = public_error("csrf_failed");
  return page_response(pe.status, Page::error,
                       mstch::map{{"error", std::string(pe.code)},
                                  {"message", std::string("This sign-in form was sent from another site.")}});
}

// 303 to return_to with the cookies, or the login page again with the error table's status,
// log line, metrics and Retry-After.
Response login_outcome(const AppContext& ctx, Exchange& x, const Result<LoginResult>& r, const std::string& return_to,
                       const std::string& user) {
  if (!r) {
    const Response refused = error_response(ctx, x, r.error());
    Response page = login_form(refused.result(), return_to, user, login_message(r.error()));
    if (auto retry = refused.find(http::field::retry_after); retry != refused.end())
      page.set(http::field::retry_after, retry->value());
    return page;
  }
  Response res{http::status::see_other, 11};
  res.set(http::field::location, return_to);
  set_login_cookies(ctx, x, res, *r);
  return res;
}

}  // namespace

bool is_form_post(const Request& msg) {
  const auto ct = header(msg, http::field::content_type);
  return ct && media_type(*ct) == "application/x-www-form-urlencoded";
}

asio::awaitable<Response> login_page(const AppContext&, Exchange& x) {
  const auto return_to = query_param(x.in.msg, "return_to");
  co_return login_form(http::status::ok, return_to && is_local_return_to(*return_to) ? *return_to : std::string(),
                       {}, {});
}

asio::awaitable<Response> form_login(const AppContext& ctx, Exchange& x) {
  const std::size_t max_body = ctx.cfg.http.max_body_bytes;
  // Login CSRF: a cross-site page must not log the browser into the attacker's account.
  if (!same_origin(x.in.msg, ctx.cfg.public_origin)) co_return cross_site_refusal(x);
  auto fields = read_fields(x, {"username", "password"}, true, max_body);
  const std::string return_to = safe_return_to(optional_field(x, "return_to", max_body));
  if (!fields) co_return login_form(public_error("malformed").status, return_to, {}, "Enter a username and a password.");
  auto r = co_await password_login(ctx, x, (*fields)[0], (*fields)[1]);
  co_return login_outcome(ctx, x, r, return_to, (*fields)[0]);
}

asio::awaitable<Response> stylesheet(const AppContext&, Exchange&) { co_return stylesheet_response(); }

std::span<const RouteEntry> page_route_table() {
  static constexpr RouteEntry kRoutes[] = {
      {http::verb::get, "/login", &login_page},
      {http::verb::get, kStylesheetPath, &stylesheet},
  };
  return kRoutes;
}

void add_page_routes(Router& r, const AppContext& ctx) { add_routes(r, ctx, page_route_table()); }

}  // namespace tessera::server
