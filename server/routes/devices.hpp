// A user's devices, as GET /sessions (JSON) and the account page (HTML) both list them: the
// browser sessions (AuthService::sessions) and the app grants (AuthorizationServer::grants),
// and revoking one by its id, whichever kind it is. The one place that knows how the two kinds
// are told apart (a grant's family id and a session's id hash differ in length) and how a
// grant's client info is read.
// Thread safety: plain coroutines over the thread-safe AppContext; each call on its own data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "server/app_context.hpp"
#include "tessera/error.hpp"

namespace tessera::server {

struct Device {
  std::string id;           // a session's id hash or a grant's family id
  bool app = false;         // an app grant (else a browser session)
  std::string client_id;    // apps only
  std::string client_name;  // apps only
  std::string scope;        // apps only
  std::string ip;
  std::string user_agent;
  std::int64_t created_at = 0;
  std::int64_t last_seen_at = 0;
  bool current = false;  // the session this request came with
};

// The user's browser sessions (oldest first), then their app grants; current_hash marks "this
// device".
asio::awaitable<Result<std::vector<Device>>> list_devices(const AppContext& ctx, std::string user,
                                                          std::string current_hash);

// Revokes the user's session or grant with this id: session_not_found when it is neither (or
// someone else's). Counts sessions_revoked for a session.
asio::awaitable<Result<void>> revoke_device(const AppContext& ctx, std::string user, std::string id);

}  // namespace tessera::server
