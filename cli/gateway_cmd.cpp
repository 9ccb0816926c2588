// `tessera gateway`: the resource-side reverse proxy (docs/gateway.md). Registers its settings
// as flags (gateway/config.hpp), loads --config, and hands over to gateway::run().
#include <memory>

#include "commands.hpp"
#include "common.hpp"
#include "gateway/config.hpp"
#include "gateway/gateway.hpp"

namespace tessera::cli {

void add_gateway_command(CLI::App& app, int& exit_code) {
  auto cfg = std::make_shared<gateway::GatewayConfig>();
  auto* cmd = app.add_subcommand(
      "gateway", "Run a reverse proxy that authenticates every request (JWT, PASETO, opaque, DPoP) before forwarding it (see docs/gateway.md)");
  gateway::add_gateway_options(*cmd, *cfg);
  cmd->footer(
      "Each setting comes from its flag, else the TOML file (--config), else the default.\n"
      "Forwarded requests lose Authorization, DPoP and any X-Tessera-* header, and gain X-Tessera-Subject,\n"
      "X-Tessera-Client, X-Tessera-Scope and X-Tessera-Request-Id. Refusals: 401/400/403/503 with WWW-Authenticate;\n"
      "upstream down 502, too slow 504.\n"
      "Exit codes: 0 after a clean shutdown (SIGINT/SIGTERM); 1 cannot start (the reason is logged);\n"
      "2 bad configuration (`error: invalid_argument: <message>`) or unreadable config file.");
  cmd->callback([cmd, cfg, &exit_code] {
    if (auto ok = gateway::load_gateway_config(*cmd, *cfg); !ok) usage_error(ok.error());
    exit_code = gateway::run(*cfg);
  });
}

}  // namespace tessera::cli
