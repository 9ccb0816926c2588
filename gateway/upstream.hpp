// The gateway's side towards the protected service (docs/gateway.md "Upstream"): where it is
// (an http:// URL, resolved once at start), and a keep-alive connection pool per I/O lane that
// sends one request and reads one response asynchronously (Beast on the lane's io_context, no
// thread waits on the upstream).
//
// A request goes over an idle pooled connection when there is one (at most kMaxIdle kept per
// lane, each dropped after kIdleFor unused), else a new one. A pooled connection that turns
// out closed by the upstream (the write fails, or the read fails before any byte of the
// response) is retried once on a new connection: that is the upstream closing an idle
// keep-alive connection, not an answer. Failures:
//   connect refused / reset / unreachable, a malformed or oversized response -> bad_gateway (502)
//   no connection within connect_timeout, no whole response within response_timeout
//                                                                           -> timeout (504)
// Thread safety: UpstreamTarget is immutable; an UpstreamPool is used only on its lane's thread.
#pragma once

#include <chrono>
#include <cstddef>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "server/http.hpp"
#include "tessera/error.hpp"

namespace tessera::gateway {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using server::Request;
using server::Response;
using tcp = asio::ip::tcp;

struct UpstreamTarget {
  std::string url;        // as configured: "http://127.0.0.1:9000/base"
  std::string host;       // "127.0.0.1"
  std::string port;       // "9000"
  std::string base_path;  // "/base" (empty: none); prefixed to every request target
  std::vector<tcp::endpoint> endpoints;  // the host resolved at start
};

// Parses "http://HOST[:PORT][/PATH]" (no query, fragment or user info; https is not supported:
// put the gateway beside the service) and resolves HOST. Errors: invalid_argument (not such
// a URL), io_error (HOST does not resolve).
Result<UpstreamTarget> resolve_upstream(std::string_view url);

struct UpstreamTimeouts {
  std::chrono::milliseconds connect{5000};
  std::chrono::milliseconds response{30000};  // from the request's first byte written to the response's last read
};

enum class UpstreamFailure { bad_gateway, timeout };

struct UpstreamResult {
  std::expected<Response, UpstreamFailure> response;
  std::string detail;  // why it failed (for the log)
  bool reused = false;  // went over a pooled connection
};

class UpstreamPool {
 public:
  static constexpr std::size_t kMaxIdle = 256;
  static constexpr std::chrono::seconds kIdleFor{4};  // below common keep-alive timeouts (node: 5 s)
  static constexpr std::size_t kMaxResponseBytes = 64 * 1024 * 1024;

  // target must outlive the pool; lane is the io_context the pool's connections live on.
  UpstreamPool(asio::io_context& lane, const UpstreamTarget& target, UpstreamTimeouts timeouts);
  ~UpstreamPool();
  UpstreamPool(const UpstreamPool&) = delete;
  UpstreamPool& operator=(const UpstreamPool&) = delete;

  // Sends req (its target already the upstream's, its headers final) and reads the response.
  asio::awaitable<UpstreamResult> exchange(Request& req);
  // Closes the idle connections (shutdown).
  void close_idle();

 private:
  struct Conn;
  asio::awaitable<std::unique_ptr<Conn>> connect(std::string& detail, bool& timed_out);

  asio::io_context& lane_;
  const UpstreamTarget& target_;
  UpstreamTimeouts timeouts_;
  std::vector<std::unique_ptr<Conn>> idle_;  // most recently used last
};

}  // namespace tessera::gateway
