// GatewayConfig: every setting of `tessera gateway` (docs/gateway.md lists them). Sources,
// strongest first: flag, TOML file (--config; keys are the flags' names with _ for -, lists as
// TOML arrays), default. The Authenticator's defaults (leeway, introspection cache) are
// AuthenticatorOptions', the feed's staleness bound DenyListOptions', the HTTP limits HttpLimits',
// except the body limit, which a proxy needs larger (kGatewayMaxBody).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "server/http_limits.hpp"
#include "tessera/authenticator.hpp"
#include "tessera/deny_list.hpp"
#include "tessera/error.hpp"

namespace tessera::gateway {

inline constexpr std::size_t kGatewayMaxBody = 8 * 1024 * 1024;

struct GatewayConfig {
  std::string config_file;
  std::string listen = "127.0.0.1:8081";
  // The origin clients use (https://api.example.com): the URL the Authenticator sees (DPoP htu)
  // is it plus the request target. Empty: http(s):// and the listen address as bound.
  std::string public_url;
  std::string upstream;                 // http://HOST[:PORT][/PATH] (required)
  std::string issuer;                   // the authorization server (required)
  std::vector<std::string> audiences;   // --audience, repeatable (required)
  std::vector<std::string> scopes;      // --scope, repeatable: every request needs them all
  bool require_dpop = false;
  std::string client_id;                // the resource server's own client (introspection, feed)
  std::string client_secret_file;
  std::string ca_file;                  // extra PEM trust anchors for the issuer's TLS
  std::int64_t leeway = AuthenticatorOptions{}.leeway;
  std::int64_t introspection_cache = AuthenticatorOptions{}.introspection_cache_ttl;
  std::int64_t feed_max_stale = DenyListOptions{}.max_stale;  // seconds without word from the feed, then 503
  std::int64_t upstream_timeout = 30;   // seconds for the upstream's whole response (then 504)
  std::int64_t connect_timeout = 5;     // seconds to connect to the upstream (then 504)
  std::string metrics_listen = "127.0.0.1:9465";
  unsigned threads = 0;                 // I/O threads; 0: one per core
  unsigned blocking_threads = 8;        // authentications that may block (introspection, key fetch)
  std::string tls_cert;
  std::string tls_key;
  server::HttpLimits http{.max_body_bytes = kGatewayMaxBody};
  std::string log_level = "info";
};

// Registers every setting as a flag on cmd, and --config. Call load_gateway_config() after
// parsing.
void add_gateway_options(CLI::App& cmd, GatewayConfig& cfg);
// After CLI parsing: applies the TOML file's settings that no flag set, then checks the whole.
// Errors: io_error (unreadable file), invalid_argument (bad TOML, unknown key, bad value, a
// required setting missing, tls_cert without tls_key, a client id without its secret file).
Result<void> load_gateway_config(CLI::App& cmd, GatewayConfig& cfg);

}  // namespace tessera::gateway
