// Response helpers (server/response.hpp).
#include "server/response.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "server/error_table.hpp"
#include "tessera/cookie.hpp"
#include "tessera/device_cookie.hpp"

namespace tessera::server {

namespace json = boost::json;

Response json_response(http::status status, const json::value& body) {
  Response res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = json::serialize(body);
  return res;
}

void add_security_headers(Response& res, bool tls) {
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  // Pages set their own policy (server/pages.hpp); everything else loads nothing.
  if (res.find("Content-Security-Policy") == res.end())
    res.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  res.set("X-Frame-Options", "DENY");
  if (res.find(http::field::cache_control) == res.end()) res.set(http::field::cache_control, "no-store");
  if (tls) res.set(http::field::strict_transport_security, "max-age=31536000");
}

Response error_response(Exchange& x, http::status status, std::string_view code, std::string_view message) {
  x.error = std::string(code);
  return json_response(status, json::object{{"error", code}, {"message", message}});
}

Response error_response(Exchange& x, std::string_view code, std::string_view message) {
  const PublicError pe = public_error(code);
  return error_response(x, pe.status, pe.code, message.empty() ? pe.message : message);
}

Response refusal_response(std::string_view code) {
  const PublicError pe = public_error(code);
  return json_response(pe.status, json::object{{"error", pe.code}, {"message", pe.message}});
}

void note_error(const AppContext& ctx, Exchange& x, const Error& e) {
  const std::string_view code = e.name();
  const PublicError pe = public_error(e.code);
  x.error = std::string(pe.code);
  if (e.code == Errc::store_unavailable) {
    ctx.metrics.add(Counter::store_errors);
    const auto target = x.in.msg.target();
    ctx.log.log(LogLevel::error, "store error",
                json::object{{"error", code},
                             {"detail", e.message},
                             {"path", std::string(target.substr(0, std::min<std::size_t>(target.find('?'), 128)))}});
  } else if (pe.status == http::status::internal_server_error) {
    ctx.log.log(LogLevel::error, "internal error", json::object{{"error", code}, {"detail", e.message}});
  } else if (ctx.log.enabled(LogLevel::debug)) {
    ctx.log.log(LogLevel::debug, "request refused", json::object{{"error", code}, {"detail", e.message}});
  }
}

Response error_response(const AppContext& ctx, Exchange& x, const Error& e) {
  note_error(ctx, x, e);
  const PublicError pe = public_error(e.code);
  const std::string_view text = e.code == Errc::invalid_argument ? std::string_view(e.message) : pe.message;
  Response res = error_response(x, pe.status, pe.code, text);
  if (e.code == Errc::throttled) res.set(http::field::retry_after, std::to_string(std::max<std::int64_t>(1, e.retry_after)));
  return res;
}

std::string session_cookie(const Session& s, std::string_view id, std::int64_t now) {
  CookieOptions o;
  o.max_age = std::max<std::int64_t>(0, s.record.absolute_expires_at - now);
  auto c = set_cookie(o, id);
  return c ? *c : std::string();
}

std::string session_deletion_cookie() {
  auto c = deletion_cookie(CookieOptions{});
  return c ? *c : std::string();
}

std::string device_set_cookie(std::string_view value) {
  CookieOptions o;
  o.name = std::string(kDeviceCookieName);
  o.same_site = SameSite::strict;
  o.max_age = kDeviceCookieMaxAge;
  auto c = set_cookie(o, value);
  return c ? *c : std::string();
}

}  // namespace tessera::server
