// ServerConfig sources (see config.hpp): one table of settings drives the flags, the
// TESSERA_* environment variables, the TOML keys and the checks, so nothing is written twice.
// A setting's flag and environment variable are derived from its TOML key:
// "max_body_bytes" -> --max-body-bytes, TESSERA_MAX_BODY_BYTES.
#include "server/config.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>
#include <type_traits>
#include <utility>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "server/config_checks.hpp"

namespace tessera::server {
namespace {

enum class Kind { text, boolean, integer, list };

using TextCheck = Result<void> (*)(std::string_view);

struct Setting {
  std::string_view key;         // TOML key
  std::string_view value_name;  // shown in --help
  std::string_view help;
  Kind kind;
  // text
  std::string ServerConfig::*text = nullptr;
  TextCheck check = nullptr;
  // list (a repeatable flag; comma-separated in the environment; a TOML array of strings),
  // `check` applied to each item
  std::vector<std::string> ServerConfig::*list = nullptr;
  // boolean
  bool ServerConfig::*boolean = nullptr;
  // integer: any integer member, through these two, within [min, max]
  std::int64_t (*get_int)(const ServerConfig&) = nullptr;
  void (*set_int)(ServerConfig&, std::int64_t) = nullptr;
  std::int64_t min = 0;
  std::int64_t max = 0;
};

constexpr Setting text(std::string_view key, std::string_view value_name, std::string_view help,
                       std::string ServerConfig::*member, TextCheck check = nullptr) {
  Setting s{key, value_name, help, Kind::text};
  s.text = member;
  s.check = check;
  return s;
}

constexpr Setting list(std::string_view key, std::string_view value_name, std::string_view help,
                       std::vector<std::string> ServerConfig::*member, TextCheck check) {
  Setting s{key, value_name, help, Kind::list};
  s.list = member;
  s.check = check;
  return s;
}

constexpr Setting boolean(std::string_view key, std::string_view help, bool ServerConfig::*member) {
  Setting s{key, "", help, Kind::boolean};
  s.boolean = member;
  return s;
}

// The member a setting names: a ServerConfig member pointer, or a captureless lambda that
// returns a reference into the embedded option structs.
template <auto Ref>
auto& member_of(ServerConfig& c) {
  if constexpr (std::is_member_object_pointer_v<decltype(Ref)>) return c.*Ref;
  else return Ref(c);
}

template <class T>
constexpr bool is_seconds = std::is_same_v<T, std::chrono::seconds>;

// An integer setting; Scale: the member holds value * Scale (KiB as bytes); a
// std::chrono::seconds member holds whole seconds.
template <auto Ref, std::int64_t Scale = 1>
constexpr Setting integer(std::string_view key, std::string_view value_name, std::string_view help,
                          std::int64_t min, std::int64_t max) {
  Setting s{key, value_name, help, Kind::integer};
  s.get_int = [](const ServerConfig& c) {
    const auto& m = member_of<Ref>(const_cast<ServerConfig&>(c));
    using T = std::remove_cvref_t<decltype(m)>;
    if constexpr (is_seconds<T>) return static_cast<std::int64_t>(m.count());
    else return static_cast<std::int64_t>(m) / Scale;
  };
  s.set_int = [](ServerConfig& c, std::int64_t v) {
    auto& m = member_of<Ref>(c);
    using T = std::remove_cvref_t<decltype(m)>;
    if constexpr (is_seconds<T>) m = T(v);
    else {
      static_assert(std::is_integral_v<T>);
      m = static_cast<T>(v * Scale);
    }
  };
  s.min = min;
  s.max = max;
  return s;
}

using namespace config_checks;

// ---- the table ----------------------------------------------------------------------------------

constexpr std::int64_t kMaxSeconds = 10LL * 365 * 24 * 3600;  // ten years: only a guard against typos
constexpr std::int64_t kMaxUint32 = std::numeric_limits<std::uint32_t>::max();

using C = ServerConfig;
const std::array kSettings = {
    text("listen", "HOST:PORT", "Address and port to listen on ([::1]:8080 for IPv6)", &C::listen, check_listen),
    text("metrics_listen", "HOST:PORT",
         "Address and port of the metrics listener (GET /metrics and /healthz only, plain HTTP; keep it off the public network); off = none. The main listener never serves /metrics",
         &C::metrics_listen, check_metrics_listen),
    text("data", "DIR", "Data directory: the SQLite file and keys/ (created 0700 if missing)", &C::data,
         check_not_empty),
    text("store", "STORE", "sqlite, memory, redis://HOST:PORT or redis-cluster://HOST:PORT[,...]", &C::store,
         check_store),
    integer<&C::threads>("threads", "N", "HTTP I/O threads, each checking sessions on its own store connection (0 = one per core)", 0, 1024),
    integer<&C::worker_threads>("worker_threads", "N",
                                "Threads for store calls other than the session check; 0 = auto: none (calls run on the I/O threads) for sqlite and memory, 2 per core for Redis. Password hashing has its own pool, one thread per core", 0, 1024),
    text("tls_cert", "FILE", "TLS certificate chain, PEM (needs --tls-key)", &C::tls_cert),
    text("tls_key", "FILE", "TLS private key, PEM (needs --tls-cert)", &C::tls_key),
    text("public_origin", "ORIGIN",
         "The origin browsers use (https://auth.example.com); without it Origin must match Host",
         &C::public_origin, check_origin),
    text("issuer", "URL",
         "The OAuth issuer named in tokens and metadata (https://auth.example.com); default: --public-origin, else http:// and the listen address as bound",
         &C::issuer, check_issuer),
    text("oauth_ca_file", "FILE",
         "PEM CA certificates trusted (besides the system's) for the HTTPS fetch of clients' jwks_uri (private_key_jwt)",
         &C::oauth_ca_file),
    boolean("dpop_nonce",
            "Require a server nonce in every DPoP proof (RFC 9449 section 8; answered with use_dpop_nonce and a DPoP-Nonce header); --dpop-nonce=false: none",
            &C::dpop_nonce),
    integer<[](C& c) -> auto& { return c.keys.jwks_max_age; }>(
        "jwks_max_age", "SECONDS", "Cache-Control max-age of /.well-known/jwks.json (docs/keys.md)", 1, 86400),
    integer<[](C& c) -> auto& { return c.keys.publish_ahead; }>(
        "publish_ahead", "SECONDS",
        "How long a new signing key is published before it signs; at least jwks_max_age + 1; 0 = 2 x jwks_max_age", 0,
        kMaxSeconds),
    integer<[](C& c) -> auto& { return c.keys.rotation_interval; }>(
        "key_rotation_interval", "SECONDS",
        "Rotate each signing key automatically after it has signed this long (at least publish_ahead); 0 = only `tessera keys rotate`",
        0, kMaxSeconds),
    integer<[](C& c) -> auto& { return c.keys.max_token_ttl; }>(
        "max_token_ttl", "SECONDS",
        "The longest lifetime of a signed token (clients' access_ttl may not exceed it); a superseded key stays published this long plus key_retire_leeway",
        1, kMaxSeconds),
    integer<[](C& c) -> auto& { return c.keys.retire_leeway; }>(
        "key_retire_leeway", "SECONDS",
        "Extra time a superseded signing key stays published (verifiers' clock tolerance, instances' clock skew)", 0,
        86400),
    boolean("trust_proxy", "Take the client IP from the last X-Forwarded-For entry", &C::trust_proxy),
    integer<[](C& c) -> auto& { return c.http.max_header_bytes; }>("max_header_bytes", "BYTES", "Request header limit (over it: 431)", 1024,
                                  1024 * 1024),
    integer<[](C& c) -> auto& { return c.http.max_body_bytes; }>("max_body_bytes", "BYTES", "Request body limit (over it: 413)", 1,
                                64 * 1024 * 1024),
    integer<[](C& c) -> auto& { return c.http.request_timeout; }>("request_timeout", "SECONDS", "Time to read a whole request (then 408)", 1,
                                 kMaxSeconds),
    integer<[](C& c) -> auto& { return c.http.idle_timeout; }>("idle_timeout", "SECONDS", "Idle keep-alive connections are closed after this", 1,
                              kMaxSeconds),
    integer<[](C& c) -> auto& { return c.http.max_connections; }>("max_connections", "N", "Open connections limit (over it: 503)", 1, 1'000'000),
    integer<[](C& c) -> auto& { return c.session.idle_timeout; }>("session_idle_timeout", "SECONDS", "Session idle timeout", 1, kMaxSeconds),
    integer<[](C& c) -> auto& { return c.session.absolute_timeout; }>("session_absolute_timeout", "SECONDS", "Session absolute timeout", 1,
                                          kMaxSeconds),
    integer<[](C& c) -> auto& { return c.session.max_sessions_per_user; }>("max_sessions_per_user", "N",
                                       "Live sessions per user, oldest revoked first (0 = unbounded)", 0,
                                       1'000'000),
    integer<[](C& c) -> auto& { return c.auth.password.ops_limit; }>("argon2_ops", "N", "Argon2id passes", 1, kMaxUint32),
    integer<[](C& c) -> auto& { return c.auth.password.mem_limit; }, 1024>("argon2_mem_kib", "KIB", "Argon2id memory in KiB", 8, kMaxUint32),
    integer<[](C& c) -> auto& { return c.auth.account_free_failures; }>("login_account_free_failures", "N",
                                             "Failed logins per account before backoff", 0, 1'000'000),
    integer<[](C& c) -> auto& { return c.auth.ip_free_failures; }>("login_ip_free_failures", "N", "Failed logins per client IP before backoff",
                                        0, 1'000'000),
    integer<[](C& c) -> auto& { return c.auth.backoff_max; }>("login_backoff_max", "SECONDS", "Login backoff cap", 1, kMaxSeconds),
    text("log_level", "LEVEL", "debug, info, warn, error or off", &C::log_level, check_log_level),
    text("bff_client", "ID",
         "Turns the BFF for single-page apps on (/bff/*, docs/bff.md): the OAuth client id it signs in with (a confidential client with redirect URI <origin>/bff/callback)",
         &C::bff_client, check_client_id),
    text("bff_client_secret_file", "FILE", "The BFF client's secret (its first line; needs --bff-client)",
         &C::bff_client_secret_file),
    list("bff_upstream", "NAME=URL",
         "An API the BFF proxies: /bff/api/NAME/PATH goes to URL/PATH with the user's access token (repeatable; comma-separated in the environment)",
         &C::bff_upstreams, check_bff_upstream),
    text("bff_issuer", "URL", "The OIDC issuer the BFF signs in at; default: this server's issuer", &C::bff_issuer,
         check_issuer),
    integer<&C::bff_timeout>("bff_timeout", "SECONDS",
                             "Deadline of each BFF call to the issuer or an upstream (an upstream over it: 504)", 1, 300),
};

constexpr std::string_view kConfigEnv = "TESSERA_CONFIG";

std::string flag_of(const Setting& s) {
  std::string flag = "--";
  for (char c : s.key) flag += c == '_' ? '-' : c;
  return flag;
}

std::string env_of(const Setting& s) {
  std::string env = "TESSERA_";
  for (char c : s.key) env += c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c;
  return env;
}

std::string value_text(const Setting& s, const ServerConfig& c) {
  switch (s.kind) {
    case Kind::text: return c.*s.text;
    case Kind::boolean: return c.*s.boolean ? "true" : "false";
    case Kind::integer: return std::to_string(s.get_int(c));
    case Kind::list: {
      std::string out;
      for (const auto& item : c.*s.list) out += (out.empty() ? "" : ",") + item;
      return out;
    }
  }
  return {};
}

Result<void> add_item(const Setting& s, ServerConfig& c, std::string_view v) {
  if (auto ok = s.check(v); !ok) return ok;
  (c.*s.list).emplace_back(v);
  return {};
}

Result<void> set_integer(const Setting& s, ServerConfig& c, std::int64_t v) {
  if (v < s.min || v > s.max)
    return fail(Errc::invalid_argument, fmt::format("must be between {} and {} (got {})", s.min, s.max, v));
  s.set_int(c, v);
  return {};
}

Result<void> set_text(const Setting& s, ServerConfig& c, std::string_view v) {
  if (s.check) {
    if (auto ok = s.check(v); !ok) return ok;
  }
  c.*s.text = std::string(v);
  return {};
}

// A value given as text: a flag or an environment variable.
Result<void> apply_text(const Setting& s, ServerConfig& c, std::string_view v) {
  switch (s.kind) {
    case Kind::text: return set_text(s, c, v);
    case Kind::list: {
      // The environment: NAME=URL,NAME=URL (an empty variable: none)
      (c.*s.list).clear();
      std::string_view rest = v;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        if (auto ok = add_item(s, c, rest.substr(0, comma)); !ok) return ok;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      return {};
    }
    case Kind::boolean:
      if (v == "true" || v == "1") {
        c.*s.boolean = true;
      } else if (v == "false" || v == "0") {
        c.*s.boolean = false;
      } else {
        return fail(Errc::invalid_argument, fmt::format("\"{}\" is not true, false, 1 or 0", v));
      }
      return {};
    case Kind::integer: {
      std::int64_t n = 0;
      auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
      if (v.empty() || ec != std::errc{} || end != v.data() + v.size())
        return fail(Errc::invalid_argument, fmt::format("\"{}\" is not a whole number", v));
      return set_integer(s, c, n);
    }
  }
  return {};
}

Result<void> apply_toml(const Setting& s, ServerConfig& c, const toml::node& node) {
  switch (s.kind) {
    case Kind::text:
      if (const auto* v = node.as_string()) return set_text(s, c, v->get());
      return fail(Errc::invalid_argument, "must be a string");
    case Kind::list: {
      const auto* array = node.as_array();
      if (array == nullptr) return fail(Errc::invalid_argument, "must be an array of strings");
      (c.*s.list).clear();
      for (const auto& item : *array) {
        const auto* v = item.as_string();
        if (v == nullptr) return fail(Errc::invalid_argument, "must be an array of strings");
        if (auto ok = add_item(s, c, v->get()); !ok) return ok;
      }
      return {};
    }
    case Kind::boolean:
      if (const auto* v = node.as_boolean()) {
        c.*s.boolean = v->get();
        return {};
      }
      return fail(Errc::invalid_argument, "must be true or false");
    case Kind::integer:
      if (const auto* v = node.as_integer()) return set_integer(s, c, v->get());
      return fail(Errc::invalid_argument, "must be an integer");
  }
  return {};
}

void copy_setting(const Setting& s, const ServerConfig& from, ServerConfig& to) {
  switch (s.kind) {
    case Kind::text: to.*s.text = from.*s.text; break;
    case Kind::boolean: to.*s.boolean = from.*s.boolean; break;
    case Kind::integer: s.set_int(to, s.get_int(from)); break;
    case Kind::list: to.*s.list = from.*s.list; break;
  }
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io_error, fmt::format("cannot open config file {}", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return fail(Errc::io_error, fmt::format("cannot read config file {}", path));
  return std::move(ss).str();
}

// Parses the file into a copy of the defaults, checking every key; `present[i]` tells which
// settings it names.
Result<void> load_file(const std::string& path, ServerConfig& from_file, std::array<bool, kSettings.size()>& present) {
  auto text = read_file(path);
  if (!text) return std::unexpected(text.error());
  toml::table table;
  try {
    table = toml::parse(*text, std::string_view(path));
  } catch (const toml::parse_error& e) {
    return fail(Errc::invalid_argument, fmt::format("config file {}:{}:{}: {}", path, e.source().begin.line,
                                                    e.source().begin.column, e.description()));
  }
  for (const auto& [key, node] : table) {
    std::size_t i = 0;
    while (i < kSettings.size() && kSettings[i].key != key.str()) ++i;
    if (i == kSettings.size())
      return fail(Errc::invalid_argument, fmt::format("config file {}: unknown setting \"{}\"", path, key.str()));
    if (auto ok = apply_toml(kSettings[i], from_file, node); !ok)
      return fail(Errc::invalid_argument,
                  fmt::format("config file {}: {}: {}", path, key.str(), ok.error().message));
    present[i] = true;
  }
  return {};
}

// The BFF settings together: a secret file with the client, nothing BFF without it, upstream
// names unique.
Result<void> check_bff(const ServerConfig& c) {
  if (!c.bff_enabled()) {
    if (!c.bff_client_secret_file.empty() || !c.bff_upstreams.empty() || !c.bff_issuer.empty())
      return fail(Errc::invalid_argument, "bff_client_secret_file, bff_upstream and bff_issuer need bff_client");
    return {};
  }
  if (c.bff_client_secret_file.empty())
    return fail(Errc::invalid_argument, "bff_client needs bff_client_secret_file (the BFF is a confidential client)");
  std::vector<std::string> names;
  for (const auto& item : c.bff_upstreams) {
    auto u = parse_bff_upstream(item);
    if (!u) return std::unexpected(u.error());
    if (std::find(names.begin(), names.end(), u->name) != names.end())
      return fail(Errc::invalid_argument, fmt::format("bff_upstream: the name \"{}\" is given twice", u->name));
    names.push_back(u->name);
  }
  return {};
}

}  // namespace

Result<BffUpstream> parse_bff_upstream(std::string_view v) {
  const auto bad = [v](std::string_view why) {
    return fail(Errc::invalid_argument, fmt::format("\"{}\" is not NAME=URL: {}", v, why));
  };
  const auto eq = v.find('=');
  if (eq == std::string_view::npos) return bad("no =");
  BffUpstream u{std::string(v.substr(0, eq)), std::string(v.substr(eq + 1))};
  if (u.name.empty() || u.name.size() > 64) return bad("NAME is 1 to 64 characters");
  for (char c : u.name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
      return bad("NAME is lower-case letters, digits, _ and -");
  if (u.url.ends_with('/')) u.url.pop_back();
  if (u.url.empty()) return bad("no URL");
  // The URL's rules are the issuer's: absolute http(s), a host, no user info, query or fragment.
  if (auto ok = check_issuer(u.url); !ok) return bad(ok.error().message);
  return u;
}

std::string ServerConfig::store_uri() const {
  if (store == "sqlite") {
    std::string dir = data;
    while (dir.size() > 1 && dir.ends_with('/')) dir.pop_back();
    return "sqlite:" + dir + (dir.ends_with('/') ? "" : "/") + "tessera.db";
  }
  if (store == "memory") return "memory:";
  return store;
}

std::string ServerConfig::issuer_for(std::string_view bound_url) const {
  if (!issuer.empty()) return issuer;
  if (!public_origin.empty()) return public_origin;
  return std::string(bound_url);
}

void add_config_options(CLI::App& cmd, ServerConfig& cfg) {
  cmd.add_option("--config", cfg.config_file,
                 fmt::format("TOML file with any of these settings (keys as the flags, with _ for -) [env {}]",
                             kConfigEnv))
      ->type_name("FILE");
  const ServerConfig defaults;
  for (const Setting& s : kSettings) {
    std::string shown = value_text(s, defaults);
    if (shown.empty()) shown = "none";
    const std::string flag = flag_of(s);
    const std::string help = fmt::format("{} [env {}, default {}]", s.help, env_of(s), shown);
    if (s.kind == Kind::boolean) {
      // --trust-proxy, --trust-proxy=false
      cmd.add_flag(flag, cfg.*s.boolean, help);
      continue;
    }
    ServerConfig* target = &cfg;
    const Setting* setting = &s;
    if (s.kind == Kind::list) {
      // --bff-upstream a=URL --bff-upstream b=URL: one value per occurrence, all kept
      cmd.add_option_function<std::vector<std::string>>(
             flag,
             [target, setting, flag](const std::vector<std::string>& values) {
               (target->*setting->list).clear();
               for (const auto& v : values)
                 if (auto ok = add_item(*setting, *target, v); !ok) throw CLI::ValidationError(flag, ok.error().message);
             },
             help)
          ->type_name(std::string(s.value_name))
          ->type_size(1)
          ->allow_extra_args(false);
      continue;
    }
    cmd.add_option_function<std::string>(
           flag,
           [target, setting, flag](const std::string& v) {
             if (auto ok = apply_text(*setting, *target, v); !ok) throw CLI::ValidationError(flag, ok.error().message);
           },
           help)
        ->type_name(std::string(s.value_name));
  }
}

Result<void> load_config(CLI::App& cmd, ServerConfig& cfg) {
  const auto given = [&cmd](const std::string& flag) {
    const CLI::Option* opt = cmd.get_option_no_throw(flag);
    return opt != nullptr && opt->count() > 0;
  };

  if (!given("--config")) {
    if (const char* env = std::getenv(std::string(kConfigEnv).c_str())) cfg.config_file = env;
  }
  ServerConfig from_file;
  std::array<bool, kSettings.size()> in_file{};
  if (!cfg.config_file.empty()) {
    if (auto ok = load_file(cfg.config_file, from_file, in_file); !ok) return ok;
  }

  for (std::size_t i = 0; i < kSettings.size(); ++i) {
    const Setting& s = kSettings[i];
    if (given(flag_of(s))) continue;
    const std::string env = env_of(s);
    if (const char* value = std::getenv(env.c_str())) {
      if (auto ok = apply_text(s, cfg, value); !ok)
        return fail(Errc::invalid_argument, fmt::format("{}: {}", env, ok.error().message));
    } else if (in_file[i]) {
      copy_setting(s, from_file, cfg);
    }
  }

  if (cfg.tls_cert.empty() != cfg.tls_key.empty())
    return fail(Errc::invalid_argument, "tls_cert and tls_key go together: give both or neither");
  if (auto ok = check_bff(cfg); !ok) return ok;
  return check_key_ring_policy(cfg.keys);
}

}  // namespace tessera::server
