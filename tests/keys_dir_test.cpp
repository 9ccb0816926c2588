// open_data_dir (server/keys_dir.hpp): first start creates DIR (0700), keys/ and three private
// JWK files (0600: Ed25519 named by its k4.pid, ES256, RS256); later starts load the same keys;
// a data dir of an older version gets the missing RS256 key and its Ed25519 key renamed to its
// pid; the JWKS it returns is public only; a broken or wrong key file is invalid_key. The device
// cookie key and the OAuth key are made the same way (32 bytes, 0600), kept across starts, and
// a malformed one is invalid_key.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include <boost/json.hpp>

#include "server/keys_dir.hpp"
#include "tessera/device_cookie.hpp"
#include "tessera/paseto_jwk.hpp"
#include "test_util.hpp"

namespace tessera::server {
namespace {

// The public halves of the signing keys, as a JWKS.
std::string public_jwks(const DataDir& d) { return d.signing_keys.to_jwks_json(false).value(); }

class KeysDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/tessera-keysdir-test-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    root_ = dir;
    data_ = root_ + "/data";
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }

  static unsigned mode_of(const std::string& path) {
    struct stat st {};
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  }

  void overwrite(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::trunc);
    out << text;
  }

  std::string root_;
  std::string data_;
};

TEST_F(KeysDirTest, FirstOpenCreatesKeys) {
  auto dir = open_data_dir(data_);
  ASSERT_TRUE(dir.has_value()) << dir.error().message;
  EXPECT_TRUE(dir->created);
  EXPECT_EQ(mode_of(data_), 0700u);
  EXPECT_EQ(mode_of(data_ + "/keys"), 0700u);
  EXPECT_EQ(mode_of(data_ + "/keys/ed25519.jwk"), 0600u);
  EXPECT_EQ(mode_of(data_ + "/keys/es256.jwk"), 0600u);
  EXPECT_EQ(mode_of(data_ + "/keys/rs256.jwk"), 0600u);

  ASSERT_EQ(dir->signing_keys.size(), 3u);
  const Key& ed = dir->signing_keys.keys()[0];
  const Key& es = dir->signing_keys.keys()[1];
  const Key& rs = dir->signing_keys.keys()[2];
  EXPECT_EQ(dir->signing_keys.primary()->kid(), ed.kid());
  EXPECT_EQ(ed.default_algorithm(), Algorithm::EdDSA);
  EXPECT_EQ(es.default_algorithm(), Algorithm::ES256);
  EXPECT_EQ(rs.default_algorithm(), Algorithm::RS256);
  EXPECT_TRUE(ed.can_sign());
  EXPECT_TRUE(es.can_sign());
  EXPECT_TRUE(rs.can_sign());
  EXPECT_EQ(ed.kid(), *paseto::v4_pid(ed));  // one name for JWT EdDSA and PASETO v4.public
  EXPECT_EQ(ed.kid().rfind("k4.pid.", 0), 0u);
  EXPECT_EQ(es.kid(), es.thumbprint());
  EXPECT_EQ(rs.kid(), rs.thumbprint());
  const auto rs_file = boost::json::parse(test::read_file(data_ + "/keys/rs256.jwk")).as_object();
  EXPECT_EQ(rs_file.at("kty").as_string(), "RSA");
  EXPECT_EQ(rs_file.at("n").as_string().size(), 342u);  // 2048 bits in base64url
  EXPECT_EQ(rs_file.at("alg").as_string(), "RS256");
  // Each key is bound to its one algorithm (an RSA key must not also sign PS256).
  for (const Key& k : dir->signing_keys.keys()) EXPECT_EQ(k.algorithms().size(), 1u) << k.kid();

  // The files are private JWKs.
  const auto file = boost::json::parse(test::read_file(data_ + "/keys/ed25519.jwk")).as_object();
  EXPECT_TRUE(file.contains("d"));
  EXPECT_EQ(file.at("kid").as_string(), ed.kid());
  // No temporary files left behind: the three keys, the device cookie key, the OAuth key and the
  // BFF key.
  std::size_t entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(data_ + "/keys")) entries += e.path().filename() != ".lock";
  EXPECT_EQ(entries, 6u);
}

TEST_F(KeysDirTest, SecondOpenLoadsTheSameKeys) {
  auto first = open_data_dir(data_);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  auto second = open_data_dir(data_);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_FALSE(second->created);
  ASSERT_EQ(second->signing_keys.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(second->signing_keys.keys()[i].kid(), first->signing_keys.keys()[i].kid());
  EXPECT_EQ(public_jwks(*second), public_jwks(*first));
}

TEST_F(KeysDirTest, JwksIsPublicOnly) {
  auto dir = open_data_dir(data_);
  ASSERT_TRUE(dir.has_value()) << dir.error().message;
  const auto jwks = boost::json::parse(public_jwks(*dir)).as_object();
  const auto& keys = jwks.at("keys").as_array();
  ASSERT_EQ(keys.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(keys[i].as_object().at("kid").as_string(), dir->signing_keys.keys()[i].kid());
  EXPECT_EQ(keys[0].as_object().at("crv").as_string(), "Ed25519");
  EXPECT_EQ(keys[1].as_object().at("crv").as_string(), "P-256");
  EXPECT_EQ(keys[2].as_object().at("kty").as_string(), "RSA");
  for (const auto& k : keys) {
    for (const char* member : {"d", "p", "q", "dp", "dq", "qi"}) EXPECT_FALSE(k.as_object().contains(member)) << member;
    EXPECT_TRUE(k.as_object().contains("kid"));
  }
  auto set = KeySet::from_jwks(public_jwks(*dir));
  ASSERT_TRUE(set.has_value());
  EXPECT_FALSE(set->keys()[0].can_sign());
}

TEST_F(KeysDirTest, CreatesParents) {
  auto dir = open_data_dir(root_ + "/a/b/c");
  ASSERT_TRUE(dir.has_value()) << dir.error().message;
  EXPECT_EQ(mode_of(root_ + "/a/b/c"), 0700u);
}

TEST_F(KeysDirTest, MissingKeyIsRegenerated) {
  auto first = open_data_dir(data_);
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(::unlink((data_ + "/keys/es256.jwk").c_str()), 0);
  auto second = open_data_dir(data_);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_TRUE(second->created);
  EXPECT_EQ(second->signing_keys.keys()[0].kid(), first->signing_keys.keys()[0].kid());
  EXPECT_NE(second->signing_keys.keys()[1].kid(), first->signing_keys.keys()[1].kid());
}

// A data dir made before the RSA key and the pid names: the Ed25519 file's kid is its
// thumbprint, rs256.jwk and oauth.key do not exist. The next start adds what is missing and
// publishes the same Ed25519 key under its pid.
TEST_F(KeysDirTest, OlderDataDirGetsRsaKeyOauthKeyAndPidName) {
  auto first = open_data_dir(data_);
  ASSERT_TRUE(first.has_value());
  const std::string ed_file = data_ + "/keys/ed25519.jwk";
  auto old_ed = Key::from_jwk(test::read_file(ed_file));
  ASSERT_TRUE(old_ed.has_value());
  overwrite(ed_file, *old_ed->with_kid(old_ed->thumbprint()).to_jwk_json(true));
  ASSERT_EQ(::unlink((data_ + "/keys/rs256.jwk").c_str()), 0);
  ASSERT_EQ(::unlink((data_ + "/keys/oauth.key").c_str()), 0);

  auto second = open_data_dir(data_);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_TRUE(second->created);
  ASSERT_EQ(second->signing_keys.size(), 3u);
  const Key& ed = second->signing_keys.keys()[0];
  EXPECT_EQ(ed.kid(), first->signing_keys.keys()[0].kid());
  EXPECT_EQ(ed.kid(), *paseto::v4_pid(*old_ed));
  EXPECT_NE(ed.kid(), old_ed->thumbprint());
  EXPECT_EQ(second->signing_keys.keys()[2].default_algorithm(), Algorithm::RS256);
  EXPECT_EQ(mode_of(data_ + "/keys/rs256.jwk"), 0600u);
  EXPECT_EQ(mode_of(data_ + "/keys/oauth.key"), 0600u);
  EXPECT_EQ(second->oauth_key.size(), kDeviceKeyBytes);
  const auto jwks = boost::json::parse(public_jwks(*second)).as_object();
  EXPECT_EQ(jwks.at("keys").as_array()[0].as_object().at("kid").as_string(), ed.kid());
}

TEST_F(KeysDirTest, CorruptedKeyFileIsInvalidKey) {
  ASSERT_TRUE(open_data_dir(data_).has_value());
  overwrite(data_ + "/keys/ed25519.jwk", "{\"kty\":\"OKP\",\"crv\":\"Ed25519\",\"x\":\"garbage");
  auto dir = open_data_dir(data_);
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error().code, Errc::invalid_key) << dir.error().message;
  overwrite(data_ + "/keys/ed25519.jwk", "");
  dir = open_data_dir(data_);
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error().code, Errc::invalid_key);
}

TEST_F(KeysDirTest, PublicOrWrongKeyIsInvalidKey) {
  ASSERT_TRUE(open_data_dir(data_).has_value());
  const std::string es = data_ + "/keys/es256.jwk";
  const std::string ed = data_ + "/keys/ed25519.jwk";
  const std::string es_text = test::read_file(es);
  const std::string ed_text = test::read_file(ed);

  // The public half only.
  auto key = Key::from_jwk(es_text);
  ASSERT_TRUE(key.has_value());
  overwrite(es, *key->to_jwk_json(false));
  auto dir = open_data_dir(data_);
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error().code, Errc::invalid_key);

  // An Ed25519 key in es256.jwk.
  overwrite(es, ed_text);
  dir = open_data_dir(data_);
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error().code, Errc::invalid_key);

  // An ES256 key in rs256.jwk; an RSA key in es256.jwk.
  const std::string rs = data_ + "/keys/rs256.jwk";
  const std::string rs_text = test::read_file(rs);
  overwrite(es, es_text);
  overwrite(rs, es_text);
  dir = open_data_dir(data_);
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error().code, Errc::invalid_key);
  overwrite(rs, rs_text);
  overwrite(es, rs_text);
  dir = open_data_dir(data_);
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error().code, Errc::invalid_key);

  // An RSA key that is not bound to RS256 (no alg: it would allow RS384, PS256, ...).
  overwrite(es, es_text);
  auto unbound = boost::json::parse(rs_text).as_object();
  unbound.erase("alg");
  overwrite(rs, boost::json::serialize(unbound));
  dir = open_data_dir(data_);
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error().code, Errc::invalid_key);

  // An HMAC secret.
  auto hs = Key::generate(KeySpec::hs256);
  ASSERT_TRUE(hs.has_value());
  overwrite(ed, *hs->to_jwk_json(true));
  overwrite(es, es_text);
  dir = open_data_dir(data_);
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error().code, Errc::invalid_key);
}

TEST_F(KeysDirTest, OauthKeyIsCreatedOnceAndKept) {
  auto first = open_data_dir(data_);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  const std::string file = data_ + "/keys/oauth.key";
  EXPECT_EQ(mode_of(file), 0600u);
  ASSERT_EQ(first->oauth_key.size(), kDeviceKeyBytes);
  EXPECT_EQ(test::read_file(file).size(), 44u);
  EXPECT_FALSE(first->oauth_key.equals(first->device_cookie_key));  // two independent keys
  auto second = open_data_dir(data_);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_TRUE(second->oauth_key.equals(first->oauth_key));
}

// keys/bff.key (docs/bff.md): made in a directory of an older version too, without that
// counting as a first start; kept across starts; independent of the other keys.
TEST_F(KeysDirTest, BffKeyIsCreatedOnceAndKept) {
  auto first = open_data_dir(data_);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  const std::string file = data_ + "/keys/bff.key";
  EXPECT_EQ(mode_of(file), 0600u);
  ASSERT_EQ(first->bff_key.size(), kDeviceKeyBytes);
  EXPECT_FALSE(first->bff_key.equals(first->oauth_key));
  EXPECT_FALSE(first->bff_key.equals(first->device_cookie_key));
  auto second = open_data_dir(data_);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_TRUE(second->bff_key.equals(first->bff_key));
  ASSERT_EQ(::unlink(file.c_str()), 0);  // a data directory from before the BFF
  auto third = open_data_dir(data_);
  ASSERT_TRUE(third.has_value()) << third.error().message;
  EXPECT_FALSE(third->created);
  EXPECT_EQ(third->bff_key.size(), kDeviceKeyBytes);
}

TEST_F(KeysDirTest, DeviceCookieKeyIsCreatedOnceAndKept) {
  auto first = open_data_dir(data_);
  ASSERT_TRUE(first.has_value()) << first.error().message;
  const std::string file = data_ + "/keys/device-cookie.key";
  EXPECT_EQ(mode_of(file), 0600u);
  ASSERT_EQ(first->device_cookie_key.size(), kDeviceKeyBytes);
  const std::string text = test::read_file(file);
  EXPECT_EQ(text.size(), 44u);  // 43 chars of base64url and a newline
  auto second = open_data_dir(data_);
  ASSERT_TRUE(second.has_value()) << second.error().message;
  EXPECT_FALSE(second->created);
  EXPECT_TRUE(second->device_cookie_key.equals(first->device_cookie_key));
  // A cookie issued under the first start verifies after the restart.
  auto a = DeviceCookies::create(first->device_cookie_key);
  auto b = DeviceCookies::create(second->device_cookie_key);
  ASSERT_TRUE(a && b);
  EXPECT_TRUE(b->verify(a->issue("alice", 1'800'000'000), "alice", 1'800'000'000));
  // Missing: a new, different key (old device cookies become untrusted, nothing else breaks).
  ASSERT_EQ(::unlink(file.c_str()), 0);
  auto third = open_data_dir(data_);
  ASSERT_TRUE(third.has_value()) << third.error().message;
  EXPECT_TRUE(third->created);
  EXPECT_FALSE(third->device_cookie_key.equals(first->device_cookie_key));
}

TEST_F(KeysDirTest, MalformedSecretKeyIsInvalidKey) {
  ASSERT_TRUE(open_data_dir(data_).has_value());
  for (const std::string name : {"device-cookie.key", "oauth.key", "bff.key"}) {
    const std::string file = data_ + "/keys/" + name;
    const std::string good = test::read_file(file);
    const std::string line = good.substr(0, 43);
    for (const std::string& bad : {std::string(), std::string("\n"), line.substr(0, 42) + "\n", line + "A\n",
                                  line + "=\n", line + "\n\n", " " + line + "\n", "+" + line.substr(1) + "\n",
                                  line + "\r\n", std::string(43, '!') + "\n"}) {
      overwrite(file, bad);
      auto dir = open_data_dir(data_);
      ASSERT_FALSE(dir.has_value()) << bad;
      EXPECT_EQ(dir.error().code, Errc::invalid_key) << bad;
    }
    overwrite(file, line);  // without the newline: accepted
    EXPECT_TRUE(open_data_dir(data_).has_value());
  }
}

TEST_F(KeysDirTest, DataPathIsAFile) {
  overwrite(data_, "not a directory");
  auto dir = open_data_dir(data_);
  ASSERT_FALSE(dir.has_value());
  EXPECT_EQ(dir.error().code, Errc::io_error);
}

}  // namespace
}  // namespace tessera::server
