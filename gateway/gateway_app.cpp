// GatewayApp (gateway/gateway_app.hpp).
#include "gateway/gateway_app.hpp"

#include <chrono>
#include <optional>
#include <random>
#include <utility>

#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "gateway/forwarding.hpp"
#include "server/app_context.hpp"
#include "server/response.hpp"
#include "tessera/dpop.hpp"

namespace tessera::gateway {

namespace json = boost::json;
using server::LogLevel;

struct GatewayApp::Outcome {
  std::string request_id;
  std::string_view result = "forwarded";
  std::string reason;     // why it was refused or failed (an error code or the upstream's failure)
  const Principal* principal = nullptr;
  double upstream_seconds = -1;
  bool offloaded = false;
};

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// What decides whether the token's key is cached: "j:" + a JWT's header segment, "p:" + a
// PASETO v4.public token's footer; "" when there is no single token to check (nothing can
// block: the refusal is immediate); nullopt for an opaque token (introspection).
std::optional<std::string> token_shape(const Request& req) {
  if (req.count(http::field::authorization) != 1) return std::string();
  const std::string_view v = trim(req[http::field::authorization]);
  const auto space = v.find(' ');
  if (space == std::string_view::npos) return std::string();
  const std::string_view token = trim(v.substr(space + 1));
  constexpr std::string_view kPaseto = "v4.public.";
  if (token.starts_with(kPaseto)) {
    const auto dot = token.find('.', kPaseto.size());
    return "p:" + std::string(dot == std::string_view::npos ? std::string_view() : token.substr(dot + 1));
  }
  const auto first = token.find('.');
  if (first != std::string_view::npos && token.find('.', first + 1) != std::string_view::npos)
    return "j:" + std::string(token.substr(0, first));
  return std::nullopt;
}

// The error="..." of the first challenge that has one; empty when none has.
std::string_view challenge_error(std::string_view challenge) {
  constexpr std::string_view kKey = "error=\"";
  const auto at = challenge.find(kKey);
  if (at == std::string_view::npos) return {};
  const auto begin = at + kKey.size();
  const auto end = challenge.find('"', begin);
  if (end == std::string_view::npos) return {};
  return challenge.substr(begin, end - begin);
}

Response error_body(unsigned status, std::string_view code, bool tls) {
  Response res = server::json_response(static_cast<http::status>(status), json::object{{"error", code}});
  server::add_security_headers(res, tls);
  return res;
}

Response refusal_response(const Refusal& r, bool tls) {
  std::string_view code = challenge_error(r.www_authenticate);
  if (code.empty()) code = r.status == 503 ? "temporarily_unavailable" : r.status == 400 ? "invalid_request" : "unauthorized";
  Response res = error_body(r.status, code, tls);
  if (!r.www_authenticate.empty()) res.set(http::field::www_authenticate, r.www_authenticate);
  if (!r.dpop_nonce.empty()) res.set("DPoP-Nonce", r.dpop_nonce);
  return res;
}

std::string_view result_of(unsigned status) {
  switch (status) {
    case 400: return "bad_request";
    case 403: return "forbidden";
    case 503: return "unavailable";
    default: return "unauthenticated";
  }
}

std::string_view method_name(AuthMethod m) {
  switch (m) {
    case AuthMethod::jwt: return "jwt";
    case AuthMethod::paseto: return "paseto";
    case AuthMethod::opaque: return "opaque";
    case AuthMethod::session: return "session";
  }
  return "other";
}

}  // namespace

GatewayApp::GatewayApp(GatewayContext ctx) : ctx_(std::move(ctx)), id_prefix_(std::random_device{}()) {
  lanes_.resize(ctx_.lanes.size());
  for (std::size_t i = 0; i < lanes_.size(); ++i)
    lanes_[i].pool = std::make_unique<UpstreamPool>(*ctx_.lanes[i], ctx_.upstream, ctx_.timeouts);
}

GatewayApp::~GatewayApp() = default;

void GatewayApp::close_idle() {
  for (std::size_t i = 0; i < lanes_.size(); ++i)
    asio::post(*ctx_.lanes[i], [this, i] { lanes_[i].pool->close_idle(); });
}

asio::awaitable<AuthResult<Principal>> GatewayApp::authenticate(server::Incoming& in, Lane& lane,
                                                                const std::string& url, Outcome& out) {
  std::vector<std::pair<std::string_view, std::string_view>> headers;
  headers.reserve(16);
  for (const auto& f : in.msg) headers.emplace_back(f.name_string(), f.value());
  const AuthRequest req{in.msg.method_string(), url, headers};
  const std::optional<std::string> shape = token_shape(in.msg);
  if (shape && (shape->empty() || lane.known.contains(*shape))) co_return ctx_.auth.authenticate(req);

  out.offloaded = true;
  ctx_.metrics.offloaded();
  const Authenticator& auth = ctx_.auth;
  auto r = co_await server::run_blocking(ctx_.blocking,
                                         [&auth, &req]() -> Result<AuthResult<Principal>> { return auth.authenticate(req); });
  if (!r) co_return std::unexpected(Refusal{503, {}, {}, r.error()});
  if (*r && shape) {
    if (lane.known.size() >= kKnownShapes) lane.known.clear();
    lane.known.insert(*shape);
  }
  co_return std::move(*r);
}

asio::awaitable<Response> GatewayApp::handle(server::Incoming& in) {
  const auto start = std::chrono::steady_clock::now();
  Lane& lane = lanes_[in.lane < lanes_.size() ? in.lane : 0];
  Outcome out;
  out.request_id = fmt::format("{:08x}{:02x}{:010x}", id_prefix_, in.lane & 0xff, ++lane.next_request);
  Response res;
  std::optional<AuthResult<Principal>> principal;
  const std::string_view target = in.msg.target();
  if (target.empty() || target.front() != '/') {
    res = error_body(400, "invalid_request", in.tls);
    out.result = "bad_request";
    out.reason = "target_not_origin_form";
  } else {
    principal = co_await authenticate(in, lane, ctx_.public_url + std::string(target), out);
    AuthResult<void> scoped;
    if (*principal) scoped = ctx_.auth.require_scopes(**principal, ctx_.required_scopes);
    if (!*principal || !scoped) {
      const Refusal& refusal = *principal ? scoped.error() : principal->error();
      res = refusal_response(refusal, in.tls);
      out.result = result_of(refusal.status);
      out.reason = std::string(refusal.error.name());
    } else {
      out.principal = &**principal;
      prepare_upstream_request(in.msg, **principal,
                               ForwardInfo{in.peer_ip, in.tls, out.request_id, ctx_.upstream.base_path});
      const auto sent = std::chrono::steady_clock::now();
      UpstreamResult up = co_await lane.pool->exchange(in.msg);
      out.upstream_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - sent).count();
      ctx_.metrics.upstream(out.upstream_seconds);
      if (up.response) {
        res = std::move(*up.response);
        prepare_client_response(res);
      } else if (up.response.error() == UpstreamFailure::timeout) {
        res = error_body(504, "upstream_timeout", in.tls);
        out.result = "upstream_timeout";
        out.reason = std::move(up.detail);
      } else {
        res = error_body(502, "bad_gateway", in.tls);
        out.result = "bad_gateway";
        out.reason = std::move(up.detail);
      }
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  record(in, out, res.result_int(), seconds);
  co_return res;
}

void GatewayApp::record(const server::Incoming& in, const Outcome& out, unsigned status, double seconds) {
  ctx_.metrics.request(out.result, seconds);
  const bool failed = out.result == "bad_gateway" || out.result == "upstream_timeout" || out.result == "unavailable";
  const LogLevel level = failed ? LogLevel::warn : LogLevel::info;
  if (!ctx_.log.enabled(level)) return;
  const std::string_view target = in.msg.target();
  json::object f;
  f["request_id"] = out.request_id;
  f["method"] = in.msg.method_string().substr(0, 16);
  f["path"] = target.substr(0, std::min<std::size_t>(target.find('?'), 256));  // never the query
  f["status"] = status;
  f["result"] = out.result;
  f["latency_us"] = static_cast<std::int64_t>(seconds * 1e6);
  if (out.upstream_seconds >= 0) f["upstream_us"] = static_cast<std::int64_t>(out.upstream_seconds * 1e6);
  f["ip"] = in.peer_ip;
  if (out.offloaded) f["offloaded"] = true;
  if (const Principal* p = out.principal) {
    f["subject"] = p->subject;
    f["client_id"] = p->client_id;
    f["auth"] = method_name(p->method);
    if (!p->token_id.empty()) f["jti_hash"] = dpop_ath(p->token_id).substr(0, 16);  // SHA-256, base64url
    if (p->dpop_bound) f["dpop"] = true;
  }
  if (!out.reason.empty()) f["reason"] = out.reason;
  ctx_.log.log(level, "request", f);
}

Response GatewayApp::refuse(const server::Refused& r) {
  Response res = server::refusal_response(r.code);
  server::add_security_headers(res, r.tls);
  ctx_.metrics.request("refused", 0.0);
  if (ctx_.log.enabled(LogLevel::info))
    ctx_.log.log(LogLevel::info, "request",
                 json::object{{"method", r.method.empty() ? std::string_view("-") : r.method.substr(0, 16)},
                              {"status", res.result_int()},
                              {"result", "refused"},
                              {"reason", r.code},
                              {"ip", r.peer_ip}});
  return res;
}

void GatewayApp::on_accept_error(std::string_view error, std::uint64_t suppressed) noexcept {
  try {
    ctx_.log.log(LogLevel::warn, "accept failed",
                 json::object{{"listener", "gateway"}, {"error", error}, {"suppressed", suppressed}});
  } catch (...) {
  }
}

}  // namespace tessera::gateway
