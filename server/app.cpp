// App (server/app.hpp): dispatch, the store epoch gate, metrics and the request log.
#include "server/app.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <utility>

#include <boost/json.hpp>

#include "server/pages.hpp"
#include "server/request.hpp"
#include "server/response.hpp"
#include "server/routes/bff_app_routes.hpp"
#include "server/routes/bff_routes.hpp"
#include "server/routes/debugger_routes.hpp"
#include "server/routes/oauth_routes.hpp"
#include "server/routes/account_routes.hpp"
#include "server/routes/page_routes.hpp"
#include "server/routes/session_routes.hpp"
#include "server/routes/system_routes.hpp"

namespace tessera::server {

namespace json = boost::json;

std::vector<std::string> route_patterns() {
  std::vector<std::string> out;
  // One label per pattern (GET and POST /login share one), in the Router's order.
  for (auto table : {session_route_table(), system_route_table(), oauth_route_table(), page_route_table(),
                     debugger_route_table(), account_route_table(), bff_route_table(), bff_app_route_table()})
    for (const RouteEntry& row : table)
      if (std::find(out.begin(), out.end(), row.pattern) == out.end()) out.emplace_back(row.pattern);
  return out;
}

App::App(AppContext ctx) : ctx_(std::move(ctx)) {
  add_session_routes(router_, ctx_);
  add_system_routes(router_, ctx_);
  add_oauth_routes(router_, ctx_);
  add_page_routes(router_, ctx_);
  add_debugger_routes(router_, ctx_);
  add_account_routes(router_, ctx_);
  add_bff_routes(router_, ctx_);      // only with --bff-client
  add_bff_app_routes(router_, ctx_);  // only with --bff-client
}

void App::on_connection(int delta) noexcept {
  if (delta > 0) ctx_.metrics.connection_opened();
  else ctx_.metrics.connection_closed();
}

void App::on_accept_error(std::string_view error, std::uint64_t suppressed) noexcept {
  try {
    ctx_.log.log(LogLevel::warn, "accept failed",
                 json::object{{"listener", "public"}, {"error", error}, {"suppressed", suppressed}});
  } catch (...) {
  }
}

void App::record(std::size_t route, std::string_view method, const Response& res, double seconds, const Exchange* x,
                 std::string_view ip, std::string_view error_code) {
  const unsigned status = res.result_int();
  ctx_.metrics.observe(route, method, status, seconds);
  const LogLevel level = status >= 500 && status != 503 ? LogLevel::error : status == 503 ? LogLevel::warn : LogLevel::info;
  if (!ctx_.log.enabled(level)) return;
  json::object f;
  f["method"] = method.empty() ? std::string_view("-") : method.substr(0, 16);
  f["route"] = ctx_.metrics.route_label(route);
  f["status"] = status;
  f["latency_us"] = static_cast<std::int64_t>(seconds * 1e6);
  f["ip"] = ip;
  if (x && !x->session_hash.empty()) f["session"] = x->session_hash;
  if (!error_code.empty()) f["error"] = error_code;
  ctx_.log.log(level, "request", f);
}

asio::awaitable<Response> App::handle(Incoming& in) {
  const auto start = std::chrono::steady_clock::now();
  Exchange x{in, {}, client_info(in, ctx_.cfg.trust_proxy), {}, {}};
  auto m = router_.match(in.msg.method(), in.msg.target());
  std::size_t route = ctx_.metrics.other_route();
  Response res;
  const auto hosts = in.msg.count(http::field::host);
  if (hosts > 1 || (hosts == 0 && in.msg.version() >= 11)) {
    // RFC 9112 §3.2: exactly one Host in HTTP/1.1 (the same-origin checks rely on it).
    res = error_response(x, "malformed", "exactly one Host header is required");
  } else if (m.kind == Router::Match::Kind::found) {
    route = ctx_.metrics.route_index(m.pattern);
    x.params = std::move(m.params);
    bool failed = false;
    try {
      if (auto refused = co_await epoch_gate(x, m.pattern)) res = std::move(*refused);
      else res = co_await (*m.handler)(x);
    } catch (const std::exception& e) {
      ctx_.log.log(LogLevel::error, "internal error", json::object{{"detail", e.what()}});
      failed = true;
    }
    if (failed) res = error_response(x, "internal");
  } else if (m.kind == Router::Match::Kind::method_not_allowed) {
    route = ctx_.metrics.route_index(m.pattern);
    res = error_response(x, "method_not_allowed");
    res.set(http::field::allow, m.allow);
  } else {
    res = error_response(x, "not_found");
  }
  add_security_headers(res, in.tls);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  record(route, in.msg.method_string(), res, seconds, &x, x.client.ip, x.error);
  co_return res;
}

Response App::refuse(const Refused& r) {
  Response res = refusal_response(r.code);
  add_security_headers(res, r.tls);
  record(ctx_.metrics.other_route(), r.method, res, 0.0, nullptr, r.peer_ip, r.code);
  return res;
}

asio::awaitable<std::optional<Response>> App::epoch_gate(Exchange& x, std::string_view pattern) {
  // Health, readiness (which checks by itself), keys, the OAuth metadata, the stylesheet and
  // metrics do not touch the store.
  if (!ctx_.epoch || pattern == "/healthz" || pattern == "/readyz" || pattern == "/.well-known/jwks.json" ||
      pattern == "/metrics" || oauth_public_route(pattern) || pattern == kStylesheetPath)
    co_return std::nullopt;
  const auto state = co_await store_epoch(ctx_, false);
  if (state == EpochGuard::State::ready) co_return std::nullopt;
  const Error e = state == EpochGuard::State::unknown
                      ? Error(Errc::store_unavailable, "the store epoch could not be checked yet")
                      : Error(Errc::store_epoch_mismatch, "the store epoch is not ready");
  // The OAuth routes answer in their protocol's shape (or the error page), the others in ours.
  if (auto refused = oauth_refusal(ctx_, x, pattern, e)) co_return std::move(*refused);
  co_return error_response(ctx_, x, e);
}

}  // namespace tessera::server
