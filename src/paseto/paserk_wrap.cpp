// PASERK symmetric key wrapping, the "pie" protocol (kN.local-wrap.pie / kN.secret-wrap.pie).
//
// k2/k4:  n = random(32); Ek || n2 = BLAKE2b-448(key = wk, 0x80 || n); Ak = BLAKE2b-256(key = wk,
//         0x81 || n); c = XChaCha20(ptk, n2, Ek); t = BLAKE2b-256(key = Ak, h || n || c)
// k3:     n = random(32); Ek || n2 = HMAC-SHA384(wk, 0x80 || n); Ak = HMAC-SHA384(wk, 0x81 || n)[0:32];
//         c = AES-256-CTR(ptk, Ek, n2); t = HMAC-SHA384(Ak, h || n || c)
// Output: h || base64url(t || n || c). Unwrapping checks t (constant time) before decrypting.
#include <algorithm>
#include <array>
#include <utility>

#include "crypto/sym.hpp"
#include "paseto/paserk_impl.hpp"

namespace tessera::paserk {

namespace {

using detail::Bytes;
using detail::ByteView;
using detail::Wiped;

constexpr std::size_t kNonceBytes = 32;

std::size_t tag_size(Version v) noexcept { return detail::uses_sodium(v) ? 32 : 48; }

// The encryption key and nonce (x = Ek || n2) and the authentication key Ak, from wk and n.
struct Keys {
  Wiped<Bytes> x;   // 56 (k2/k4) or 48 (k3) bytes
  Wiped<Bytes> ak;  // 32 bytes
  ByteView ek() const noexcept { return ByteView(x).first(32); }
  ByteView n2() const noexcept { return ByteView(x).subspan(32); }
};

Result<Keys> derive(Version v, ByteView wk, ByteView n) {
  Keys k;
  const std::uint8_t d_enc = 0x80;
  const std::uint8_t d_auth = 0x81;
  if (detail::uses_sodium(v)) {
    const ByteView enc_parts[] = {ByteView(&d_enc, 1), n};
    const ByteView auth_parts[] = {ByteView(&d_auth, 1), n};
    auto x = crypto::blake2b(56, wk, enc_parts);
    if (!x) return std::unexpected(std::move(x.error()));
    k.x = std::move(*x);
    auto ak = crypto::blake2b(32, wk, auth_parts);
    if (!ak) return std::unexpected(std::move(ak.error()));
    k.ak = std::move(*ak);
    return k;
  }
  std::array<std::uint8_t, 1 + kNonceBytes> msg{};
  std::copy(n.begin(), n.end(), msg.begin() + 1);
  msg[0] = d_enc;
  auto x = crypto::hmac_sha384(wk, msg);
  if (!x) return std::unexpected(std::move(x.error()));
  k.x.assign(x->begin(), x->end());
  crypto::secure_zero(x->data(), x->size());
  msg[0] = d_auth;
  auto ak = crypto::hmac_sha384(wk, msg);
  if (!ak) return std::unexpected(std::move(ak.error()));
  k.ak.assign(ak->begin(), ak->begin() + 32);
  crypto::secure_zero(ak->data(), ak->size());
  return k;
}

// t over h || n || c with Ak.
Result<Bytes> tag(Version v, ByteView ak, std::string_view h, ByteView n, ByteView c) {
  if (detail::uses_sodium(v)) {
    const ByteView parts[] = {crypto::as_bytes(h), n, c};
    return crypto::blake2b(32, ak, parts);
  }
  Bytes msg;
  msg.reserve(h.size() + n.size() + c.size());
  msg.insert(msg.end(), h.begin(), h.end());
  msg.insert(msg.end(), n.begin(), n.end());
  msg.insert(msg.end(), c.begin(), c.end());
  auto t = crypto::hmac_sha384(ak, msg);
  if (!t) return std::unexpected(std::move(t.error()));
  return Bytes(t->begin(), t->end());
}

Result<Bytes> cipher(Version v, const Keys& k, ByteView data) {
  if (detail::uses_sodium(v)) return crypto::xchacha20_xor(data, k.n2(), k.ek());
  return crypto::aes256_ctr_xor(data, k.ek(), k.n2());
}

Result<std::string> wrap(Version v, std::string_view type, ByteView wk, ByteView ptk) {
  const std::string h = detail::header(v, type);
  std::array<std::uint8_t, kNonceBytes> n{};
  crypto::random_bytes(std::span<std::uint8_t>(n));
  auto k = derive(v, wk, n);
  if (!k) return std::unexpected(std::move(k.error()));
  auto c = cipher(v, *k, ptk);
  if (!c) return std::unexpected(std::move(c.error()));
  auto t = tag(v, k->ak, h, n, *c);
  if (!t) return std::unexpected(std::move(t.error()));
  std::string out = h;
  detail::append_b64(out, {*t, n, *c});
  return out;
}

Result<SecretBytes> unwrap(Version v, std::string_view type, ByteView wk, std::string_view paserk,
                           std::size_t key_bytes) {
  auto body = detail::open(paserk, v, type);
  if (!body) return std::unexpected(std::move(body.error()));
  const std::size_t ts = tag_size(v);
  if (body->size() != ts + kNonceBytes + key_bytes) return fail(Errc::malformed, "wrapped PASERK of the wrong length");
  const ByteView all(*body);
  const ByteView t = all.first(ts);
  const ByteView n = all.subspan(ts, kNonceBytes);
  const ByteView c = all.subspan(ts + kNonceBytes);
  const std::string h = detail::header(v, type);
  auto k = derive(v, wk, n);
  if (!k) return std::unexpected(std::move(k.error()));
  auto expected = tag(v, k->ak, h, n, c);
  if (!expected) return std::unexpected(std::move(expected.error()));
  if (!crypto::constant_time_equal(*expected, t)) return fail(Errc::bad_signature, "wrapped PASERK tag mismatch");
  auto ptk = cipher(v, *k, c);
  if (!ptk) return std::unexpected(std::move(ptk.error()));
  const Wiped<Bytes> plain(std::move(*ptk));
  return SecretBytes(ByteView(plain));
}

Result<void> same_version(Version a, Version b) {
  if (a != b) return fail(Errc::wrong_key_type, "wrapping key and wrapped key of different versions");
  return {};
}

}  // namespace

Result<std::string> wrap_local(const LocalKey& wrapping_key, const LocalKey& key) {
  if (auto ok = same_version(wrapping_key.version(), key.version()); !ok) return std::unexpected(std::move(ok.error()));
  return wrap(key.version(), "local-wrap.pie", wrapping_key.bytes().reveal(SecretAccess{}),
              key.bytes().reveal(SecretAccess{}));
}

Result<std::string> wrap_secret(const LocalKey& wrapping_key, const SecretKey& key) {
  if (auto ok = same_version(wrapping_key.version(), key.version()); !ok) return std::unexpected(std::move(ok.error()));
  return wrap(key.version(), "secret-wrap.pie", wrapping_key.bytes().reveal(SecretAccess{}),
              key.bytes().reveal(SecretAccess{}));
}

Result<LocalKey> unwrap_local(const LocalKey& wrapping_key, std::string_view paserk) {
  const Version v = wrapping_key.version();
  auto raw = unwrap(v, "local-wrap.pie", wrapping_key.bytes().reveal(SecretAccess{}), paserk, detail::kLocalKeyBytes);
  if (!raw) return std::unexpected(std::move(raw.error()));
  return LocalKey::from_bytes(v, *raw);
}

Result<SecretKey> unwrap_secret(const LocalKey& wrapping_key, std::string_view paserk) {
  const Version v = wrapping_key.version();
  auto raw = unwrap(v, "secret-wrap.pie", wrapping_key.bytes().reveal(SecretAccess{}), paserk,
                    detail::secret_key_size(v));
  if (!raw) return std::unexpected(std::move(raw.error()));
  return SecretKey::from_bytes(v, *raw);
}

}  // namespace tessera::paserk
