// The Principal of a Tessera session cookie, for services that share Tessera's session store:
// SessionManager::validate decides (idle and absolute timeouts, revocation, the user's
// credential generation). The principal has the user as subject, the id's hash as token_id
// (never the id), no client and no scopes; expires_at is the earlier of the two timeouts.
// Errors: SessionManager's (session_not_found, session_*_expired, session_revoked,
// store_unavailable).
// Thread safety: as SessionManager (thread-safe).
#pragma once

#include <string_view>

#include "tessera/authenticator.hpp"

namespace tessera::resource {

Result<Principal> session_principal(SessionManager& sessions, std::string_view session_id);

}  // namespace tessera::resource
