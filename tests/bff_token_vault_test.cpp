// The BFF's tokens at rest (tessera/bff_token_vault.hpp): the sealed record holds no token in
// plaintext, opens only with the same key and for the same session, and any tampering fails.
#include <gtest/gtest.h>

#include "tessera/bff_token_vault.hpp"

namespace tessera::bff {
namespace {

const BffTokens kTokens{"eyJhbGciOiJFUzI1NiJ9.access-token-body.sig", "refresh-token-secret-value",
                        "eyJhbGciOiJFUzI1NiJ9.id-token-body.sig", 1'900'000'000};

TokenVault vault() {
  auto key = paseto::LocalKey::generate(paseto::Version::v4);
  EXPECT_TRUE(key) << key.error().message;
  auto v = TokenVault::create(*key);
  EXPECT_TRUE(v) << v.error().message;
  return *v;
}

TEST(BffTokenVault, RoundTripAndNoPlaintext) {
  const auto v = vault();
  auto sealed = v.seal(kTokens, "session-hash-1");
  ASSERT_TRUE(sealed) << sealed.error().message;
  EXPECT_TRUE(sealed->starts_with("v4.local."));
  for (const auto& secret : {kTokens.access_token, kTokens.refresh_token, kTokens.id_token, std::string("access-token-body"),
                             std::string("refresh-token-secret")}) {
    EXPECT_EQ(sealed->find(secret), std::string::npos) << secret;
  }
  auto opened = v.open(*sealed, "session-hash-1");
  ASSERT_TRUE(opened) << opened.error().message;
  EXPECT_EQ(*opened, kTokens);
}

TEST(BffTokenVault, OtherSessionOtherKeyOrTamperingFails) {
  const auto v = vault();
  auto sealed = v.seal(kTokens, "session-hash-1");
  ASSERT_TRUE(sealed);
  auto moved = v.open(*sealed, "session-hash-2");
  ASSERT_FALSE(moved);
  EXPECT_EQ(moved.error().code, Errc::bad_signature);
  auto other_key = vault().open(*sealed, "session-hash-1");
  ASSERT_FALSE(other_key);
  EXPECT_EQ(other_key.error().code, Errc::bad_signature);
  std::string tampered = *sealed;
  tampered[tampered.size() - 5] = tampered[tampered.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(v.open(tampered, "session-hash-1"));
  EXPECT_FALSE(v.open("not a token", "session-hash-1"));
}

TEST(BffTokenVault, AuthenticPayloadOfTheWrongShapeIsMalformed) {
  auto key = paseto::LocalKey::generate(paseto::Version::v4);
  ASSERT_TRUE(key);
  auto v = TokenVault::create(*key);
  ASSERT_TRUE(v);
  for (const char* payload : {"[]", "{}", R"({"at":"a","rt":"r","it":"i","exp":"soon"})", R"({"at":1,"rt":"r","it":"i","exp":1})"}) {
    auto sealed = paseto::encrypt(*key, payload, {}, "tessera-bff-tokens:s");
    ASSERT_TRUE(sealed);
    auto opened = v->open(*sealed, "s");
    ASSERT_FALSE(opened) << payload;
    EXPECT_EQ(opened.error().code, Errc::malformed) << payload;
  }
}

TEST(BffTokenVault, OnlyAV4LocalKey) {
  auto v3 = paseto::LocalKey::generate(paseto::Version::v3);
  ASSERT_TRUE(v3);
  auto v = TokenVault::create(*v3);
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, Errc::invalid_argument);
}

}  // namespace
}  // namespace tessera::bff
