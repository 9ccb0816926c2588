// FakeHttpServer: a plain-HTTP server on loopback for tests that need more than one exchange
// (a fake OIDC issuer, a fake upstream API): one thread accepts connections one after another,
// reads one request from each, records it and answers what the handler returns, then closes.
// Thread safety: the handler runs on the server thread; requests() copies under a mutex.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

namespace tessera::test {

class FakeHttpServer {
 public:
  using Request = boost::beast::http::request<boost::beast::http::string_body>;
  using Response = boost::beast::http::response<boost::beast::http::string_body>;
  using Handler = std::function<Response(const Request&)>;

  explicit FakeHttpServer(Handler handler) : handler_(std::move(handler)) {
    thread_ = std::thread([this] {
      for (;;) {
        boost::asio::ip::tcp::socket s(ioc_);
        boost::system::error_code ec;
        acceptor_.accept(s, ec);
        if (ec || stopping_) return;
        boost::beast::flat_buffer buf;
        Request req;
        boost::beast::http::read(s, buf, req, ec);
        if (ec) continue;
        {
          std::lock_guard lock(mu_);
          seen_.push_back(req);
        }
        Response res = handler_(req);
        res.prepare_payload();
        boost::beast::http::write(s, res, ec);
      }
    });
  }
  ~FakeHttpServer() {
    stopping_ = true;
    boost::system::error_code ec;
    boost::asio::ip::tcp::socket s(ioc_);
    s.connect(acceptor_.local_endpoint(), ec);  // wakes the accept
    thread_.join();
  }
  FakeHttpServer(const FakeHttpServer&) = delete;
  FakeHttpServer& operator=(const FakeHttpServer&) = delete;

  std::string url(const std::string& path = "") const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + path;
  }
  std::vector<Request> requests() const {
    std::lock_guard lock(mu_);
    return seen_;
  }
  // How many requests went to this path (the query ignored).
  std::size_t count(std::string_view path) const {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& r : seen_) n += r.target().substr(0, r.target().find('?')) == path;
    return n;
  }

 private:
  Handler handler_;
  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_{ioc_, {boost::asio::ip::make_address("127.0.0.1"), 0}};
  mutable std::mutex mu_;
  std::vector<Request> seen_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

inline FakeHttpServer::Response json_response(boost::beast::http::status status, std::string body) {
  FakeHttpServer::Response r(status, 11);
  r.set(boost::beast::http::field::content_type, "application/json");
  r.body() = std::move(body);
  return r;
}

}  // namespace tessera::test
