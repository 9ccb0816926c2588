// HttpsKeySetFetcher: the KeySetFetcher (tessera/key_set_fetcher.hpp) over libtessera's
// HttpClient (tessera/http_client.hpp): `tessera serve` fetches clients' jwks_uri with it, and
// a RemoteKeySet (tessera/remote_key_set.hpp) an issuer's. Rules:
//  - https only (an http:// or malformed URL is invalid_argument; no userinfo); a RemoteKeySet
//    also allows http to a loopback host (allow_loopback_http: an issuer on the same machine);
//  - TLS as the HttpClient: TLS 1.2+, the peer verified against the system trust store plus an
//    optional CA file, the host name checked, SNI sent;
//  - one deadline (3 s by default) for resolve, connect, handshake, request and response;
//  - status 200 only (a redirect is not followed), Content-Type application/json or
//    application/jwk-set+json, body at most kMaxRemoteKeySetBytes; Cache-Control max-age read.
// Every failure but a bad URL is io_error, its message naming the step (for logs).
// Thread safety: fetch is thread-safe. It blocks: call it off an event loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tessera/error.hpp"
#include "tessera/http_client.hpp"
#include "tessera/key_set_fetcher.hpp"

namespace tessera {

inline constexpr std::chrono::milliseconds kDefaultKeySetFetchTimeout{3000};

class HttpsKeySetFetcher final : public KeySetFetcher {
 public:
  // invalid_argument when ca_file cannot be loaded.
  static Result<std::unique_ptr<HttpsKeySetFetcher>> create(std::string ca_file,
                                                            std::chrono::milliseconds timeout = kDefaultKeySetFetchTimeout,
                                                            bool allow_loopback_http = false);
  // Over an existing client (its CA file; this fetcher's timeout and body bound).
  HttpsKeySetFetcher(std::shared_ptr<HttpClient> client, std::chrono::milliseconds timeout = kDefaultKeySetFetchTimeout,
                     bool allow_loopback_http = false);

  Result<FetchedKeySet> fetch(std::string_view https_url) override;

 private:
  std::shared_ptr<HttpClient> client_;
  std::chrono::milliseconds timeout_;
  bool allow_loopback_http_;
};

// Cache-Control: max-age=N (RFC 9111 §5.2.2.1); nullopt when absent or not a number.
std::optional<std::int64_t> cache_control_max_age(std::string_view cache_control);

}  // namespace tessera
