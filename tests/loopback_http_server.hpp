// Loopback HTTP servers for tests of libtessera's HTTP clients (tessera/http_client.hpp):
//  - OneShotServer accepts one connection, records the request and answers a canned response
//    (or stays silent until the client closes);
//  - LoopbackServer answers every connection (one request each) with a handler, on a thread
//    per connection, over plain HTTP or TLS (a server context the test sets up).
// Thread safety: OneShotServer's request is written by the server thread and read after the
// call returns; LoopbackServer's handler runs on connection threads (it must be thread-safe)
// and the destructor joins them (a handler that waits must watch closing()).
#pragma once

#include <atomic>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace tessera::test {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

// Serves one connection: records the request, answers `reply` (or nothing when silent, until
// the client gives up and closes).
struct OneShotServer {
  asio::io_context ioc;
  tcp::acceptor acceptor{ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  http::request<http::string_body> seen;
  // May be changed before the client sends (the server reads it only after the request came).
  http::response<http::string_body> reply;
  std::thread thread;

  explicit OneShotServer(http::response<http::string_body> canned, bool silent = false) : reply(std::move(canned)) {
    thread = std::thread([this, silent] {
      tcp::socket s(ioc);
      acceptor.accept(s);
      boost::beast::flat_buffer buf;
      boost::system::error_code ec;
      http::read(s, buf, seen, ec);
      if (silent) {
        char byte;
        s.read_some(asio::buffer(&byte, 1), ec);  // until the client closes
        return;
      }
      reply.prepare_payload();
      http::write(s, reply, ec);
    });
  }
  ~OneShotServer() { thread.join(); }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + path;
  }
};

using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

class LoopbackServer {
 public:
  using Handler = std::function<HttpResponse(const HttpRequest&)>;

  // tls: a server context with its certificate (null: plain HTTP); it must outlive this.
  explicit LoopbackServer(Handler handler, asio::ssl::context* tls = nullptr)
      : handler_(std::move(handler)), tls_(tls) {
    accept_thread_ = std::thread([this] { accept_loop(); });
  }
  ~LoopbackServer() { close(); }
  LoopbackServer(const LoopbackServer&) = delete;
  LoopbackServer& operator=(const LoopbackServer&) = delete;

  // Stops listening (connections are refused from then on) and joins every connection thread
  // (handlers see closing()).
  void close() {
    if (closing_.exchange(true)) return;
    boost::system::error_code ec;
    tcp::socket poke(ioc_);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port_), ec);  // wakes accept()
    accept_thread_.join();
    acceptor_.close(ec);  // from now on a connection is refused
    std::lock_guard lock(mu_);
    for (auto& t : connections_) t.join();
  }
  bool closing() const { return closing_.load(); }
  unsigned short port() const { return port_; }
  int requests() const { return requests_.load(); }
  std::string url(const std::string& path, const std::string& host = "127.0.0.1") const {
    return std::string(tls_ ? "https" : "http") + "://" + host + ":" + std::to_string(port_) + path;
  }

 private:
  void accept_loop() {
    while (!closing_) {
      tcp::socket sock(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(sock, ec);
      if (ec || closing_) return;
      std::lock_guard lock(mu_);
      connections_.emplace_back([this, s = std::move(sock)]() mutable { serve(std::move(s)); });
    }
  }
  void serve(tcp::socket sock) {
    boost::system::error_code ec;
    if (!tls_) return exchange(sock);
    asio::ssl::stream<tcp::socket> stream(std::move(sock), *tls_);
    stream.handshake(asio::ssl::stream_base::server, ec);
    if (ec) return;  // the client refused our certificate
    exchange(stream);
    stream.shutdown(ec);
  }
  template <class Stream>
  void exchange(Stream& stream) {
    boost::beast::flat_buffer buf;
    boost::system::error_code ec;
    HttpRequest req;
    http::read(stream, buf, req, ec);
    if (ec) return;
    ++requests_;
    HttpResponse res = handler_(req);
    res.prepare_payload();
    http::write(stream, res, ec);
  }

  Handler handler_;
  asio::ssl::context* tls_;
  asio::io_context ioc_;
  tcp::acceptor acceptor_{ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)};
  unsigned short port_ = acceptor_.local_endpoint().port();
  std::atomic<bool> closing_{false};
  std::atomic<int> requests_{0};
  std::mutex mu_;
  std::list<std::thread> connections_;
  std::thread accept_thread_;
};

}  // namespace tessera::test
