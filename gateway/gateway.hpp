// `tessera gateway` (docs/gateway.md): a reverse proxy that puts the Authenticator in front of
// any HTTP service. The same transport, limits, JSON logs, metrics listener, lanes and
// shutdown as `tessera serve` (server/http.hpp, server/log.hpp, server/metrics_app.hpp,
// server/lanes.hpp, server/drain.hpp); what it does with a request: gateway/gateway_app.hpp.
#pragma once

#include "gateway/config.hpp"

namespace tessera::gateway {

// Discovers the issuer, builds the Authenticator, listens, serves until SIGINT/SIGTERM, then
// drains in-flight requests (up to 10 s). Returns the exit code: 0 after a clean shutdown, 1
// when it cannot start (the reason is logged and printed).
int run(const GatewayConfig& cfg);

}  // namespace tessera::gateway
