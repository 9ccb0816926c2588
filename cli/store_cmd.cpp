// `tessera store status|confirm-reset`: the store epoch (tessera/store_epoch.hpp) as the
// operator sees it, with the server's --config / --data / --store settings. `status` reads only;
// `confirm-reset` accepts the store as it is now (after it lost its data, or was replaced): it
// writes a new epoch superseding the store's and this data directory's, then remembers it here.
// Other instances whose remembered epoch is superseded adopt the new one at their next check.
#include <memory>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "io.hpp"
#include "server_settings.hpp"
#include "server/config.hpp"
#include "server/epoch_file.hpp"
#include "server/keys_dir.hpp"
#include "tessera/clock.hpp"
#include "tessera/store_epoch.hpp"

namespace tessera::cli {
namespace {

struct StoreOptions {
  ServerSettings settings;
  bool json = false;
};

struct Epochs {
  std::unique_ptr<EpochStore> store;
  std::optional<EpochMarker> marker;
  std::optional<std::string> local;
};

Epochs open_epochs(StoreOptions& o) {
  // The data directory holds the remembered epoch (and, for sqlite, the store itself).
  const auto& cfg = load_server_settings(o.settings, "tessera store", true);
  Epochs e;
  auto store = open_epoch_store(cfg.store_uri());
  if (!store) {
    if (store.error().code == Errc::store_unavailable) check_failed_verbose(store.error());
    usage_error(store.error());
  }
  e.store = std::move(*store);
  auto marker = e.store->read();
  if (!marker) check_failed_verbose(marker.error());
  e.marker = std::move(*marker);
  auto local = server::read_local_epoch(cfg.data);
  if (!local) usage_error(local.error());
  e.local = std::move(*local);
  return e;
}

std::string joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : " ") + id;
  return out;
}

void run_status(StoreOptions& o) {
  auto e = open_epochs(o);
  const EpochVerdict v = decide_epoch(e.marker, e.local);
  const bool ok = v != EpochVerdict::store_lost && v != EpochVerdict::store_replaced;
  if (o.json) {
    boost::json::object out{{"verdict", verdict_name(v)}, {"ready", ok}};
    out["store_epoch"] = e.marker ? boost::json::value(e.marker->id) : boost::json::value(nullptr);
    boost::json::array sup;
    if (e.marker)
      for (const auto& id : e.marker->supersedes) sup.push_back(boost::json::value(id));
    out["supersedes"] = std::move(sup);
    out["local_epoch"] = e.local ? boost::json::value(*e.local) : boost::json::value(nullptr);
    write_stdout(boost::json::serialize(out) + "\n");
  } else {
    std::string out = "store epoch: " + (e.marker ? e.marker->id : std::string("none")) + "\n";
    if (e.marker && !e.marker->supersedes.empty()) out += "supersedes:  " + joined(e.marker->supersedes) + "\n";
    out += "local epoch: " + e.local.value_or("none") + " (" + server::epoch_file_path(o.settings.cfg.data) + ")\n";
    out += "verdict:     " + std::string(verdict_name(v)) + "\n";
    write_stdout(out);
  }
  if (!ok)
    check_failed_verbose(Error{Errc::store_epoch_mismatch,
                               v == EpochVerdict::store_lost
                                   ? "the store has no epoch marker but this data directory remembers one: the "
                                     "store lost its data; restore it or run `tessera store confirm-reset`"
                                   : "the store's epoch is not the one this data directory remembers: the store "
                                     "was replaced or reset; restore it or run `tessera store confirm-reset`"});
}

void run_confirm(StoreOptions& o) {
  auto e = open_epochs(o);
  const EpochMarker next = confirm_epoch_marker(e.marker, e.local, new_epoch_id(), SystemClock::instance().now());
  if (auto ok = e.store->replace(next); !ok) check_failed_verbose(ok.error());
  if (auto ok = server::write_local_epoch(o.settings.cfg.data, next.id); !ok) usage_error(ok.error());
  std::string out = "store epoch reset to " + next.id;
  if (!next.supersedes.empty()) out += "; supersedes " + joined(next.supersedes);
  write_stdout(out + "\n");
}

CLI::App* add_store_subcommand(CLI::App* parent, const std::string& name, const std::string& description,
                               const std::shared_ptr<StoreOptions>& o) {
  auto* cmd = parent->add_subcommand(name, description);
  add_server_settings(*cmd, o->settings, "--config, --data and --store");
  return cmd;
}

}  // namespace

void add_store_commands(CLI::App& app) {
  auto* store = app.add_subcommand("store", "The store's epoch marker: is this the store the server has seen?");
  store->require_subcommand(1);

  auto status_o = std::make_shared<StoreOptions>();
  auto* status = add_store_subcommand(
      store, "status",
      "Print the store's epoch (and those it supersedes), the epoch the data directory remembers, and the "
      "verdict: ready, adopt, create (the server would become ready), store_lost or store_replaced (it would not)",
      status_o);
  status->add_flag("--json", status_o->json,
                   "Print {verdict, ready, store_epoch, supersedes, local_epoch} as one JSON object");
  status->footer(
      "Exit codes: 0 the server would be ready; 1 store_epoch_mismatch (store_lost, store_replaced) or\n"
      "store_unavailable, as `error: <code>: <message>`; 2 usage, configuration or I/O error.");
  status->callback([status_o] { run_status(*status_o); });

  auto confirm_o = std::make_shared<StoreOptions>();
  auto* confirm = add_store_subcommand(
      store, "confirm-reset",
      "Accept the store as it is now (after it lost its data or was replaced): write a new epoch that "
      "supersedes the store's and this data directory's; instances remembering any of them become ready. "
      "Prints `store epoch reset to ID[; supersedes ID...]`",
      confirm_o);
  confirm->footer("Exit codes: 0 done; 1 store_unavailable; 2 usage, configuration or I/O error.");
  confirm->callback([confirm_o] { run_confirm(*confirm_o); });
}

}  // namespace tessera::cli
