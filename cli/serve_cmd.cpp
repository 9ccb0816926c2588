// `tessera serve`: the auth server (docs/server.md). Registers every setting as a flag (with its
// TESSERA_* variable and default in --help), merges flag > environment > TOML file > default,
// and hands over to server::run().
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "server/config.hpp"
#include "server/server.hpp"

namespace tessera::cli {

void add_serve_command(CLI::App& app, int& exit_code) {
  auto cfg = std::make_shared<server::ServerConfig>();
  auto* serve = app.add_subcommand("serve", "Run the auth server: login, sessions, JWKS (see docs/server.md)");
  server::add_config_options(*serve, *cfg);
  serve->footer(
      "Each setting comes from its flag, else its TESSERA_* environment variable, else the TOML file\n"
      "(--config or TESSERA_CONFIG), else the default. Booleans in the environment: true/false/1/0.\n"
      "Exit codes: 0 after a clean shutdown (SIGINT/SIGTERM); 1 cannot start (the reason is logged);\n"
      "2 bad configuration (`error: invalid_argument: <message>`) or unreadable config file.");
  serve->callback([serve, cfg, &exit_code] {
    if (auto ok = server::load_config(*serve, *cfg); !ok) usage_error(ok.error());
    exit_code = server::run(*cfg);
  });
}

}  // namespace tessera::cli
