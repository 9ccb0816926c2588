// Registration of the `tessera` CLI subcommands on the CLI11 app (implemented in
// keys_cmd.cpp and jwt_cmd.cpp). Handlers run as CLI11 callbacks and report failures by
// throwing cli::Failure (common.hpp), caught in main.cpp.
#pragma once

#include <CLI/CLI.hpp>

namespace tessera::cli {

// `tessera keys generate|public`
void add_keys_commands(CLI::App& app);
// `tessera jwt sign|verify|decode` and `tessera jws verify`
void add_jwt_commands(CLI::App& app);

}  // namespace tessera::cli
