// Registration of the `tessera` CLI subcommands on the CLI11 app (implemented in
// keys_cmd.cpp, jwt_cmd.cpp, paseto_cmd.cpp, sessions_cmd.cpp, users_cmd.cpp, clients_cmd.cpp,
// store_cmd.cpp, serve_cmd.cpp, gateway_cmd.cpp, advise_cmd.cpp and doctor_cmd.cpp).
// Handlers run as CLI11 callbacks and report failures by throwing cli::Failure (common.hpp),
// caught in main.cpp.
#pragma once

#include <CLI/CLI.hpp>

namespace tessera::cli {

// `tessera keys generate|public|id`
void add_keys_commands(CLI::App& app);
// `keys rotate|list` under the `keys` command (keys_schedule_cmd.cpp).
void add_key_schedule_commands(CLI::App& keys);
// `tessera paseto encrypt|decrypt|sign|verify`
void add_paseto_commands(CLI::App& app);
// `tessera sessions list|revoke`
void add_sessions_commands(CLI::App& app);
// `tessera jwt sign|verify|decode` and `tessera jws verify`
void add_jwt_commands(CLI::App& app);
// `tessera users add|passwd|disable|list`
void add_users_commands(CLI::App& app);
// `tessera clients add|list|show|remove|rotate-secret`
void add_clients_commands(CLI::App& app);
// `tessera store status|confirm-reset`
void add_store_commands(CLI::App& app);
// `tessera serve`: its callback runs the server and stores the server's exit code in exit_code
// (which must outlive parsing).
void add_serve_command(CLI::App& app, int& exit_code);
// `tessera gateway`: its callback runs the gateway and stores its exit code in exit_code.
void add_gateway_command(CLI::App& app, int& exit_code);
// `tessera advise`: the decision runbook (advise_cmd.cpp, logic in advise/).
void add_advise_command(CLI::App& app);
// `tessera doctor`: checks a configuration and a running server (doctor_cmd.cpp, rules in
// doctor/); its callback stores 1 in exit_code when a finding is an error.
void add_doctor_command(CLI::App& app, int& exit_code);

}  // namespace tessera::cli
