// `tessera sessions list|revoke`: inspect and end server-side sessions directly in a store
// (sqlite:PATH, redis://HOST:PORT, redis-cluster://HOST:PORT[,...]).
// Sessions are shown by their id hash (base64url SHA-256 of the cookie value): the cookie value
// itself is never stored, so the hash is the id operators and APIs use. `revoke --user` is the
// service's logout everywhere: it advances the user's credential generation with the
// revocation, so a login in flight cannot outlive it.
#include <boost/json.hpp>
#include <memory>
#include <string>

#include "commands.hpp"
#include "common.hpp"
#include "io.hpp"
#include "tessera/account_store.hpp"
#include "tessera/auth_service.hpp"
#include "tessera/session.hpp"

namespace tessera::cli {
namespace {

struct SessionsOptions {
  std::string store;
  std::string user;
  std::string id;
};

// The store, and the session and login services over it (default options: these commands
// hash no password and create no session).
struct Services {
  std::unique_ptr<AccountStore> store;
  std::unique_ptr<SessionManager> sessions;
  std::unique_ptr<AuthService> auth;
};

Services open_services(const std::string& uri) {
  auto store = open_account_store(uri);
  if (!store) usage_error(store.error());
  Services s{std::move(*store), nullptr, nullptr};
  s.sessions = std::make_unique<SessionManager>(SessionManager::create(s.store->sessions()).value());  // default options: valid
  auto auth = AuthService::create(*s.sessions, *s.store);
  if (!auth) usage_error(auth.error());
  s.auth = std::make_unique<AuthService>(std::move(*auth));
  return s;
}

// A store that cannot be reached is exit 1 (`error: store_unavailable`), like a failed check.
template <class T>
T or_fail(Result<T> r) {
  if (!r) check_failed_verbose(r.error());
  return std::move(*r);
}

void run_list(const SessionsOptions& o) {
  auto svc = open_services(o.store);
  const auto sessions = or_fail(svc.auth->sessions(o.user));
  std::string out;
  for (const auto& s : sessions) {
    const SessionRecord& r = s.record;
    boost::json::object line{{"id", r.id_hash},
                             {"user", r.user},
                             {"created_at", r.created_at},
                             {"last_seen_at", r.last_seen_at},
                             {"idle_expires_at", r.idle_expires_at},
                             {"absolute_expires_at", r.absolute_expires_at},
                             {"ip", r.client.ip},
                             {"user_agent", r.client.user_agent},
                             {"device_label", r.client.device_label}};
    out += boost::json::serialize(line) + "\n";
  }
  write_stdout(out);
}

void run_revoke(const SessionsOptions& o, bool by_id, bool by_user) {
  if (by_id == by_user) usage_error(Errc::invalid_argument, "give exactly one of --id and --user");
  auto svc = open_services(o.store);
  if (by_id) {
    const bool revoked = or_fail(svc.store->sessions().revoke(o.id));
    if (!revoked) check_failed_verbose(Error{Errc::session_not_found, "no live session with that id"});
    write_stdout("revoked 1\n");
    return;
  }
  const auto n = or_fail(svc.auth->logout_everywhere(o.user));
  write_stdout("revoked " + std::to_string(n) + "\n");
}

}  // namespace

void add_sessions_commands(CLI::App& app) {
  auto* sessions = app.add_subcommand("sessions", "List and revoke server-side sessions in a store");
  sessions->require_subcommand(1);

  auto lo = std::make_shared<SessionsOptions>();
  auto* list = sessions->add_subcommand("list", "List a user's live sessions, one JSON object per line");
  list->add_option("--store", lo->store, "sqlite:PATH, redis://HOST:PORT or redis-cluster://HOST:PORT[,...]")
      ->type_name("URI")
      ->required();
  list->add_option("--user", lo->user, "The user")->type_name("USER")->required();
  list->footer(
      "Each line: {\"id\", \"user\", \"created_at\", \"last_seen_at\", \"idle_expires_at\",\n"
      "\"absolute_expires_at\", \"ip\", \"user_agent\", \"device_label\"}; id is the session's id hash\n"
      "(the cookie value is never stored). Times are Unix seconds.\n"
      "Exit codes: 0 listed; 1 store_unavailable; 2 usage error or bad store URI.");
  list->callback([lo] { run_list(*lo); });

  auto ro = std::make_shared<SessionsOptions>();
  auto* revoke = sessions->add_subcommand("revoke", "Revoke one session (--id) or all of a user's (--user)");
  revoke->add_option("--store", ro->store, "sqlite:PATH, redis://HOST:PORT or redis-cluster://HOST:PORT[,...]")
      ->type_name("URI")
      ->required();
  auto* id = revoke->add_option("--id", ro->id, "Session id as shown by `sessions list`")->type_name("ID");
  auto* user = revoke->add_option("--user", ro->user, "Revoke every session of USER (log out everywhere)")
                   ->type_name("USER");
  id->excludes(user);
  revoke->footer(
      "Prints `revoked N`. Exit codes: 0 done; 1 store_unavailable, or session_not_found for an\n"
      "--id that is not a live session; 2 usage error or bad store URI.");
  revoke->callback([ro, id, user] { run_revoke(*ro, id->count() > 0, user->count() > 0); });
}

}  // namespace tessera::cli
