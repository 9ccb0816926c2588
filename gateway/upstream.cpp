// UpstreamTarget and UpstreamPool (gateway/upstream.hpp).
#include "gateway/upstream.hpp"

#include <charconv>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <fmt/format.h>

namespace tessera::gateway {
namespace {

namespace beast = boost::beast;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
using error_code = boost::system::error_code;

std::unexpected<Error> bad_url(std::string_view url, std::string_view why) {
  return fail(Errc::invalid_argument, fmt::format("\"{}\" is not an upstream URL: {}", url, why));
}

// The upstream closed an idle pooled connection: nothing was answered, so a retry is safe.
bool closed_by_peer(const error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof || ec == asio::error::connection_reset ||
         ec == asio::error::broken_pipe || ec == asio::error::connection_aborted;
}

}  // namespace

struct UpstreamPool::Conn {
  explicit Conn(asio::io_context& ioc) : stream(ioc) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  std::chrono::steady_clock::time_point idle_since{};
};

Result<UpstreamTarget> resolve_upstream(std::string_view url) {
  UpstreamTarget t;
  t.url = std::string(url);
  if (!url.starts_with("http://")) {
    return bad_url(url, "it must start with http:// (the gateway talks plain HTTP to the service beside it)");
  }
  std::string_view rest = url.substr(7);
  if (rest.find_first_of("?#@ ") != std::string_view::npos) {
    return bad_url(url, "no query, fragment, user info or spaces");
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  while (path.ends_with('/')) path.remove_suffix(1);
  t.base_path = std::string(path);
  std::string_view port = "80";
  if (authority.starts_with('[')) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return bad_url(url, "unclosed [");
    t.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return bad_url(url, "junk after ]");
      port = authority.substr(close + 2);
    }
  } else {
    const auto colon = authority.rfind(':');
    t.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
  }
  int p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (t.host.empty() || ec != std::errc{} || end != port.data() + port.size() || p < 1 || p > 65535)
    return bad_url(url, "HOST[:PORT] does not parse");
  t.port = std::string(port);

  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  error_code rec;
  auto results = resolver.resolve(t.host, t.port, rec);
  if (rec || results.empty())
    return fail(Errc::io_error, fmt::format("upstream host {} does not resolve: {}", t.host, rec.message()));
  for (const auto& r : results) t.endpoints.push_back(r.endpoint());
  return t;
}

UpstreamPool::UpstreamPool(asio::io_context& lane, const UpstreamTarget& target, UpstreamTimeouts timeouts)
    : lane_(lane), target_(target), timeouts_(timeouts) {}

UpstreamPool::~UpstreamPool() = default;

void UpstreamPool::close_idle() {
  for (auto& c : idle_) {
    error_code ec;
    c->stream.socket().close(ec);
  }
  idle_.clear();
}

asio::awaitable<std::unique_ptr<UpstreamPool::Conn>> UpstreamPool::connect(std::string& detail, bool& timed_out) {
  auto c = std::make_unique<Conn>(lane_);
  c->stream.expires_after(timeouts_.connect);
  auto [ec, ep] = co_await c->stream.async_connect(target_.endpoints, kTuple);
  if (ec) {
    timed_out = ec == beast::error::timeout;
    detail = "connect: " + ec.message();
    co_return nullptr;
  }
  c->stream.socket().set_option(tcp::no_delay(true));
  co_return c;
}

asio::awaitable<UpstreamResult> UpstreamPool::exchange(Request& req) {
  UpstreamResult out{std::unexpected(UpstreamFailure::bad_gateway), {}, false};
  const bool head = req.method() == http::verb::head;
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Conn> c;
    const auto now = std::chrono::steady_clock::now();
    while (!idle_.empty() && !c) {
      c = std::move(idle_.back());
      idle_.pop_back();
      if (now - c->idle_since > kIdleFor) c.reset();  // closed by its destructor
    }
    const bool reused = c != nullptr;
    if (!c) {
      bool timed_out = false;
      c = co_await connect(out.detail, timed_out);
      if (!c) {
        out.response = std::unexpected(timed_out ? UpstreamFailure::timeout : UpstreamFailure::bad_gateway);
        co_return out;
      }
    }
    out.reused = reused;
    c->stream.expires_after(timeouts_.response);
    auto [wec, wn] = co_await http::async_write(c->stream, req, kTuple);
    if (wec) {
      if (reused && closed_by_peer(wec)) continue;
      out.detail = "write: " + wec.message();
      out.response = std::unexpected(wec == beast::error::timeout ? UpstreamFailure::timeout : UpstreamFailure::bad_gateway);
      co_return out;
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBytes);
    parser.header_limit(64 * 1024);
    if (head) parser.skip(true);
    auto [rec, rn] = co_await http::async_read(c->stream, c->buffer, parser, kTuple);
    if (rec) {
      if (reused && !parser.got_some() && closed_by_peer(rec)) continue;
      out.detail = "read: " + rec.message();
      out.response = std::unexpected(rec == beast::error::timeout ? UpstreamFailure::timeout : UpstreamFailure::bad_gateway);
      co_return out;
    }
    Response res = parser.release();
    if (res.keep_alive() && idle_.size() < kMaxIdle) {
      c->stream.expires_never();
      c->idle_since = std::chrono::steady_clock::now();
      idle_.push_back(std::move(c));
    }
    out.response = std::move(res);
    co_return out;
  }
  out.detail = "the upstream closed the connection twice";
  co_return out;
}

}  // namespace tessera::gateway
