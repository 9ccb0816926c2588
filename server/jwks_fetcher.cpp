// The HTTPS fetcher of clients' JWKS (jwks_fetcher.hpp).
#include "server/jwks_fetcher.hpp"
#include "server/tls_client_context.hpp"

// OpenSSL here only for the TLS transport (SNI on the native SSL handle and its error queue), as
// in server/tls.cpp: TLS is transport, not a crypto primitive of src/crypto/.
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>

namespace tessera::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::uint32_t kMaxHeaderBytes = 16 * 1024;

struct Target {
  std::string host;  // a name, or an IP address without brackets
  std::string port;
  std::string host_header;
  std::string path;  // path and query
  bool ip = false;
};

Result<Target> parse_target(std::string_view url) {
  const auto bad = [&](std::string why) {
    return fail(Errc::invalid_argument, "jwks_uri " + std::string(url) + ": " + why);
  };
  auto u = boost::urls::parse_absolute_uri(url);
  if (!u) return bad("not an absolute URI");
  if (u->scheme_id() != boost::urls::scheme::https) return bad("not https");
  if (u->has_userinfo()) return bad("userinfo is not allowed");
  Target t;
  t.host = u->host_address();
  if (t.host.empty()) return bad("no host");
  t.ip = u->host_type() == boost::urls::host_type::ipv4 || u->host_type() == boost::urls::host_type::ipv6;
  t.port = u->has_port() ? std::string(u->port()) : "443";
  t.host_header = std::string(u->encoded_host_and_port());
  t.path = u->encoded_path().empty() ? "/" : std::string(u->encoded_path());
  if (u->has_query()) t.path += "?" + std::string(u->encoded_query());
  return t;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool json_content_type(std::string_view value) {
  auto v = lower(value.substr(0, value.find(';')));
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
  return v == "application/json" || v == "application/jwk-set+json";
}

// Cache-Control: max-age=N (RFC 9111 §5.2.2.1); nullopt when absent or not a number.
std::optional<std::int64_t> max_age(std::string_view cache_control) {
  const auto v = lower(cache_control);
  const auto at = v.find("max-age=");
  if (at == std::string::npos || (at > 0 && v[at - 1] != ' ' && v[at - 1] != ',')) return std::nullopt;
  std::string_view digits(v);
  digits.remove_prefix(at + 8);
  if (!digits.empty() && digits.front() == '"') digits.remove_prefix(1);
  std::int64_t n = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
  if (ec != std::errc() || n < 0) return std::nullopt;
  return n;
}

asio::awaitable<void> run_fetch(asio::ssl::context& ctx, Target t, std::chrono::milliseconds timeout,
                                Result<FetchedKeySet>& out) {
  const auto io = [&](std::string step, const boost::system::error_code& ec) {
    out = fail(Errc::io_error, "jwks_uri " + t.host_header + ": " + step + ": " + ec.message());
  };
  auto ex = co_await asio::this_coro::executor;
  tcp::resolver resolver(ex);
  auto [rec, endpoints] = co_await resolver.async_resolve(t.host, t.port, kTuple);
  if (rec) co_return io("resolve", rec);

  asio::ssl::stream<beast::tcp_stream> stream(ex, ctx);
  beast::get_lowest_layer(stream).expires_after(timeout);  // one deadline for every step below
  auto [cec, ep] = co_await beast::get_lowest_layer(stream).async_connect(endpoints, kTuple);
  if (cec) co_return io("connect", cec);

  stream.set_verify_mode(asio::ssl::verify_peer);
  stream.set_verify_callback(asio::ssl::host_name_verification(t.host));
  if (!t.ip && SSL_set_tlsext_host_name(stream.native_handle(), t.host.c_str()) != 1)
    co_return io("SNI", boost::system::error_code(static_cast<int>(::ERR_get_error()), asio::error::get_ssl_category()));
  auto [hec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kTuple);
  if (hec) co_return io("TLS handshake", hec);

  http::request<http::empty_body> req(http::verb::get, t.path, 11);
  req.set(http::field::host, t.host_header);
  req.set(http::field::user_agent, "tessera");
  req.set(http::field::accept, "application/jwk-set+json, application/json");
  req.set(http::field::connection, "close");
  auto [wec, written] = co_await http::async_write(stream, req, kTuple);
  if (wec) co_return io("request", wec);

  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(kMaxRemoteKeySetBytes);
  auto [rdec, read] = co_await http::async_read(stream, buffer, parser, kTuple);
  if (rdec == http::error::body_limit) {
    out = fail(Errc::io_error, "jwks_uri " + t.host_header + ": body over " + std::to_string(kMaxRemoteKeySetBytes) + " bytes");
    co_return;
  }
  if (rdec) co_return io("response", rdec);
  auto& res = parser.get();
  if (res.result_int() != 200) {
    out = fail(Errc::io_error, "jwks_uri " + t.host_header + ": status " + std::to_string(res.result_int()) +
                                   " (only 200 is accepted; redirects are not followed)");
    co_return;
  }
  if (!json_content_type(res[http::field::content_type])) {
    out = fail(Errc::io_error, "jwks_uri " + t.host_header + ": Content-Type is not JSON");
    co_return;
  }
  out = FetchedKeySet{std::move(res.body()), max_age(res[http::field::cache_control])};
  // No TLS close_notify wait: the response is framed by HTTP, and the deadline bounds us anyway.
  beast::error_code ignored;
  beast::get_lowest_layer(stream).socket().shutdown(tcp::socket::shutdown_both, ignored);
}

}  // namespace

JwksFetcher::JwksFetcher(JwksFetcherOptions options)
    : options_(std::move(options)), ctx_(asio::ssl::context::tls_client) {}

Result<std::unique_ptr<JwksFetcher>> JwksFetcher::create(JwksFetcherOptions options) {
  std::unique_ptr<JwksFetcher> f(new JwksFetcher(std::move(options)));
  if (auto ok = setup_tls_client_context(f->ctx_, f->options_.ca_file, "oauth_ca_file"); !ok) return std::unexpected(ok.error());
  return f;
}

Result<FetchedKeySet> JwksFetcher::fetch(std::string_view https_url) {
  auto target = parse_target(https_url);
  if (!target) return std::unexpected(target.error());
  Result<FetchedKeySet> out = fail(Errc::io_error, "jwks_uri " + target->host_header + ": timed out");
  asio::io_context ioc(1);
  asio::co_spawn(ioc, run_fetch(ctx_, std::move(*target), options_.timeout, out), asio::detached);
  // The stream's deadline ends connect..read; this one also bounds name resolution.
  ioc.run_for(options_.timeout + std::chrono::milliseconds(100));
  return out;
}

}  // namespace tessera::server
