// Router and handlers of `tessera serve` (server/app.hpp, docs/server.md "HTTP API").
// Every AuthService / store call goes through run_store() (the store pool, or inline) or, when
// it hashes a password, run_blocking() on the password pool.
#include "server/app.hpp"

#include "server/error_table.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/ip/address.hpp>
#include <boost/json.hpp>

#include "tessera/json.hpp"
#include "server/client_ip.hpp"
#include "server/request_body.hpp"
#include "tessera/clock.hpp"
#include "tessera/cookie.hpp"
#include "tessera/device_cookie.hpp"

namespace tessera::server {
namespace {

namespace json = boost::json;
using asio::use_awaitable;

constexpr std::size_t kMaxUserAgent = 256;

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t pos = 1;  // after the leading '/'
  while (true) {
    const auto slash = path.find('/', pos);
    out.emplace_back(path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos));
    if (slash == std::string_view::npos) break;
    pos = slash + 1;
  }
  return out;
}

bool is_param(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The media type of a Content-Type value, lower-case, parameters dropped.
std::string media_type(std::string_view content_type) {
  return lower(trim(content_type.substr(0, content_type.find(';'))));
}

std::optional<std::string_view> header(const Request& msg, http::field f) {
  auto it = msg.find(f);
  if (it == msg.end()) return std::nullopt;
  return it->value();
}
std::optional<std::string_view> header(const Request& msg, std::string_view name) {
  auto it = msg.find(name);
  if (it == msg.end()) return std::nullopt;
  return it->value();
}

std::int64_t now_seconds() { return SystemClock::instance().now(); }

// The value of the cookie called name in the request's Cookie header(s), if any. A header that
// cannot be parsed counts as no cookie at all.
std::optional<std::string> request_cookie(const Request& msg, std::string_view name) {
  std::string cookie_header;
  for (auto it = msg.begin(); it != msg.end(); ++it) {
    if (it->name() != http::field::cookie) continue;
    if (!cookie_header.empty()) cookie_header += "; ";
    cookie_header += it->value();
  }
  if (cookie_header.empty()) return std::nullopt;
  auto cookies = parse_cookie_header(cookie_header);
  if (!cookies) return std::nullopt;
  return find_cookie(*cookies, name);
}

// Set-Cookie for a device cookie (include/tessera/device_cookie.hpp): __Host-, Secure, HttpOnly,
// SameSite=Strict (only /login, a same-origin POST, needs it), kept for the cookie's lifetime.
std::string device_set_cookie(std::string_view value) {
  CookieOptions o;
  o.name = std::string(kDeviceCookieName);
  o.same_site = SameSite::strict;
  o.max_age = kDeviceCookieMaxAge;
  auto c = set_cookie(o, value);
  return c ? *c : std::string();
}

json::object session_json(const SessionRecord& r) {
  return json::object{{"id", r.id_hash},
                      {"created_at", r.created_at},
                      {"last_seen_at", r.last_seen_at},
                      {"idle_expires_at", r.idle_expires_at},
                      {"absolute_expires_at", r.absolute_expires_at}};
}

}  // namespace

// ---------------------------------------------------------------------------------- Router

void Router::add(http::verb method, std::string pattern, Handler handler) {
  auto segments = split_path(pattern);
  routes_.push_back(Route{method, std::move(pattern), std::move(segments), std::move(handler)});
}

Router::Match Router::match(http::verb method, std::string_view target) const {
  Match out;
  const std::string_view path = target.substr(0, target.find('?'));
  if (path.empty() || path.front() != '/') return out;
  const auto segments = split_path(path);

  // Specificity: a bit per segment, set for literals, earlier segments higher.
  auto score = [](const Route& r) {
    std::uint64_t s = 0;
    for (std::size_t i = 0; i < r.segments.size() && i < 63; ++i)
      s |= static_cast<std::uint64_t>(!is_param(r.segments[i])) << (62 - i);
    return s;
  };
  const Route* best_path = nullptr;    // best pattern matching the path, any method
  const Route* best_method = nullptr;  // best pattern matching path and method
  std::vector<std::string> allowed;
  for (const auto& r : routes_) {
    if (r.segments.size() != segments.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; ok && i < segments.size(); ++i)
      ok = is_param(r.segments[i]) ? !segments[i].empty() : r.segments[i] == segments[i];
    if (!ok) continue;
    if (!best_path || score(r) > score(*best_path)) best_path = &r;
    if (r.method == method && (!best_method || score(r) > score(*best_method))) best_method = &r;
    const std::string name(http::to_string(r.method));
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) allowed.push_back(name);
  }
  if (best_method) {
    out.kind = Match::Kind::found;
    out.handler = &best_method->handler;
    out.pattern = best_method->pattern;
    for (std::size_t i = 0; i < segments.size(); ++i)
      if (is_param(best_method->segments[i])) out.params.push_back(segments[i]);
    return out;
  }
  if (best_path) {
    out.kind = Match::Kind::method_not_allowed;
    out.pattern = best_path->pattern;
    std::sort(allowed.begin(), allowed.end());
    for (const auto& a : allowed) {
      if (!out.allow.empty()) out.allow += ", ";
      out.allow += a;
    }
  }
  return out;
}

std::vector<std::string> Router::patterns() const {
  std::vector<std::string> out;
  for (const auto& r : routes_)
    if (std::find(out.begin(), out.end(), r.pattern) == out.end()) out.push_back(r.pattern);
  return out;
}

// ---------------------------------------------------------------------------------- responses

Response json_response(http::status status, const json::value& body) {
  Response res{status, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = json::serialize(body);
  return res;
}

void App::finalize(Response& res, bool tls) { add_security_headers(res, tls); }

void add_security_headers(Response& res, bool tls) {
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'");
  res.set("X-Frame-Options", "DENY");
  if (res.find(http::field::cache_control) == res.end()) res.set(http::field::cache_control, "no-store");
  if (tls) res.set(http::field::strict_transport_security, "max-age=31536000");
}

Response App::error(Exchange& x, http::status status, std::string_view code, std::string_view message) {
  x.error = std::string(code);
  return json_response(status, json::object{{"error", code}, {"message", message}});
}

Response App::error(Exchange& x, std::string_view code, std::string_view message) {
  const PublicError pe = public_error(code);
  return error(x, pe.status, pe.code, message.empty() ? pe.message : message);
}

Response App::error(Exchange& x, const Error& e) {
  const std::string_view code = e.name();
  const PublicError pe = public_error(e.code);
  const http::status status = pe.status;
  const std::string_view sent = pe.code;
  if (e.code == Errc::store_unavailable) {
    metrics_.add(Counter::store_errors);
    ctx_.log->log(LogLevel::error, "store error",
                  json::object{{"error", code}, {"detail", e.message}, {"path", std::string(x.in.msg.target().substr(0, std::min<std::size_t>(x.in.msg.target().find('?'), 128)))}});
  } else if (status == http::status::internal_server_error) {
    ctx_.log->log(LogLevel::error, "internal error", json::object{{"error", code}, {"detail", e.message}});
  } else if (ctx_.log->enabled(LogLevel::debug)) {
    ctx_.log->log(LogLevel::debug, "request refused", json::object{{"error", code}, {"detail", e.message}});
  }
  const std::string_view text = e.code == Errc::invalid_argument ? std::string_view(e.message) : pe.message;
  Response res = error(x, status, sent, text);
  if (e.code == Errc::throttled) res.set(http::field::retry_after, std::to_string(std::max<std::int64_t>(1, e.retry_after)));
  return res;
}

std::string App::cookie_for(const Session& s, std::string_view id) const {
  CookieOptions o;
  o.max_age = std::max<std::int64_t>(0, s.record.absolute_expires_at - now_seconds());
  auto c = set_cookie(o, id);
  return c ? *c : std::string();
}

std::string App::deletion_cookie_value() const {
  auto c = deletion_cookie(CookieOptions{});
  return c ? *c : std::string();
}

Response App::login_outcome(Exchange& x, const Result<LoginResult>& r) {
  if (!r) {
    if (r.error().code == Errc::invalid_credentials) metrics_.add(Counter::logins_failed);
    if (r.error().code == Errc::throttled) metrics_.add(Counter::logins_throttled);
    return error(x, r.error());
  }
  metrics_.add(Counter::sessions_created);
  return logged_in(x, *r);
}

Response App::logged_in(Exchange& x, const LoginResult& r) {
  const auto& rec = r.session.session.record;
  x.session_hash = rec.id_hash;
  Response res = json_response(http::status::ok,
                               json::object{{"user", rec.user},
                                            {"csrf_token", r.csrf_token},
                                            {"expires_at", std::min(rec.idle_expires_at, rec.absolute_expires_at)}});
  res.set(http::field::set_cookie, cookie_for(r.session.session, r.session.id));
  if (!r.device_cookie.empty()) res.insert(http::field::set_cookie, device_set_cookie(r.device_cookie));
  return res;
}

// ---------------------------------------------------------------------------------- App

App::App(AppContext ctx) : ctx_(std::move(ctx)), router_(routes()), metrics_(router_.patterns()) {}

Router App::routes() {
  Router r;
  auto bind = [this](asio::awaitable<Response> (App::*h)(Exchange&)) {
    return [this, h](Exchange& x) { return (this->*h)(x); };
  };
  r.add(http::verb::post, "/login", bind(&App::login));
  r.add(http::verb::get, "/session", bind(&App::get_session));
  r.add(http::verb::post, "/logout", bind(&App::logout));
  r.add(http::verb::get, "/sessions", bind(&App::list_sessions));
  r.add(http::verb::delete_, "/sessions/{id}", bind(&App::revoke_session));
  r.add(http::verb::post, "/sessions/revoke-others", bind(&App::revoke_others));
  r.add(http::verb::post, "/logout-everywhere", bind(&App::logout_everywhere));
  r.add(http::verb::post, "/password", bind(&App::change_password));
  r.add(http::verb::get, "/.well-known/jwks.json", bind(&App::jwks));
  r.add(http::verb::get, "/healthz", bind(&App::healthz));
  r.add(http::verb::get, "/readyz", bind(&App::readyz));
  return r;
}

void App::on_connection(int delta) noexcept {
  if (delta > 0) metrics_.connection_opened();
  else metrics_.connection_closed();
}

void App::on_accept_error(std::string_view error, std::uint64_t suppressed) noexcept {
  try {
    ctx_.log->log(LogLevel::warn, "accept failed",
                  json::object{{"listener", "public"}, {"error", error}, {"suppressed", suppressed}});
  } catch (...) {
  }
}

ClientInfo App::client_info(const Incoming& in) const {
  ClientInfo c;
  c.ip = in.peer_ip;
  if (ctx_.cfg->trust_proxy) {
    // The last X-Forwarded-For entry: the address the trusted proxy saw.
    std::string_view last;
    for (auto it = in.msg.begin(); it != in.msg.end(); ++it)
      if (beast::iequals(it->name_string(), "X-Forwarded-For")) last = it->value();
    if (const auto comma = last.rfind(','); comma != std::string_view::npos) last = last.substr(comma + 1);
    if (auto ip = normalize_ip(trim(last))) c.ip = std::move(*ip);
  }
  if (auto ua = header(in.msg, http::field::user_agent)) c.user_agent = std::string(ua->substr(0, kMaxUserAgent));
  return c;
}

void App::record(std::size_t route, std::string_view method, const Response& res, double seconds, const Exchange* x,
                 std::string_view ip, std::string_view error_code) {
  const unsigned status = res.result_int();
  metrics_.observe(route, method, status, seconds);
  const LogLevel level = status >= 500 && status != 503 ? LogLevel::error : status == 503 ? LogLevel::warn : LogLevel::info;
  if (!ctx_.log->enabled(level)) return;
  json::object f;
  f["method"] = method.empty() ? std::string_view("-") : method.substr(0, 16);
  f["route"] = metrics_.route_label(route);
  f["status"] = status;
  f["latency_us"] = static_cast<std::int64_t>(seconds * 1e6);
  f["ip"] = ip;
  if (x && !x->session_hash.empty()) f["session"] = x->session_hash;
  if (!error_code.empty()) f["error"] = error_code;
  ctx_.log->log(level, "request", f);
}

asio::awaitable<Response> App::handle(Incoming& in) {
  const auto start = std::chrono::steady_clock::now();
  Exchange x{in, {}, client_info(in), {}, {}};
  auto m = router_.match(in.msg.method(), in.msg.target());
  std::size_t route = metrics_.other_route();
  Response res;
  const auto hosts = in.msg.count(http::field::host);
  if (hosts > 1 || (hosts == 0 && in.msg.version() >= 11)) {
    // RFC 9112 §3.2: exactly one Host in HTTP/1.1 (the same-origin checks rely on it).
    res = error(x, "malformed", "exactly one Host header is required");
  } else if (m.kind == Router::Match::Kind::found) {
    route = metrics_.route_index(m.pattern);
    x.params = std::move(m.params);
    bool failed = false;
    try {
      if (auto refused = co_await epoch_gate(x, m.pattern)) res = std::move(*refused);
      else res = co_await (*m.handler)(x);
    } catch (const std::exception& e) {
      ctx_.log->log(LogLevel::error, "internal error", json::object{{"detail", e.what()}});
      failed = true;
    }
    if (failed) res = error(x, "internal");
  } else if (m.kind == Router::Match::Kind::method_not_allowed) {
    route = metrics_.route_index(m.pattern);
    res = error(x, "method_not_allowed");
    res.set(http::field::allow, m.allow);
  } else {
    res = error(x, "not_found");
  }
  finalize(res, in.tls);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  record(route, in.msg.method_string(), res, seconds, &x, x.client.ip, x.error);
  co_return res;
}

Response App::refuse(const Refused& r) {
  const PublicError pe = public_error(r.code);
  Response res = json_response(pe.status, json::object{{"error", pe.code}, {"message", pe.message}});
  finalize(res, r.tls);
  record(metrics_.other_route(), r.method, res, 0.0, nullptr, r.peer_ip, r.code);
  return res;
}

// ---------------------------------------------------------------------------------- helpers

bool App::same_origin(const Exchange& x) const {
  std::vector<std::string> allowed;
  if (!ctx_.cfg->public_origin.empty()) {
    allowed.push_back(ctx_.cfg->public_origin);
  } else if (auto host = header(x.in.msg, http::field::host)) {
    allowed.push_back("http://" + std::string(*host));
    allowed.push_back("https://" + std::string(*host));
  }
  return same_origin_request(header(x.in.msg, "Sec-Fetch-Site"), header(x.in.msg, http::field::origin), allowed, true);
}

asio::awaitable<std::expected<App::Authed, Response>> App::authenticate(Exchange& x, bool state_changing) {
  std::optional<std::string> id = request_cookie(x.in.msg, CookieOptions{}.name);
  if (!id || id->empty())
    co_return std::unexpected(error(x, "unauthenticated"));

  // (Not a conditional expression: g++ 12 miscompiles co_await inside ?:.)
  Result<Session> s = fail(Errc::internal);
  if (ctx_.readers.empty()) {
    s = co_await run_store(ctx_, [this, &id] { return ctx_.auth->authenticate(*id); });
  } else {
    s = co_await await_completion<Session>([this, &id, lane = x.in.lane](Completion<Session> done) {
      ctx_.auth->authenticate(*id, *ctx_.readers.at(lane), std::move(done));
    });
  }
  if (!s) co_return std::unexpected(error(x, s.error()));
  metrics_.add(Counter::sessions_validated);
  x.session_hash = s->record.id_hash;

  if (state_changing) {
    const auto token = header(x.in.msg, "X-CSRF-Token");
    if (!token || !ctx_.sessions->check_csrf(*s, *token) || !same_origin(x))
      co_return std::unexpected(error(x, "csrf_failed"));
  }
  co_return Authed{std::move(*id), std::move(*s)};
}

std::expected<std::vector<std::string>, Response> App::read_fields(Exchange& x, std::vector<std::string_view> names,
                                                                   bool allow_form) {
  const auto& msg = x.in.msg;
  const auto ct = header(msg, http::field::content_type);
  const std::string type = ct ? media_type(*ct) : std::string();
  auto fields = parse_body_fields(type, msg.body(), names, allow_form, ctx_.cfg->http.max_body_bytes);
  if (fields) return std::move(*fields);
  if (fields.error().unsupported_media_type)
    return std::unexpected(error(x, "unsupported_media_type", fields.error().why));
  return std::unexpected(error(x, "malformed", fields.error().why));
}

// ---------------------------------------------------------------------------------- handlers

asio::awaitable<Response> App::login(Exchange& x) {
  // Login CSRF: a cross-site page must not log the browser into the attacker's account.
  if (!same_origin(x)) co_return error(x, "csrf_failed");
  auto fields = read_fields(x, {"username", "password"}, true);
  if (!fields) co_return std::move(fields.error());
  const std::string& user = (*fields)[0];
  const std::string& password = (*fields)[1];
  // The device cookie picks the throttle key (its own, or the account's when absent or invalid).
  const std::string device = request_cookie(x.in.msg, kDeviceCookieName).value_or(std::string());
  auto r = co_await run_blocking(*ctx_.password_pool, [this, &user, &password, &x, &device] {
    return ctx_.auth->login(user, password, x.client, device);
  });
  co_return login_outcome(x, r);
}

asio::awaitable<Response> App::get_session(Exchange& x) {
  auto a = co_await authenticate(x, false);
  if (!a) co_return std::move(a.error());
  const auto& rec = a->session.record;
  co_return json_response(http::status::ok, json::object{{"user", rec.user},
                                                         {"session", session_json(rec)},
                                                         {"csrf_token", ctx_.sessions->csrf_token(a->session)}});
}

asio::awaitable<Response> App::logout(Exchange& x) {
  auto a = co_await authenticate(x, true);
  if (!a) co_return std::move(a.error());
  auto r = co_await run_store(ctx_, [this, &a] { return ctx_.auth->logout(a->id); });
  if (!r) co_return error(x, r.error());
  metrics_.add(Counter::sessions_revoked);
  Response res{http::status::no_content, 11};
  res.set(http::field::set_cookie, deletion_cookie_value());
  co_return res;
}

asio::awaitable<Response> App::list_sessions(Exchange& x) {
  auto a = co_await authenticate(x, false);
  if (!a) co_return std::move(a.error());
  const std::string user = a->session.record.user;
  auto r = co_await run_store(ctx_, [this, &user] { return ctx_.auth->sessions(user); });
  if (!r) co_return error(x, r.error());
  json::array list;
  list.reserve(r->size());
  for (const auto& s : *r) {
    const auto& rec = s.record;
    list.push_back(json::object{{"id", rec.id_hash},
                                {"created_at", rec.created_at},
                                {"last_seen_at", rec.last_seen_at},
                                {"ip", rec.client.ip},
                                {"user_agent", rec.client.user_agent},
                                {"current", rec.id_hash == a->session.record.id_hash}});
  }
  co_return json_response(http::status::ok, json::object{{"sessions", std::move(list)}});
}

asio::awaitable<Response> App::revoke_session(Exchange& x) {
  auto a = co_await authenticate(x, true);
  if (!a) co_return std::move(a.error());
  const std::string user = a->session.record.user;
  const std::string& target = x.params.at(0);
  auto r = co_await run_store(ctx_, [this, &user, &target] { return ctx_.auth->revoke_session(user, target); });
  if (!r) {
    // Someone else's session or no session at all: one answer, 404.
    if (r.error().code == Errc::session_not_found)
      co_return error(x, http::status::not_found, "session_not_found", public_error("session_not_found").message);
    co_return error(x, r.error());
  }
  metrics_.add(Counter::sessions_revoked);
  Response res{http::status::no_content, 11};
  if (target == a->session.record.id_hash) res.set(http::field::set_cookie, deletion_cookie_value());
  co_return res;
}

asio::awaitable<Response> App::revoke_others(Exchange& x) {
  auto a = co_await authenticate(x, true);
  if (!a) co_return std::move(a.error());
  const std::string user = a->session.record.user;
  auto r = co_await run_store(ctx_, [this, &user, &a] { return ctx_.auth->revoke_others(user, a->id); });
  if (!r) co_return error(x, r.error());
  metrics_.add(Counter::sessions_revoked, *r);
  co_return json_response(http::status::ok, json::object{{"revoked", *r}});
}

asio::awaitable<Response> App::logout_everywhere(Exchange& x) {
  auto a = co_await authenticate(x, true);
  if (!a) co_return std::move(a.error());
  const std::string user = a->session.record.user;
  auto r = co_await run_store(ctx_, [this, &user] { return ctx_.auth->logout_everywhere(user); });
  if (!r) co_return error(x, r.error());
  metrics_.add(Counter::sessions_revoked, *r);
  Response res = json_response(http::status::ok, json::object{{"revoked", *r}});
  res.set(http::field::set_cookie, deletion_cookie_value());
  co_return res;
}

asio::awaitable<Response> App::change_password(Exchange& x) {
  auto a = co_await authenticate(x, true);
  if (!a) co_return std::move(a.error());
  auto fields = read_fields(x, {"current_password", "new_password"}, false);
  if (!fields) co_return std::move(fields.error());
  const std::string& current = (*fields)[0];
  const std::string& next = (*fields)[1];
  auto r = co_await run_blocking(*ctx_.password_pool,
                            [this, &a, &current, &next] { return ctx_.auth->change_password(a->id, current, next); });
  co_return login_outcome(x, r);
}

asio::awaitable<Response> App::jwks(Exchange&) {
  Response res{http::status::ok, 11};
  res.set(http::field::content_type, "application/json");
  res.set(http::field::cache_control, "public, max-age=300");
  res.body() = ctx_.jwks_json;
  co_return res;
}

asio::awaitable<Response> App::healthz(Exchange&) {
  co_return json_response(http::status::ok, json::object{{"status", "ok"}});
}

asio::awaitable<std::optional<Response>> App::epoch_gate(Exchange& x, std::string_view pattern) {
  // Health, readiness (which checks by itself), keys and metrics do not touch the store.
  if (!ctx_.epoch || pattern == "/healthz" || pattern == "/readyz" || pattern == "/.well-known/jwks.json" ||
      pattern == "/metrics")
    co_return std::nullopt;
  auto state = ctx_.epoch->state();
  if (state == EpochGuard::State::unknown) {
    auto checked = co_await run_store(ctx_, [this]() -> Result<EpochGuard::State> { return ctx_.epoch->check(); });
    if (checked) state = *checked;
  }
  if (state == EpochGuard::State::ready) co_return std::nullopt;
  if (state == EpochGuard::State::unknown)
    co_return error(x, Error(Errc::store_unavailable, "the store epoch could not be checked yet"));
  co_return error(x, Error(Errc::store_epoch_mismatch, "the store epoch is not ready"));
}

asio::awaitable<Response> App::readyz(Exchange& x) {
  if (ctx_.epoch) {
    // One marker read per probe, so that a store that lost its data is noticed at once.
    auto state = co_await run_store(ctx_, [this]() -> Result<EpochGuard::State> { return ctx_.epoch->check(); });
    if (state && *state == EpochGuard::State::not_ready)
      co_return error(x, Error(Errc::store_epoch_mismatch, "the store epoch is not ready"));
  }
  auto r = co_await run_store(ctx_, [this]() -> Result<void> {
    if (ctx_.epoch && ctx_.epoch->state() != EpochGuard::State::ready)
      return fail(Errc::store_unavailable, "the store epoch could not be checked");
    if (auto s = ctx_.session_store->ping(); !s) return s;
    return ctx_.user_store->ping();
  });
  if (!r) {
    Error e = r.error();
    if (e.code != Errc::store_unavailable) e = Error(Errc::store_unavailable, e.message);
    co_return error(x, e);
  }
  co_return json_response(http::status::ok, json::object{{"status", "ok"}});
}


}  // namespace tessera::server
