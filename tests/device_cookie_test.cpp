// DeviceCookies (include/tessera/device_cookie.hpp): a cookie verifies only for the user and
// key it was issued with, within its lifetime, and in exactly the issued shape; anything else is
// untrusted (nullopt), never an exception or an error.
#include "tessera/device_cookie.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/base64url.hpp"

namespace tessera {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;

DeviceCookies make(char fill = 'k', std::int64_t max_age = kDeviceCookieMaxAge) {
  auto dc = DeviceCookies::create(SecretBytes(std::string(kDeviceKeyBytes, fill)), max_age);
  EXPECT_TRUE(dc) << dc.error().message;
  return std::move(*dc);
}

// The issued_at field of a cookie, rewritten (the tag no longer matches unless re-made).
std::string payload_of(std::string_view cookie) { return std::string(cookie.substr(3, 32)); }

TEST(DeviceCookie, RoundTrip) {
  const auto dc = make();
  const std::string c = dc.issue("alice", kNow);
  ASSERT_EQ(c.size(), kDeviceCookieChars);
  EXPECT_TRUE(c.starts_with("v1."));
  auto d = dc.verify(c, "alice", kNow);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->id.size(), 43u);
  EXPECT_EQ(d->nonce.size(), 16u);
  // The id names the device without being (or containing) the cookie value or its parts.
  EXPECT_EQ(c.find(d->id), std::string::npos);
  EXPECT_EQ(d->id.find(payload_of(c).substr(0, 20)), std::string::npos);
  // The cookie does not carry the username.
  EXPECT_EQ(c.find("alice"), std::string::npos);
  // Still valid later within its lifetime.
  EXPECT_TRUE(dc.verify(c, "alice", kNow + kDeviceCookieMaxAge - 1));
}

TEST(DeviceCookie, EveryIssueIsANewDeviceAndReissueKeepsIt) {
  const auto dc = make();
  const auto a = dc.verify(dc.issue("alice", kNow), "alice", kNow);
  const auto b = dc.verify(dc.issue("alice", kNow), "alice", kNow);
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->id, b->id);
  const std::string again = dc.reissue(*a, "alice", kNow + 100);
  const auto a2 = dc.verify(again, "alice", kNow + 100);
  ASSERT_TRUE(a2);
  EXPECT_EQ(a2->id, a->id);
  EXPECT_EQ(a2->nonce, a->nonce);
}

TEST(DeviceCookie, TamperedCookiesAreUntrusted) {
  const auto dc = make();
  const std::string c = dc.issue("alice", kNow);
  // Every single-character change anywhere (prefix, payload, separator, tag) is refused.
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.";
  for (std::size_t i = 0; i < c.size(); ++i) {
    std::string t = c;
    t[i] = alphabet[(alphabet.find(c[i]) + 1) % alphabet.size()];
    EXPECT_FALSE(dc.verify(t, "alice", kNow)) << "position " << i;
  }
  // A re-dated payload under the old tag: refused (issued_at is covered by the tag).
  std::string payload;
  ASSERT_TRUE(codec::base64url_decode_into(payload_of(c), payload));
  payload[23] = static_cast<char>(payload[23] ^ 1);
  std::string redated = "v1." + codec::base64url_encode(payload) + c.substr(35);
  ASSERT_EQ(redated.size(), c.size());
  EXPECT_FALSE(dc.verify(redated, "alice", kNow));
}

TEST(DeviceCookie, OtherUsersCookieIsUntrusted) {
  const auto dc = make();
  const std::string bobs = dc.issue("bob", kNow);
  EXPECT_TRUE(dc.verify(bobs, "bob", kNow));
  EXPECT_FALSE(dc.verify(bobs, "alice", kNow));
  EXPECT_FALSE(dc.verify(bobs, "bob2", kNow));
  EXPECT_FALSE(dc.verify(bobs, "Bob", kNow));
  EXPECT_FALSE(dc.verify(bobs, "", kNow));
  // The username is not confusable with the payload boundary.
  const std::string ab = dc.issue("ab", kNow);
  EXPECT_FALSE(dc.verify(ab, "a", kNow));
}

TEST(DeviceCookie, WrongKeyIsUntrusted) {
  const auto dc = make('k');
  const auto other = make('o');
  const std::string c = dc.issue("alice", kNow);
  EXPECT_FALSE(other.verify(c, "alice", kNow));
  EXPECT_TRUE(dc.verify(c, "alice", kNow));
}

TEST(DeviceCookie, LifetimeIsBounded) {
  const auto dc = make('k', 1000);
  const std::string c = dc.issue("alice", kNow);
  EXPECT_TRUE(dc.verify(c, "alice", kNow + 999));
  EXPECT_FALSE(dc.verify(c, "alice", kNow + 1000));
  EXPECT_FALSE(dc.verify(c, "alice", kNow + 10'000'000));
  // Issued in the future: trusted only within 60 s of clock skew.
  EXPECT_TRUE(dc.verify(c, "alice", kNow - 60));
  EXPECT_FALSE(dc.verify(c, "alice", kNow - 61));
  // issued_at with the top bit set (a negative time) never verifies.
  EXPECT_FALSE(dc.verify(dc.issue("alice", -1), "alice", kNow));
}

TEST(DeviceCookie, MalformedInputsAreUntrusted) {
  const auto dc = make();
  const std::string c = dc.issue("alice", kNow);
  ASSERT_EQ(c[35], '.');
  const std::vector<std::string> bad = {
      "",
      "v1.",
      ".",
      c.substr(0, c.size() - 1),                     // one short
      c + "A",                                       // one long
      c + "=",                                       // padding
      " " + c.substr(1),                             // leading space instead of 'v'
      c.substr(0, c.size() - 1) + " ",               // trailing space
      "v2" + c.substr(2),                            // another version
      "V1" + c.substr(2),                            // case matters
      c.substr(0, 36) + "+" + c.substr(37),          // base64 (not url) alphabet in the tag
      c.substr(0, 3) + "/" + c.substr(4),            // ... and in the payload
      c.substr(0, 35) + "A" + c.substr(36),          // no separator: '.' replaced
      c.substr(0, 40) + "." + c.substr(41),          // a second separator inside the tag
      c.substr(0, 34) + ".." + c.substr(36),         // separator moved one to the left
      std::string(kDeviceCookieChars, 'A'),
      std::string(4096, 'A'),
      std::string("v1.") + std::string(32, 'A') + "." + std::string(43, '\0'),
  };
  for (const auto& b : bad) EXPECT_FALSE(dc.verify(b, "alice", kNow)) << "input " << b.substr(0, 90);
  // Non-canonical trailing bits in the tag (43 chars carry 258 bits; the last 2 must be zero).
  std::string last = c;
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  const auto pos = alphabet.find(last.back());
  ASSERT_NE(pos, std::string::npos);
  last.back() = alphabet[(pos & ~std::size_t{3}) | 1];
  EXPECT_FALSE(dc.verify(last, "alice", kNow));
}

TEST(DeviceCookie, ShortKeysAndBadLifetimesAreRefused) {
  EXPECT_FALSE(DeviceCookies::create(SecretBytes(std::string(31, 'k'))));
  EXPECT_FALSE(DeviceCookies::create(SecretBytes(std::string())));
  EXPECT_FALSE(DeviceCookies::create(SecretBytes(std::string(32, 'k')), 0));
  EXPECT_FALSE(DeviceCookies::create(SecretBytes(std::string(32, 'k')), -5));
  EXPECT_TRUE(DeviceCookies::create(SecretBytes(std::string(64, 'k'))));
}

}  // namespace
}  // namespace tessera
