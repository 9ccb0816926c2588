// HTTP/1.1 transport of `tessera serve`: the listener, one coroutine per connection (plain TCP
// or TLS, same code), keep-alive, and the limits of docs/server.md:
//   header bytes over the limit -> 431 headers_too_large, then close
//   body bytes over the limit   -> 413 body_too_large, then close
//   request not read in time    -> 408 request_timeout, then close (timed from its first byte)
//   idle keep-alive connection  -> closed silently
//   over max connections        -> 503 overloaded, then close
//   anything unparseable        -> 400 malformed, then close
//   chunked trailer fields, or a `Trailer` header announcing them -> 400 malformed, then close
//     (Beast's parser would merge trailer fields into the header, where a Cookie, CSRF token,
//     Sec-Fetch-Site or X-Forwarded-For sent after the body would count as if sent before it)
//   accept() failing (EMFILE, ENFILE, ...) -> the acceptor waits 100 ms and tries again; the
//     application hears of it at most once a second (with the count of failures held back),
//     and the connections already open go on being served
// What a request means is the Application's business (server/app.hpp); this file only moves
// bytes. Every connection runs on one lane (an io_context run by one thread), or, without
// lanes, on its own strand of the one io_context.
// Thread safety: HttpServer's methods may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "common/mutex.hpp"
#include "server/http_limits.hpp"
#include "server/log_throttle.hpp"
#include "tessera/error.hpp"

namespace tessera::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

// Where a streamed response body goes (Incoming::stream): bytes written as they come, each
// write bounded by the request timeout. false once the peer is gone or the connection closed
// (shutdown's close_all, a failed write): the streamer should return.
class BodyWriter {
 public:
  virtual ~BodyWriter() = default;
  virtual asio::awaitable<bool> write(std::string_view bytes) = 0;
  virtual bool open() const noexcept = 0;
};
using Streamer = std::function<asio::awaitable<void>(BodyWriter&)>;

// A request read in full, and where it came from.
struct Incoming {
  Request msg;
  std::string peer_ip;  // the TCP peer's address (normalize_ip, server/client_ip.hpp)
  bool tls = false;
  std::size_t lane = 0;  // index of the io_context (HttpServer's lanes) the connection runs on
  // Set by a handler that streams its body (Server-Sent Events): the transport writes the
  // response's header (no Content-Length; Connection: close, so the body ends when the
  // connection does), then runs the streamer on the connection's executor, then closes.
  Streamer stream = nullptr;
};

// A request the transport refused before it was read in full.
struct Refused {
  std::string_view code;    // "headers_too_large", "body_too_large", ... (status and text: error_table.hpp)
  std::string_view method;  // empty when the request line was not read
  std::string peer_ip;
  bool tls = false;
};

// What the transport asks of the application.
class Application {
 public:
  virtual ~Application() = default;
  // Answers a complete request. May suspend (store calls run elsewhere) but must not block.
  virtual asio::awaitable<Response> handle(Incoming& in) = 0;
  // The response for a refused request (an error body with the usual headers), logged and
  // counted like any other.
  virtual Response refuse(const Refused& r) = 0;
  // A connection opened (+1) or closed (-1); refused overloaded connections are not counted.
  virtual void on_connection(int delta) noexcept { (void)delta; }
  // accept() failed (error: its message); at most once a second, with the number of failures
  // since the last call that were not reported.
  virtual void on_accept_error(std::string_view error, std::uint64_t suppressed) noexcept {
    (void)error;
    (void)suppressed;
  }
};


// "127.0.0.1:8080", "[::1]:8080", "localhost:8080", ":8080" (all IPv4 interfaces).
// invalid_argument when it does not parse or the host does not resolve.
Result<tcp::endpoint> resolve_listen_address(std::string_view listen);

// "http://127.0.0.1:8080" / "https://[::1]:8443".
std::string endpoint_url(const tcp::endpoint& ep, bool tls);

class ConnectionBase;

class HttpServer {
 public:
  // app and ioc must outlive the server; tls (if given) and the lanes too. ioc runs the
  // acceptor; connections are spread round-robin over lanes, each of which must be run by
  // exactly one thread (a connection's handlers then need no strand; each lane has its own
  // store reader in the application: Incoming::lane says which), or, when lanes is empty, all
  // go to ioc, on a strand each (ioc may have several threads).
  HttpServer(asio::io_context& ioc, Application& app, HttpLimits limits, asio::ssl::context* tls = nullptr,
             std::vector<asio::io_context*> lanes = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; returns the bound endpoint (the actual port for port 0).
  // io_error when the address cannot be bound.
  Result<tcp::endpoint> listen(const tcp::endpoint& ep);
  // Starts accepting (call once, after listen()).
  void start();
  // Stops accepting, closes idle connections now and the others after their current response.
  void shutdown();
  // Closes every connection now, whatever it is doing (after shutdown() had its grace period).
  void close_all();

  bool tls() const noexcept { return tls_ != nullptr; }
  bool stopping() const noexcept { return stopping_.load(std::memory_order_acquire); }
  // Connections being served (not counting those refused as overloaded).
  std::size_t connections() const noexcept { return active_.load(std::memory_order_acquire); }

  // For connections: registration in the set shutdown() walks.
  std::uint64_t attach(std::weak_ptr<ConnectionBase> c);
  void detach(std::uint64_t id);
  Application& app() noexcept { return app_; }
  const HttpLimits& limits() const noexcept { return limits_; }
  asio::ssl::context* tls_context() noexcept { return tls_; }

 private:
  asio::awaitable<void> accept_loop();

  asio::io_context& ioc_;
  bool single_threaded_lanes_;
  std::vector<asio::io_context*> lanes_;
  std::size_t next_lane_ = 0;  // on strand_ only
  Application& app_;
  HttpLimits limits_;
  asio::ssl::context* tls_;
  asio::strand<asio::io_context::executor_type> strand_;  // the acceptor's
  tcp::acceptor acceptor_;
  LogThrottle accept_errors_;  // on strand_ only
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> active_{0};
  Mutex mu_;
  std::uint64_t next_id_ GUARDED_BY(mu_) = 0;
  std::unordered_map<std::uint64_t, std::weak_ptr<ConnectionBase>> conns_ GUARDED_BY(mu_);
};

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  // Both post themselves on the connection's executor: HttpServer::shutdown() / close_all().
  virtual void close_if_idle() = 0;
  virtual void close() = 0;
};

}  // namespace tessera::server
