// A session cookie's principal (session_principal.hpp).
#include "resource/session_principal.hpp"

#include <algorithm>

#include "tessera/session.hpp"

namespace tessera::resource {

Result<Principal> session_principal(SessionManager& sessions, std::string_view session_id) {
  auto s = sessions.validate(session_id);
  if (!s) return std::unexpected(std::move(s.error()));
  const SessionRecord& r = s->record;
  Principal p;
  p.method = AuthMethod::session;
  p.subject = r.user;
  p.token_id = r.id_hash;
  p.issued_at = r.created_at;
  p.expires_at = std::min(r.idle_expires_at, r.absolute_expires_at);
  return p;
}

}  // namespace tessera::resource
