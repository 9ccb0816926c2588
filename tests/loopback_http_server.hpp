// OneShotServer: a plain-HTTP server on loopback for tests of the server's HTTP clients
// (server/bff/http_client.*): it accepts one connection, records the request and answers a
// canned response (or stays silent until the client closes).
// Thread safety: the request is written by the server thread and read after the call returns.
#pragma once

#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
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

}  // namespace tessera::test
