// HTTP/1.1 transport (server/http.hpp): listener and connection coroutines over plain TCP or
// TLS. Timeouts use one timer per connection that cancels the socket's pending operations,
// so the connection is still open to send 408 (Beast's own stream timeouts close it first).
#include "server/http.hpp"

#include "server/client_ip.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <exception>
#include <iterator>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace tessera::server {
namespace {

using asio::use_awaitable;
constexpr auto kTuple = asio::as_tuple(use_awaitable);
using error_code = boost::system::error_code;
using TlsStream = asio::ssl::stream<tcp::socket>;

constexpr std::size_t kReadChunk = 4096;
constexpr std::chrono::seconds kLinger{1};            // how long a closing connection drains input
constexpr std::size_t kLingerBytes = 1024 * 1024;   // and how much of it
constexpr std::chrono::milliseconds kAcceptBackoff{100};  // after accept() ran out of resources

std::string peer_address(const tcp::socket& s) {
  error_code ec;
  const auto ep = s.remote_endpoint(ec);
  if (ec) return {};
  return normalize_ip(ep.address().to_string()).value_or(std::string());
}

std::size_t field_count(const Request& msg) {
  return static_cast<std::size_t>(std::distance(msg.begin(), msg.end()));
}

// accept() errors that mean "out of something" (descriptors, buffers, memory): worth a log
// line and a pause. Others concern the one connection being accepted.
bool out_of_resources(const error_code& ec) {
  return ec == asio::error::no_descriptors || ec == boost::system::errc::too_many_files_open_in_system ||
         ec == asio::error::no_buffer_space || ec == asio::error::no_memory;
}

template <class Stream>
class Connection final : public ConnectionBase, public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = std::is_same_v<Stream, TlsStream>;

  Connection(HttpServer& server, Stream stream, std::string peer_ip, bool counted, std::size_t lane)
      : server_(server),
        stream_(std::move(stream)),
        timer_(stream_.get_executor()),
        peer_ip_(std::move(peer_ip)),
        counted_(counted),
        lane_(lane) {}

  asio::any_io_executor executor() { return stream_.get_executor(); }

  void close_if_idle() override {
    asio::dispatch(executor(), [self = this->shared_from_this()] {
      if (self->idle_) self->close_socket();
    });
  }
  void close() override {
    asio::dispatch(executor(), [self = this->shared_from_this()] { self->close_socket(); });
  }

  asio::awaitable<void> run() {
    try {
      co_await serve();
    } catch (const std::exception&) {
      // Nothing the peer sends should get here; whatever did, this connection ends.
    }
    close_socket();
    disarm();
  }

 private:
  const HttpLimits& limits() const { return server_.limits(); }
  auto& socket() { return beast::get_lowest_layer(stream_); }

  void close_socket() {
    closed_ = true;
    error_code ignored;
    socket().close(ignored);
  }

  // On expiry, cancels the pending socket operation (which then fails) and sets timed_out_.
  // A generation number makes a late expiry of an earlier arming harmless.
  void arm(std::chrono::steady_clock::duration d) {
    const std::uint64_t gen = ++timer_gen_;
    timed_out_ = false;
    timer_.expires_after(d);
    timer_.async_wait([self = this->shared_from_this(), gen](error_code ec) {
      if (ec || gen != self->timer_gen_) return;
      self->timed_out_ = true;
      error_code ignored;
      self->socket().cancel(ignored);
    });
  }
  void disarm() {
    ++timer_gen_;
    timer_.cancel();
  }

  template <class Message>
  asio::awaitable<bool> write(Message& msg) {
    arm(limits().request_timeout);
    auto [ec, n] = co_await http::async_write(stream_, msg, kTuple);
    disarm();
    (void)n;
    co_return !ec && !closed_;
  }

  // A streamed response: the header (close-delimited body), then whatever the streamer writes.
  class Writer final : public BodyWriter {
   public:
    explicit Writer(Connection& c) : c_(c) {}
    asio::awaitable<bool> write(std::string_view bytes) override {
      if (c_.closed_) co_return false;
      c_.arm(c_.limits().request_timeout);
      auto [ec, n] = co_await asio::async_write(c_.stream_, asio::buffer(bytes.data(), bytes.size()), kTuple);
      c_.disarm();
      (void)n;
      co_return !ec && !c_.closed_;
    }
    bool open() const noexcept override { return !c_.closed_; }

   private:
    Connection& c_;
  };

  asio::awaitable<void> stream_body(Response& res, unsigned version, const Streamer& streamer) {
    res.version(version);
    res.keep_alive(false);
    res.body().clear();
    http::response_serializer<http::string_body> sr{res};
    arm(limits().request_timeout);
    auto [ec, n] = co_await http::async_write_header(stream_, sr, kTuple);
    disarm();
    (void)n;
    if (ec || closed_) co_return;
    Writer w(*this);
    co_await streamer(w);
    co_await graceful_close();
  }

  // Lets the peer read what we sent before the socket goes: TLS close_notify, or half-close
  // and drain what the peer still sends (closing with unread input would reset the
  // connection and could destroy the response in flight).
  asio::awaitable<void> graceful_close() {
    if (closed_) co_return;
    arm(kLinger);
    if constexpr (kTls) {
      auto [ec] = co_await stream_.async_shutdown(kTuple);
      (void)ec;
    } else {
      error_code ignored;
      socket().shutdown(tcp::socket::shutdown_send, ignored);
      std::vector<char> sink(kReadChunk);
      std::size_t total = 0;
      while (total < kLingerBytes) {
        auto [ec, n] = co_await socket().async_read_some(asio::buffer(sink), kTuple);
        if (ec) break;
        total += n;
      }
    }
    disarm();
    close_socket();
  }

  asio::awaitable<void> refuse_and_close(std::string_view code, std::string_view method) {
    Response res = server_.app().refuse(Refused{code, method, peer_ip_, kTls});
    res.version(11);
    res.keep_alive(false);
    res.prepare_payload();
    if (co_await write(res)) co_await graceful_close();
  }

  // Reads the request header into parser, feeding it what arrives so that garbage fails at
  // once. The header limit counts every header byte, request line and final empty line
  // included (Beast's own header_limit applies to the request line and the fields
  // separately, so it is disabled). http::error::header_limit when the header is longer.
  asio::awaitable<error_code> read_header(http::request_parser<http::string_body>& parser) {
    const std::size_t limit = limits().max_header_bytes;
    std::size_t consumed = 0;
    for (;;) {
      error_code ec;
      if (buffer_.size() > 0) {
        const std::size_t n = parser.put(buffer_.data(), ec);
        buffer_.consume(n);
        consumed += n;
      } else {
        ec = http::error::need_more;
      }
      if (parser.is_header_done()) co_return consumed > limit ? error_code(http::error::header_limit) : error_code{};
      if (ec != http::error::need_more) co_return ec;
      // Everything buffered belongs to the unfinished header, and at least one byte is to come.
      if (consumed + buffer_.size() >= limit) co_return http::error::header_limit;
      auto [rec, got] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kTuple);
      if (rec) co_return rec;
      buffer_.commit(got);
    }
  }

  asio::awaitable<void> serve() {
    if constexpr (kTls) {
      arm(limits().request_timeout);
      auto [ec] = co_await stream_.async_handshake(asio::ssl::stream_base::server, kTuple);
      disarm();
      if (ec || closed_) co_return;
    }
    if (!counted_) {
      co_await refuse_and_close("overloaded", {});
      co_return;
    }
    for (;;) {
      if (server_.stopping() || closed_) co_return;

      // Idle: wait for the first byte of the next request (unless pipelined bytes are here).
      if (buffer_.size() == 0) {
        idle_ = true;
        arm(limits().idle_timeout);
        auto [ec, n] = co_await stream_.async_read_some(buffer_.prepare(kReadChunk), kTuple);
        idle_ = false;
        disarm();
        if (ec || n == 0 || closed_) co_return;  // idle timeout, peer gone, shutdown: silently
        buffer_.commit(n);
      }

      // The request, from its first byte, within request_timeout.
      http::request_parser<http::string_body> parser;
      parser.header_limit(std::numeric_limits<std::uint32_t>::max());  // enforced by read_header()
      parser.body_limit(static_cast<std::uint64_t>(limits().max_body_bytes));
      arm(limits().request_timeout);
      auto ec = co_await read_header(parser);
      // Fields past this count arrived in a chunked trailer (Beast appends them to the header).
      const std::size_t header_fields = !ec && !closed_ ? field_count(parser.get()) : 0;
      const bool announces_trailer = !ec && !closed_ && parser.get().count(http::field::trailer) > 0;
      std::size_t n = 0;
      if (!ec && !closed_ && !announces_trailer && parser.get().version() >= 11 &&
          beast::iequals(parser.get()[http::field::expect], "100-continue") && !parser.is_done()) {
        http::response<http::empty_body> cont{http::status::continue_, 11};
        auto [wec, wn] = co_await http::async_write(stream_, cont, kTuple);
        (void)wn;
        ec = wec;
      }
      if (!ec && !closed_ && !parser.is_done() && !announces_trailer)
        std::tie(ec, n) = co_await http::async_read(stream_, buffer_, parser, kTuple);
      const bool timed_out = timed_out_;
      disarm();
      if (closed_) co_return;
      if (ec) {
        const std::string method = parser.is_header_done() ? std::string(parser.get().method_string()) : std::string();
        if (timed_out) {
          co_await refuse_and_close("request_timeout", method);
        } else if (ec == http::error::header_limit) {
          co_await refuse_and_close("headers_too_large", method);
        } else if (ec == http::error::body_limit) {
          co_await refuse_and_close("body_too_large", method);
        } else if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
                   ec != http::error::end_of_stream && ec != http::error::partial_message) {
          co_await refuse_and_close("malformed", method);
        }
        co_return;  // otherwise the peer went away mid-request: nobody to answer
      }
      if (announces_trailer || field_count(parser.get()) != header_fields) {
        co_await refuse_and_close("malformed", parser.get().method_string());
        co_return;
      }

      Incoming in{parser.release(), peer_ip_, kTls, lane_};
      const unsigned version = in.msg.version();
      const bool keep_alive = in.msg.keep_alive();
      Response res = co_await server_.app().handle(in);
      if (closed_) co_return;
      if (in.stream && res.result() == http::status::ok) {
        co_await stream_body(res, version, in.stream);
        co_return;
      }
      const bool keep = keep_alive && !server_.stopping();
      res.version(version);
      res.keep_alive(keep);
      res.prepare_payload();
      if (!co_await write(res)) co_return;
      if (!keep) {
        co_await graceful_close();
        co_return;
      }
    }
  }

  HttpServer& server_;
  Stream stream_;
  asio::steady_timer timer_;
  std::uint64_t timer_gen_ = 0;
  bool timed_out_ = false;
  beast::flat_buffer buffer_;
  std::string peer_ip_;
  bool counted_;
  std::size_t lane_;
  bool idle_ = false;
  bool closed_ = false;
};

// Registers the connection, runs it, and accounts for its end.
template <class Stream>
void spawn(HttpServer& server, Stream stream, std::string peer_ip, bool counted, std::size_t lane) {
  auto conn = std::make_shared<Connection<Stream>>(server, std::move(stream), std::move(peer_ip), counted, lane);
  const std::uint64_t id = counted ? server.attach(conn) : 0;
  if (counted) server.app().on_connection(+1);
  asio::co_spawn(
      conn->executor(), [conn] { return conn->run(); },
      [&server, id, counted](std::exception_ptr) {
        if (!counted) return;
        server.app().on_connection(-1);
        server.detach(id);
      });
}

}  // namespace

Result<tcp::endpoint> resolve_listen_address(std::string_view listen) {
  std::string_view host;
  std::string_view port;
  if (listen.starts_with('[')) {
    const auto close = listen.find(']');
    if (close == std::string_view::npos || listen.substr(close + 1).size() < 2 || listen[close + 1] != ':')
      return fail(Errc::invalid_argument, "listen address: expected [IPV6]:PORT");
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    const auto colon = listen.rfind(':');
    if (colon == std::string_view::npos) return fail(Errc::invalid_argument, "listen address: expected HOST:PORT");
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
    if (host.find(':') != std::string_view::npos)
      return fail(Errc::invalid_argument, "listen address: write IPv6 addresses as [ADDR]:PORT");
  }
  unsigned value = 0;
  const auto [end, perr] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || perr != std::errc{} || end != port.data() + port.size() || value > 65535)
    return fail(Errc::invalid_argument, "listen address: bad port");
  const auto port_number = static_cast<unsigned short>(value);
  if (host.empty()) return tcp::endpoint(asio::ip::address_v4::any(), port_number);
  error_code ec;
  const auto addr = asio::ip::make_address(std::string(host), ec);
  if (!ec) return tcp::endpoint(addr, port_number);
  asio::io_context ioc;
  tcp::resolver resolver(ioc);
  const auto results = resolver.resolve(std::string(host), std::string(port), ec);
  if (ec || results.empty())
    return fail(Errc::invalid_argument, "listen address: cannot resolve " + std::string(host));
  return results.begin()->endpoint();
}

std::string endpoint_url(const tcp::endpoint& ep, bool tls) {
  const std::string scheme = tls ? "https://" : "http://";
  const auto addr = ep.address();
  const std::string host = addr.is_v6() ? "[" + addr.to_string() + "]" : addr.to_string();
  return scheme + host + ":" + std::to_string(ep.port());
}

HttpServer::HttpServer(asio::io_context& ioc, Application& app, HttpLimits limits, asio::ssl::context* tls,
                       std::vector<asio::io_context*> lanes)
    : ioc_(ioc),
      single_threaded_lanes_(!lanes.empty()),
      lanes_(lanes.empty() ? std::vector<asio::io_context*>{&ioc} : std::move(lanes)),
      app_(app),
      limits_(limits),
      tls_(tls),
      strand_(asio::make_strand(ioc)),
      acceptor_(strand_) {}

HttpServer::~HttpServer() = default;

Result<tcp::endpoint> HttpServer::listen(const tcp::endpoint& ep) {
  error_code ec;
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error_code ignored;
    acceptor_.close(ignored);
    return fail(Errc::io_error, "cannot listen on " + endpoint_url(ep, tls()) + ": " + ec.message());
  }
  auto bound = acceptor_.local_endpoint(ec);
  if (ec) return fail(Errc::io_error, "cannot read the bound address: " + ec.message());
  return bound;
}

void HttpServer::start() {
  asio::co_spawn(strand_, accept_loop(), asio::detached);
}

asio::awaitable<void> HttpServer::accept_loop() {
  asio::steady_timer backoff(strand_);
  for (;;) {
    const std::size_t lane = next_lane_++ % lanes_.size();
    // A lane is run by one thread, which already serialises the connection's handlers; the
    // shared io_context (no lanes given) may have several, hence a strand there.
    tcp::socket socket = single_threaded_lanes_ ? tcp::socket(lanes_[lane]->get_executor())
                                                : tcp::socket(asio::make_strand(*lanes_[lane]));
    auto [ec] = co_await acceptor_.async_accept(socket, kTuple);
    if (stopping() || !acceptor_.is_open()) co_return;
    if (ec) {
      if (ec == asio::error::connection_aborted) continue;  // that peer gave up; nothing to report
      if (auto suppressed = accept_errors_.admit(std::chrono::steady_clock::now()))
        app_.on_accept_error(ec.message(), *suppressed);
      // Out of descriptors and the like: wait a little instead of spinning (the pending
      // connections stay in the listen backlog); the open connections run on their own strands.
      backoff.expires_after(out_of_resources(ec) ? kAcceptBackoff : kAcceptBackoff / 10);
      auto [wec] = co_await backoff.async_wait(kTuple);
      (void)wec;
      continue;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::string ip = peer_address(socket);
    bool counted = false;
    for (auto n = active_.load(); n < limits_.max_connections;) {
      if (active_.compare_exchange_weak(n, n + 1)) {
        counted = true;
        break;
      }
    }
    try {
      if (tls_ != nullptr)
        spawn(*this, TlsStream(std::move(socket), *tls_), std::move(ip), counted, lane);
      else
        spawn(*this, std::move(socket), std::move(ip), counted, lane);
    } catch (const std::exception&) {
      if (counted) active_.fetch_sub(1);
    }
  }
}

std::uint64_t HttpServer::attach(std::weak_ptr<ConnectionBase> c) {
  MutexLock lock(mu_);
  const std::uint64_t id = ++next_id_;
  conns_.emplace(id, std::move(c));
  return id;
}

void HttpServer::detach(std::uint64_t id) {
  {
    MutexLock lock(mu_);
    conns_.erase(id);
  }
  active_.fetch_sub(1, std::memory_order_acq_rel);
}

void HttpServer::shutdown() {
  stopping_.store(true, std::memory_order_release);
  asio::dispatch(strand_, [this] {
    error_code ignored;
    acceptor_.close(ignored);
  });
  std::vector<std::shared_ptr<ConnectionBase>> live;
  {
    MutexLock lock(mu_);
    for (auto& [id, weak] : conns_)
      if (auto c = weak.lock()) live.push_back(std::move(c));
  }
  for (auto& c : live) c->close_if_idle();
}

void HttpServer::close_all() {
  std::vector<std::shared_ptr<ConnectionBase>> live;
  {
    MutexLock lock(mu_);
    for (auto& [id, weak] : conns_)
      if (auto c = weak.lock()) live.push_back(std::move(c));
  }
  for (auto& c : live) c->close();
}

}  // namespace tessera::server
