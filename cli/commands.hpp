// Registration of the `tessera` CLI subcommands on the CLI11 app (implemented in
// keys_cmd.cpp, jwt_cmd.cpp and paseto_cmd.cpp). Handlers run as CLI11 callbacks and report failures by
// throwing cli::Failure (common.hpp), caught in main.cpp.
#pragma once

#include <CLI/CLI.hpp>

namespace tessera::cli {

// `tessera keys generate|public|id`
void add_keys_commands(CLI::App& app);
// `tessera paseto encrypt|decrypt|sign|verify`
void add_paseto_commands(CLI::App& app);
// `tessera sessions list|revoke`
void add_sessions_commands(CLI::App& app);
// `tessera jwt sign|verify|decode` and `tessera jws verify`
void add_jwt_commands(CLI::App& app);

}  // namespace tessera::cli
