// PASERK beyond the official vectors: round trips with generated keys, and the refusals —
// wrong version, wrong type, tampering, truncation, wrong keys and passwords, hostile
// password parameters (refused before any key derivation), oversized input.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "codec/base64url.hpp"
#include "tessera/paserk.hpp"

namespace tessera {
namespace {

using paseto::LocalKey;
using paseto::PublicKey;
using paseto::SecretKey;
using paseto::Version;
using paserk::KeyType;

constexpr Version kVersions[] = {Version::v2, Version::v3, Version::v4};

// Cheap password parameters so the tests run fast (never use these for real).
paserk::PasswordOptions fast() {
  paserk::PasswordOptions o;
  o.memlimit = 8192;
  o.opslimit = 1;
  o.iterations = 1000;
  return o;
}

LocalKey local(Version v) { return *LocalKey::generate(v); }
SecretKey secret(Version v) { return *SecretKey::generate(v); }

std::string header_of(const std::string& p) { return p.substr(0, p.rfind('.') + 1); }
std::vector<std::uint8_t> body_of(const std::string& p) { return *codec::base64url_decode(p.substr(p.rfind('.') + 1)); }
std::string rebuild(const std::string& p, const std::vector<std::uint8_t>& body) {
  return header_of(p) + codec::base64url_encode(body);
}
// p with one bit of body byte i flipped (still canonical base64url).
std::string flip(const std::string& p, std::size_t i) {
  auto b = body_of(p);
  b.at(i) ^= 0x01;
  return rebuild(p, b);
}
std::string truncate_body(const std::string& p) {
  auto b = body_of(p);
  b.pop_back();
  return rebuild(p, b);
}

template <class T>
Errc code(const Result<T>& r) {
  EXPECT_FALSE(r) << "accepted";
  return r ? Errc::internal : r.error().code;
}

// ---- plain keys ---------------------------------------------------------------------------

TEST(Paserk, PlainRoundTripsAllVersions) {
  for (Version v : kVersions) {
    SCOPED_TRACE(static_cast<int>(v));
    const LocalKey lk = local(v);
    auto lp = paserk::to_paserk(lk);
    ASSERT_TRUE(lp);
    auto lb = paserk::local_from_paserk(*lp, v);
    ASSERT_TRUE(lb);
    EXPECT_TRUE(lb->bytes().equals(lk.bytes()));

    const SecretKey sk = secret(v);
    auto sp = paserk::to_paserk(sk);
    ASSERT_TRUE(sp);
    auto sb = paserk::secret_from_paserk(*sp, v);
    ASSERT_TRUE(sb) << sb.error().message;
    EXPECT_TRUE(sb->bytes().equals(sk.bytes()));

    const PublicKey pk = sk.public_key();
    auto pp = paserk::to_paserk(pk);
    ASSERT_TRUE(pp);
    auto pb = paserk::public_from_paserk(*pp, v);
    ASSERT_TRUE(pb) << pb.error().message;
    EXPECT_EQ(pb->bytes(), pk.bytes());

    // Identifiers: typed and from the string agree; distinct keys have distinct ids.
    EXPECT_EQ(*paserk::lid(lk), *paserk::id_of(*lp));
    EXPECT_EQ(*paserk::sid(sk), *paserk::id_of(*sp));
    EXPECT_EQ(*paserk::pid(pk), *paserk::id_of(*pp));
    EXPECT_NE(*paserk::lid(lk), *paserk::lid(local(v)));
    EXPECT_TRUE(paserk::lid(lk)->starts_with(std::string("k") + char('0' + static_cast<int>(v)) + ".lid."));
  }
}

TEST(Paserk, WrongVersionAndTypeRefused) {
  const std::string l4 = *paserk::to_paserk(local(Version::v4));
  EXPECT_EQ(code(paserk::local_from_paserk(l4, Version::v3)), Errc::wrong_key_type);
  EXPECT_EQ(code(paserk::local_from_paserk(l4, Version::v2)), Errc::wrong_key_type);
  const std::string p4 = *paserk::to_paserk(secret(Version::v4).public_key());
  EXPECT_EQ(code(paserk::local_from_paserk(p4, Version::v4)), Errc::wrong_key_type);
  EXPECT_EQ(code(paserk::secret_from_paserk(p4, Version::v4)), Errc::wrong_key_type);
  // A lid is not a key.
  EXPECT_EQ(code(paserk::local_from_paserk(*paserk::id_of(l4), Version::v4)), Errc::wrong_key_type);
  // Identifiers exist only for plain keys.
  const std::string w = *paserk::wrap_local(local(Version::v4), local(Version::v4));
  EXPECT_EQ(code(paserk::id_of(w)), Errc::wrong_key_type);
  // Unknown versions.
  EXPECT_EQ(code(paserk::id_of("k9.local.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")), Errc::unsupported);
  EXPECT_EQ(code(paserk::local_from_paserk("k1.local.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", Version::v4)),
            Errc::wrong_key_type);
}

TEST(Paserk, MalformedRefused) {
  const std::string good = *paserk::to_paserk(local(Version::v4));
  const std::string body = good.substr(9);
  for (const std::string& bad : {std::string(""), std::string("k"), std::string("k4"), std::string("k4."),
                                 std::string("k4.local"), "v4.local." + body, "K4.local." + body, "k.local." + body,
                                 "k44444.local." + body, "k4.locale." + body, "k4.LOCAL." + body,
                                 "k4.local." + body + "=", "k4.local." + body + "A", "k4.local." + body.substr(1),
                                 std::string("k4.local."), "k4.local." + body + "\n", "k4.local.+" + body.substr(1)}) {
    SCOPED_TRACE(bad);
    auto r = paserk::local_from_paserk(bad, Version::v4);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, Errc::malformed) << r.error().message;
  }
  EXPECT_EQ(code(paserk::local_from_paserk(truncate_body(good), Version::v4)), Errc::malformed);
  // Oversized input is refused before decoding.
  const std::string huge = "k4.local." + std::string(4000, 'A');
  EXPECT_EQ(code(paserk::local_from_paserk(huge, Version::v4)), Errc::token_too_large);
  EXPECT_EQ(code(paserk::id_of(huge)), Errc::token_too_large);
  // An unknown wrapping protocol.
  const std::string w = *paserk::wrap_local(local(Version::v4), local(Version::v4));
  std::string other = w;
  other.replace(other.find(".pie."), 5, ".xyz.");
  EXPECT_EQ(code(paserk::unwrap_local(local(Version::v4), other)), Errc::unsupported);
}

TEST(Paserk, ByteLevelLengthsChecked) {
  const std::vector<std::uint8_t> k31(31), k32(32), k48(48), k49(49, 0x02), k64(64);
  EXPECT_TRUE(paserk::encode_bytes(Version::v4, KeyType::local, k32));
  EXPECT_FALSE(paserk::encode_bytes(Version::v4, KeyType::local, k31));
  EXPECT_TRUE(paserk::encode_bytes(Version::v3, KeyType::public_, k49));
  EXPECT_FALSE(paserk::encode_bytes(Version::v4, KeyType::public_, k49));
  EXPECT_TRUE(paserk::encode_bytes(Version::v3, KeyType::secret, k48));
  EXPECT_FALSE(paserk::encode_bytes(Version::v3, KeyType::secret, k64));
  EXPECT_FALSE(paserk::encode_bytes(Version::v2, KeyType::secret, k48));
}

// ---- symmetric wrapping --------------------------------------------------------------------

TEST(Paserk, WrapRefusals) {
  for (Version v : kVersions) {
    SCOPED_TRACE(static_cast<int>(v));
    const LocalKey wk = local(v);
    const LocalKey k = local(v);
    const SecretKey sk = secret(v);
    const std::string w = *paserk::wrap_local(wk, k);
    const std::string ws = *paserk::wrap_secret(wk, sk);
    EXPECT_TRUE(paserk::unwrap_local(wk, w));
    auto s2 = paserk::unwrap_secret(wk, ws);
    ASSERT_TRUE(s2) << s2.error().message;
    EXPECT_EQ(s2->public_key().bytes(), sk.public_key().bytes());

    // Wrong wrapping key.
    EXPECT_EQ(code(paserk::unwrap_local(local(v), w)), Errc::bad_signature);
    EXPECT_EQ(code(paserk::unwrap_secret(local(v), ws)), Errc::bad_signature);
    // Tampering anywhere: tag (byte 0), nonce, ciphertext (last byte).
    const std::size_t tag = v == Version::v3 ? 48 : 32;
    for (std::size_t i : {std::size_t{0}, tag, tag + 32, body_of(w).size() - 1})
      EXPECT_EQ(code(paserk::unwrap_local(wk, flip(w, i))), Errc::bad_signature) << i;
    EXPECT_EQ(code(paserk::unwrap_local(wk, truncate_body(w))), Errc::malformed);
    // The wrong type: a wrapped secret is not a wrapped local key, and the header is bound
    // into the tag (changing it alone fails authentication... but the type check comes first).
    EXPECT_EQ(code(paserk::unwrap_local(wk, ws)), Errc::wrong_key_type);
    EXPECT_EQ(code(paserk::unwrap_secret(wk, w)), Errc::wrong_key_type);
  }
  // Versions must match.
  EXPECT_EQ(code(paserk::wrap_local(local(Version::v4), local(Version::v3))), Errc::wrong_key_type);
  EXPECT_EQ(code(paserk::wrap_secret(local(Version::v2), secret(Version::v4))), Errc::wrong_key_type);
  const std::string w3 = *paserk::wrap_local(local(Version::v3), local(Version::v3));
  EXPECT_EQ(code(paserk::unwrap_local(local(Version::v4), w3)), Errc::wrong_key_type);
  // k2 and k4 share the algorithm but not the header, which is authenticated.
  const LocalKey k4 = local(Version::v4);
  const std::string w4 = *paserk::wrap_local(k4, local(Version::v4));
  auto k2 = LocalKey::from_bytes(Version::v2, k4.bytes());
  ASSERT_TRUE(k2);
  EXPECT_EQ(code(paserk::unwrap_local(*k2, "k2" + w4.substr(2))), Errc::bad_signature);
}

// ---- password wrapping ----------------------------------------------------------------------

TEST(Paserk, PasswordRoundTripAndRefusals) {
  const SecretBytes pw(std::string_view("correct horse battery staple"));
  for (Version v : kVersions) {
    SCOPED_TRACE(static_cast<int>(v));
    const LocalKey k = local(v);
    const SecretKey sk = secret(v);
    auto w = paserk::password_wrap_local(pw, k, fast());
    ASSERT_TRUE(w) << w.error().message;
    auto back = paserk::password_unwrap_local(pw, *w, v);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_TRUE(back->bytes().equals(k.bytes()));
    auto ws = paserk::password_wrap_secret(pw, sk, fast());
    ASSERT_TRUE(ws);
    auto sback = paserk::password_unwrap_secret(pw, *ws, v);
    ASSERT_TRUE(sback) << sback.error().message;
    EXPECT_TRUE(sback->bytes().equals(sk.bytes()));

    EXPECT_EQ(code(paserk::password_unwrap_local(SecretBytes(std::string_view("wrong")), *w, v)), Errc::bad_signature);
    EXPECT_EQ(code(paserk::password_unwrap_local(pw, flip(*w, body_of(*w).size() - 1), v)), Errc::bad_signature);
    EXPECT_EQ(code(paserk::password_unwrap_local(pw, flip(*w, 0), v)), Errc::bad_signature);  // salt
    EXPECT_EQ(code(paserk::password_unwrap_local(pw, truncate_body(*w), v)), Errc::malformed);
    EXPECT_EQ(code(paserk::password_unwrap_secret(pw, *w, v)), Errc::wrong_key_type);
    EXPECT_EQ(code(paserk::password_unwrap_local(pw, *w, v == Version::v4 ? Version::v3 : Version::v4)),
              Errc::wrong_key_type);
  }
}

TEST(Paserk, PasswordDefaultsWork) {
  const SecretBytes pw(std::string_view("pw"));
  for (Version v : {Version::v3, Version::v4}) {
    const LocalKey k = local(v);
    auto w = paserk::password_wrap_local(pw, k);
    ASSERT_TRUE(w) << w.error().message;
    auto back = paserk::password_unwrap_local(pw, *w, v);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_TRUE(back->bytes().equals(k.bytes()));
  }
}

// Rewrites the parameter fields of a password PASERK (the tag no longer matches, but the
// bounds are checked first, so the error says which).
std::string with_argon_params(const std::string& p, std::uint64_t mem, std::uint32_t ops, std::uint32_t para) {
  auto b = body_of(p);
  for (int i = 0; i < 8; ++i) b[16 + i] = static_cast<std::uint8_t>(mem >> (8 * (7 - i)));
  for (int i = 0; i < 4; ++i) b[24 + i] = static_cast<std::uint8_t>(ops >> (8 * (3 - i)));
  for (int i = 0; i < 4; ++i) b[28 + i] = static_cast<std::uint8_t>(para >> (8 * (3 - i)));
  return rebuild(p, b);
}
std::string with_iterations(const std::string& p, std::uint32_t it) {
  auto b = body_of(p);
  for (int i = 0; i < 4; ++i) b[32 + i] = static_cast<std::uint8_t>(it >> (8 * (3 - i)));
  return rebuild(p, b);
}

TEST(Paserk, HostilePasswordParametersRefusedBeforeDerivation) {
  const SecretBytes pw(std::string_view("pw"));
  const auto start = std::chrono::steady_clock::now();
  for (Version v : {Version::v2, Version::v4}) {
    const std::string w = *paserk::password_wrap_local(pw, local(v), fast());
    // Sanity: an untouched-parameter PASERK with a flipped nonce byte is an authentication failure.
    EXPECT_EQ(code(paserk::password_unwrap_local(pw, flip(w, 40), v)), Errc::bad_signature);
    EXPECT_EQ(code(paserk::password_unwrap_local(pw, with_argon_params(w, 1ull << 40, 2, 1), v)), Errc::unsupported);
    EXPECT_EQ(code(paserk::password_unwrap_local(pw, with_argon_params(w, (1ull << 30) + 1024, 2, 1), v)),
              Errc::unsupported);
    EXPECT_EQ(code(paserk::password_unwrap_local(pw, with_argon_params(w, ~0ull, 2, 1), v)), Errc::unsupported);
    EXPECT_EQ(code(paserk::password_unwrap_local(pw, with_argon_params(w, 8192, 17, 1), v)), Errc::unsupported);
    EXPECT_EQ(code(paserk::password_unwrap_local(pw, with_argon_params(w, 8192, 0xffffffffu, 1), v)), Errc::unsupported);
    EXPECT_EQ(code(paserk::password_unwrap_local(pw, with_argon_params(w, 8192, 1, 4), v)), Errc::unsupported);
    EXPECT_EQ(code(paserk::password_unwrap_local(pw, with_argon_params(w, 0, 1, 1), v)), Errc::unsupported);
    EXPECT_EQ(code(paserk::password_unwrap_local(pw, with_argon_params(w, 8192, 0, 1), v)), Errc::unsupported);
    // Tighter caller limits apply too.
    paserk::PasswordLimits tight;
    tight.max_memlimit = 4096;
    EXPECT_EQ(code(paserk::password_unwrap_local(pw, w, v, tight)), Errc::unsupported);
  }
  const std::string w3 = *paserk::password_wrap_local(pw, local(Version::v3), fast());
  EXPECT_EQ(code(paserk::password_unwrap_local(pw, with_iterations(w3, 10'000'001), Version::v3)), Errc::unsupported);
  EXPECT_EQ(code(paserk::password_unwrap_local(pw, with_iterations(w3, 0xffffffffu), Version::v3)), Errc::unsupported);
  EXPECT_EQ(code(paserk::password_unwrap_local(pw, with_iterations(w3, 0), Version::v3)), Errc::unsupported);
  // Refused without running the KDF: all of the above took well under a second.
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));

  // Wrapping with out-of-bounds options is refused as well.
  paserk::PasswordOptions o = fast();
  o.memlimit = 2ull << 30;
  EXPECT_EQ(code(paserk::password_wrap_local(pw, local(Version::v4), o)), Errc::invalid_argument);
  o = fast();
  o.parallelism = 2;
  EXPECT_EQ(code(paserk::password_wrap_local(pw, local(Version::v4), o)), Errc::invalid_argument);
  o = fast();
  o.iterations = 0;
  EXPECT_EQ(code(paserk::password_wrap_local(pw, local(Version::v3), o)), Errc::invalid_argument);
}

// ---- sealing -------------------------------------------------------------------------------

TEST(Paserk, SealRoundTripAndRefusals) {
  for (Version v : kVersions) {
    SCOPED_TRACE(static_cast<int>(v));
    const SecretKey sk = secret(v);
    const LocalKey k = local(v);
    auto s = paserk::seal(sk.public_key(), k);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_TRUE(s->starts_with(std::string("k") + char('0' + static_cast<int>(v)) + ".seal."));
    EXPECT_NE(*s, *paserk::seal(sk.public_key(), k));  // ephemeral key each time
    auto back = paserk::unseal(sk, *s);
    ASSERT_TRUE(back) << back.error().message;
    EXPECT_TRUE(back->bytes().equals(k.bytes()));

    EXPECT_EQ(code(paserk::unseal(secret(v), *s)), Errc::bad_signature);  // another recipient
    const std::size_t tag = v == Version::v3 ? 48 : 32;
    EXPECT_EQ(code(paserk::unseal(sk, flip(*s, 0))), Errc::bad_signature);
    EXPECT_EQ(code(paserk::unseal(sk, flip(*s, body_of(*s).size() - 1))), Errc::bad_signature);
    EXPECT_EQ(code(paserk::unseal(sk, flip(*s, tag + 5))), Errc::bad_signature);  // ephemeral key
    EXPECT_EQ(code(paserk::unseal(sk, truncate_body(*s))), Errc::malformed);
    // An all-zero ephemeral key (small order for X25519, not a point for P-384).
    auto b = body_of(*s);
    std::fill(b.begin() + static_cast<std::ptrdiff_t>(tag), b.end() - 32, std::uint8_t{0});
    EXPECT_EQ(code(paserk::unseal(sk, rebuild(*s, b))), Errc::bad_signature);
  }
  EXPECT_EQ(code(paserk::seal(secret(Version::v4).public_key(), local(Version::v3))), Errc::wrong_key_type);
  const SecretKey s2 = secret(Version::v2);
  const std::string sealed2 = *paserk::seal(s2.public_key(), local(Version::v2));
  EXPECT_EQ(code(paserk::unseal(secret(Version::v4), sealed2)), Errc::wrong_key_type);
  // The header is authenticated: a k2 seal relabelled k4 fails even with the same key pair.
  auto s4 = SecretKey::from_bytes(Version::v4, s2.bytes());
  ASSERT_TRUE(s4);
  EXPECT_EQ(code(paserk::unseal(*s4, "k4" + sealed2.substr(2))), Errc::bad_signature);
}

}  // namespace
}  // namespace tessera
