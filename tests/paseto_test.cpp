// PASETO beyond the official vectors: round trips for every version and purpose, and the
// negative cases: key/token confusion (wrong_key_type), unknown headers, tampering with the
// footer, the implicit assertion or the payload, strict base64url, size limits, v2's lack of
// implicit assertions, and key import checks.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "codec/base64url.hpp"
#include "tessera/paseto.hpp"

namespace tessera {
namespace {

using paseto::Purpose;
using paseto::Version;

constexpr Version kAll[] = {Version::v2, Version::v3, Version::v4};

SecretBytes hex_secret(std::string_view h) { return SecretBytes(*codec::hex_decode(h)); }

template <class T>
Errc code_of(const Result<T>& r) {
  EXPECT_FALSE(r) << "expected an error";
  return r ? Errc::internal : r.error().code;
}

paseto::LocalKey local(Version v) { return *paseto::LocalKey::generate(v); }
paseto::SecretKey secret(Version v) { return *paseto::SecretKey::generate(v); }
std::string implicit_for(Version v) { return v == Version::v2 ? "" : "implicit"; }

TEST(PasetoPae, SpecExamples) {
  EXPECT_EQ(paseto::pae({}), std::string(8, '\0'));
  const std::string_view empty[] = {""};
  EXPECT_EQ(paseto::pae(empty), std::string("\x01\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16));
  const std::string_view test[] = {"test"};
  EXPECT_EQ(paseto::pae(test), std::string("\x01\0\0\0\0\0\0\0\x04\0\0\0\0\0\0\0test", 20));
}

TEST(PasetoRoundTrip, LocalEveryVersion) {
  for (const Version v : kAll) {
    const auto key = local(v);
    EXPECT_EQ(key.bytes().size(), 32u);
    for (const std::string& payload : {std::string(), std::string("hello"), std::string(1000, 'x')}) {
      auto token = paseto::encrypt(key, payload, "footer", implicit_for(v));
      ASSERT_TRUE(token) << token.error().message;
      EXPECT_TRUE(token->starts_with(paseto::header(v, Purpose::local)));
      auto out = paseto::decrypt(key, *token, implicit_for(v));
      ASSERT_TRUE(out) << out.error().message;
      EXPECT_EQ(*out, payload);
      EXPECT_EQ(*paseto::footer_unverified(*token), "footer");
    }
    // Random nonces: two encryptions differ.
    EXPECT_NE(*paseto::encrypt(key, "m"), *paseto::encrypt(key, "m"));
  }
}

TEST(PasetoRoundTrip, PublicEveryVersion) {
  for (const Version v : kAll) {
    const auto sk = secret(v);
    const auto pk = sk.public_key();
    EXPECT_EQ(pk.version(), v);
    EXPECT_EQ(pk.bytes().size(), v == Version::v3 ? 49u : 32u);
    EXPECT_EQ(sk.bytes().size(), v == Version::v3 ? 48u : 64u);
    auto token = paseto::sign(sk, "payload", "", implicit_for(v));
    ASSERT_TRUE(token) << token.error().message;
    auto out = paseto::verify(pk, *token, implicit_for(v));
    ASSERT_TRUE(out) << out.error().message;
    EXPECT_EQ(*out, "payload");
    // Re-imported keys work the same.
    auto sk2 = paseto::SecretKey::from_bytes(v, sk.bytes());
    ASSERT_TRUE(sk2) << sk2.error().message;
    const std::string raw = pk.bytes();
    auto pk2 = paseto::PublicKey::from_bytes(v, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(raw.data()), raw.size()));
    ASSERT_TRUE(pk2) << pk2.error().message;
    EXPECT_TRUE(paseto::verify(*pk2, *paseto::sign(*sk2, "x", "f", implicit_for(v)), implicit_for(v)));
  }
}

TEST(PasetoNegative, WrongKeyType) {
  const auto v4 = local(Version::v4);
  const auto v3 = local(Version::v3);
  const std::string token = *paseto::encrypt(v4, "m");
  EXPECT_EQ(code_of(paseto::decrypt(v3, token)), Errc::wrong_key_type);
  // A local token given to verify with the right version's public key.
  const auto sk = secret(Version::v4);
  EXPECT_EQ(code_of(paseto::verify(sk.public_key(), token)), Errc::wrong_key_type);
  // A public token given to decrypt.
  const std::string signed_token = *paseto::sign(sk, "m");
  EXPECT_EQ(code_of(paseto::decrypt(v4, signed_token)), Errc::wrong_key_type);
  // A v2 public key on a v4.public token.
  EXPECT_EQ(code_of(paseto::verify(secret(Version::v2).public_key(), signed_token)), Errc::wrong_key_type);
}

TEST(PasetoNegative, UnknownVersionOrPurpose) {
  const auto key = local(Version::v4);
  const std::string token = *paseto::encrypt(key, "m");
  const std::string body = token.substr(std::string("v4.local.").size());
  for (const std::string& bad : {"v1.local." + body, "v5.local." + body, "V4.local." + body, "v4.secret." + body,
                                "v4.Local." + body, "v4.public" + body})
    EXPECT_EQ(code_of(paseto::decrypt(key, bad)), Errc::malformed) << bad.substr(0, 12);
}

TEST(PasetoNegative, TamperedFooterImplicitAndPayload) {
  for (const Version v : kAll) {
    const auto key = local(v);
    const auto sk = secret(v);
    const std::string imp = implicit_for(v);
    for (const bool is_local : {true, false}) {
      const std::string token = is_local ? *paseto::encrypt(key, "payload", "kid-1", imp)
                                         : *paseto::sign(sk, "payload", "kid-1", imp);
      auto check = [&](const std::string& t, std::string_view i) {
        return is_local ? paseto::decrypt(key, t, i) : paseto::verify(sk.public_key(), t, i);
      };
      ASSERT_TRUE(check(token, imp));
      // Footer replaced by another valid one.
      const std::string other_footer = token.substr(0, token.rfind('.') + 1) + codec::base64url_encode("kid-2");
      EXPECT_EQ(code_of(check(other_footer, imp)), Errc::bad_signature);
      // Footer removed.
      EXPECT_EQ(code_of(check(token.substr(0, token.rfind('.')), imp)), Errc::bad_signature);
      if (v != Version::v2) {
        EXPECT_EQ(code_of(check(token, "other")), Errc::bad_signature);
      }
      // One payload character changed (the base64url stays canonical: a full group earlier on).
      std::string flipped = token;
      const std::size_t pos = paseto::header(v, is_local ? Purpose::local : Purpose::public_).size() + 4;
      flipped[pos] = flipped[pos] == 'A' ? 'B' : 'A';
      EXPECT_EQ(code_of(check(flipped, imp)), Errc::bad_signature);
      // A different key.
      if (is_local) {
        EXPECT_EQ(code_of(paseto::decrypt(local(v), token, imp)), Errc::bad_signature);
      } else {
        EXPECT_EQ(code_of(paseto::verify(secret(v).public_key(), token, imp)), Errc::bad_signature);
      }
    }
  }
}

TEST(PasetoNegative, Truncated) {
  for (const Version v : kAll) {
    const auto key = local(v);
    const std::string token = *paseto::encrypt(key, "payload");
    const std::string h = paseto::header(v, Purpose::local);
    // Three bytes fewer, re-encoded canonically: the tag no longer matches.
    const std::string body = *codec::base64url_decode_string(std::string_view(token).substr(h.size()));
    EXPECT_EQ(code_of(paseto::decrypt(key, h + codec::base64url_encode(std::string_view(body).substr(0, body.size() - 3)))),
              Errc::bad_signature);
    // Characters cut off: rejected, as non-canonical base64url or by the tag.
    for (std::size_t cut = 1; cut <= 4; ++cut) {
      const Errc c = code_of(paseto::decrypt(key, token.substr(0, token.size() - cut)));
      EXPECT_TRUE(c == Errc::malformed || c == Errc::bad_signature) << code_name(c);
    }
    // Shorter than nonce + tag.
    EXPECT_EQ(code_of(paseto::decrypt(key, h + "AAAA")), Errc::malformed);
    EXPECT_EQ(code_of(paseto::decrypt(key, h)), Errc::malformed);
    EXPECT_EQ(code_of(paseto::decrypt(key, h.substr(0, h.size() - 1))), Errc::malformed);
    const auto sk = secret(v);
    EXPECT_EQ(code_of(paseto::verify(sk.public_key(), paseto::header(v, Purpose::public_) + "AAAA")),
              Errc::malformed);
  }
}

TEST(PasetoNegative, NonCanonicalBase64) {
  const auto key = local(Version::v4);
  // 64 + 4 bytes: 91 characters, the last carrying 2 unused bits.
  const std::string token = *paseto::encrypt(key, "abcd", "footer!");
  const std::size_t dot = token.rfind('.');
  const std::string payload_part = token.substr(0, dot);
  const std::string footer_part = token.substr(dot);
  static constexpr std::string_view kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string stray = payload_part;
  const std::size_t idx = kAlphabet.find(stray.back());
  ASSERT_EQ(idx & 3, 0u) << "the last character should have its unused bits clear";
  stray.back() = kAlphabet[idx | 1];
  EXPECT_EQ(code_of(paseto::decrypt(key, stray + footer_part)), Errc::malformed);
  EXPECT_EQ(code_of(paseto::decrypt(key, payload_part + "==" + footer_part)), Errc::malformed);
  EXPECT_EQ(code_of(paseto::decrypt(key, payload_part + footer_part + "=")), Errc::malformed);
  std::string plus = payload_part;
  plus[20] = '+';
  EXPECT_EQ(code_of(paseto::decrypt(key, plus + footer_part)), Errc::malformed);
  std::string space = payload_part;
  space[20] = ' ';
  EXPECT_EQ(code_of(paseto::decrypt(key, space + footer_part)), Errc::malformed);
  // footer_unverified is just as strict.
  EXPECT_EQ(code_of(paseto::footer_unverified(token + "=")), Errc::malformed);
}

TEST(PasetoNegative, SizeLimitAndShape) {
  const auto key = local(Version::v4);
  const std::string token = *paseto::encrypt(key, "m");
  EXPECT_TRUE(paseto::decrypt(key, token, "", token.size()));
  EXPECT_EQ(code_of(paseto::decrypt(key, token, "", token.size() - 1)), Errc::token_too_large);
  EXPECT_EQ(code_of(paseto::decrypt(key, std::string(paseto::kDefaultMaxTokenBytes + 1, 'A'))),
            Errc::token_too_large);
  EXPECT_EQ(code_of(paseto::footer_unverified(token, 10)), Errc::token_too_large);
  EXPECT_EQ(code_of(paseto::decrypt(key, "")), Errc::malformed);
  EXPECT_EQ(code_of(paseto::decrypt(key, "....")), Errc::malformed);
  EXPECT_EQ(code_of(paseto::decrypt(key, token + ".Zm9v.YmFy")), Errc::malformed);  // 5 parts
  EXPECT_EQ(code_of(paseto::decrypt(key, token + ".")), Errc::malformed);           // empty footer part
  EXPECT_EQ(code_of(paseto::footer_unverified("not a token")), Errc::malformed);
  EXPECT_EQ(*paseto::footer_unverified(token), "");
}

TEST(PasetoNegative, V2RefusesImplicitAssertions) {
  const auto key = local(Version::v2);
  const auto sk = secret(Version::v2);
  EXPECT_EQ(code_of(paseto::encrypt(key, "m", "", "discarded-anyway")), Errc::invalid_argument);
  EXPECT_EQ(code_of(paseto::decrypt(key, *paseto::encrypt(key, "m"), "x")), Errc::invalid_argument);
  EXPECT_EQ(code_of(paseto::sign(sk, "m", "", "x")), Errc::invalid_argument);
  EXPECT_EQ(code_of(paseto::verify(sk.public_key(), *paseto::sign(sk, "m"), "x")), Errc::invalid_argument);
}

TEST(PasetoKeys, ImportChecks) {
  const std::string seed = "b4cbfb43df4ce210727d953e4a713307fa19bb7d9f85041438d9e11b942a3774";
  const std::string pub = "1eb9dbbbbc047c03fd70604e0071f0987e16b28b757225c11f00415d0e20b1a2";
  for (const Version v : {Version::v2, Version::v4}) {
    EXPECT_TRUE(paseto::SecretKey::from_bytes(v, hex_secret(seed + pub)));
    // 64 bytes whose public half is not the seed's public key.
    std::string wrong = pub;
    wrong[0] = '2';
    EXPECT_EQ(code_of(paseto::SecretKey::from_bytes(v, hex_secret(seed + wrong))), Errc::invalid_key);
    EXPECT_EQ(code_of(paseto::SecretKey::from_bytes(v, hex_secret(seed + pub + "00"))), Errc::invalid_key);
    EXPECT_EQ(code_of(paseto::PublicKey::from_bytes(v, std::vector<std::uint8_t>(31, 1))), Errc::invalid_key);
    // The identity point (small order) is not a usable public key.
    std::vector<std::uint8_t> identity(32, 0);
    identity[0] = 1;
    EXPECT_EQ(code_of(paseto::PublicKey::from_bytes(v, identity)), Errc::invalid_key);
  }
  for (const Version v : kAll) {
    EXPECT_EQ(code_of(paseto::LocalKey::from_bytes(v, SecretBytes(std::string(31, 'k')))), Errc::invalid_key);
    EXPECT_EQ(code_of(paseto::LocalKey::from_bytes(v, SecretBytes(std::string(33, 'k')))), Errc::invalid_key);
  }
  // v3: the scalar must be in [1, n-1].
  const std::string n = "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973";
  const std::string n_minus_1 = n.substr(0, n.size() - 1) + "2";
  EXPECT_EQ(code_of(paseto::SecretKey::from_bytes(Version::v3, hex_secret(std::string(96, '0')))), Errc::invalid_key);
  EXPECT_EQ(code_of(paseto::SecretKey::from_bytes(Version::v3, hex_secret(n))), Errc::invalid_key);
  EXPECT_TRUE(paseto::SecretKey::from_bytes(Version::v3, hex_secret(n_minus_1)));
  EXPECT_EQ(code_of(paseto::SecretKey::from_bytes(Version::v3, hex_secret(seed))), Errc::invalid_key);
  // v3 public: a compressed point only.
  const std::string p3 = "02fbcb7c69ee1c60579be7a334134878d9c5c5bf35d552dab63c0140397ed14cef637d7720925c44699ea30e72874c72fb";
  EXPECT_TRUE(paseto::PublicKey::from_bytes(Version::v3, *codec::hex_decode(p3)));
  EXPECT_EQ(code_of(paseto::PublicKey::from_bytes(Version::v3, *codec::hex_decode("04" + p3.substr(2)))),
            Errc::invalid_key);
  EXPECT_EQ(code_of(paseto::PublicKey::from_bytes(Version::v3, *codec::hex_decode(p3.substr(0, 96)))),
            Errc::invalid_key);
  // About half of all x values are not the x of a curve point: some of 16 neighbours must fail.
  int rejected = 0;
  for (int last = 0; last < 16; ++last) {
    std::string x = p3.substr(0, p3.size() - 2) + "0" + "0123456789abcdef"[last];
    if (!paseto::PublicKey::from_bytes(Version::v3, *codec::hex_decode(x))) ++rejected;
  }
  EXPECT_GT(rejected, 0);
}

TEST(PasetoKeys, VersionBound) {
  // Using a v3 key on v4 tokens is a run-time wrong_key_type in every direction.
  const auto sk3 = secret(Version::v3);
  const auto tok4 = *paseto::sign(secret(Version::v4), "m");
  EXPECT_EQ(code_of(paseto::verify(sk3.public_key(), tok4)), Errc::wrong_key_type);
  const auto tok2 = *paseto::encrypt(local(Version::v2), "m");
  EXPECT_EQ(code_of(paseto::decrypt(local(Version::v4), tok2)), Errc::wrong_key_type);
}

}  // namespace
}  // namespace tessera
