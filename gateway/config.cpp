// GatewayConfig sources (gateway/config.hpp): the flags are CLI11 options; the TOML file feeds
// the same options (key "client_id" -> --client-id), so each setting's parsing and range check
// is written once, on its flag.
#include "gateway/config.hpp"

#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

namespace tessera::gateway {
namespace {

constexpr std::int64_t kMaxSeconds = 24 * 3600;

std::string flag_of(std::string_view key) {
  std::string flag = "--";
  for (char c : key) flag += c == '_' ? '-' : c;
  return flag;
}

Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(Errc::io_error, fmt::format("cannot open config file {}", path));
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return fail(Errc::io_error, fmt::format("cannot read config file {}", path));
  return std::move(ss).str();
}

// A TOML value as the text a flag would take; nullopt for a table or a date.
std::optional<std::string> as_text(const toml::node& node) {
  if (const auto* s = node.as_string()) return s->get();
  if (const auto* i = node.as_integer()) return std::to_string(i->get());
  if (const auto* b = node.as_boolean()) return b->get() ? "true" : "false";
  return std::nullopt;
}

Result<void> apply_file(CLI::App& cmd, const std::string& path) {
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
    const std::string flag = flag_of(key.str());
    CLI::Option* opt = key.str() == "config" ? nullptr : cmd.get_option_no_throw(flag);
    if (opt == nullptr)
      return fail(Errc::invalid_argument, fmt::format("config file {}: unknown setting \"{}\"", path, key.str()));
    if (opt->count() > 0) continue;  // the flag wins
    const auto bad = [&](std::string_view why) {
      return fail(Errc::invalid_argument, fmt::format("config file {}: {}: {}", path, key.str(), why));
    };
    std::vector<std::string> values;
    if (const auto* arr = node.as_array()) {
      for (const auto& item : *arr) {
        auto v = as_text(item);
        if (!v) return bad("must be an array of strings");
        values.push_back(std::move(*v));
      }
    } else if (auto v = as_text(node)) {
      values.push_back(std::move(*v));
    } else {
      return bad("must be a string, integer, boolean or array");
    }
    try {
      for (auto& v : values) opt->add_result(v);
      opt->run_callback();
    } catch (const CLI::Error& e) {
      return bad(e.what());
    }
  }
  return {};
}

}  // namespace

void add_gateway_options(CLI::App& cmd, GatewayConfig& c) {
  const GatewayConfig d;
  const auto seconds = [](std::int64_t min) { return CLI::Range(min, kMaxSeconds); };
  cmd.add_option("--config", c.config_file, "TOML file with any of these settings (keys as the flags, with _ for -)")
      ->type_name("FILE");
  cmd.add_option("--listen", c.listen, "Address and port to listen on ([::1]:8081 for IPv6)")
      ->type_name("HOST:PORT")->capture_default_str();
  cmd.add_option("--public-url", c.public_url,
                 "The origin clients use (https://api.example.com): with the request target, the URL a DPoP proof's htu must name; default: http(s):// and the listen address as bound")
      ->type_name("ORIGIN");
  cmd.add_option("--upstream", c.upstream, "The protected service: http://HOST[:PORT][/PATH] (required)")->type_name("URL");
  cmd.add_option("--issuer", c.issuer,
                 "The authorization server (its metadata gives the JWKS, introspection and revocation feed URLs) and the exact iss of tokens (required)")
      ->type_name("URL");
  cmd.add_option("--audience", c.audiences, "A token's aud must contain one of these (repeat; required)")->type_name("AUD");
  cmd.add_option("--scope", c.scopes, "A scope every request's token must carry (repeat; otherwise 403 insufficient_scope)")
      ->type_name("S");
  cmd.add_flag("--require-dpop", c.require_dpop, "Refuse every token that is not DPoP-bound (sent with a proof)");
  cmd.add_option("--client-id", c.client_id,
                 "The gateway's own client at the issuer (registered with --resource AUD): introspects opaque tokens and reads the revocation feed")
      ->type_name("ID");
  cmd.add_option("--client-secret-file", c.client_secret_file, "File holding that client's secret (needed with --client-id)")
      ->type_name("FILE");
  cmd.add_option("--ca-file", c.ca_file, "PEM CA certificates trusted (besides the system's) for the issuer's TLS")
      ->type_name("PEM");
  cmd.add_option("--leeway", c.leeway, fmt::format("Clock skew allowed on exp/nbf/iat, seconds (0..{})", kMaxLeeway))
      ->type_name("S")->check(CLI::Range(std::int64_t{0}, kMaxLeeway))->capture_default_str();
  cmd.add_option("--introspection-cache", c.introspection_cache,
                 fmt::format("How long an introspection answer is reused, seconds (0..{}; never past the token's exp)",
                             kMaxIntrospectionCache))
      ->type_name("S")->check(CLI::Range(std::int64_t{0}, kMaxIntrospectionCache))->capture_default_str();
  cmd.add_option("--feed-max-stale", c.feed_max_stale,
                 "With --client-id: how long the revocation feed may be unreachable before every request gets 503 (fail closed), seconds")
      ->type_name("S")->check(seconds(1))->capture_default_str();
  cmd.add_option("--upstream-timeout", c.upstream_timeout, "Time for the upstream's whole response, seconds (then 504)")
      ->type_name("S")->check(seconds(1))->capture_default_str();
  cmd.add_option("--connect-timeout", c.connect_timeout, "Time to connect to the upstream, seconds (then 504)")
      ->type_name("S")->check(seconds(1))->capture_default_str();
  cmd.add_option("--metrics-listen", c.metrics_listen,
                 "Address and port of the metrics listener (GET /metrics and /healthz, plain HTTP); off = none")
      ->type_name("HOST:PORT")->capture_default_str();
  cmd.add_option("--threads", c.threads, "I/O threads, each with its own upstream connection pool (0 = one per core)")
      ->type_name("N")->check(CLI::Range(0u, 1024u))->capture_default_str();
  cmd.add_option("--blocking-threads", c.blocking_threads,
                 "Threads for authentications that may wait on the network (introspection, a key set refetch)")
      ->type_name("N")->check(CLI::Range(1u, 1024u))->capture_default_str();
  cmd.add_option("--tls-cert", c.tls_cert, "TLS certificate chain, PEM (needs --tls-key)")->type_name("FILE");
  cmd.add_option("--tls-key", c.tls_key, "TLS private key, PEM (needs --tls-cert)")->type_name("FILE");
  cmd.add_option("--max-header-bytes", c.http.max_header_bytes, "Request header limit (over it: 431)")
      ->type_name("BYTES")->check(CLI::Range(std::size_t{1024}, std::size_t{1024 * 1024}))->capture_default_str();
  cmd.add_option("--max-body-bytes", c.http.max_body_bytes, "Request body limit (over it: 413)")
      ->type_name("BYTES")->check(CLI::Range(std::size_t{0}, std::size_t{1024} * 1024 * 1024))->capture_default_str();
  cmd.add_option_function<std::int64_t>(
         "--request-timeout", [&c](std::int64_t v) { c.http.request_timeout = std::chrono::seconds(v); },
         fmt::format("Time to read a whole request, seconds (then 408) [{}]", d.http.request_timeout.count()))
      ->type_name("S")->check(seconds(1));
  cmd.add_option_function<std::int64_t>(
         "--idle-timeout", [&c](std::int64_t v) { c.http.idle_timeout = std::chrono::seconds(v); },
         fmt::format("Idle keep-alive client connections are closed after this, seconds [{}]", d.http.idle_timeout.count()))
      ->type_name("S")->check(seconds(1));
  cmd.add_option("--max-connections", c.http.max_connections, "Open client connections limit (over it: 503)")
      ->type_name("N")->check(CLI::Range(std::size_t{1}, std::size_t{1'000'000}))->capture_default_str();
  cmd.add_option("--log-level", c.log_level, "debug, info, warn, error or off")
      ->type_name("LEVEL")->check(CLI::IsMember({"debug", "info", "warn", "error", "off"}))->capture_default_str();
}

Result<void> load_gateway_config(CLI::App& cmd, GatewayConfig& c) {
  if (!c.config_file.empty())
    if (auto ok = apply_file(cmd, c.config_file); !ok) return ok;
  const auto missing = [](std::string_view what) {
    return fail(Errc::invalid_argument, fmt::format("{} is required (flag or config file)", what));
  };
  if (c.upstream.empty()) return missing("--upstream");
  if (c.issuer.empty()) return missing("--issuer");
  if (c.audiences.empty()) return missing("--audience");
  if (c.client_id.empty() != c.client_secret_file.empty())
    return fail(Errc::invalid_argument, "--client-id and --client-secret-file go together: give both or neither");
  if (c.tls_cert.empty() != c.tls_key.empty())
    return fail(Errc::invalid_argument, "--tls-cert and --tls-key go together: give both or neither");
  return {};
}

}  // namespace tessera::gateway
