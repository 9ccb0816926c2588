// Argon2id password hashing (tessera/password.hpp): round trip, wrong and malformed input,
// parameter bounds, rehash decisions and salting. Small parameters (1 pass, 8 MiB) keep it fast.
#include <gtest/gtest.h>

#include <sodium.h>

#include <string>

#include "tessera/password.hpp"

namespace tessera {
namespace {

const PasswordParams kFast{1, 8u * 1024u * 1024u};

std::string must_hash(std::string_view password, const PasswordParams& p = kFast) {
  auto h = hash_password(password, p);
  EXPECT_TRUE(h) << (h ? "" : h.error().message);
  return h.value_or("");
}

TEST(Password, HashVerifyRoundTrip) {
  const std::string pw = "correct horse battery staple \xc3\xa9";
  const auto h = must_hash(pw);
  EXPECT_TRUE(h.starts_with("$argon2id$v=19$m=8192,t=1,p=1$")) << h;
  auto ok = verify_password(h, pw);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_TRUE(*ok);
}

TEST(Password, WrongPasswordIsFalseNotAnError) {
  const auto h = must_hash("hunter2hunter2");
  for (std::string_view wrong : {"hunter2hunter3", "hunter2hunter", "hunter2hunter2 ", "", "HUNTER2HUNTER2"}) {
    auto r = verify_password(h, wrong);
    ASSERT_TRUE(r) << wrong << ": " << r.error().message;
    EXPECT_FALSE(*r) << wrong;
  }
}

TEST(Password, EmbeddedNulAndLongPasswordsAreWholeInputs) {
  const std::string with_nul("abc\0def", 7);
  const auto h = must_hash(with_nul);
  EXPECT_TRUE(verify_password(h, with_nul).value_or(false));
  EXPECT_FALSE(verify_password(h, "abc").value_or(true));  // not truncated at the NUL
  const std::string longest(kMaxPasswordLength, 'x');
  const auto hl = must_hash(longest);
  EXPECT_TRUE(verify_password(hl, longest).value_or(false));
  EXPECT_FALSE(verify_password(hl, longest.substr(1)).value_or(true));
}

TEST(Password, MalformedHashesAreMalformed) {
  const auto good = must_hash("password123");
  const std::string tail = good.substr(good.find("$m="));
  const std::string bad[] = {
      "",
      "password123",
      "$argon2i$v=19$m=8192,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA",  // Argon2i, not Argon2id
      "$2b$12$abcdefghijklmnopqrstuuJ4c3D0bp1qv8x7UL3i5HFv5ZbHsJhHW",   // bcrypt
      "$argon2id$",
      "$argon2id$v=19$m=8192,t=1,p=1$",
      "$argon2id$v=19$m=8192,t=1,p=1$!!!!$????",
      "$argon2id$v=19$m=x,t=1,p=1" + tail.substr(tail.find('$', 1)),
      good.substr(0, good.size() - 10),  // truncated hash part
      good + std::string(200, 'A'),      // too long
      std::string(good).insert(20, 1, '\0'),
  };
  for (const auto& s : bad) {
    auto r = verify_password(s, "password123");
    ASSERT_FALSE(r) << "accepted: " << s;
    EXPECT_EQ(r.error().code, Errc::malformed) << s;
    EXPECT_TRUE(password_needs_rehash(s, kFast)) << s;
  }
}

TEST(Password, NeedsRehashOnlyWhenParametersDiffer) {
  const auto h = must_hash("password123");
  EXPECT_FALSE(password_needs_rehash(h, kFast));
  EXPECT_TRUE(password_needs_rehash(h, PasswordParams{2, kFast.mem_limit}));
  EXPECT_TRUE(password_needs_rehash(h, PasswordParams{1, 16u * 1024u * 1024u}));
  EXPECT_TRUE(password_needs_rehash(h, PasswordParams{}));  // the defaults: 2 passes, 64 MiB
  EXPECT_TRUE(password_needs_rehash(h, PasswordParams{0, kFast.mem_limit}));  // out of range
}

TEST(Password, ParametersOutOfRangeAreInvalidArgument) {
  const PasswordParams bad[] = {
      {crypto_pwhash_OPSLIMIT_MIN - 1, kFast.mem_limit},
      {1, crypto_pwhash_MEMLIMIT_MIN - 1},
      {1, 0},
      {static_cast<std::uint64_t>(crypto_pwhash_OPSLIMIT_MAX) + 1, kFast.mem_limit},
  };
  for (const auto& p : bad) {
    auto h = hash_password("password123", p);
    ASSERT_FALSE(h) << p.ops_limit << " " << p.mem_limit;
    EXPECT_EQ(h.error().code, Errc::invalid_argument);
  }
  // The lowest values libsodium allows do work.
  auto h = hash_password("password123", {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN});
  ASSERT_TRUE(h) << h.error().message;
  EXPECT_TRUE(verify_password(*h, "password123").value_or(false));
}

TEST(Password, SameInputTwiceGivesDifferentSaltedHashes) {
  const auto a = must_hash("password123"), b = must_hash("password123");
  EXPECT_NE(a, b);
  const auto salt = [](const std::string& h) { return h.substr(0, h.rfind('$')); };
  EXPECT_NE(salt(a), salt(b));  // the salt itself differs, not only the output
  EXPECT_TRUE(verify_password(a, "password123").value_or(false));
  EXPECT_TRUE(verify_password(b, "password123").value_or(false));
}

}  // namespace
}  // namespace tessera
