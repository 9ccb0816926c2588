// The composition root: the one place that turns a ServerConfig into the store and the
// services over it. `tessera serve`, `tessera users`, `tessera sessions` and `tessera store`
// all open what they use through it, so they agree on the store, the options and the wiring.
// Thread safety: Services holds thread-safe objects; open_services is a plain function.
#pragma once

#include <memory>

#include "server/config.hpp"
#include "tessera/account_store.hpp"
#include "tessera/auth_service.hpp"
#include "tessera/device_cookie.hpp"
#include "tessera/error.hpp"
#include "tessera/session.hpp"

namespace tessera::server {

struct Services {
  std::unique_ptr<AccountStore> store;        // the users and sessions of cfg.store_uri()
  std::unique_ptr<SessionManager> sessions;   // over store->sessions(), with cfg.session
  std::unique_ptr<AuthService> auth;          // over both, with cfg.auth
};

// Opens cfg's store (connecting lazily for Redis: an unreachable Redis is not an error here)
// and the services over it. device_cookies: the server's (from its data directory), or null
// for commands that log nobody in. Errors: those of open_account_store (invalid_argument for a
// bad store URI, store_unavailable for a SQLite file that cannot be opened), of
// SessionManager::create (invalid_argument: bad session options) and of AuthService::create
// (the unknown-user dummy hash cannot be made with the Argon2 parameters).
Result<Services> open_services(const ServerConfig& cfg, std::shared_ptr<const DeviceCookies> device_cookies = nullptr);

}  // namespace tessera::server
