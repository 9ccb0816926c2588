// What `tessera serve` makes of the AuthorizationServer's events (OAuthEvent): the OAuth
// counters of its Metrics (docs/server.md "Metrics") and one log line per event (docs/server.md
// "Logs"), carrying client_id, jti and family_id, never a token or secret (DESIGN.md invariant 8):
//   token_issued   info  "token issued"         {grant, format, client_id, jti, family_id}
//   refresh_reuse  warn  "refresh token reuse"  {client_id, family_id}: the family was revoked
//   code_reuse     warn  "code reuse"           {client_id, family_id}: its grant was revoked
//   introspection  debug "introspection"        {client_id, active}
//   revocation     info  "token revoked"        {client_id, jti, family_id}
// Thread safety: the observer may be called from any thread (Metrics and Logger are
// thread-safe); both must outlive it.
#pragma once

#include "server/log.hpp"
#include "server/metrics.hpp"
#include "tessera/authorization_server.hpp"

namespace tessera::server {

OAuthObserver oauth_observer(Logger& log, Metrics& metrics);

}  // namespace tessera::server
