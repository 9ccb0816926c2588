// libtessera's HTTP(S) client (tessera/http_client.hpp).
#include "tessera/http_client.hpp"

#include "net/tls_client_context.hpp"

// OpenSSL here only for the TLS transport (SNI on the native handle and its error queue): the
// one exception to "only src/crypto calls OpenSSL" (docs/design.md, "Layers").
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

#include <algorithm>
#include <cctype>

namespace tessera {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;
constexpr std::string_view kTimedOut = "timed out";

struct Target {
  bool tls = false;
  bool ip = false;
  std::string host, port, host_header, path;
};

Result<Target> parse_target(std::string_view url) {
  const auto bad = [&](std::string why) { return fail(Errc::invalid_argument, "URL " + std::string(url) + ": " + why); };
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) return bad("not an absolute URI");
  Target t;
  if (u->scheme_id() == boost::urls::scheme::https) t.tls = true;
  else if (u->scheme_id() != boost::urls::scheme::http) return bad("not http or https");
  if (u->has_userinfo()) return bad("userinfo is not allowed");
  t.host = u->host_address();
  if (t.host.empty()) return bad("no host");
  t.ip = u->host_type() == boost::urls::host_type::ipv4 || u->host_type() == boost::urls::host_type::ipv6;
  t.port = u->has_port() ? std::string(u->port()) : (t.tls ? "443" : "80");
  t.host_header = std::string(u->encoded_host_and_port());
  t.path = u->encoded_path().empty() ? "/" : std::string(u->encoded_path());
  if (u->has_query()) t.path += "?" + std::string(u->encoded_query());
  return t;
}

// A failed step; the stream's deadline (beast::error::timeout) is the one timeout message.
Error step_failed(const Target& t, const char* step, const boost::system::error_code& ec) {
  if (ec == beast::error::timeout) return Error(Errc::io_error, t.host_header + ": " + std::string(kTimedOut));
  return Error(Errc::io_error, t.host_header + ": " + step + ": " + ec.message());
}

template <class Stream>
asio::awaitable<void> exchange(Stream& stream, const Target& t, const HttpClientRequest& in, std::size_t max_body,
                               Result<HttpClientResponse>& out) {
  const auto io = [&](const char* step, const boost::system::error_code& ec) { out = std::unexpected(step_failed(t, step, ec)); };
  http::request<http::string_body> req(http::string_to_verb(in.method), t.path, 11);
  for (const auto& [name, value] : in.headers) req.insert(name, value);
  req.set(http::field::host, t.host_header);
  req.set(http::field::connection, "close");
  if (req.find(http::field::user_agent) == req.end()) req.set(http::field::user_agent, "tessera");
  req.body() = in.body;
  req.prepare_payload();
  auto [wec, written] = co_await http::async_write(stream, req, kTuple);
  if (wec) co_return io("request", wec);
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(max_body);
  auto [rec, read] = co_await http::async_read(stream, buffer, parser, kTuple);
  if (rec == http::error::body_limit) {
    out = std::unexpected(Error(Errc::io_error, t.host_header + ": body over " + std::to_string(max_body) + " bytes"));
    co_return;
  }
  if (rec) co_return io("response", rec);
  auto& res = parser.get();
  HttpClientResponse r;
  r.status = res.result_int();
  for (const auto& f : res) r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
  r.body = std::move(res.body());
  out = std::move(r);
  // No TLS close_notify wait: the response is framed by HTTP, and the deadline bounds us anyway.
  beast::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
}

asio::awaitable<void> run(asio::ssl::context& ctx, Target t, const HttpClientRequest& in, std::chrono::milliseconds timeout,
                          std::size_t max_body, Result<HttpClientResponse>& out) {
  const auto io = [&](const char* step, const boost::system::error_code& ec) { out = std::unexpected(step_failed(t, step, ec)); };
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto [rec, endpoints] = co_await resolver.async_resolve(t.host, t.port, kTuple);
  if (rec) co_return io("resolve", rec);
  if (!t.tls) {
    beast::tcp_stream stream(ex);
    stream.expires_after(timeout);
    auto [cec, ep] = co_await stream.async_connect(endpoints, kTuple);
    if (cec) co_return io("connect", cec);
    co_await exchange(stream, t, in, max_body, out);
    co_return;
  }
  asio::ssl::stream<beast::tcp_stream> stream(ex, ctx);
  beast::get_lowest_layer(stream).expires_after(timeout);
  auto [cec, ep] = co_await beast::get_lowest_layer(stream).async_connect(endpoints, kTuple);
  if (cec) co_return io("connect", cec);
  stream.set_verify_mode(asio::ssl::verify_peer);
  stream.set_verify_callback(asio::ssl::host_name_verification(t.host));
  if (!t.ip && SSL_set_tlsext_host_name(stream.native_handle(), t.host.c_str()) != 1)
    co_return io("SNI", boost::system::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
  auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kTuple);
  if (hec) co_return io("TLS handshake", hec);
  co_await exchange(stream, t, in, max_body, out);
}

}  // namespace

bool secure_or_loopback_url(std::string_view url) {
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) return false;
  if (u->scheme_id() == boost::urls::scheme::https) return true;
  if (u->scheme_id() != boost::urls::scheme::http) return false;
  const std::string host = u->host_address();
  if (u->host_type() == boost::urls::host_type::ipv4) return host.starts_with("127.");
  return host == "::1" || host == "localhost";
}

HttpClient::HttpClient(HttpClientOptions options)
    : options_(std::move(options)), ctx_(std::make_unique<asio::ssl::context>(asio::ssl::context::tls_client)) {}

HttpClient::~HttpClient() = default;

Result<std::unique_ptr<HttpClient>> HttpClient::create(HttpClientOptions options) {
  std::unique_ptr<HttpClient> c(new HttpClient(std::move(options)));
  if (auto ok = net::setup_tls_client_context(*c->ctx_, c->options_.ca_file, "CA file"); !ok) return std::unexpected(ok.error());
  return c;
}

std::string HttpClientResponse::header(std::string_view name) const {
  const auto same = [](std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
  };
  for (const auto& [n, v] : headers)
    if (same(n, name)) return v;
  return {};
}

Result<HttpClientResponse> HttpClient::send(const HttpClientRequest& request) {
  return send(request, options_.timeout, options_.max_body_bytes);
}

Result<HttpClientResponse> HttpClient::send(const HttpClientRequest& request, std::chrono::milliseconds timeout,
                                            std::size_t max_body_bytes, std::stop_token stop) {
  auto target = parse_target(request.url);
  if (!target) return std::unexpected(target.error());
  if (http::string_to_verb(request.method) == http::verb::unknown)
    return fail(Errc::invalid_argument, "HTTP method " + request.method + " is unknown");
  Result<HttpClientResponse> out = fail(Errc::io_error, target->host_header + ": " + std::string(kTimedOut));
  asio::io_context ioc(1);
  bool done = false;
  asio::co_spawn(ioc, run(*ctx_, *target, request, timeout, max_body_bytes, out), [&done](std::exception_ptr) { done = true; });
  // io_context::stop is thread-safe: a stop request ends run_for at once.
  std::stop_callback on_stop(stop, [&ioc] { ioc.stop(); });
  // The streams' deadline ends connect..read; this one also bounds name resolution (out keeps
  // its "timed out" then).
  ioc.run_for(timeout + std::chrono::milliseconds(100));
  if (!done && stop.stop_requested()) return fail(Errc::io_error, target->host_header + ": cancelled");
  return out;
}

bool HttpClient::is_timeout(const Error& e) {
  return e.code == Errc::io_error && e.message.ends_with(kTimedOut);
}

}  // namespace tessera
