// How `tessera gateway` builds its Authenticator from its settings (docs/gateway.md "Wiring"):
//   --issuer        -> discover_issuer (RFC 8414 metadata): jwks_uri, introspection endpoint,
//                      revocation feed; the issuer named there must be --issuer exactly
//   jwks_uri        -> RemoteKeySet (cached, refetched on an unknown kid, rate-limited; stale
//                      keys served while the issuer is down), trusting --ca-file
//   --client-id     -> HttpIntrospector (opaque tokens; answers cached --introspection-cache s)
//                      and a RevocationFeedSubscriber keeping a DenyList; the DenyList is not
//                      fresh once the feed was unreachable for --feed-max-stale s: every
//                      request is then refused with 503 (fail closed)
//   always          -> a DpopVerifier with an in-memory replay cache (DPoP-bound tokens;
//                      --require-dpop refuses unbound ones)
//   --audience, --leeway, --scope (checked per request by the GatewayApp)
// Thread safety: GatewayAuth's authenticator() is thread-safe (Authenticator is); stop() once.
#pragma once

#include <memory>

#include "gateway/config.hpp"
#include "server/log.hpp"
#include "tessera/authenticator.hpp"
#include "tessera/error.hpp"

namespace tessera::gateway {

class GatewayAuth {
 public:
  virtual ~GatewayAuth() = default;
  virtual const Authenticator& authenticator() const = 0;
  // Stops the revocation feed subscriber (shutdown); authenticator() keeps answering.
  virtual void stop() = 0;
};

// Errors: invalid_argument (a setting the library refuses, an unreadable secret file),
// io_error / store_unavailable (the issuer's metadata or keys could not be fetched).
Result<std::unique_ptr<GatewayAuth>> make_gateway_authenticator(const GatewayConfig& cfg, server::Logger& log);

}  // namespace tessera::gateway
