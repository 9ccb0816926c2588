// JwksFetcher: the KeySetFetcher (tessera/key_set_fetcher.hpp) of `tessera serve`: a blocking
// HTTPS GET over Beast + Asio SSL for the jwks_uri of private_key_jwt clients. Rules:
//  - https only (an http:// or malformed URL is invalid_argument; no userinfo);
//  - TLS 1.2+, the peer verified against the system trust store plus an optional CA file
//    (--oauth-ca-file), the host name checked against the certificate, SNI sent for names;
//  - one deadline (3 s by default) for resolve, connect, handshake, request and response;
//  - status 200 only (a redirect is not followed), Content-Type application/json or
//    application/jwk-set+json, body at most kMaxRemoteKeySetBytes; Cache-Control max-age read.
// Every failure but a bad URL is io_error, its message naming the step (for logs).
// Thread safety: fetch is thread-safe (the SSL context is shared read-only; each call has its
// own io_context and connection). It blocks: call it off the event loop (the token endpoint runs
// on the store pool).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include <boost/asio/ssl/context.hpp>

#include "tessera/error.hpp"
#include "tessera/key_set_fetcher.hpp"

namespace tessera::server {

struct JwksFetcherOptions {
  std::string ca_file;                       // PEM CA certificates trusted besides the system's; empty: none
  std::chrono::milliseconds timeout{3000};  // the whole fetch
};

class JwksFetcher final : public KeySetFetcher {
 public:
  // invalid_argument when ca_file cannot be loaded.
  static Result<std::unique_ptr<JwksFetcher>> create(JwksFetcherOptions options);
  Result<FetchedKeySet> fetch(std::string_view https_url) override;

 private:
  explicit JwksFetcher(JwksFetcherOptions options);
  JwksFetcherOptions options_;
  boost::asio::ssl::context ctx_;
};

}  // namespace tessera::server
