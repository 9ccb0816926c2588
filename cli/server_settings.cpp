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

namespace {

// A store that cannot be reached is exit 1; settings that name no usable store are exit 2.
[[noreturn]] void open_failed(const Error& e) {
  if (e.code == Errc::store_unavailable) check_failed_verbose(e);
  usage_error(e);
}

}  // namespace

server::Services open_cli_services(ServerSettings& s, const std::string& what) {
  auto services = server::open_services(load_server_settings(s, what));
  if (!services) open_failed(services.error());
  return std::move(*services);
}

server::Services open_cli_oauth(ServerSettings& s, const std::string& what) {
  const server::ServerConfig& cfg = load_server_settings(s, what, true);
  auto dir = server::open_data_dir(cfg.data);
  if (!dir) usage_error(dir.error());
  auto services = server::open_services(cfg);
  if (!services) open_failed(services.error());
  if (auto ok = server::open_oauth(*services, cfg, std::move(dir->signing_keys), std::move(dir->oauth_key),
                                   cfg.issuer_for("http://127.0.0.1"));
      !ok)
    open_failed(ok.error());
  return std::move(*services);
}

}  // namespace tessera::cli
