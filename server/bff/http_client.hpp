// HttpClient: the BFF's blocking HTTP(S) client (docs/bff.md) for the issuer's endpoints
// (discovery, JWKS, token, revocation) and the proxied upstream APIs. Rules:
//  - http:// or https:// absolute URLs, no user info (else invalid_argument);
//  - https: TLS 1.2+, the peer verified against the system trust store plus an optional CA
//    file, host name checked, SNI sent for names (server/tls_client_context.hpp, shared with server/jwks_fetcher);
//  - one deadline for resolve, connect, handshake, request and response: over it the error is
//    io_error and is_timeout() says so (the proxy answers 504 then);
//  - any status is returned (redirects are not followed), headers in order, body at most
//    max_body_bytes (else io_error).
// Thread safety: send is thread-safe (each call has its own io_context and connection). It
// blocks: call it off the event loop.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/ssl/context.hpp>

#include "tessera/error.hpp"

namespace tessera::server::bff {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpClientRequest {
  std::string method = "GET";
  std::string url;
  HeaderList headers;  // Host, Content-Length and Connection are the client's own
  std::string body;
};

struct HttpClientResponse {
  unsigned status = 0;
  HeaderList headers;
  std::string body;
};

struct HttpClientOptions {
  std::string ca_file;                        // PEM CAs trusted besides the system's; empty: none
  std::chrono::milliseconds timeout{10000};  // the whole call
  std::size_t max_body_bytes = 4 * 1024 * 1024;
};

class HttpClient {
 public:
  // invalid_argument when ca_file cannot be loaded.
  static Result<std::unique_ptr<HttpClient>> create(HttpClientOptions options);
  Result<HttpClientResponse> send(const HttpClientRequest& request);
  // Whether an error of send() is its deadline passing.
  static bool is_timeout(const Error& e);

 private:
  explicit HttpClient(HttpClientOptions options);
  HttpClientOptions options_;
  boost::asio::ssl::context ctx_;
};

}  // namespace tessera::server::bff
