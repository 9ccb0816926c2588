// `tessera doctor`'s checks of a serve configuration (docs/doctor.md): the settings as
// server/config loads them, the registered clients and the Redis persistence, each turned into
// findings by a pure function (so every rule is tested with a crafted ServerConfig).
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "doctor/finding.hpp"
#include "server/config.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/store_persistence.hpp"

namespace tessera::cli::doctor {

// What doctor found out about the things the configuration points at.
struct ConfigFacts {
  server::ServerConfig cfg;
  std::optional<std::vector<Client>> clients;           // nullopt: not read (why in clients_unread)
  std::string clients_unread;
  std::optional<std::vector<RedisPersistence>> redis;   // Redis stores only; nullopt: not asked / failed
  std::string redis_unread;                             // why not (when the store is Redis)
};

// Settings: tls, public_origin, issuer, session_timeouts, max_token_ttl, key_rotation, leeway,
// store, metrics, dpop_nonce, argon2.
Findings check_settings(const server::ServerConfig& cfg);
// Clients: access_ttl, refresh_rotation (grace, lifetimes), dpop for public clients.
Findings check_clients(const std::vector<Client>& clients, const server::ServerConfig& cfg);
// Redis persistence (appendonly / save) of every node asked.
Findings check_redis(const std::vector<RedisPersistence>& nodes);
// All of the above from the facts (plus the warnings for what could not be read).
Findings check_config(const ConfigFacts& facts);

}  // namespace tessera::cli::doctor
