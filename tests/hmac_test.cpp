// Tests for src/crypto's HMAC: HmacKey and hmac_once against RFC 4231, the key-length rule
// (invariant 3), tampering, and concurrent use of one key.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"

namespace tc = tessera::crypto;
using tc::Bytes;
using tessera::Errc;
using tessera::SecretBytes;

namespace {

Bytes hex(std::string_view h) { return *tessera::codec::hex_decode(h); }

const std::string_view kMsg = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0";

}  // namespace

TEST(Hmac, Rfc4231LargeKeyCases) {
  const SecretBytes key(Bytes(131, 0xaa));
  const std::string_view d6 = "Test Using Larger Than Block-Size Key - Hash Key First";
  const std::string_view d7 =
      "This is a test using a larger than block-size key and a larger than block-size data. The "
      "key needs to be hashed before being used by the HMAC algorithm.";
  struct Case {
    tc::Hash h;
    std::string_view data, mac;
  } cases[] = {
      {tc::Hash::sha256, d6, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {tc::Hash::sha384, d6,
       "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952"},
      {tc::Hash::sha512, d6,
       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5"
       "295e64f73f63f0aec8b915a985d786598"},
      {tc::Hash::sha256, d7, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
      {tc::Hash::sha384, d7,
       "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e"},
      {tc::Hash::sha512, d7,
       "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de1"
       "5134676fb6de0446065c97440fa8c6a58"},
  };
  for (const auto& c : cases) {
    auto k = tc::HmacKey::create(c.h, key);
    ASSERT_TRUE(k);
    EXPECT_EQ(k->hash(), c.h);
    for (int i = 0; i < 3; ++i)  // repeated calls reuse pooled contexts
      EXPECT_EQ(k->compute(tc::as_bytes(c.data)), hex(c.mac));
    EXPECT_TRUE(k->verify(tc::as_bytes(c.data), hex(c.mac)));
    auto once = tc::hmac_once(c.h, key, tc::as_bytes(c.data));  // the one-shot form agrees
    ASSERT_TRUE(once);
    EXPECT_EQ(*once, hex(c.mac));
  }
}

TEST(Hmac, ShortKeysRefused) {
  // RFC 4231 case 1 (20-byte key) and case 2 ("Jefe") are below the SHA-256 output size.
  for (auto key : {SecretBytes(Bytes(20, 0x0b)), SecretBytes(std::string_view("Jefe")), SecretBytes()}) {
    auto k = tc::HmacKey::create(tc::Hash::sha256, key);
    ASSERT_FALSE(k);
    EXPECT_EQ(k.error().code, Errc::key_too_short);
    auto once = tc::hmac_once(tc::Hash::sha256, key, tc::as_bytes(std::string_view("x")));
    ASSERT_FALSE(once);
    EXPECT_EQ(once.error().code, Errc::key_too_short);
  }
  EXPECT_EQ(tc::HmacKey::create(tc::Hash::sha384, SecretBytes(Bytes(47, 1))).error().code,
            Errc::key_too_short);
  EXPECT_TRUE(tc::HmacKey::create(tc::Hash::sha256, SecretBytes(Bytes(32, 1))));
}

TEST(Hmac, VerifyRejectsTampering) {
  auto k = tc::HmacKey::create(tc::Hash::sha256, SecretBytes(tc::random_bytes(32)));
  ASSERT_TRUE(k);
  Bytes tag = k->compute(tc::as_bytes(kMsg));
  EXPECT_TRUE(k->verify(tc::as_bytes(kMsg), tag));
  EXPECT_FALSE(k->verify(tc::as_bytes("other"), tag));
  Bytes bad = tag;
  bad[5] ^= 1;
  EXPECT_FALSE(k->verify(tc::as_bytes(kMsg), bad));
  EXPECT_FALSE(k->verify(tc::as_bytes(kMsg), tc::ByteView(tag).first(31)));
  EXPECT_FALSE(k->verify(tc::as_bytes(kMsg), {}));
}

TEST(Hmac, ConcurrentUse) {
  auto k = tc::HmacKey::create(tc::Hash::sha256, SecretBytes(tc::random_bytes(32)));
  ASSERT_TRUE(k);
  const Bytes expected = k->compute(tc::as_bytes(kMsg));
  std::vector<std::thread> threads;
  std::atomic<int> bad{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i)
        if (k->compute(tc::as_bytes(kMsg)) != expected) ++bad;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(bad.load(), 0);
}
