// MetricsApp (server/metrics_app.hpp).
#include "server/metrics_app.hpp"

#include <boost/json.hpp>

#include "server/response.hpp"

namespace tessera::server {

namespace json = boost::json;

asio::awaitable<Response> MetricsApp::handle(Incoming& in) {
  const std::string_view target = in.msg.target();
  const std::string_view path = target.substr(0, target.find('?'));
  Response res;
  if (path != "/metrics" && path != "/healthz") {
    res = refusal_response("not_found");
  } else if (in.msg.method() != http::verb::get) {
    res = refusal_response("method_not_allowed");
    res.set(http::field::allow, "GET");
  } else if (path == "/metrics") {
    res = Response{http::status::ok, 11};
    res.set(http::field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = exposition_();
  } else {
    res = json_response(http::status::ok, json::object{{"status", "ok"}});
  }
  add_security_headers(res, false);
  log_request(in.msg.method_string(), path == "/metrics" || path == "/healthz" ? path : "other", res.result_int(),
              in.peer_ip);
  co_return res;
}

Response MetricsApp::refuse(const Refused& r) {
  Response res = refusal_response(r.code);
  add_security_headers(res, false);
  log_request(r.method, "other", res.result_int(), r.peer_ip);
  return res;
}

void MetricsApp::on_accept_error(std::string_view error, std::uint64_t suppressed) noexcept {
  try {
    log_.log(LogLevel::warn, "accept failed",
             json::object{{"listener", "metrics"}, {"error", error}, {"suppressed", suppressed}});
  } catch (...) {
  }
}

void MetricsApp::log_request(std::string_view method, std::string_view route, unsigned status, std::string_view ip) {
  if (!log_.enabled(LogLevel::debug)) return;
  log_.log(LogLevel::debug, "request",
           json::object{{"listener", "metrics"},
                        {"method", method.empty() ? std::string_view("-") : method.substr(0, 16)},
                        {"route", route},
                        {"status", status},
                        {"latency_us", 0},
                        {"ip", ip}});
}

}  // namespace tessera::server
