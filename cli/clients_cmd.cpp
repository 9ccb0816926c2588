// `tessera clients add|list|show|remove|rotate-secret`: register the OAuth clients of `tessera
// serve` in the store the server uses (the same --config / --data / --store settings and
// TESSERA_* variables as `tessera users`). Every rule (which grants a public client may have,
// redirect URI syntax, TTL bounds, the client_id and the secret) lives in AuthorizationServer;
// this file only parses arguments and prints results. A client secret is printed once, by add
// and rotate-secret, and never stored in a form that could print it again.
#include <cstdint>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

#include <boost/json.hpp>

#include "commands.hpp"
#include "common.hpp"
#include "io.hpp"
#include "server_settings.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/rfc3339.hpp"

namespace tessera::cli {
namespace {

namespace json = boost::json;

constexpr std::size_t kMaxJwksBytes = 64 * 1024;

struct ClientsOptions {
  ServerSettings settings;
  std::string client_id;  // show, remove, rotate-secret
  bool json = false;
  // add
  ClientSettings client;
  std::string token_format;
  std::string id_token_alg;
  std::string jwks_file;
};

// Service and store failures are exit 1 with the library's message.
template <class T>
T or_fail(Result<T> r) {
  if (!r) check_failed_verbose(r.error());
  if constexpr (!std::is_void_v<T>) return std::move(*r);
}

server::Services open_clients(ClientsOptions& o) { return open_cli_oauth(o.settings, "tessera clients"); }

std::string utc(std::int64_t t) {
  auto s = token::format_rfc3339(t);
  if (!s) return std::to_string(t);
  if (s->ends_with("+00:00")) s->replace(s->size() - 6, 6, "Z");
  return *s;
}

json::array string_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

std::string joined(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : " ") + s;
  return out.empty() ? "-" : out;
}

// Everything about a client but its secret (only has_secret says whether it has one).
json::object client_json(const Client& c) {
  const ClientSettings& s = c.settings;
  json::object o{{"client_id", c.client_id},
                 {"name", s.name},
                 {"public", s.public_client},
                 {"first_party", s.first_party},
                 {"redirect_uris", string_array(s.redirect_uris)},
                 {"grants", string_array(s.grants)},
                 {"scopes", string_array(s.scopes)},
                 {"audiences", string_array(s.audiences)},
                 {"resources", string_array(s.resources)},
                 {"token_format", token_format_name(s.token_format)},
                 {"access_ttl", s.access_ttl},
                 {"refresh_idle_ttl", s.refresh_idle_ttl},
                 {"refresh_absolute_ttl", s.refresh_absolute_ttl},
                 {"refresh_reuse_grace", s.refresh_reuse_grace},
                 {"id_token_alg", alg_name(s.id_token_alg)},
                 {"require_dpop", s.require_dpop},
                 {"has_secret", c.has_secret},
                 {"created_at", c.created_at},
                 {"updated_at", c.updated_at}};
  if (!s.jwks_json.empty()) {
    boost::system::error_code ec;
    json::value jwks = json::parse(s.jwks_json, ec);
    o["jwks"] = ec ? json::value(s.jwks_json) : std::move(jwks);
  }
  if (!s.jwks_uri.empty()) o["jwks_uri"] = s.jwks_uri;
  return o;
}

std::string client_text(const Client& c) {
  const ClientSettings& s = c.settings;
  std::string out;
  auto line = [&out](std::string_view key, const std::string& value) {
    out += std::string(key) + ": " + value + "\n";
  };
  line("client_id", c.client_id);
  line("name", s.name);
  line("type", s.public_client ? "public" : "confidential");
  line("first_party", s.first_party ? "yes" : "no");
  line("redirect_uris", joined(s.redirect_uris));
  line("grants", joined(s.grants));
  line("scopes", joined(s.scopes));
  line("audiences", joined(s.audiences));
  line("resources", joined(s.resources));
  line("token_format", std::string(token_format_name(s.token_format)));
  line("access_ttl", std::to_string(s.access_ttl));
  line("refresh_idle_ttl", std::to_string(s.refresh_idle_ttl));
  line("refresh_absolute_ttl", std::to_string(s.refresh_absolute_ttl));
  line("refresh_reuse_grace", std::to_string(s.refresh_reuse_grace));
  line("id_token_alg", std::string(alg_name(s.id_token_alg)));
  line("require_dpop", s.require_dpop ? "yes" : "no");
  if (!s.jwks_json.empty()) line("jwks", "registered");
  if (!s.jwks_uri.empty()) line("jwks_uri", s.jwks_uri);
  line("created", utc(c.created_at));
  line("updated", utc(c.updated_at));
  return out;
}

// {"client_id": ..., "client_secret": ...} (the secret only when there is one), or the same
// as "key: value" lines.
void print_credentials(const std::string& client_id, const std::optional<SecretBytes>& secret, bool as_json) {
  std::string text;
  if (secret) {
    const auto bytes = secret->reveal(SecretAccess{});
    text.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
  std::string out;
  if (as_json) {
    json::object o{{"client_id", client_id}};
    if (secret) o["client_secret"] = text;
    out = json::serialize(o) + "\n";
  } else {
    out = "client_id: " + client_id + "\n";
    if (secret) out += "client_secret: " + text + "\n";
  }
  write_stdout(out);
}

void run_add(ClientsOptions& o) {
  if (!o.token_format.empty()) o.client.token_format = *parse_token_format(o.token_format);
  if (!o.id_token_alg.empty()) o.client.id_token_alg = *parse_algorithm(o.id_token_alg);
  if (!o.jwks_file.empty()) o.client.jwks_json = read_input(o.jwks_file, kMaxJwksBytes, "the JWKS file");
  auto s = open_clients(o);
  const NewClient added = or_fail(s.oauth->add_client(o.client));
  print_credentials(added.client.client_id, added.secret, o.json);
}

void run_list(ClientsOptions& o) {
  auto s = open_clients(o);
  const auto clients = or_fail(s.oauth->clients());
  std::string out;
  if (o.json) {
    json::array list;
    for (const auto& c : clients) list.push_back(client_json(c));
    out = json::serialize(list) + "\n";
  } else {
    for (const auto& c : clients)
      out += c.client_id + "\t" + c.settings.name + "\t" + (c.settings.public_client ? "public" : "confidential") +
             "\t" + (c.settings.first_party ? "first-party" : "third-party") + "\tcreated " + utc(c.created_at) + "\n";
  }
  write_stdout(out);
}

void run_show(ClientsOptions& o) {
  auto s = open_clients(o);
  const Client c = or_fail(s.oauth->client(o.client_id));
  write_stdout(o.json ? json::serialize(client_json(c)) + "\n" : client_text(c));
}

void run_remove(ClientsOptions& o) {
  auto s = open_clients(o);
  or_fail(s.oauth->remove_client(o.client_id));
  write_stdout("client " + o.client_id + " removed\n");
}

void run_rotate(ClientsOptions& o) {
  auto s = open_clients(o);
  std::optional<SecretBytes> secret = or_fail(s.oauth->rotate_secret(o.client_id));
  print_credentials(o.client_id, secret, o.json);
}

// A clients subcommand with the server's settings in their own help group.
CLI::App* add_clients_subcommand(CLI::App* clients, const std::string& name, const std::string& description,
                                 const std::shared_ptr<ClientsOptions>& o) {
  auto* cmd = clients->add_subcommand(name, description);
  add_server_settings(*cmd, o->settings, "--config, --data, --store");
  return cmd;
}

constexpr const char* kExitFooter =
    "Exit codes: 0 done; 1 invalid_argument (a setting the server refuses: the message names it),\n"
    "invalid_client (no such client) or store_unavailable, as `error: <code>: <message>`;\n"
    "2 usage, configuration or I/O error.";

void add_add_command(CLI::App* clients) {
  auto o = std::make_shared<ClientsOptions>();
  ClientSettings& c = o->client;
  const ClientSettings defaults;
  auto* add = add_clients_subcommand(
      clients, "add",
      "Register a client; prints its client_id and, for a confidential client, its secret (only this once)", o);
  add->add_option("NAME", c.name, "The client's name, shown on the consent page")->required();
  add->add_option("--redirect-uri", c.redirect_uris,
                  "Redirect URI, matched exactly (several: repeat the flag or list them)")
      ->type_name("URI");
  add->add_flag("--public", c.public_client, "A public client (native app, SPA): no secret, PKCE only");
  add->add_flag("--first-party", c.first_party, "Skip the consent page (the operator's own app)");
  add->add_option("--grant", c.grants, "Grant type (repeat); default: " + joined(defaults.grants))->type_name("G");
  add->add_option("--scope", c.scopes, "Scope it may ask for (repeat); default: " + joined(defaults.scopes))
      ->type_name("S");
  add->add_option("--audience", c.audiences, "API its tokens may target (repeat; the first is the default)")
      ->type_name("AUD");
  add->add_option("--resource", c.resources, "It is the resource server for AUD: may introspect its tokens (repeat)")
      ->type_name("AUD");
  add->add_option("--token-format", o->token_format,
                  "Access token format; default: " + std::string(token_format_name(defaults.token_format)))
      ->check(CLI::IsMember({"jwt", "paseto", "opaque"}));
  add->add_option("--access-ttl", c.access_ttl, "Access token lifetime, seconds")->type_name("S")->capture_default_str();
  add->add_option("--refresh-idle-ttl", c.refresh_idle_ttl, "Refresh token idle lifetime, seconds")
      ->type_name("S")
      ->capture_default_str();
  add->add_option("--refresh-absolute-ttl", c.refresh_absolute_ttl, "Refresh family absolute lifetime, seconds")
      ->type_name("S")
      ->capture_default_str();
  add->add_option("--refresh-reuse-grace", c.refresh_reuse_grace,
                  "Seconds (0-60) in which the rotated-away refresh token gets its successor again")
      ->type_name("S")
      ->capture_default_str();
  add->add_option("--id-token-alg", o->id_token_alg,
                  "ID token signature algorithm; default: " + std::string(alg_name(defaults.id_token_alg)))
      ->check(CLI::IsMember({"ES256", "EdDSA", "RS256"}));
  auto* jwks = add->add_option("--jwks", o->jwks_file, "JWKS file of its private_key_jwt keys (\"-\": stdin)")
                   ->type_name("FILE");
  auto* jwks_uri = add->add_option("--jwks-uri", c.jwks_uri, "Where it publishes its private_key_jwt keys (https; tessera serve fetches and caches them, trusting the system CAs and --oauth-ca-file)")
                       ->type_name("URL");
  jwks->excludes(jwks_uri);
  add->add_flag("--require-dpop", c.require_dpop,
                "Every token request must carry a DPoP proof (RFC 9449): its tokens are always key-bound");
  add->add_flag("--json", o->json, R"(Print {"client_id": ..., "client_secret": ...})");
  add->footer(kExitFooter);
  add->callback([o] { run_add(*o); });
}

}  // namespace

void add_clients_commands(CLI::App& app) {
  auto* clients = app.add_subcommand("clients", "Register, list, show and remove the OAuth clients of `tessera serve`");
  clients->require_subcommand(1);

  add_add_command(clients);

  auto list_o = std::make_shared<ClientsOptions>();
  auto* list = add_clients_subcommand(
      clients, "list", "List clients: ID<TAB>NAME<TAB>confidential|public<TAB>first-party|third-party<TAB>created TIME",
      list_o);
  list->add_flag("--json", list_o->json, "Print a JSON array of the clients' settings (never a secret)");
  list->footer("Exit codes: 0 listed; 1 store_unavailable; 2 usage, configuration or I/O error.");
  list->callback([list_o] { run_list(*list_o); });

  auto show_o = std::make_shared<ClientsOptions>();
  auto* show = add_clients_subcommand(clients, "show", "Show a client's settings (never its secret)", show_o);
  show->add_option("ID", show_o->client_id, "The client_id")->required();
  show->add_flag("--json", show_o->json, "Print the settings as a JSON object");
  show->footer(kExitFooter);
  show->callback([show_o] { run_show(*show_o); });

  auto rm_o = std::make_shared<ClientsOptions>();
  auto* remove = add_clients_subcommand(clients, "remove", "Remove a client; prints `client ID removed`", rm_o);
  remove->add_option("ID", rm_o->client_id, "The client_id")->required();
  remove->footer(kExitFooter);
  remove->callback([rm_o] { run_remove(*rm_o); });

  auto rot_o = std::make_shared<ClientsOptions>();
  auto* rotate = add_clients_subcommand(
      clients, "rotate-secret", "Give a confidential client a new secret (the old one stops working); prints it once",
      rot_o);
  rotate->add_option("ID", rot_o->client_id, "The client_id")->required();
  rotate->add_flag("--json", rot_o->json, R"(Print {"client_id": ..., "client_secret": ...})");
  rotate->footer(kExitFooter);
  rotate->callback([rot_o] { run_rotate(*rot_o); });
}

}  // namespace tessera::cli
