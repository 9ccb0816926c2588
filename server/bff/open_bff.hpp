// open_bff: the composition of the BFF (docs/bff.md) from the server's settings, used by
// `tessera serve` when --bff-client is set: the HTTP client (issuer and upstreams, deadline
// --bff-timeout, CA file --oauth-ca-file), the issuer client (--bff-issuer, else the server's
// own issuer; the secret from --bff-client-secret-file), the sessions over the server's
// SessionManager and store, and the service. The redirect URI is <origin>/bff/callback.
// Thread safety: open_bff is a plain function; what it returns is thread-safe once built.
#pragma once

#include <memory>
#include <string>

#include "server/bff/bff_service.hpp"
#include "server/bff/bff_sessions.hpp"
#include "tessera/http_client.hpp"
#include "server/bff/issuer_client.hpp"
#include "server/config.hpp"
#include "tessera/error.hpp"
#include "tessera/secret.hpp"
#include "tessera/session.hpp"

namespace tessera::server::bff {

// How much longer than one issuer call a refresh lease lasts (bff_sessions.hpp).
inline constexpr std::int64_t kLeaseMarginSeconds = 5;

struct BffParts {
  std::unique_ptr<HttpClient> http;
  std::unique_ptr<IssuerClient> issuer;
  std::unique_ptr<BffSessions> sessions;
  std::unique_ptr<BffService> service;
};

// key: the data directory's bff.key (32 bytes). default_issuer: the server's issuer; origin:
// the server's public origin (no trailing slash). Errors: invalid_argument (an empty or
// unreadable secret file, a CA file that does not load, a bad key), io_error.
Result<BffParts> open_bff(const ServerConfig& cfg, SessionManager& sessions, SessionStore& store,
                          const SecretBytes& key, const std::string& default_issuer, const std::string& origin);

}  // namespace tessera::server::bff
