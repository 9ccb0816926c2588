// `tessera doctor`'s rules (cli/doctor/): each rule has a crafted input that must produce its
// finding (so the test fails if the rule breaks), the defaults produce no error, and Redis
// persistence is read from a real redis-server. The --url rules run here on crafted answers and
// in e2e/test_doctor.py against a real `tessera serve`.
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "doctor/config_rules.hpp"
#include "doctor/key_rules.hpp"
#include "doctor/url_rules.hpp"
#include "redis_test_server.hpp"
#include "server/keys_dir.hpp"

namespace tessera::cli::doctor {
namespace {

// Whether findings hold one of this severity and rule.
bool found(const Findings& f, Severity s, std::string_view rule) {
  for (const auto& x : f)
    if (x.severity == s && x.rule == rule) return true;
  return false;
}

std::string dump(const Findings& f) {
  std::string out;
  for (const auto& x : f) out += std::string(name_of(x.severity)) + " " + x.rule + ": " + x.what + "\n";
  return out;
}

server::ServerConfig good() {
  server::ServerConfig c;
  c.public_origin = "https://auth.example.com";
  c.tls_cert = "cert.pem";
  c.tls_key = "key.pem";
  return c;
}

TEST(DoctorConfig, DefaultConfigHasNoError) {
  const Findings f = check_settings(server::ServerConfig{});
  EXPECT_FALSE(has_error(f)) << dump(f);
  EXPECT_TRUE(found(f, Severity::warning, "public_origin"));  // not set by default
  EXPECT_TRUE(found(f, Severity::info, "key_rotation"));      // manual rotation by default
}

TEST(DoctorConfig, DefaultClientHasNoFinding) {
  Client c;
  c.client_id = "web-12345678";
  EXPECT_TRUE(check_clients({c}, server::ServerConfig{}).empty());
}

TEST(DoctorConfig, PlainHttpPublicOriginOffLoopbackIsAnError) {
  auto c = good();
  c.public_origin = "http://auth.example.com";
  EXPECT_TRUE(found(check_settings(c), Severity::error, "public_origin"));
  c.public_origin = "http://127.0.0.1:8080";
  EXPECT_FALSE(found(check_settings(c), Severity::error, "public_origin"));
  c.public_origin = "http://[::1]:8080";
  EXPECT_FALSE(found(check_settings(c), Severity::error, "public_origin"));
}

TEST(DoctorConfig, PlainHttpOnLoopbackSaysTheSecureCookieIsForDevelopmentOnly) {
  auto c = good();
  c.public_origin = "http://127.0.0.1:8080";
  EXPECT_TRUE(found(check_settings(c), Severity::info, "cookie"));
  EXPECT_FALSE(found(check_settings(good()), Severity::info, "cookie"));
}

TEST(DoctorConfig, PlainHttpIssuerOffLoopbackIsAnError) {
  auto c = good();
  c.issuer = "http://auth.example.com";
  EXPECT_TRUE(found(check_settings(c), Severity::error, "issuer"));
  c.issuer = "http://localhost:8080";
  EXPECT_FALSE(found(check_settings(c), Severity::error, "issuer"));
}

TEST(DoctorConfig, PublicListenerWithoutTlsIsAnErrorUnlessAProxyServesHttps) {
  server::ServerConfig c;
  c.listen = "0.0.0.0:8080";
  EXPECT_TRUE(found(check_settings(c), Severity::error, "tls"));
  c.public_origin = "https://auth.example.com";  // TLS at a proxy in front
  const Findings f = check_settings(c);
  EXPECT_FALSE(found(f, Severity::error, "tls"));
  EXPECT_TRUE(found(f, Severity::info, "tls"));
  EXPECT_TRUE(found(f, Severity::info, "trust_proxy"));
  EXPECT_FALSE(found(check_settings(good()), Severity::error, "tls"));
}

TEST(DoctorConfig, SessionTimeouts) {
  auto c = good();
  c.session.idle_timeout = 7200 * 2;
  c.session.absolute_timeout = 3600;
  EXPECT_TRUE(found(check_settings(c), Severity::error, "session_timeouts"));  // idle > absolute
  c = good();
  c.session.idle_timeout = 3 * 3600;
  EXPECT_TRUE(found(check_settings(c), Severity::warning, "session_timeouts"));
  c = good();
  c.session.absolute_timeout = 8 * 86400;
  EXPECT_TRUE(found(check_settings(c), Severity::error, "session_timeouts"));
  c.session.absolute_timeout = 2 * 86400;
  const Findings f = check_settings(c);
  EXPECT_TRUE(found(f, Severity::warning, "session_timeouts"));
  EXPECT_FALSE(found(f, Severity::error, "session_timeouts"));
}

TEST(DoctorConfig, LongMaxTokenTtlIsAWarning) {
  auto c = good();
  c.keys.max_token_ttl = 2 * 86400;
  EXPECT_TRUE(found(check_settings(c), Severity::warning, "max_token_ttl"));
  EXPECT_FALSE(found(check_settings(good()), Severity::warning, "max_token_ttl"));
}

TEST(DoctorConfig, PublishAheadBelowMaxAgePlusOneIsAnError) {
  auto c = good();
  c.keys.jwks_max_age = 300;
  c.keys.publish_ahead = 300;
  EXPECT_TRUE(found(check_settings(c), Severity::error, "key_rotation"));
  c.keys.publish_ahead = 301;
  EXPECT_FALSE(found(check_settings(c), Severity::error, "key_rotation"));
}

TEST(DoctorConfig, RotationIntervalBelowPublishAheadIsAnError) {
  auto c = good();
  c.keys.rotation_interval = 100;  // publish_ahead: 600 (2 x 300)
  EXPECT_TRUE(found(check_settings(c), Severity::error, "key_rotation"));
  c.keys.rotation_interval = 2592000;
  const Findings f = check_settings(c);
  EXPECT_FALSE(found(f, Severity::error, "key_rotation"));
  EXPECT_FALSE(found(f, Severity::info, "key_rotation"));
}

TEST(DoctorConfig, LongJwksMaxAgeIsAWarning) {
  auto c = good();
  c.keys.jwks_max_age = 86400;
  EXPECT_TRUE(found(check_settings(c), Severity::warning, "key_rotation"));
}

TEST(DoctorConfig, Leeway) {
  auto c = good();
  c.keys.retire_leeway = 0;
  EXPECT_TRUE(found(check_settings(c), Severity::warning, "leeway"));
  c.keys.retire_leeway = 600;
  EXPECT_TRUE(found(check_settings(c), Severity::warning, "leeway"));
  c.keys.retire_leeway = 60;
  EXPECT_FALSE(found(check_settings(c), Severity::warning, "leeway"));
}

TEST(DoctorConfig, MemoryStorePublicMetricsNoNonceWeakArgon2) {
  auto c = good();
  c.store = "memory";
  c.metrics_listen = "0.0.0.0:9464";
  c.dpop_nonce = false;
  c.auth.password.mem_limit = 8 * 1024 * 1024;
  const Findings f = check_settings(c);
  EXPECT_TRUE(found(f, Severity::warning, "store"));
  EXPECT_TRUE(found(f, Severity::warning, "metrics"));
  EXPECT_TRUE(found(f, Severity::info, "dpop_nonce"));
  EXPECT_TRUE(found(f, Severity::warning, "argon2"));
  EXPECT_FALSE(has_error(f)) << dump(f);
}

TEST(DoctorClients, LongAccessTtl) {
  Client c;
  c.client_id = "a";
  c.settings.access_ttl = 7200;
  EXPECT_TRUE(found(check_clients({c}, good()), Severity::warning, "access_ttl"));
}

TEST(DoctorClients, RefreshGraceAndLifetime) {
  Client c;
  c.client_id = "a";
  c.settings.refresh_reuse_grace = 30;
  EXPECT_TRUE(found(check_clients({c}, good()), Severity::warning, "refresh_rotation"));
  c.settings.refresh_reuse_grace = 5;
  EXPECT_FALSE(found(check_clients({c}, good()), Severity::warning, "refresh_rotation"));
  c.settings.refresh_absolute_ttl = 365 * 86400;
  EXPECT_TRUE(found(check_clients({c}, good()), Severity::warning, "refresh_rotation"));
}

TEST(DoctorClients, PublicClientWithoutDpop) {
  Client c;
  c.client_id = "a";
  c.settings.public_client = true;
  EXPECT_TRUE(found(check_clients({c}, good()), Severity::info, "dpop"));
  c.settings.require_dpop = true;
  EXPECT_FALSE(found(check_clients({c}, good()), Severity::info, "dpop"));
}

TEST(DoctorRedis, Persistence) {
  EXPECT_TRUE(found(check_redis({{"r:1", false, "everysec", ""}}), Severity::error, "redis_persistence"));
  EXPECT_TRUE(found(check_redis({{"r:1", false, "everysec", "3600 1"}}), Severity::warning, "redis_persistence"));
  EXPECT_TRUE(found(check_redis({{"r:1", true, "no", ""}}), Severity::warning, "redis_persistence"));
  EXPECT_TRUE(check_redis({{"r:1", true, "everysec", ""}}).empty());
}

TEST(DoctorRedis, UnreadablePersistenceIsAWarningSayingSo) {
  ConfigFacts f;
  f.cfg = good();
  f.cfg.store = "redis://127.0.0.1:1";
  f.redis_unread = "connection refused";
  const Findings out = check_config(f);
  EXPECT_TRUE(found(out, Severity::warning, "redis_persistence"));
  EXPECT_FALSE(has_error(out)) << dump(out);
}

TEST(DoctorRedis, ReadsTheRealServersSettings) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  test::TempDir dir;
  test::RedisServer bare(0, {}, dir.path());  // --save "" --appendonly no
  ASSERT_TRUE(bare.start());
  auto p = redis_persistence("redis://127.0.0.1:" + std::to_string(bare.port()));
  ASSERT_TRUE(p) << p.error().message;
  ASSERT_EQ(p->size(), 1u);
  EXPECT_TRUE(found(check_redis(*p), Severity::error, "redis_persistence"));
  test::RedisServer aof(0, {"--appendonly", "yes"}, dir.path());
  ASSERT_TRUE(aof.start());
  p = redis_persistence("redis://127.0.0.1:" + std::to_string(aof.port()));
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(check_redis(*p).empty()) << dump(check_redis(*p));
  EXPECT_FALSE(redis_persistence("redis://127.0.0.1:1"));
  EXPECT_FALSE(redis_persistence("sqlite:/tmp/x.db"));
}

// ---- keys ------------------------------------------------------------------------------------

struct KeyDir : ::testing::Test {
  void SetUp() override {
    char tmpl[] = "/tmp/tessera-doctor-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir); }
  void write(const std::string& name, const std::string& text, unsigned mode = 0600) {
    const std::string p = dir + "/keys/" + name;
    std::filesystem::create_directories(dir + "/keys");
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
  }
  Findings check() { return check_key_dir(read_key_dir(dir + "/keys")); }
  std::string dir;
};

TEST_F(KeyDir, FreshDataDirectoryHasNoError) {
  ASSERT_TRUE(server::open_data_dir(dir));
  const Findings f = check();
  EXPECT_FALSE(has_error(f)) << dump(f);
  EXPECT_TRUE(found(f, Severity::info, "key_size"));  // RSA 2048
}

TEST_F(KeyDir, MissingDirectoryIsInfo) { EXPECT_TRUE(found(check(), Severity::info, "keys")); }

TEST_F(KeyDir, SmallRsaKeyIsAnError) {
  write("rs256-x.jwk", R"({"kty":"RSA","alg":"RS256","n":")" + std::string(171, 'A') + R"(","e":"AQAB"})");  // 1024 bits
  EXPECT_TRUE(found(check(), Severity::error, "key_size"));
}

TEST_F(KeyDir, SymmetricSigningKeyIsAnError) {
  write("hs256.jwk", R"({"kty":"oct","alg":"HS256","k":"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0MTI"})");
  EXPECT_TRUE(found(check(), Severity::error, "shared_symmetric_key"));
}

TEST_F(KeyDir, KeyReadableByOthersIsAnError) {
  write("es256.jwk", R"({"kty":"EC","crv":"P-256","alg":"ES256"})", 0644);
  EXPECT_TRUE(found(check(), Severity::error, "key_files_mode"));
  write("oauth.key", "AAAA\n", 0640);
  const Findings f = check();
  EXPECT_TRUE(found(f, Severity::error, "key_files_mode"));
}

TEST_F(KeyDir, OneSecretForTwoPurposesIsAnError) {
  write("oauth.key", "c2FtZS1zZWNyZXQ\n");
  write("device-cookie.key", "c2FtZS1zZWNyZXQ\n");
  EXPECT_TRUE(found(check(), Severity::error, "shared_symmetric_key"));
  write("device-cookie.key", "b3RoZXItc2VjcmV0\n");
  EXPECT_FALSE(found(check(), Severity::error, "shared_symmetric_key"));
}

TEST_F(KeyDir, BffSecretFileReadableByOthersIsAnError) {
  write("bff-secret", "s3cret\n", 0644);
  EXPECT_TRUE(found(check_secret_file(dir + "/keys/bff-secret"), Severity::error, "key_files_mode"));
  write("bff-secret", "s3cret\n", 0600);
  EXPECT_TRUE(check_secret_file(dir + "/keys/bff-secret").empty());
}

TEST_F(KeyDir, NotAJsonKeyIsAnError) {
  write("es256.jwk", "not json");
  EXPECT_TRUE(found(check(), Severity::error, "keys"));
}

// ---- --url rules on crafted answers ----------------------------------------------------------

UrlFacts good_answers() {
  UrlFacts f;
  f.issuer = "https://auth.example.com";
  f.metadata = {f.issuer + "/.well-known/openid-configuration", "", 200, {},
                R"({"issuer":"https://auth.example.com","jwks_uri":"https://auth.example.com/.well-known/jwks.json",)"
                R"("token_endpoint":"https://auth.example.com/oauth2/token"})"};
  f.jwks = Seen{f.issuer + "/.well-known/jwks.json", "", 200, {{"cache-control", "public, max-age=300"}},
                R"({"keys":[{"kty":"EC","crv":"P-256","kid":"a","x":"x","y":"y"}]})"};
  f.login_page = {f.issuer + "/login", "", 200,
                  {{"X-Content-Type-Options", "nosniff"},
                   {"Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"},
                   {"Strict-Transport-Security", "max-age=31536000"}},
                  ""};
  f.login = Seen{f.issuer + "/login", "", 200,
                 {{"Set-Cookie", "__Host-tessera=abc; Path=/; Secure; HttpOnly; SameSite=Lax"}}, "{}"};
  return f;
}

TEST(DoctorUrl, GoodAnswersHaveNoErrorOrWarning) {
  const Findings f = check_url(good_answers());
  for (const auto& x : f) EXPECT_EQ(x.severity, Severity::info) << dump(f);
}

TEST(DoctorUrl, PlainHttpOffLoopbackIsAnError) {
  auto f = good_answers();
  f.issuer = "http://auth.example.com";
  EXPECT_TRUE(found(check_url(f), Severity::error, "url_tls"));
}

TEST(DoctorUrl, MetadataIssuerMustMatchExactly) {
  auto f = good_answers();
  f.issuer = "https://auth.example.com/";
  EXPECT_TRUE(found(check_url(f), Severity::error, "metadata"));
}

TEST(DoctorUrl, UnreachableOrFailingMetadataIsAnError) {
  auto f = good_answers();
  f.metadata.status = 0;
  f.metadata.error = "connection refused";
  EXPECT_TRUE(found(check_url(f), Severity::error, "metadata"));
  f = good_answers();
  f.metadata.status = 404;
  EXPECT_TRUE(found(check_url(f), Severity::error, "metadata"));
}

TEST(DoctorUrl, HttpEndpointInMetadataIsAnError) {
  auto f = good_answers();
  f.metadata.body = R"({"issuer":"https://auth.example.com","token_endpoint":"http://auth.example.com/oauth2/token"})";
  EXPECT_TRUE(found(check_url(f), Severity::error, "metadata"));
}

TEST(DoctorUrl, JwksCacheControl) {
  auto f = good_answers();
  f.jwks->headers.clear();
  EXPECT_TRUE(found(check_url(f), Severity::warning, "jwks_cache"));
  f.jwks->headers = {{"Cache-Control", "public, max-age=604800"}};
  EXPECT_TRUE(found(check_url(f), Severity::warning, "jwks_cache"));
}

TEST(DoctorUrl, JwksWithPrivateOrSymmetricOrSmallKeysIsAnError) {
  auto f = good_answers();
  f.jwks->body = R"({"keys":[{"kty":"EC","crv":"P-256","kid":"a","x":"x","y":"y","d":"secret"}]})";
  EXPECT_TRUE(found(check_url(f), Severity::error, "jwks"));
  f.jwks->body = R"({"keys":[{"kty":"oct","kid":"a","k":"c2VjcmV0"}]})";
  EXPECT_TRUE(found(check_url(f), Severity::error, "shared_symmetric_key"));
  f.jwks->body = R"({"keys":[{"kty":"RSA","kid":"a","n":")" + std::string(171, 'A') + R"(","e":"AQAB"}]})";
  EXPECT_TRUE(found(check_url(f), Severity::error, "key_size"));
  f.jwks->body = "[]";
  EXPECT_TRUE(found(check_url(f), Severity::error, "jwks"));
}

TEST(DoctorUrl, MissingSecurityHeaders) {
  auto f = good_answers();
  f.login_page.headers.clear();
  const Findings out = check_url(f);
  int headers = 0;
  for (const auto& x : out) headers += x.rule == "headers" && x.severity == Severity::warning;
  EXPECT_EQ(headers, 4) << dump(out);  // nosniff, CSP, framing, HSTS
}

TEST(DoctorUrl, CookieFlags) {
  auto f = good_answers();
  f.login->headers = {{"Set-Cookie", "sid=abc; Path=/"}};
  const Findings out = check_url(f);
  int errors = 0, warnings = 0;
  for (const auto& x : out)
    if (x.rule == "cookie") (x.severity == Severity::error ? errors : warnings) += 1;
  EXPECT_EQ(errors, 2) << dump(out);    // Secure, HttpOnly
  EXPECT_EQ(warnings, 2) << dump(out);  // SameSite, __Host-
  f.login->headers.clear();
  EXPECT_TRUE(found(check_url(f), Severity::error, "cookie"));
  f.login.reset();
  EXPECT_TRUE(found(check_url(f), Severity::info, "cookie"));
}

}  // namespace
}  // namespace tessera::cli::doctor
