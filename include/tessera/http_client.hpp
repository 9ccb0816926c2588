// HttpClient: libtessera's blocking HTTP(S) client (src/net/, the only library code that opens
// connections): the issuer's endpoints (discovery, JWKS, token, introspection, the revocation
// feed) and, in the BFF, the proxied upstream APIs. Rules:
//  - http:// or https:// absolute URLs, no user info (else invalid_argument);
//  - https: TLS 1.2+, the peer verified against the system trust store plus an optional CA
//    file, host name checked, SNI sent for names (src/net/tls_client_context.hpp);
//  - one deadline for resolve, connect, handshake, request and response: over it the error is
//    io_error and is_timeout() says so (a proxy answers 504 then);
//  - any status is returned (redirects are not followed), headers in order, body at most
//    max_body_bytes (else io_error, "body over N bytes").
// Thread safety: send is thread-safe (the TLS context is shared read-only; each call has its own
// io_context and connection). It blocks: call it off an event loop.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <stop_token>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/error.hpp"

namespace boost::asio::ssl {
class context;
}

namespace tessera {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpClientRequest {
  std::string method = "GET";
  std::string url = {};
  HeaderList headers = {};  // Host, Content-Length and Connection are the client's own
  std::string body = {};
};

struct HttpClientResponse {
  unsigned status = 0;
  HeaderList headers;
  std::string body;

  // The first header of that name (any case); empty when absent.
  std::string header(std::string_view name) const;
};

struct HttpClientOptions {
  std::string ca_file = {};                   // PEM CAs trusted besides the system's; empty: none
  std::chrono::milliseconds timeout{10000};  // the whole call
  std::size_t max_body_bytes = 4 * 1024 * 1024;
};

// Whether url is https, or http to a loopback host (127.x, [::1], localhost: tests, an issuer
// on the same machine): the one rule for every URL src/net/ sends credentials to or trusts
// keys from (introspection, the revocation feed, discovery, a RemoteKeySet's jwks_uri).
bool secure_or_loopback_url(std::string_view url);

class HttpClient {
 public:
  // invalid_argument when ca_file cannot be loaded (the message names it).
  static Result<std::unique_ptr<HttpClient>> create(HttpClientOptions options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  Result<HttpClientResponse> send(const HttpClientRequest& request);
  // The same with a per-call deadline (a long poll) and body bound (a JWKS); a stop request on
  // `stop` ends the call at once (io_error "cancelled").
  Result<HttpClientResponse> send(const HttpClientRequest& request, std::chrono::milliseconds timeout,
                                  std::size_t max_body_bytes, std::stop_token stop = {});
  // Whether an error of send() is its deadline passing.
  static bool is_timeout(const Error& e);

  const HttpClientOptions& options() const noexcept { return options_; }

 private:
  explicit HttpClient(HttpClientOptions options);
  HttpClientOptions options_;
  std::unique_ptr<boost::asio::ssl::context> ctx_;
};

}  // namespace tessera
