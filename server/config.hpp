// ServerConfig: every setting of `tessera serve` and `tessera users` (docs/server.md lists
// them). Sources, strongest first: flag, TESSERA_* environment variable, TOML file
// (--config), default.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "server/http_limits.hpp"
#include "tessera/auth_service.hpp"
#include "tessera/error.hpp"
#include "tessera/key_ring.hpp"
#include "tessera/session.hpp"

namespace tessera::server {

struct ServerConfig {
  std::string config_file;  // --config (empty: none)
  std::string listen = "127.0.0.1:8080";
  // GET /metrics (and /healthz) on their own plain-HTTP listener; "off" (or empty): none.
  std::string metrics_listen = "127.0.0.1:9464";
  std::string data = "./tessera-data";
  std::string store = "sqlite";
  unsigned threads = 0;          // 0: std::thread::hardware_concurrency()
  unsigned worker_threads = 0;   // store calls but the session check; 0: auto (inline for SQLite/memory, 2 per core for Redis)
  std::string tls_cert;
  std::string tls_key;
  std::string public_origin;
  // The OAuth issuer (docs/oauth.md): an absolute http(s) URL without query or fragment; empty:
  // public_origin, else the listener's URL as bound (issuer_for()).
  std::string issuer;
  // PEM CA certificates trusted, besides the system's, when fetching clients' jwks_uri
  // (tessera/https_key_set_fetcher.hpp); empty: the system's only.
  std::string oauth_ca_file;
  // DPoP server nonces (RFC 9449 §8, docs/dpop.md): every DPoP proof must carry a current
  // nonce derived from keys/oauth.key (so every instance sharing it accepts every other's).
  // On by default: a DPoP client must handle use_dpop_nonce anyway, bearer clients never see it.
  bool dpop_nonce = true;
  bool trust_proxy = false;
  // The library's and the HTTP layer's own option structs, so that each default is written
  // once (there); config.cpp maps the flat setting names onto their members.
  HttpLimits http;         // max_header_bytes, max_body_bytes, request_timeout, idle_timeout, max_connections
  SessionOptions session;  // session_idle_timeout, session_absolute_timeout, max_sessions_per_user
  AuthOptions auth;        // argon2_ops, argon2_mem_kib, login_account_free_failures, ..._ip_..., login_backoff_max
  // jwks_max_age, publish_ahead, key_rotation_interval, max_token_ttl (also OAuthOptions'),
  // key_retire_leeway (docs/keys.md)
  KeyRingPolicy keys;
  std::string log_level = "info";
  // The BFF for single-page apps (docs/bff.md): its routes (/bff/*) exist only when bff_client
  // is set. bff_client_secret_file: the client secret (client_secret_basic), first line of the
  // file; bff_upstreams: "NAME=URL" each (/bff/api/NAME/... goes to URL/...); bff_issuer: the
  // OIDC issuer it signs in at, empty: this server's issuer (issuer_for()); bff_timeout: every
  // call to the issuer or an upstream (then 504).
  std::string bff_client;
  std::string bff_client_secret_file;
  std::vector<std::string> bff_upstreams;
  std::string bff_issuer;
  std::chrono::seconds bff_timeout{10};

  // The store URI the library opens: "sqlite" -> "sqlite:<data>/tessera.db", "memory" ->
  // "memory:", redis URIs unchanged.
  std::string store_uri() const;
  // The issuer the server names: issuer, else public_origin, else bound_url (the main
  // listener's URL as bound, "http://127.0.0.1:8080").
  std::string issuer_for(std::string_view bound_url) const;
  // Whether metrics_listen names a listener (not "off" or empty).
  bool metrics_enabled() const { return !metrics_listen.empty() && metrics_listen != "off"; }
  bool bff_enabled() const { return !bff_client.empty(); }
};

// One --bff-upstream: NAME ([a-z0-9_-], 1..64 characters) and an absolute http(s) URL without
// user info, query or fragment (a trailing slash is dropped).
struct BffUpstream {
  std::string name;
  std::string url;
};
// invalid_argument naming what is wrong.
Result<BffUpstream> parse_bff_upstream(std::string_view name_eq_url);

// Registers every setting as a flag on cmd (with its env name and default in the help), and
// --config. Call load() after parsing.
void add_config_options(CLI::App& cmd, ServerConfig& cfg);
// After CLI parsing: fills settings that no flag set from the environment, then from the TOML
// file. Errors: io_error (unreadable file), invalid_argument (bad TOML, unknown key, wrong
// type, value out of range, tls_cert without tls_key, a key schedule check_key_ring_policy
// refuses).
Result<void> load_config(CLI::App& cmd, ServerConfig& cfg);

}  // namespace tessera::server
