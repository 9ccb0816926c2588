// The application behind `tessera gateway`'s listener (docs/gateway.md): every request is
// authenticated (tessera::Authenticator), checked for the required scopes, and forwarded to
// the upstream over its lane's connection pool; refusals are answered here.
//
// Answers of its own, each {"error": code} and nothing more (the reason goes to the log):
//   the Authenticator's refusal: its status (401, 400, 403, 503), WWW-Authenticate and
//     DPoP-Nonce; code = the challenge's error (invalid_token, invalid_request, ...), else
//     "unauthorized" (no credentials) / "temporarily_unavailable" (503)
//   a required scope missing: 403 insufficient_scope with its challenge
//   the upstream failing: 502 bad_gateway; not answering in time: 504 upstream_timeout
//   a request target that is not origin-form (/path?query): 400 invalid_request
//
// Where authentication runs: a JWT or PASETO token whose header (JWT) or footer (PASETO)
// this lane has already seen accepted is checked on the I/O thread (its key is cached, so
// nothing blocks); anything else -- an opaque token (introspection), a token naming a key not
// yet seen here (the key set may refetch) -- runs on the blocking pool and comes back. Each lane
// remembers at most kKnownShapes such headers.
// Thread safety: handle() runs on the connection's lane (one thread per lane); per-lane state
// is touched only there; the rest is immutable or thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include <boost/asio/thread_pool.hpp>

#include "gateway/gateway_metrics.hpp"
#include "gateway/upstream.hpp"
#include "server/http.hpp"
#include "server/log.hpp"
#include "tessera/authenticator.hpp"

namespace tessera::gateway {

struct GatewayContext {
  const Authenticator& auth;
  std::vector<std::string> required_scopes;
  std::string public_url;  // origin without trailing slash
  const UpstreamTarget& upstream;
  UpstreamTimeouts timeouts;
  std::vector<asio::io_context*> lanes;
  asio::thread_pool& blocking;
  server::Logger& log;
  GatewayMetrics& metrics;
};

class GatewayApp final : public server::Application {
 public:
  static constexpr std::size_t kKnownShapes = 64;

  explicit GatewayApp(GatewayContext ctx);
  ~GatewayApp() override;

  asio::awaitable<Response> handle(server::Incoming& in) override;
  Response refuse(const server::Refused& r) override;
  void on_connection(int delta) noexcept override { ctx_.metrics.connection(delta); }
  void on_accept_error(std::string_view error, std::uint64_t suppressed) noexcept override;
  // Closes each lane's idle upstream connections (posted to the lanes; shutdown).
  void close_idle();
  // The origin requests are authenticated against, once the listener is bound (before start).
  void set_public_url(std::string url) { ctx_.public_url = std::move(url); }

 private:
  struct Lane {
    std::unique_ptr<UpstreamPool> pool;
    std::unordered_set<std::string> known;  // token headers/footers accepted on this lane
    std::uint64_t next_request = 0;
  };
  struct Outcome;

  asio::awaitable<AuthResult<Principal>> authenticate(server::Incoming& in, Lane& lane, const std::string& url,
                                                       Outcome& out);
  void record(const server::Incoming& in, const Outcome& out, unsigned status, double seconds);

  GatewayContext ctx_;
  std::uint32_t id_prefix_;
  std::vector<Lane> lanes_;
};

}  // namespace tessera::gateway
