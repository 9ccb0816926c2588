// The settings of `tessera serve` on the store commands (server_settings.hpp).
#include "server_settings.hpp"

#include <utility>

#include "common.hpp"
#include "server/keys_dir.hpp"

namespace tessera::cli {

void add_server_settings(CLI::App& cmd, ServerSettings& s, const std::string& used) {
  s.group = cmd.add_option_group("Configuration", "The settings of `tessera serve`; these commands use " + used);
  server::add_config_options(*s.group, s.cfg);
}

const server::ServerConfig& load_server_settings(ServerSettings& s, const std::string& what, bool always_data_dir) {
  if (auto ok = server::load_config(*s.group, s.cfg); !ok) usage_error(ok.error());
  if (s.cfg.store == "memory")
    usage_error(Errc::invalid_argument,
                "--store memory keeps nothing once " + what + " exits; use sqlite or redis");
  if (s.cfg.store == "sqlite" || always_data_dir)
    if (auto dir = server::open_data_dir(s.cfg.data); !dir) usage_error(dir.error());
  return s.cfg;
}

server::Services open_cli_services(ServerSettings& s, const std::string& what) {
  auto services = server::open_services(load_server_settings(s, what));
  if (!services) {
    if (services.error().code == Errc::store_unavailable) check_failed_verbose(services.error());
    usage_error(services.error());
  }
  return std::move(*services);
}

}  // namespace tessera::cli
