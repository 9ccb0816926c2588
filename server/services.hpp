// The composition root: the one place that turns a ServerConfig into the store and the
// services over it. `tessera serve`, `tessera users`, `tessera sessions` and `tessera store`
// all open what they use through it, so they agree on the store, the options and the wiring.
// Thread safety: Services holds thread-safe objects; open_services is a plain function.
#pragma once

#include <memory>

#include "server/config.hpp"
#include "tessera/account_store.hpp"
#include "tessera/auth_service.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/clock.hpp"
#include "tessera/device_cookie.hpp"
#include "tessera/error.hpp"
#include "tessera/key_set_fetcher.hpp"
#include "tessera/keys.hpp"
#include "tessera/oauth_store.hpp"
#include "tessera/revocation_log.hpp"
#include "tessera/secret.hpp"
#include "tessera/session.hpp"

namespace tessera::server {

struct Services {
  // The revocation feed's log on cfg.store_uri() (retention: feed_retention); both services
  // announce on it, so the CLI's credential changes reach the feed too.
  std::unique_ptr<RevocationLog> revocations;
  std::unique_ptr<AccountStore> store;        // the users and sessions of cfg.store_uri()
  std::unique_ptr<SessionManager> sessions;   // over store->sessions(), with cfg.session
  std::unique_ptr<AuthService> auth;          // over both, with cfg.auth
  // open_oauth() adds these:
  std::unique_ptr<OAuthStore> oauth_store;         // the OAuth records of cfg.store_uri()
  std::unique_ptr<KeySetFetcher> key_set_fetcher;  // jwks_uri clients' keys (null: refused)
  std::unique_ptr<AuthorizationServer> oauth;      // over oauth_store and store->users()
};

// Opens cfg's store (connecting lazily for Redis: an unreachable Redis is not an error here)
// and the services over it. device_cookies: the server's (from its data directory), or null
// for commands that log nobody in. Errors: those of open_account_store (invalid_argument for a
// bad store URI, store_unavailable for a SQLite file that cannot be opened), of
// SessionManager::create (invalid_argument: bad session options) and of AuthService::create
// (the unknown-user dummy hash cannot be made with the Argon2 parameters).
// How long the revocation log keeps events: the longest token lifetime the server signs
// (OAuthOptions::max_token_ttl) plus the leeway; later, what they revoke has expired anyway.
std::int64_t feed_retention(std::int64_t max_token_ttl);

Result<Services> open_services(const ServerConfig& cfg, std::shared_ptr<const DeviceCookies> device_cookies = nullptr);

// Opens cfg's OAuth store and the AuthorizationServer over it and s's users (s from
// open_services): signing_keys and server_key from the data directory (server/keys_dir.hpp),
// issuer as the server names itself (ServerConfig::issuer_for), clock (null: the system's) and
// observer (null: none) must outlive s. Errors: those of open_oauth_store (invalid_argument,
// store_unavailable) and of AuthorizationServer::create (invalid_argument: a bad issuer, keys
// missing an algorithm it signs with). key_set_fetcher (moved into s; null: none, as for the
// CLI) fetches jwks_uri clients' keys for private_key_jwt: make_key_set_fetcher(cfg).
// DPoP is on: the replay cache of cfg's store (open_dpop_replay_cache), and with
// cfg.dpop_nonce nonces derived from server_key (DpopNonces::derive; 300 s steps).
Result<void> open_oauth(Services& s, const ServerConfig& cfg, KeySet signing_keys, SecretBytes server_key,
                        std::string issuer, const Clock* clock = nullptr, OAuthObserver observer = nullptr,
                        std::unique_ptr<KeySetFetcher> key_set_fetcher = nullptr);

// The HTTPS fetcher of `tessera serve` (tessera/https_key_set_fetcher.hpp) with cfg.oauth_ca_file;
// invalid_argument when that file cannot be loaded.
Result<std::unique_ptr<KeySetFetcher>> make_key_set_fetcher(const ServerConfig& cfg);

}  // namespace tessera::server
