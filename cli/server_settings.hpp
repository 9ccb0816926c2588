// The settings of `tessera serve` on the commands that work on its store (`users`, `sessions`,
// `store`): the same --config / --data / --store and the rest, in one help group, loaded and
// opened one way (server/services.hpp is the composition root they share with `serve`).
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "server/config.hpp"
#include "server/services.hpp"

namespace tessera::cli {

struct ServerSettings {
  server::ServerConfig cfg;
  CLI::App* group = nullptr;  // where add_server_settings put the options
};

// Adds the settings to cmd, in a "Configuration" group whose description says which of them
// the command uses.
void add_server_settings(CLI::App& cmd, ServerSettings& s, const std::string& used);

// After parsing: loads the settings (exit 2 on a bad one), refuses the memory store (nothing
// would remain once the command exits) and creates the data directory when the store lives
// there (SQLite) or the command needs it anyway (always_data_dir). `what` names the command
// in the refusal.
const server::ServerConfig& load_server_settings(ServerSettings& s, const std::string& what,
                                                 bool always_data_dir = false);

// load_server_settings, then open_services: exit 1 when the store cannot be reached, 2 when the
// settings name no usable store.
server::Services open_cli_services(ServerSettings& s, const std::string& what);

// open_cli_services plus the AuthorizationServer (Services::oauth) over the data directory's
// signing keys and OAuth key (created when missing), as `tessera serve` opens it. The issuer is
// the configured one (--issuer, else --public-origin), else a loopback URL: client records do
// not depend on it. Exit codes as open_cli_services.
server::Services open_cli_oauth(ServerSettings& s, const std::string& what);

}  // namespace tessera::cli
