// `tessera keys rotate|list`: the server's signing keys on their schedule (docs/keys.md), in the
// data directory `tessera serve` uses (--data, --config and the key schedule settings, as serve
// takes them). `rotate` adds a next key per algorithm (none if the group already has one: two
// concurrent runs, or a run racing automatic rotation, add one key); `list` shows every key
// with its state now. A running server publishes a new key within a second.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "common.hpp"
#include "io.hpp"
#include "server/config.hpp"
#include "server/key_files.hpp"
#include "server/keys_dir.hpp"
#include "tessera/clock.hpp"
#include "tessera/key_ring.hpp"
#include "tessera/rfc3339.hpp"

namespace tessera::cli {
namespace {

namespace json = boost::json;

struct ScheduleOptions {
  server::ServerConfig cfg;
  CLI::App* group = nullptr;
  std::string alg;  // rotate: empty = all three
  bool json = false;
};

std::string when(std::int64_t t) {
  auto s = token::format_rfc3339(t);
  return s ? *s : std::to_string(t);
}

// The settings (flags, TESSERA_* environment, --config) and the data directory's keys/.
std::string keys_dir_of(ScheduleOptions& o) {
  if (auto ok = server::load_config(*o.group, o.cfg); !ok) usage_error(ok.error());
  auto dir = server::open_data_dir(o.cfg.data);
  if (!dir) usage_error(dir.error());
  return (std::filesystem::path(o.cfg.data) / "keys").string();
}

std::optional<Algorithm> group_named(const std::string& name) {
  if (name == "ES256") return Algorithm::ES256;
  if (name == "EdDSA") return Algorithm::EdDSA;
  if (name == "RS256") return Algorithm::RS256;
  return std::nullopt;
}

void run_rotate(ScheduleOptions& o) {
  const std::string keys_dir = keys_dir_of(o);
  std::vector<Algorithm> groups(std::begin(kKeyRingAlgorithms), std::end(kKeyRingAlgorithms));
  if (!o.alg.empty()) groups = {*group_named(o.alg)};
  auto rotated = server::rotate_keys(keys_dir, groups, o.cfg.keys, SystemClock::instance());
  if (!rotated) usage_error(rotated.error());
  json::array out;
  std::string text;
  for (const auto& r : *rotated) {
    out.push_back(json::object{{"alg", alg_name(r.group)}, {"kid", r.kid}, {"added", r.added}});
    const auto activates = r.created_at + o.cfg.keys.effective_publish_ahead();
    text += r.added ? fmt::format("added {} {} (next; signs from {})\n", alg_name(r.group), r.kid, when(activates))
                    : fmt::format("kept {} {} (already the next key; signs from {})\n", alg_name(r.group), r.kid,
                                  when(activates));
  }
  write_stdout(o.json ? json::serialize(out) + "\n" : text);
}

void run_list(ScheduleOptions& o) {
  const std::string keys_dir = keys_dir_of(o);
  auto files = server::load_key_files(keys_dir);
  if (!files) usage_error(files.error());
  auto ring = server::key_ring_of(*files, o.cfg.keys);
  if (!ring) usage_error(ring.error());
  const auto now = SystemClock::instance().now();
  json::array out;
  std::string text = fmt::format("{:<52} {:<6} {:<9} {:<25} {:<25} {}\n", "KID", "ALG", "STATE", "CREATED",
                                 "ACTIVATES", "RETIRES");
  for (const auto& s : ring->status(now)) {
    const auto& k = s.entry->key;
    json::object j{{"kid", k.kid()},
                   {"alg", alg_name(s.group)},
                   {"state", key_state_name(s.state)},
                   {"created_at", s.entry->created_at},
                   {"activates_at", s.activates_at}};
    j["retires_at"] = s.retires_at ? json::value(*s.retires_at) : json::value(nullptr);
    out.push_back(std::move(j));
    text += fmt::format("{:<52} {:<6} {:<9} {:<25} {:<25} {}\n", k.kid(), alg_name(s.group), key_state_name(s.state),
                        when(s.entry->created_at), when(s.activates_at), s.retires_at ? when(*s.retires_at) : "-");
  }
  write_stdout(o.json ? json::serialize(out) + "\n" : text);
}

CLI::App* add_schedule_command(CLI::App& keys, const std::string& name, const std::string& what,
                               std::shared_ptr<ScheduleOptions> o) {
  auto* cmd = keys.add_subcommand(name, what);
  o->group = cmd->add_option_group("Configuration",
                                   "The settings of `tessera serve`; this command uses --config, --data and the key "
                                   "schedule ones (--jwks-max-age, --publish-ahead, --max-token-ttl, "
                                   "--key-retire-leeway, --key-rotation-interval)");
  server::add_config_options(*o->group, o->cfg);
  cmd->add_flag("--json", o->json, "One line of JSON instead of text");
  return cmd;
}

}  // namespace

void add_key_schedule_commands(CLI::App& keys) {
  auto ro = std::make_shared<ScheduleOptions>();
  auto* rotate = add_schedule_command(keys, "rotate", "Add a next signing key to the server's data directory", ro);
  rotate->add_option("--alg", ro->alg, "ES256, EdDSA (also PASETO v4.public) or RS256; default: all three")
      ->type_name("ALG")
      ->check(CLI::IsMember({"ES256", "EdDSA", "RS256"}));
  rotate->footer(
      "The new key is published by every server on the data directory within a second and signs\n"
      "from publish_ahead later (docs/keys.md); give this command the server's settings (--config).\n"
      "A group that already has a next key keeps it (`kept`): concurrent runs add one key.\n"
      "Exit codes: 0 done; 2 usage or I/O error, or an unusable key file.");
  rotate->callback([ro] { run_rotate(*ro); });

  auto lo = std::make_shared<ScheduleOptions>();
  auto* list = add_schedule_command(keys, "list", "List the server's signing keys and their states now", lo);
  list->footer(
      "Columns: kid, alg, state (next, primary, retiring, retired), created, activates (signs from),\n"
      "retires (no longer published from; - while no successor exists). --json: unix seconds.\n"
      "Exit codes: 0 listed; 2 usage or I/O error, or an unusable key file.");
  list->callback([lo] { run_list(*lo); });
}

}  // namespace tessera::cli
