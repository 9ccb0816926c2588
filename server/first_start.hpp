// What `tessera serve` prints on standard error once it listens (docs/server.md "First start"):
// the listening line (and the metrics line before it) and, when it created the data directory,
// the next steps as commands that work as printed from any directory; and the URL this machine
// reaches the listener at (also the default issuer's, ServerConfig::issuer_for).
// Thread safety: plain functions (print_what_now writes to standard error).
#pragma once

#include <optional>
#include <string>

#include "server/config.hpp"
#include "server/http.hpp"

namespace tessera::server {

// The URL this machine reaches the listener at: a wildcard bind is reached on loopback.
std::string local_url(tcp::endpoint bound, bool tls);

// The lines that tell a first-time user what to do next (created: this start made the data
// directory); the "listening on" line always.
void print_what_now(const ServerConfig& cfg, const tcp::endpoint& bound, bool tls, bool created,
                    const std::optional<tcp::endpoint>& metrics);

}  // namespace tessera::server
