// ServerConfig (server/config.hpp): defaults, the TOML file, TESSERA_* variables and flags in
// that order of strength, and every rejection (unknown keys, wrong types, out-of-range values).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/config.hpp"

extern char** environ;

namespace tessera::server {
namespace {

// Clears every TESSERA_* variable for the test and puts the caller's environment back after.
class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (char** e = environ; *e; ++e) {
      const std::string entry = *e;
      if (entry.rfind("TESSERA_", 0) != 0) continue;
      const auto eq = entry.find('=');
      saved_[entry.substr(0, eq)] = entry.substr(eq + 1);
    }
    for (const auto& [name, value] : saved_) ::unsetenv(name.c_str());
    char dir[] = "/tmp/tessera-config-test-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    dir_ = dir;
  }
  void TearDown() override {
    for (const auto& name : set_) ::unsetenv(name.c_str());
    for (const auto& [name, value] : saved_) ::setenv(name.c_str(), value.c_str(), 1);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void env(const std::string& name, const std::string& value) {
    ::setenv(name.c_str(), value.c_str(), 1);
    set_.push_back(name);
  }

  std::string file(const std::string& toml) {
    const std::string path = dir_ + "/tessera.toml";
    std::ofstream(path) << toml;
    return path;
  }

  // Parses args as `tessera serve ARGS...` then load_config. A CLI11 parse error (a bad flag)
  // comes back as invalid_argument with the CLI11 message.
  Result<ServerConfig> load(std::vector<std::string> args = {}) {
    ServerConfig cfg;
    CLI::App app{"test"};
    add_config_options(app, cfg);
    args.insert(args.begin(), "serve");
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    try {
      app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
      return fail(Errc::invalid_argument, e.what());
    }
    if (auto ok = load_config(app, cfg); !ok) return std::unexpected(ok.error());
    return cfg;
  }

  void expect_invalid(const Result<ServerConfig>& r, const std::string& needle = {}) {
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::invalid_argument) << r.error().message;
    if (!needle.empty()) {
      EXPECT_NE(r.error().message.find(needle), std::string::npos) << r.error().message;
    }
  }

  std::string dir_;

 private:
  std::map<std::string, std::string> saved_;
  std::vector<std::string> set_;
};

TEST_F(ConfigTest, Defaults) {
  auto cfg = load();
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  const ServerConfig d;
  EXPECT_EQ(cfg->listen, "127.0.0.1:8080");
  EXPECT_EQ(cfg->metrics_listen, "127.0.0.1:9464");
  EXPECT_TRUE(cfg->metrics_enabled());
  EXPECT_EQ(cfg->data, "./tessera-data");
  EXPECT_EQ(cfg->store, "sqlite");
  EXPECT_EQ(cfg->threads, 0u);
  EXPECT_EQ(cfg->worker_threads, 0u);
  EXPECT_TRUE(cfg->tls_cert.empty());
  EXPECT_TRUE(cfg->tls_key.empty());
  EXPECT_TRUE(cfg->public_origin.empty());
  EXPECT_FALSE(cfg->trust_proxy);
  EXPECT_EQ(cfg->http.max_header_bytes, 8192u);
  EXPECT_EQ(cfg->http.max_body_bytes, 16384u);
  EXPECT_EQ(cfg->http.request_timeout, std::chrono::seconds(10));
  EXPECT_EQ(cfg->http.idle_timeout, std::chrono::seconds(60));
  EXPECT_EQ(cfg->http.max_connections, 10000u);
  EXPECT_EQ(cfg->session.idle_timeout, 1800);
  EXPECT_EQ(cfg->session.absolute_timeout, 43200);
  EXPECT_EQ(cfg->session.max_sessions_per_user, 20u);
  EXPECT_EQ(cfg->auth.password.ops_limit, 2u);
  EXPECT_EQ(cfg->auth.password.mem_limit, 65536u * 1024u);
  EXPECT_EQ(cfg->auth.account_free_failures, 5);
  EXPECT_EQ(cfg->auth.ip_free_failures, 20);
  EXPECT_EQ(cfg->auth.backoff_max, 900);
  EXPECT_EQ(cfg->log_level, "info");
  EXPECT_EQ(cfg->store_uri(), "sqlite:./tessera-data/tessera.db");
  // The server's defaults are the library's own option structs, not copies of their values.
  EXPECT_EQ(cfg->session.idle_timeout, SessionOptions{}.idle_timeout);
  EXPECT_EQ(cfg->session.max_sessions_per_user, SessionOptions{}.max_sessions_per_user);
  EXPECT_EQ(cfg->auth.password, PasswordParams{});
  EXPECT_EQ(cfg->auth.backoff_max, AuthOptions{}.backoff_max);
  EXPECT_EQ(cfg->http.max_body_bytes, HttpLimits{}.max_body_bytes);
}

TEST_F(ConfigTest, TomlFileValues) {
  const auto path = file(R"(
listen = "[::1]:9090"
data = "/var/lib/tessera"
store = "redis-cluster://10.0.0.1:7000,10.0.0.2:7001"
threads = 4
worker_threads = 8
tls_cert = "cert.pem"
tls_key = "key.pem"
public_origin = "https://auth.example.com"
trust_proxy = true
max_header_bytes = 4096
max_body_bytes = 1024
request_timeout = 5
idle_timeout = 30
max_connections = 100
session_idle_timeout = 600
session_absolute_timeout = 3600
max_sessions_per_user = 0
argon2_ops = 3
argon2_mem_kib = 8192
login_account_free_failures = 3
login_ip_free_failures = 10
login_backoff_max = 60
log_level = "debug"
)");
  auto cfg = load({"--config", path});
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_EQ(cfg->listen, "[::1]:9090");
  EXPECT_EQ(cfg->data, "/var/lib/tessera");
  EXPECT_EQ(cfg->store, "redis-cluster://10.0.0.1:7000,10.0.0.2:7001");
  EXPECT_EQ(cfg->threads, 4u);
  EXPECT_EQ(cfg->worker_threads, 8u);
  EXPECT_EQ(cfg->tls_cert, "cert.pem");
  EXPECT_EQ(cfg->tls_key, "key.pem");
  EXPECT_EQ(cfg->public_origin, "https://auth.example.com");
  EXPECT_TRUE(cfg->trust_proxy);
  EXPECT_EQ(cfg->http.max_header_bytes, 4096u);
  EXPECT_EQ(cfg->http.max_body_bytes, 1024u);
  EXPECT_EQ(cfg->http.request_timeout, std::chrono::seconds(5));
  EXPECT_EQ(cfg->http.idle_timeout, std::chrono::seconds(30));
  EXPECT_EQ(cfg->http.max_connections, 100u);
  EXPECT_EQ(cfg->session.idle_timeout, 600);
  EXPECT_EQ(cfg->session.absolute_timeout, 3600);
  EXPECT_EQ(cfg->session.max_sessions_per_user, 0u);
  EXPECT_EQ(cfg->auth.password.ops_limit, 3u);
  EXPECT_EQ(cfg->auth.password.mem_limit, 8192u * 1024u);
  EXPECT_EQ(cfg->auth.account_free_failures, 3);
  EXPECT_EQ(cfg->auth.ip_free_failures, 10);
  EXPECT_EQ(cfg->auth.backoff_max, 60);
  EXPECT_EQ(cfg->log_level, "debug");
  EXPECT_EQ(cfg->store_uri(), "redis-cluster://10.0.0.1:7000,10.0.0.2:7001");
}

TEST_F(ConfigTest, ConfigFileFromEnvironment) {
  env("TESSERA_CONFIG", file("threads = 3\n"));
  auto cfg = load();
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_EQ(cfg->threads, 3u);
}

TEST_F(ConfigTest, EnvironmentBeatsFile) {
  const auto path = file("threads = 4\nlisten = \"0.0.0.0:1\"\ntrust_proxy = false\nlog_level = \"warn\"\n");
  env("TESSERA_THREADS", "8");
  env("TESSERA_TRUST_PROXY", "1");
  env("TESSERA_DATA", "/srv/t");
  auto cfg = load({"--config", path});
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_EQ(cfg->threads, 8u);
  EXPECT_TRUE(cfg->trust_proxy);
  EXPECT_EQ(cfg->data, "/srv/t");
  EXPECT_EQ(cfg->listen, "0.0.0.0:1");  // the file still beats the default
  EXPECT_EQ(cfg->log_level, "warn");

  env("TESSERA_TRUST_PROXY", "false");
  cfg = load({"--config", path});
  ASSERT_TRUE(cfg.has_value());
  EXPECT_FALSE(cfg->trust_proxy);
}

TEST_F(ConfigTest, FlagBeatsEnvironmentAndFile) {
  const auto path = file("threads = 4\nstore = \"memory\"\ntrust_proxy = true\n");
  env("TESSERA_THREADS", "8");
  env("TESSERA_STORE", "redis://127.0.0.1:6379");
  auto cfg = load({"--config", path, "--threads", "2", "--store", "sqlite", "--trust-proxy=false"});
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_EQ(cfg->threads, 2u);
  EXPECT_EQ(cfg->store, "sqlite");
  EXPECT_FALSE(cfg->trust_proxy);

  cfg = load({"--trust-proxy"});
  ASSERT_TRUE(cfg.has_value());
  EXPECT_TRUE(cfg->trust_proxy);
}

// DPoP nonces: on by default; off by flag, file or environment (a default-true boolean must
// still be switchable off everywhere).
TEST_F(ConfigTest, DpopNonceOnByDefaultAndSwitchableOff) {
  auto cfg = load();
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_TRUE(cfg->dpop_nonce);
  cfg = load({"--dpop-nonce=false"});
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_FALSE(cfg->dpop_nonce);
  cfg = load({"--config", file("dpop_nonce = false\n")});
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_FALSE(cfg->dpop_nonce);
  env("TESSERA_DPOP_NONCE", "false");
  cfg = load();
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_FALSE(cfg->dpop_nonce);
  cfg = load({"--dpop-nonce"});
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_TRUE(cfg->dpop_nonce);
}

TEST_F(ConfigTest, UnknownKeyRejected) {
  expect_invalid(load({"--config", file("threads = 4\nlisten_port = 80\n")}), "listen_port");
  expect_invalid(load({"--config", file("[server]\nlisten = \"127.0.0.1:1\"\n")}), "server");
}

TEST_F(ConfigTest, FileErrors) {
  auto missing = load({"--config", dir_ + "/nope.toml"});
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, Errc::io_error);
  expect_invalid(load({"--config", file("threads = = 4\n")}), "tessera.toml");
}

TEST_F(ConfigTest, ListenSyntax) {
  for (const char* good : {"127.0.0.1:8080", "0.0.0.0:0", "[::1]:8080", "[::]:443", "localhost:80", "[fe80::1]:65535"}) {
    auto cfg = load({"--listen", good});
    EXPECT_TRUE(cfg.has_value()) << good << ": " << cfg.error().message;
  }
  for (const char* bad : {"nonsense", "1.2.3.4", ":80", "[::1]8080", "[zz]:80", "::1:80", "host:99999", "host:-1",
                          "host:", "host:8o", "a b:80", ""}) {
    expect_invalid(load({"--listen", bad}), "listen");
    env("TESSERA_LISTEN", bad);
    expect_invalid(load(), "TESSERA_LISTEN");
    ::unsetenv("TESSERA_LISTEN");
    expect_invalid(load({"--config", file(std::string("listen = \"") + bad + "\"\n")}), "listen");
  }
}

TEST_F(ConfigTest, MetricsListen) {
  for (const char* good : {"127.0.0.1:9464", "127.0.0.1:0", "[::1]:9464", "localhost:9100"}) {
    auto cfg = load({"--metrics-listen", good});
    ASSERT_TRUE(cfg.has_value()) << good << ": " << cfg.error().message;
    EXPECT_EQ(cfg->metrics_listen, good);
    EXPECT_TRUE(cfg->metrics_enabled());
  }
  for (const char* off : {"off", ""}) {
    auto cfg = load({"--metrics-listen", off});
    ASSERT_TRUE(cfg.has_value()) << off << ": " << cfg.error().message;
    EXPECT_FALSE(cfg->metrics_enabled());
  }
  env("TESSERA_METRICS_LISTEN", "off");
  auto from_env = load();
  ASSERT_TRUE(from_env.has_value());
  EXPECT_FALSE(from_env->metrics_enabled());
  ::unsetenv("TESSERA_METRICS_LISTEN");
  auto from_file = load({"--config", file("metrics_listen = \"127.0.0.1:9100\"\n")});
  ASSERT_TRUE(from_file.has_value());
  EXPECT_EQ(from_file->metrics_listen, "127.0.0.1:9100");
  for (const char* bad : {"nonsense", "9464", "on", "host:99999"}) {
    expect_invalid(load({"--metrics-listen", bad}), "metrics-listen");
  }
}

TEST_F(ConfigTest, StoreSyntax) {
  for (const char* good : {"sqlite", "memory", "redis://127.0.0.1:6379", "redis://cache:6379/",
                           "redis-cluster://a:7000", "redis-cluster://a:7000,b:7001,[::1]:7002"}) {
    auto cfg = load({"--store", good});
    EXPECT_TRUE(cfg.has_value()) << good << ": " << cfg.error().message;
  }
  for (const char* bad : {"", "sqlite:/tmp/x.db", "postgres://a:1", "redis://", "redis://a", "redis://a:0",
                          "redis-cluster://", "redis-cluster://a:1,", "redis-cluster://a:1,b", "Memory"}) {
    expect_invalid(load({"--store", bad}), "store");
  }
}

TEST_F(ConfigTest, WrongTypesAndRanges) {
  const std::vector<std::string> bad_toml = {
      "threads = \"4\"",        "threads = 4.5",          "threads = 1025",        "threads = -1",
      "worker_threads = -1",    "trust_proxy = \"yes\"",  "trust_proxy = 1",       "listen = 8080",
      "max_body_bytes = 0",     "max_header_bytes = 10",  "request_timeout = 0",   "idle_timeout = -5",
      "max_connections = 0",    "session_idle_timeout = 0", "argon2_ops = 0",      "argon2_mem_kib = 7",
      "login_backoff_max = 0",  "log_level = \"verbose\"", "public_origin = \"auth.example.com\"",
      "public_origin = \"https://auth.example.com/\"",    "data = \"\"",
  };
  for (const auto& line : bad_toml) {
    const auto key = line.substr(0, line.find(' '));
    expect_invalid(load({"--config", file(line + "\n")}), key);
  }
  expect_invalid(load({"--threads", "2000"}), "threads");
  expect_invalid(load({"--threads", "four"}), "threads");
  expect_invalid(load({"--threads", "-1"}), "threads");
  expect_invalid(load({"--max-body-bytes", "0"}), "max-body-bytes");
  expect_invalid(load({"--argon2-mem-kib", "4"}));
  expect_invalid(load({"--trust-proxy=maybe"}));

  env("TESSERA_TRUST_PROXY", "yes");
  expect_invalid(load(), "TESSERA_TRUST_PROXY");
  ::unsetenv("TESSERA_TRUST_PROXY");
  env("TESSERA_THREADS", "abc");
  expect_invalid(load(), "TESSERA_THREADS");
  env("TESSERA_THREADS", "");
  expect_invalid(load(), "TESSERA_THREADS");
  env("TESSERA_THREADS", "010");  // decimal only: 10, not octal 8
  auto cfg = load();
  ASSERT_TRUE(cfg.has_value());
  EXPECT_EQ(cfg->threads, 10u);
  ::unsetenv("TESSERA_THREADS");

  // Edges that are accepted.
  cfg = load({"--config", file("threads = 1024\nargon2_ops = 1\nargon2_mem_kib = 8\nmax_body_bytes = 1\n")});
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_EQ(cfg->threads, 1024u);
  EXPECT_EQ(cfg->auth.password.mem_limit, 8u * 1024u);
  cfg = load({"--public-origin", "http://localhost:3000"});
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  cfg = load({"--public-origin", "https://[::1]"});
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
}

TEST_F(ConfigTest, TlsCertAndKeyGoTogether) {
  expect_invalid(load({"--tls-cert", "c.pem"}), "tls");
  expect_invalid(load({"--tls-key", "k.pem"}), "tls");
  env("TESSERA_TLS_KEY", "k.pem");
  auto cfg = load({"--config", file("tls_cert = \"c.pem\"\n")});
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_EQ(cfg->tls_cert, "c.pem");
  EXPECT_EQ(cfg->tls_key, "k.pem");
}

TEST_F(ConfigTest, StoreUri) {
  ServerConfig c;
  c.data = "/var/lib/tessera";
  EXPECT_EQ(c.store_uri(), "sqlite:/var/lib/tessera/tessera.db");
  c.data = "/var/lib/tessera/";
  EXPECT_EQ(c.store_uri(), "sqlite:/var/lib/tessera/tessera.db");
  c.data = "rel";
  EXPECT_EQ(c.store_uri(), "sqlite:rel/tessera.db");
  c.store = "memory";
  EXPECT_EQ(c.store_uri(), "memory:");
  c.store = "redis://127.0.0.1:6379";
  EXPECT_EQ(c.store_uri(), "redis://127.0.0.1:6379");
  c.store = "redis-cluster://a:1,b:2";
  EXPECT_EQ(c.store_uri(), "redis-cluster://a:1,b:2");
}

TEST_F(ConfigTest, IssuerDefaultsToThePublicOriginThenTheBoundListener) {
  auto cfg = load();
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_TRUE(cfg->issuer.empty());
  EXPECT_EQ(cfg->issuer_for("http://127.0.0.1:41234"), "http://127.0.0.1:41234");
  cfg = load({"--public-origin", "https://auth.example.com"});
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_EQ(cfg->issuer_for("http://127.0.0.1:41234"), "https://auth.example.com");
  cfg = load({"--public-origin", "https://auth.example.com", "--issuer", "https://auth.example.com/tenant"});
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_EQ(cfg->issuer_for("http://127.0.0.1:41234"), "https://auth.example.com/tenant");
  cfg = load({"--config", file("issuer = \"https://id.example.org:8443\"\n")});
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_EQ(cfg->issuer, "https://id.example.org:8443");
  env("TESSERA_ISSUER", "http://[::1]:8080");
  cfg = load();
  ASSERT_TRUE(cfg.has_value()) << cfg.error().message;
  EXPECT_EQ(cfg->issuer, "http://[::1]:8080");
}

TEST_F(ConfigTest, IssuerMustBeAnAbsoluteUrlWithoutQueryOrFragment) {
  for (const char* good : {"https://auth.example.com", "https://a.example:8443/t/1",
                           "http://127.0.0.1:8080", "http://localhost"}) {
    auto cfg = load({"--issuer", good});
    EXPECT_TRUE(cfg.has_value()) << good << ": " << cfg.error().message;
  }
  for (const char* bad : {"auth.example.com", "/oauth", "ftp://auth.example.com", "https://", "https://:443",
                          "https://auth.example.com?x=1", "https://auth.example.com/#frag", "https://auth.example.com/", "https://u:p@auth.example.com",
                          "https://auth example.com", "https://auth.example.com:99999", "https://auth.example.com/\x01"}) {
    expect_invalid(load({"--issuer", bad}), "issuer");
  }
  expect_invalid(load({"--config", file("issuer = \"https://a.example?q\"\n")}), "issuer");
  expect_invalid(load({"--config", file("issuer = 1\n")}), "issuer");
}

TEST_F(ConfigTest, HelpNamesEveryVariable) {
  ServerConfig cfg;
  CLI::App app{"test"};
  add_config_options(app, cfg);
  const std::string help = app.help();
  for (const char* name :
       {"TESSERA_CONFIG", "TESSERA_LISTEN", "TESSERA_DATA", "TESSERA_STORE", "TESSERA_THREADS",
        "TESSERA_WORKER_THREADS", "TESSERA_TLS_CERT", "TESSERA_TLS_KEY", "TESSERA_PUBLIC_ORIGIN",
        "TESSERA_TRUST_PROXY", "TESSERA_ISSUER", "TESSERA_MAX_HEADER_BYTES", "TESSERA_MAX_BODY_BYTES", "TESSERA_REQUEST_TIMEOUT",
        "TESSERA_IDLE_TIMEOUT", "TESSERA_MAX_CONNECTIONS", "TESSERA_SESSION_IDLE_TIMEOUT",
        "TESSERA_SESSION_ABSOLUTE_TIMEOUT", "TESSERA_MAX_SESSIONS_PER_USER", "TESSERA_ARGON2_OPS",
        "TESSERA_ARGON2_MEM_KIB", "TESSERA_LOGIN_ACCOUNT_FREE_FAILURES", "TESSERA_LOGIN_IP_FREE_FAILURES",
        "TESSERA_LOGIN_BACKOFF_MAX", "TESSERA_LOG_LEVEL"}) {
    EXPECT_NE(help.find(name), std::string::npos) << name;
  }
  EXPECT_NE(help.find("default 127.0.0.1:8080"), std::string::npos);
}

}  // namespace
}  // namespace tessera::server

namespace tessera::server {
namespace {

// The key schedule settings (docs/keys.md) map onto KeyRingPolicy from every source, and a
// schedule that would let a key sign before cached JWKS have it is refused.
TEST_F(ConfigTest, KeyScheduleSettings) {
  auto d = load();
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_EQ(d->keys.jwks_max_age, 300);
  EXPECT_EQ(d->keys.effective_publish_ahead(), 600);
  EXPECT_EQ(d->keys.rotation_interval, 0);
  EXPECT_EQ(d->keys.max_token_ttl, 86400);
  env("TESSERA_MAX_TOKEN_TTL", "5");
  auto cfg = load({"--jwks-max-age", "1", "--publish-ahead", "3", "--config",
                   file("key_rotation_interval = 10\nkey_retire_leeway = 1\n")});
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->keys.jwks_max_age, 1);
  EXPECT_EQ(cfg->keys.publish_ahead, 3);
  EXPECT_EQ(cfg->keys.rotation_interval, 10);
  EXPECT_EQ(cfg->keys.max_token_ttl, 5);
  EXPECT_EQ(cfg->keys.retire_leeway, 1);
  expect_invalid(load({"--jwks-max-age", "10", "--publish-ahead", "10"}), "publish_ahead");
  expect_invalid(load({"--jwks-max-age", "0"}), "jwks");
  expect_invalid(load({"--publish-ahead", "700", "--key-rotation-interval", "600"}), "key_rotation_interval");
}

}  // namespace
}  // namespace tessera::server

namespace tessera::server {
namespace {

// The BFF settings (docs/bff.md): off by default; flag, environment and TOML each set them; the
// upstream list is repeatable, checked item by item, and names are unique.
TEST_F(ConfigTest, BffOffByDefault) {
  auto d = load();
  ASSERT_TRUE(d) << d.error().message;
  EXPECT_FALSE(d->bff_enabled());
  EXPECT_TRUE(d->bff_upstreams.empty());
  EXPECT_TRUE(d->bff_issuer.empty());
  EXPECT_EQ(d->bff_timeout, std::chrono::seconds(10));
}

TEST_F(ConfigTest, BffFromFlagsRepeatableUpstream) {
  auto c = load({"--bff-client", "spa", "--bff-client-secret-file", "/s", "--bff-upstream", "notes=http://127.0.0.1:9000/api/",
                 "--bff-upstream", "calendar=https://cal.example", "--bff-issuer", "https://id.example", "--bff-timeout", "3"});
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_TRUE(c->bff_enabled());
  EXPECT_EQ(c->bff_client, "spa");
  EXPECT_EQ(c->bff_client_secret_file, "/s");
  ASSERT_EQ(c->bff_upstreams.size(), 2u);
  EXPECT_EQ(c->bff_upstreams[0], "notes=http://127.0.0.1:9000/api/");
  auto u = parse_bff_upstream(c->bff_upstreams[0]);
  ASSERT_TRUE(u) << u.error().message;
  EXPECT_EQ(u->name, "notes");
  EXPECT_EQ(u->url, "http://127.0.0.1:9000/api");  // trailing slash dropped
  EXPECT_EQ(c->bff_issuer, "https://id.example");
  EXPECT_EQ(c->bff_timeout, std::chrono::seconds(3));
}

TEST_F(ConfigTest, BffFromEnvironmentAndToml) {
  env("TESSERA_BFF_CLIENT", "spa");
  env("TESSERA_BFF_CLIENT_SECRET_FILE", "/s");
  env("TESSERA_BFF_UPSTREAM", "a=http://127.0.0.1:1,b=http://127.0.0.1:2");
  auto e = load();
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(e->bff_upstreams, (std::vector<std::string>{"a=http://127.0.0.1:1", "b=http://127.0.0.1:2"}));

  ::unsetenv("TESSERA_BFF_UPSTREAM");
  auto t = load({"--config", file("bff_upstream = [\"x=https://x.example\"]\nbff_timeout = 7\n")});
  ASSERT_TRUE(t) << t.error().message;
  EXPECT_EQ(t->bff_upstreams, (std::vector<std::string>{"x=https://x.example"}));
  EXPECT_EQ(t->bff_timeout, std::chrono::seconds(7));
  // The flag beats the file.
  auto f = load({"--config", file("bff_upstream = [\"x=https://x.example\"]\n"), "--bff-upstream", "y=https://y.example"});
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->bff_upstreams, (std::vector<std::string>{"y=https://y.example"}));
  expect_invalid(load({"--config", file("bff_upstream = \"x=https://x.example\"\n")}), "array of strings");
  expect_invalid(load({"--config", file("bff_upstream = [1]\n")}), "array of strings");
}

TEST_F(ConfigTest, BffRejections) {
  const std::vector<std::string> on = {"--bff-client", "spa", "--bff-client-secret-file", "/s"};
  const auto with = [&](std::vector<std::string> more) {
    auto args = on;
    args.insert(args.end(), more.begin(), more.end());
    return args;
  };
  expect_invalid(load({"--bff-client", "spa"}), "bff_client_secret_file");
  expect_invalid(load({"--bff-upstream", "a=https://a.example"}), "need bff_client");
  expect_invalid(load({"--bff-issuer", "https://a.example"}), "need bff_client");
  expect_invalid(load({"--bff-client", "a b", "--bff-client-secret-file", "/s"}), "client id");
  for (const char* bad : {"noequals", "=https://a.example", "A=https://a.example", "a=", "a=ftp://a.example",
                          "a=https://a.example?q=1", "a=https://u@a.example", "a b=https://a.example"}) {
    expect_invalid(load(with({"--bff-upstream", bad})), "NAME=URL");
  }
  expect_invalid(load(with({"--bff-upstream", "a=https://a.example", "--bff-upstream", "a=https://b.example"})), "twice");
  expect_invalid(load(with({"--bff-issuer", "https://a.example/"})), "issuer");
  expect_invalid(load(with({"--bff-timeout", "0"})));
  expect_invalid(load(with({"--bff-timeout", "301"})));
  env("TESSERA_BFF_UPSTREAM", "a=https://a.example,bad");
  expect_invalid(load(on), "TESSERA_BFF_UPSTREAM");
}

TEST_F(ConfigTest, BffHelpNamesItsVariables) {
  ServerConfig cfg;
  CLI::App app{"test"};
  add_config_options(app, cfg);
  const std::string help = app.help();
  for (const char* name : {"TESSERA_BFF_CLIENT", "TESSERA_BFF_CLIENT_SECRET_FILE", "TESSERA_BFF_UPSTREAM",
                           "TESSERA_BFF_ISSUER", "TESSERA_BFF_TIMEOUT", "--bff-upstream"}) {
    EXPECT_NE(help.find(name), std::string::npos) << name;
  }
}

}  // namespace
}  // namespace tessera::server
