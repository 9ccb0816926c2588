// PASERK password wrapping (kN.local-pw / kN.secret-pw).
//
// k2/k4:  s = random(16); k = Argon2id(pw, s, mem, ops, para) (32 bytes);
//         Ek = BLAKE2b-256(0xff || k); Ak = BLAKE2b-256(0xfe || k); n = random(24);
//         edk = XChaCha20(ptk, n, Ek); t = BLAKE2b-256(key = Ak, h || s || mem || ops || para || n || edk)
//         output h || base64url(s || mem(8 BE) || ops(4 BE) || para(4 BE) || n || edk || t)
// k3:     s = random(32); k = PBKDF2-SHA384(pw, s, i) (32 bytes);
//         Ek = SHA-384(0xff || k)[0:32]; Ak = SHA-384(0xfe || k); n = random(16);
//         edk = AES-256-CTR(ptk, Ek, n); t = HMAC-SHA384(Ak, h || s || i || n || edk)
//         output h || base64url(s || i(4 BE) || n || edk || t)
// The parameters are bounded (PasswordLimits) before any derivation; t is checked in constant
// time before decrypting.
#include <algorithm>
#include <array>
#include <utility>

#include "crypto/kex.hpp"
#include "crypto/sym.hpp"
#include "paseto/paserk_impl.hpp"

namespace tessera::paserk {

namespace {

using detail::Bytes;
using detail::ByteView;
using detail::Wiped;

constexpr std::uint64_t kMinMemlimit = 8192;  // libsodium's crypto_pwhash_MEMLIMIT_MIN

// The layout of the body before edk: salt, parameters, nonce.
struct Layout {
  std::size_t salt, params, nonce, tag;
  std::size_t prefix() const noexcept { return salt + params + nonce; }
};
Layout layout(Version v) noexcept {
  if (detail::uses_sodium(v)) return {16, 16, 24, 32};
  return {32, 4, 16, 48};
}

// Checks the parameters against the fixed minimums and the caller's limits.
Result<void> check(Version v, const PasswordOptions& o, const PasswordLimits& lim, Errc code) {
  if (detail::uses_sodium(v)) {
    if (o.memlimit < kMinMemlimit || o.memlimit > lim.max_memlimit) return fail(code, "Argon2id memlimit out of bounds");
    if (o.opslimit < 1 || o.opslimit > lim.max_opslimit) return fail(code, "Argon2id opslimit out of bounds");
    if (o.parallelism != 1) return fail(code, "Argon2id parallelism must be 1");
    return {};
  }
  if (o.iterations < 1 || o.iterations > lim.max_iterations) return fail(code, "PBKDF2 iterations out of bounds");
  return {};
}

// Ek (32 bytes) and Ak (32 or 48 bytes) from the password, salt and parameters.
struct Keys {
  Wiped<std::array<std::uint8_t, 32>> ek{};
  Wiped<Bytes> ak;
};

Result<Keys> derive(Version v, const SecretBytes& password, ByteView salt, const PasswordOptions& o) {
  Wiped<std::array<std::uint8_t, 32>> k{};
  const ByteView pw = password.reveal(SecretAccess{});
  auto r = detail::uses_sodium(v) ? crypto::argon2id(k, pw, salt, o.memlimit, o.opslimit)
                                  : crypto::pbkdf2_sha384(k, pw, salt, o.iterations);
  if (!r) return std::unexpected(std::move(r.error()));
  const std::uint8_t d_enc = 0xff;
  const std::uint8_t d_auth = 0xfe;
  const ByteView enc_parts[] = {ByteView(&d_enc, 1), k};
  const ByteView auth_parts[] = {ByteView(&d_auth, 1), k};
  Keys keys;
  if (detail::uses_sodium(v)) {
    if (auto e = crypto::blake2b(keys.ek, ByteView{}, enc_parts); !e) return std::unexpected(std::move(e.error()));
    auto ak = crypto::blake2b(32, ByteView{}, auth_parts);
    if (!ak) return std::unexpected(std::move(ak.error()));
    keys.ak = std::move(*ak);
    return keys;
  }
  auto ek = crypto::sha384_parts(enc_parts);
  std::copy_n(ek.begin(), keys.ek.size(), keys.ek.begin());
  crypto::secure_zero(ek.data(), ek.size());
  auto ak = crypto::sha384_parts(auth_parts);
  keys.ak.assign(ak.begin(), ak.end());
  crypto::secure_zero(ak.data(), ak.size());
  return keys;
}

// t over h || (salt || params || nonce || edk) = h || body_without_tag.
Result<Bytes> tag(Version v, ByteView ak, std::string_view h, ByteView authenticated) {
  if (detail::uses_sodium(v)) {
    const ByteView parts[] = {crypto::as_bytes(h), authenticated};
    return crypto::blake2b(32, ak, parts);
  }
  Bytes msg(h.begin(), h.end());
  msg.insert(msg.end(), authenticated.begin(), authenticated.end());
  auto t = crypto::hmac_sha384(ak, msg);
  if (!t) return std::unexpected(std::move(t.error()));
  return Bytes(t->begin(), t->end());
}

Result<Bytes> cipher(Version v, const Keys& k, ByteView nonce, ByteView data) {
  if (detail::uses_sodium(v)) return crypto::xchacha20_xor(data, nonce, k.ek);
  return crypto::aes256_ctr_xor(data, k.ek, nonce);
}

Result<std::string> pw_wrap(Version v, std::string_view type, const SecretBytes& password, ByteView ptk,
                            const PasswordOptions& o, const PasswordLimits& lim) {
  if (auto ok = check(v, o, lim, Errc::invalid_argument); !ok) return std::unexpected(std::move(ok.error()));
  const Layout l = layout(v);
  Bytes body = crypto::random_bytes(l.salt);
  if (detail::uses_sodium(v)) {
    detail::put_be(body, o.memlimit, 8);
    detail::put_be(body, o.opslimit, 4);
    detail::put_be(body, o.parallelism, 4);
  } else {
    detail::put_be(body, o.iterations, 4);
  }
  const Bytes nonce = crypto::random_bytes(l.nonce);
  body.insert(body.end(), nonce.begin(), nonce.end());
  auto k = derive(v, password, ByteView(body).first(l.salt), o);
  if (!k) return std::unexpected(std::move(k.error()));
  auto edk = cipher(v, *k, nonce, ptk);
  if (!edk) return std::unexpected(std::move(edk.error()));
  body.insert(body.end(), edk->begin(), edk->end());
  const std::string h = detail::header(v, type);
  auto t = tag(v, k->ak, h, body);
  if (!t) return std::unexpected(std::move(t.error()));
  std::string out = h;
  detail::append_b64(out, {body, *t});
  return out;
}

Result<SecretBytes> pw_unwrap(Version v, std::string_view type, const SecretBytes& password, std::string_view paserk,
                              std::size_t key_bytes, const PasswordLimits& lim) {
  auto body = detail::open(paserk, v, type);
  if (!body) return std::unexpected(std::move(body.error()));
  const Layout l = layout(v);
  if (body->size() != l.prefix() + key_bytes + l.tag) return fail(Errc::malformed, "password PASERK of the wrong length");
  const ByteView all(*body);
  const ByteView params = all.subspan(l.salt, l.params);
  PasswordOptions o;
  if (detail::uses_sodium(v)) {
    const std::uint64_t mem = detail::get_be(params.first(8));
    const std::uint64_t ops = detail::get_be(params.subspan(8, 4));
    const std::uint64_t para = detail::get_be(params.subspan(12, 4));
    if (mem > lim.max_memlimit || ops > lim.max_opslimit || para != 1)
      return fail(Errc::unsupported, "password PASERK parameters over the configured bounds");
    o.memlimit = mem;
    o.opslimit = static_cast<std::uint32_t>(ops);
    o.parallelism = static_cast<std::uint32_t>(para);
  } else {
    o.iterations = static_cast<std::uint32_t>(detail::get_be(params));
  }
  if (auto ok = check(v, o, lim, Errc::unsupported); !ok) return std::unexpected(std::move(ok.error()));
  const ByteView authenticated = all.first(l.prefix() + key_bytes);
  const ByteView nonce = all.subspan(l.salt + l.params, l.nonce);
  const ByteView edk = all.subspan(l.prefix(), key_bytes);
  const ByteView t = all.subspan(l.prefix() + key_bytes);
  auto k = derive(v, password, all.first(l.salt), o);
  if (!k) return std::unexpected(std::move(k.error()));
  auto expected = tag(v, k->ak, detail::header(v, type), authenticated);
  if (!expected) return std::unexpected(std::move(expected.error()));
  if (!crypto::constant_time_equal(*expected, t)) return fail(Errc::bad_signature, "password PASERK tag mismatch");
  auto ptk = cipher(v, *k, nonce, edk);
  if (!ptk) return std::unexpected(std::move(ptk.error()));
  const Wiped<Bytes> plain(std::move(*ptk));
  return SecretBytes(ByteView(plain));
}

}  // namespace

Result<std::string> password_wrap_local(const SecretBytes& password, const LocalKey& key, const PasswordOptions& options,
                                        const PasswordLimits& limits) {
  return pw_wrap(key.version(), "local-pw", password, key.bytes().reveal(SecretAccess{}), options, limits);
}

Result<std::string> password_wrap_secret(const SecretBytes& password, const SecretKey& key,
                                         const PasswordOptions& options, const PasswordLimits& limits) {
  return pw_wrap(key.version(), "secret-pw", password, key.bytes().reveal(SecretAccess{}), options, limits);
}

Result<LocalKey> password_unwrap_local(const SecretBytes& password, std::string_view paserk, Version expected,
                                       const PasswordLimits& limits) {
  auto raw = pw_unwrap(expected, "local-pw", password, paserk, detail::kLocalKeyBytes, limits);
  if (!raw) return std::unexpected(std::move(raw.error()));
  return LocalKey::from_bytes(expected, *raw);
}

Result<SecretKey> password_unwrap_secret(const SecretBytes& password, std::string_view paserk, Version expected,
                                         const PasswordLimits& limits) {
  auto raw = pw_unwrap(expected, "secret-pw", password, paserk, detail::secret_key_size(expected), limits);
  if (!raw) return std::unexpected(std::move(raw.error()));
  return SecretKey::from_bytes(expected, *raw);
}

}  // namespace tessera::paserk
