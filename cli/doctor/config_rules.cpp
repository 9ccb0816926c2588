// The configuration rules of `tessera doctor` (config_rules.hpp). Thresholds follow the
// documents: sessions (docs/sessions.md, ASVS V3), tokens and refresh (docs/oauth.md, RFC 9700),
// key rotation (docs/keys.md), Redis persistence (docs/redis.md).
#include "doctor/config_rules.hpp"

#include <fmt/format.h>

namespace tessera::cli::doctor {
namespace {

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 24 * kHour;

std::string_view host_of(std::string_view url) {
  if (const auto p = url.find("://"); p != std::string_view::npos) url.remove_prefix(p + 3);
  url = url.substr(0, url.find_first_of("/?#"));
  if (url.starts_with('[')) return url.substr(0, url.find(']') + 1);
  return url.substr(0, url.rfind(':') == std::string_view::npos ? url.size() : url.rfind(':'));
}

bool loopback_host(std::string_view h) {
  return h == "localhost" || h == "[::1]" || h == "::1" || h.starts_with("127.");
}

void check_tls_and_origins(const server::ServerConfig& c, Findings& out) {
  const bool tls = !c.tls_cert.empty();
  const std::string listen_host(host_of("x://" + c.listen));
  const bool public_listener = !loopback_host(listen_host);
  if (c.public_origin.starts_with("http://") && !is_loopback_url(c.public_origin))
    add(out, Severity::error, "public_origin",
        fmt::format("public_origin {} is plain http on a non-loopback host: cookies marked Secure are not sent "
                    "and every credential crosses the network in clear",
                    c.public_origin),
        "serve it over https (--tls-cert/--tls-key, or a TLS proxy) and set --public-origin https://...");
  if (c.public_origin.empty())
    add(out, Severity::warning, "public_origin",
        "no public_origin: the Origin check compares with the Host header, which a proxy may rewrite",
        "set --public-origin to the exact origin users see (https://auth.example.com)");
  if (c.public_origin.starts_with("http://") && is_loopback_url(c.public_origin))
    add(out, Severity::info, "cookie",
        "the session cookie is __Host- and Secure: over plain http browsers keep it only for localhost and "
        "127.0.0.1 (development)",
        "use https anywhere else");
  if (c.issuer.starts_with("http://") && !is_loopback_url(c.issuer))
    add(out, Severity::error, "issuer", fmt::format("issuer {} is plain http on a non-loopback host", c.issuer),
        "use an https issuer (RFC 8414 requires it)");
  if (!tls && public_listener && !c.public_origin.starts_with("https://"))
    add(out, Severity::error, "tls",
        fmt::format("listening on {} without TLS and without an https public_origin (no TLS proxy in front)",
                    c.listen),
        "give --tls-cert and --tls-key, or put a TLS proxy in front and set --public-origin https://...");
  else if (!tls && public_listener)
    add(out, Severity::info, "tls",
        fmt::format("listening on {} in plain http: TLS must be terminated by the proxy in front", c.listen),
        "make sure only that proxy can reach this port");
  if (!tls && c.public_origin.starts_with("https://") && !c.trust_proxy)
    add(out, Severity::info, "trust_proxy",
        "TLS ends at a proxy, but --trust-proxy is off: client IPs in logs and login throttling are the proxy's",
        "set --trust-proxy if the proxy adds X-Forwarded-For");
}

void check_sessions(const server::ServerConfig& c, Findings& out) {
  const auto& s = c.session;
  if (s.idle_timeout > s.absolute_timeout)
    add(out, Severity::error, "session_timeouts",
        fmt::format("session_idle_timeout {} s exceeds session_absolute_timeout {} s", s.idle_timeout,
                    s.absolute_timeout),
        "make the idle timeout shorter than the absolute one (defaults: 1800 and 43200)");
  if (s.idle_timeout > 2 * kHour)
    add(out, Severity::warning, "session_timeouts",
        fmt::format("session_idle_timeout is {} s: an unattended browser stays signed in that long", s.idle_timeout),
        "keep it at most 1800-3600 s (ASVS 3.3.2)");
  if (s.absolute_timeout > 7 * kDay)
    add(out, Severity::error, "session_timeouts",
        fmt::format("session_absolute_timeout is {} s (over a week): a stolen cookie lives that long",
                    s.absolute_timeout),
        "keep it at most 12-24 h (--session-absolute-timeout 43200)");
  else if (s.absolute_timeout > kDay)
    add(out, Severity::warning, "session_timeouts",
        fmt::format("session_absolute_timeout is {} s (over a day)", s.absolute_timeout),
        "keep it at most 12-24 h (--session-absolute-timeout 43200)");
}

void check_keys_policy(const server::ServerConfig& c, Findings& out) {
  const auto& k = c.keys;
  if (k.max_token_ttl > kDay)
    add(out, Severity::warning, "max_token_ttl",
        fmt::format("max_token_ttl is {} s: a signed token may live over a day and cannot be recalled",
                    k.max_token_ttl),
        "lower --max-token-ttl (access tokens need minutes; 3600 is plenty)");
  const std::int64_t ahead = k.effective_publish_ahead();
  if (ahead < k.jwks_max_age + 1)
    add(out, Severity::error, "key_rotation",
        fmt::format("publish_ahead {} s is below jwks_max_age + 1 = {} s: a verifier with a cached JWKS meets "
                    "an unknown kid after a rotation",
                    ahead, k.jwks_max_age + 1),
        fmt::format("--publish-ahead {} or more (or 0: twice the max-age)", k.jwks_max_age + 1));
  if (k.rotation_interval != 0 && k.rotation_interval < ahead)
    add(out, Severity::error, "key_rotation",
        fmt::format("key_rotation_interval {} s is below publish_ahead {} s", k.rotation_interval, ahead),
        "make the interval at least publish_ahead");
  if (k.rotation_interval == 0)
    add(out, Severity::info, "key_rotation", "signing keys rotate only by hand (`tessera keys rotate`)",
        "set --key-rotation-interval (e.g. 2592000: every 30 days)");
  if (k.jwks_max_age > kDay / 2)
    add(out, Severity::warning, "key_rotation",
        fmt::format("jwks_max_age is {} s: a new key waits at least that long before it signs", k.jwks_max_age),
        "keep --jwks-max-age at minutes (default 300)");
  if (k.retire_leeway == 0)
    add(out, Severity::warning, "leeway",
        "key_retire_leeway is 0: a verifier whose clock runs behind meets a token whose key was just retired",
        "--key-retire-leeway 60 (the default), at least the verifiers' clock tolerance");
  else if (k.retire_leeway > 300)
    add(out, Severity::warning, "leeway",
        fmt::format("key_retire_leeway is {} s: verifiers' clock tolerance should be seconds, not minutes",
                    k.retire_leeway),
        "keep it at most 300 s; fix clock sync (NTP) instead");
}

void check_misc(const server::ServerConfig& c, Findings& out) {
  if (c.store == "memory")
    add(out, Severity::warning, "store",
        "the memory store: every session, client and revocation is lost when the process exits",
        "use sqlite (one machine) or redis:// (several)");
  if (c.metrics_enabled() && !loopback_host(host_of("x://" + c.metrics_listen)))
    add(out, Severity::warning, "metrics",
        fmt::format("metrics_listen {} is not loopback: /metrics is unauthenticated", c.metrics_listen),
        "keep it on 127.0.0.1 or a private network");
  if (!c.dpop_nonce)
    add(out, Severity::info, "dpop_nonce", "DPoP server nonces are off: proofs are fresh only by their iat",
        "leave --dpop-nonce on unless clients cannot handle use_dpop_nonce");
  if (c.auth.password.mem_limit < 19 * 1024 * 1024)
    add(out, Severity::warning, "argon2",
        fmt::format("argon2_mem_kib is {}: below OWASP's minimum of 19456 KiB for Argon2id",
                    c.auth.password.mem_limit / 1024),
        "--argon2-mem-kib 19456 or more");
}

}  // namespace

Findings check_settings(const server::ServerConfig& cfg) {
  Findings out;
  check_tls_and_origins(cfg, out);
  check_sessions(cfg, out);
  check_keys_policy(cfg, out);
  check_misc(cfg, out);
  return out;
}

Findings check_clients(const std::vector<Client>& clients, const server::ServerConfig& cfg) {
  Findings out;
  for (const auto& c : clients) {
    const ClientSettings& s = c.settings;
    const std::string who = fmt::format("client {}", c.client_id);
    if (s.access_ttl > kHour)
      add(out, Severity::warning, "access_ttl",
          fmt::format("{}: access_ttl {} s (over an hour; max_token_ttl {} s)", who, s.access_ttl,
                      cfg.keys.max_token_ttl),
          "re-register it with --access-ttl 300..600: a signed token cannot be recalled before it expires");
    const bool refresh = std::find(s.grants.begin(), s.grants.end(), "refresh_token") != s.grants.end();
    if (refresh && s.refresh_reuse_grace > 10)
      add(out, Severity::warning, "refresh_rotation",
          fmt::format("{}: refresh_reuse_grace {} s: a stolen refresh token replayed within it is not detected",
                      who, s.refresh_reuse_grace),
          "--refresh-reuse-grace 0..10 (only to survive a lost response)");
    if (refresh && s.refresh_absolute_ttl > 180 * kDay)
      add(out, Severity::warning, "refresh_rotation",
          fmt::format("{}: refresh_absolute_ttl {} s (over 180 days)", who, s.refresh_absolute_ttl),
          "--refresh-absolute-ttl 7776000 (90 days) or less");
    if (refresh && s.public_client && !s.require_dpop)
      add(out, Severity::info, "dpop",
          fmt::format("{}: a public client with refresh tokens, not DPoP-bound: a copied token works anywhere", who),
          "register it with --require-dpop if the app can keep a key (docs/dpop.md)");
  }
  return out;
}

Findings check_redis(const std::vector<RedisPersistence>& nodes) {
  Findings out;
  for (const auto& n : nodes) {
    if (!n.appendonly && n.save.empty())
      add(out, Severity::error, "redis_persistence",
          fmt::format("Redis {} has no persistence (appendonly no, save \"\"): a restart loses every session, "
                      "client and revocation",
                      n.node),
          "CONFIG SET appendonly yes (and appendfsync always or everysec) in redis.conf (docs/redis.md)");
    else if (!n.appendonly)
      add(out, Severity::warning, "redis_persistence",
          fmt::format("Redis {} persists by snapshots only (save \"{}\"): a restart loses the revocations since "
                      "the last one",
                      n.node, n.save),
          "appendonly yes (docs/redis.md)");
    else if (n.appendfsync == "no")
      add(out, Severity::warning, "redis_persistence",
          fmt::format("Redis {}: appendfsync no: a power loss drops about 30 s of writes", n.node),
          "appendfsync everysec or always");
  }
  return out;
}

Findings check_config(const ConfigFacts& f) {
  Findings out = check_settings(f.cfg);
  if (f.clients) {
    Findings c = check_clients(*f.clients, f.cfg);
    out.insert(out.end(), c.begin(), c.end());
  } else {
    add(out, Severity::info, "clients", "clients not checked: " + f.clients_unread);
  }
  const bool redis = f.cfg.store.starts_with("redis");
  if (redis && f.redis) {
    Findings r = check_redis(*f.redis);
    out.insert(out.end(), r.begin(), r.end());
  } else if (redis) {
    add(out, Severity::warning, "redis_persistence",
        "could not check the Redis persistence (it holds the revocations): " + f.redis_unread,
        "check by hand: CONFIG GET appendonly and CONFIG GET save must not both be off");
  }
  return out;
}

bool is_loopback_url(std::string_view url) { return loopback_host(host_of(url)); }

}  // namespace tessera::cli::doctor
