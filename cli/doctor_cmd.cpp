// `tessera doctor [--config FILE] [--url ISSUER]` (docs/doctor.md): gathers the facts (the
// configuration as `tessera serve` loads it, its key directory, its clients, the Redis
// persistence; with --url what the running server answers), runs the rules (cli/doctor/) and
// prints the findings. Exit 1 when any finding is an error.
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include <boost/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "doctor/config_rules.hpp"
#include "doctor/key_rules.hpp"
#include "doctor/url_rules.hpp"
#include "io.hpp"
#include "server/keys_dir.hpp"
#include "server/services.hpp"
#include "server_settings.hpp"

namespace tessera::cli {
namespace {

namespace json = boost::json;
using namespace doctor;

struct DoctorOptions {
  ServerSettings settings;
  std::string url;
  std::string ca_file;
  std::string user;
  bool json = false;
};

// The registered clients, when the data directory and the store already exist (doctor creates
// nothing): reason set otherwise.
std::optional<std::vector<Client>> read_clients(const server::ServerConfig& cfg, std::string& reason) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(fs::path(cfg.data) / "keys" / "oauth.key", ec)) {
    reason = "no data directory with keys/oauth.key at " + cfg.data + " (nothing registered yet)";
    return std::nullopt;
  }
  if (cfg.store == "memory") {
    reason = "the memory store holds no clients outside the server";
    return std::nullopt;
  }
  if (cfg.store == "sqlite" && !fs::exists(fs::path(cfg.data) / "tessera.db", ec)) {
    reason = "no SQLite store at " + cfg.data + "/tessera.db yet";
    return std::nullopt;
  }
  auto dir = server::open_data_dir(cfg.data);
  if (!dir) {
    reason = dir.error().message;
    return std::nullopt;
  }
  auto services = server::open_services(cfg);
  if (!services) {
    reason = services.error().message;
    return std::nullopt;
  }
  if (auto ok = server::open_oauth(*services, cfg, std::move(dir->signing_keys), std::move(dir->oauth_key),
                                   cfg.issuer_for("http://127.0.0.1"));
      !ok) {
    reason = ok.error().message;
    return std::nullopt;
  }
  auto clients = services->oauth->clients();
  if (!clients) {
    reason = clients.error().message;
    return std::nullopt;
  }
  return std::move(*clients);
}

Findings check_configuration(const server::ServerConfig& cfg) {
  ConfigFacts facts;
  facts.cfg = cfg;
  facts.clients = read_clients(cfg, facts.clients_unread);
  if (cfg.store.starts_with("redis")) {
    auto persistence = redis_persistence(cfg.store_uri());
    if (persistence) facts.redis = std::move(*persistence);
    else facts.redis_unread = persistence.error().message;
  }
  Findings out = check_config(facts);
  Findings keys = check_key_dir(read_key_dir((std::filesystem::path(cfg.data) / "keys").string()));
  out.insert(out.end(), keys.begin(), keys.end());
  if (!cfg.bff_client_secret_file.empty()) {
    Findings secret = check_secret_file(cfg.bff_client_secret_file);
    out.insert(out.end(), secret.begin(), secret.end());
  }
  return out;
}

std::string to_text(const Findings& findings) {
  std::string out;
  int errors = 0, warnings = 0;
  for (const auto& f : findings) {
    out += std::string(name_of(f.severity)) + std::string(8 - name_of(f.severity).size(), ' ') + f.rule + ": " +
           f.what + "\n";
    if (!f.fix.empty()) out += "        fix: " + f.fix + "\n";
    errors += f.severity == Severity::error;
    warnings += f.severity == Severity::warning;
  }
  out += std::to_string(errors) + " error(s), " + std::to_string(warnings) + " warning(s)\n";
  return out;
}

std::string to_json(const Findings& findings) {
  json::array list;
  int errors = 0, warnings = 0;
  for (const auto& f : findings) {
    list.push_back(json::object{{"severity", name_of(f.severity)}, {"rule", f.rule}, {"what", f.what}, {"fix", f.fix}});
    errors += f.severity == Severity::error;
    warnings += f.severity == Severity::warning;
  }
  return json::serialize(json::object{{"findings", std::move(list)}, {"errors", errors}, {"warnings", warnings}}) +
         "\n";
}

int run_doctor(DoctorOptions& o) {
  if (auto ok = server::load_config(*o.settings.group, o.settings.cfg); !ok) usage_error(ok.error());
  const server::ServerConfig& cfg = o.settings.cfg;
  Findings findings;
  // With only --url, the local defaults say nothing about that server.
  const bool config_given = !cfg.config_file.empty() || o.url.empty();
  if (config_given) findings = check_configuration(cfg);
  if (!o.url.empty()) {
    ProbeOptions p;
    p.issuer = o.url;
    while (p.issuer.ends_with('/')) p.issuer.pop_back();
    p.ca_file = o.ca_file;
    p.user = o.user;
    if (!o.user.empty()) {
      if (isatty(STDIN_FILENO) == 1) std::fputs("password: ", stderr);
      if (!std::getline(std::cin, p.password)) usage_error(Errc::invalid_argument, "--user: no password on stdin");
    }
    Findings url = check_url(probe(p));
    findings.insert(findings.end(), url.begin(), url.end());
  }
  write_stdout(o.json ? to_json(findings) : to_text(findings));
  return has_error(findings) ? kExitCheckFailed : kExitOk;
}

}  // namespace

void add_doctor_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<DoctorOptions>();
  auto* cmd = app.add_subcommand(
      "doctor", "Check a serve configuration (and with --url a running server) against the practices (docs/doctor.md)");
  add_server_settings(*cmd, o->settings, "all of them (the configuration checked)");
  cmd->add_option("--url", o->url, "A running server's issuer URL: check its metadata, JWKS, headers and cookies")
      ->type_name("ISSUER");
  cmd->add_option("--ca-file", o->ca_file, "PEM CA certificates trusted (besides the system's) for --url")
      ->type_name("FILE");
  cmd->add_option("--user", o->user,
                  "With --url: sign in once as USER (password: one line on stdin) to check the session cookie's flags")
      ->type_name("USER");
  cmd->add_flag("--json", o->json, R"(Print {"findings": [{severity, rule, what, fix}], "errors": N, "warnings": N})");
  cmd->footer(
      "Checks the configuration when --config (or TESSERA_CONFIG) is given, or when --url is not: the same settings,\n"
      "flags and TESSERA_* variables as `tessera serve`. Nothing is created or changed; --user signs in once.\n"
      "Exit codes: 0 no error (warnings allowed); 1 at least one finding is an error; 2 usage or configuration\n"
      "error (a setting `tessera serve` would refuse).");
  cmd->callback([o, &exit_code] { exit_code = run_doctor(*o); });
}

}  // namespace tessera::cli
