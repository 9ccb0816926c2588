// tessera/paseto_jwk.hpp: an Ed25519 Key signs a v4.public token that its own public half (as a
// paseto key) verifies, and the other way round; its pid is the PASERK id of that public key
// (and differs per key); keys of other types, and public keys asked to sign, are refused.
#include <gtest/gtest.h>

#include "tessera/paserk.hpp"
#include "tessera/paseto_jwk.hpp"

namespace tessera::paseto {
namespace {

TEST(PasetoJwkTest, Ed25519KeySignsAndVerifiesV4Public) {
  auto key = Key::generate(KeySpec::ed25519);
  ASSERT_TRUE(key.has_value());
  auto secret = v4_secret_key(*key);
  ASSERT_TRUE(secret.has_value()) << secret.error().message;
  auto pub_key = key->public_key();
  ASSERT_TRUE(pub_key.has_value());
  auto pub = v4_public_key(*pub_key);
  ASSERT_TRUE(pub.has_value()) << pub.error().message;
  EXPECT_EQ(pub->bytes(), secret->public_key().bytes());
  auto token = sign(*secret, "payload");
  ASSERT_TRUE(token.has_value());
  auto payload = verify(*pub, *token);
  ASSERT_TRUE(payload.has_value()) << payload.error().message;
  EXPECT_EQ(*payload, "payload");
  // A paseto signature made from the JWK verifies under the paseto key made from the JWK's x.
  auto other = Key::generate(KeySpec::ed25519);
  ASSERT_TRUE(other.has_value());
  auto other_pub = v4_public_key(*other);
  ASSERT_TRUE(other_pub.has_value());
  EXPECT_EQ(verify(*other_pub, *token).error().code, Errc::bad_signature);
}

TEST(PasetoJwkTest, PidIsThePaserkIdOfThePublicHalf) {
  auto key = Key::generate(KeySpec::ed25519);
  ASSERT_TRUE(key.has_value());
  auto pid = v4_pid(*key);
  ASSERT_TRUE(pid.has_value());
  EXPECT_EQ(pid->rfind("k4.pid.", 0), 0u);
  EXPECT_EQ(pid->size(), 7u + 44u);
  auto pub = v4_public_key(*key);
  ASSERT_TRUE(pub.has_value());
  EXPECT_EQ(*pid, *paserk::pid(*pub));
  EXPECT_EQ(*v4_pid(*key->public_key()), *pid);  // the public half has the same id
  auto other = Key::generate(KeySpec::ed25519);
  ASSERT_TRUE(other.has_value());
  EXPECT_NE(*v4_pid(*other), *pid);
}

TEST(PasetoJwkTest, OtherKeyTypesAreWrongKeyType) {
  for (KeySpec spec : {KeySpec::p256, KeySpec::rsa2048, KeySpec::hs256}) {
    auto key = Key::generate(spec);
    ASSERT_TRUE(key.has_value());
    EXPECT_EQ(v4_public_key(*key).error().code, Errc::wrong_key_type);
    EXPECT_EQ(v4_secret_key(*key).error().code, Errc::wrong_key_type);
    EXPECT_EQ(v4_pid(*key).error().code, Errc::wrong_key_type);
  }
}

TEST(PasetoJwkTest, PublicKeyCannotBecomeASecretKey) {
  auto key = Key::generate(KeySpec::ed25519);
  ASSERT_TRUE(key.has_value());
  auto pub = key->public_key();
  ASSERT_TRUE(pub.has_value());
  EXPECT_EQ(v4_secret_key(*pub).error().code, Errc::key_not_permitted);
  // use: "enc" forbids signing even with the private half.
  auto jwk = key->to_jwk(true);
  ASSERT_TRUE(jwk.has_value());
  (*jwk)["use"] = "enc";
  auto enc = Key::from_jwk(*jwk);
  ASSERT_TRUE(enc.has_value()) << enc.error().message;
  EXPECT_EQ(v4_secret_key(*enc).error().code, Errc::key_not_permitted);
}

}  // namespace
}  // namespace tessera::paseto
