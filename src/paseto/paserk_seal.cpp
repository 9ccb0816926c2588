// PASERK sealing (kN.seal): a local key encrypted to a public key.
//
// k2/k4 (h = "kN.seal."): xpk = X25519 form of the Ed25519 sealing key; (esk, epk) ephemeral
//   X25519; xk = X25519(esk, xpk);
//   Ek = BLAKE2b-256(0x01 || h || xk || epk || xpk); Ak = BLAKE2b-256(0x02 || h || xk || epk || xpk);
//   n = BLAKE2b-192(epk || xpk); edk = XChaCha20(ptk, n, Ek); t = BLAKE2b-256(key = Ak, h || epk || edk)
//   output h || base64url(t || epk || edk)                                        (32 + 32 + 32)
// k3: pk = compressed P-384 sealing key; (esk, epk) ephemeral P-384, epk compressed;
//   xk = ECDH(esk, pk); Ek || n = SHA-384(0x01 || h || xk || epk || pk);
//   Ak = SHA-384(0x02 || h || xk || epk || pk); edk = AES-256-CTR(ptk, Ek, n);
//   t = HMAC-SHA384(Ak, h || epk || edk); output h || base64url(t || epk || edk)   (48 + 49 + 32)
// Unsealing recomputes xk with the sealing secret key and checks t (constant time) first.
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

constexpr std::string_view kType = "seal";

struct Keys {
  Wiped<std::array<std::uint8_t, 32>> ek{};
  Wiped<std::array<std::uint8_t, 48>> x{};  // k3: Ek || n; k2/k4 unused
  std::array<std::uint8_t, 24> n{};  // k2/k4 nonce (public)
  Wiped<Bytes> ak;
};

// Ek, Ak and the nonce from the shared secret xk, the ephemeral and the recipient public keys.
Result<Keys> derive(Version v, std::string_view h, ByteView xk, ByteView epk, ByteView pk) {
  const std::uint8_t d_enc = 0x01;
  const std::uint8_t d_auth = 0x02;
  const ByteView enc_parts[] = {ByteView(&d_enc, 1), crypto::as_bytes(h), xk, epk, pk};
  const ByteView auth_parts[] = {ByteView(&d_auth, 1), crypto::as_bytes(h), xk, epk, pk};
  Keys k;
  if (detail::uses_sodium(v)) {
    const ByteView nonce_parts[] = {epk, pk};
    if (auto r = crypto::blake2b(k.ek, ByteView{}, enc_parts); !r) return std::unexpected(std::move(r.error()));
    if (auto r = crypto::blake2b(k.n, ByteView{}, nonce_parts); !r) return std::unexpected(std::move(r.error()));
    auto ak = crypto::blake2b(32, ByteView{}, auth_parts);
    if (!ak) return std::unexpected(std::move(ak.error()));
    k.ak = std::move(*ak);
    return k;
  }
  k.x = crypto::sha384_parts(enc_parts);
  std::copy_n(k.x.begin(), k.ek.size(), k.ek.begin());
  auto ak = crypto::sha384_parts(auth_parts);
  k.ak.assign(ak.begin(), ak.end());
  crypto::secure_zero(ak.data(), ak.size());
  return k;
}

Result<Bytes> tag(Version v, ByteView ak, std::string_view h, ByteView epk, ByteView edk) {
  if (detail::uses_sodium(v)) {
    const ByteView parts[] = {crypto::as_bytes(h), epk, edk};
    return crypto::blake2b(32, ak, parts);
  }
  Bytes msg(h.begin(), h.end());
  msg.insert(msg.end(), epk.begin(), epk.end());
  msg.insert(msg.end(), edk.begin(), edk.end());
  auto t = crypto::hmac_sha384(ak, msg);
  if (!t) return std::unexpected(std::move(t.error()));
  return Bytes(t->begin(), t->end());
}

Result<Bytes> cipher(Version v, const Keys& k, ByteView data) {
  if (detail::uses_sodium(v)) return crypto::xchacha20_xor(data, k.n, k.ek);
  return crypto::aes256_ctr_xor(data, k.ek, ByteView(k.x).subspan(32));
}

// The ephemeral public key, the shared secret and the recipient's public key in the form the
// derivation hashes (X25519 for k2/k4, compressed P-384 for k3).
struct Agreement {
  Bytes epk;
  SecretBytes xk;
  Bytes pk;
};

Result<Agreement> agree_as_sender(const PublicKey& sealing_key) {
  Agreement a;
  if (detail::uses_sodium(sealing_key.version())) {
    const std::string ed = sealing_key.bytes();
    auto xpk = crypto::ed25519_pk_to_x25519(crypto::as_bytes(ed));
    if (!xpk) return std::unexpected(std::move(xpk.error()));
    crypto::X25519KeyPair eph = crypto::x25519_generate();
    auto xk = crypto::x25519(eph.secret_key.reveal(SecretAccess{}), *xpk);
    if (!xk) return fail(Errc::invalid_key, "sealing key is of small order");
    a.epk.assign(eph.public_key.begin(), eph.public_key.end());
    a.xk = std::move(*xk);
    a.pk.assign(xpk->begin(), xpk->end());
    return a;
  }
  const std::string raw = sealing_key.bytes();
  a.pk.assign(raw.begin(), raw.end());
  auto pk = crypto::p384_from_compressed(a.pk);
  if (!pk) return std::unexpected(std::move(pk.error()));
  auto eph = crypto::PKey::generate_ec(crypto::KeyKind::ec_p384);
  if (!eph) return std::unexpected(std::move(eph.error()));
  auto epk = crypto::p384_compressed(*eph);
  if (!epk) return std::unexpected(std::move(epk.error()));
  auto xk = crypto::p384_ecdh(*eph, *pk);
  if (!xk) return std::unexpected(std::move(xk.error()));
  a.epk = std::move(*epk);
  a.xk = std::move(*xk);
  return a;
}

// epk comes from the PASERK: a point that cannot be decoded or that gives a degenerate
// secret is reported as bad_signature (no honest sealer produces it).
Result<Agreement> agree_as_recipient(const SecretKey& sealing_key, ByteView epk) {
  Agreement a;
  a.epk.assign(epk.begin(), epk.end());
  const ByteView sk = sealing_key.bytes().reveal(SecretAccess{});
  if (detail::uses_sodium(sealing_key.version())) {
    auto xsk = crypto::ed25519_sk_to_x25519(sk);
    if (!xsk) return std::unexpected(std::move(xsk.error()));
    auto xpk = crypto::ed25519_pk_to_x25519(sk.subspan(32));
    if (!xpk) return std::unexpected(std::move(xpk.error()));
    auto xk = crypto::x25519(xsk->reveal(SecretAccess{}), epk);
    if (!xk) return fail(Errc::bad_signature, "sealed PASERK with a degenerate ephemeral key");
    a.xk = std::move(*xk);
    a.pk.assign(xpk->begin(), xpk->end());
    return a;
  }
  auto priv = crypto::p384_from_scalar(sealing_key.bytes());
  if (!priv) return std::unexpected(std::move(priv.error()));
  auto pk = crypto::p384_compressed(*priv);
  if (!pk) return std::unexpected(std::move(pk.error()));
  auto peer = crypto::p384_from_compressed(epk);
  if (!peer) return fail(Errc::bad_signature, "sealed PASERK with an invalid ephemeral key");
  auto xk = crypto::p384_ecdh(*priv, *peer);
  if (!xk) return std::unexpected(std::move(xk.error()));
  a.xk = std::move(*xk);
  a.pk = std::move(*pk);
  return a;
}

std::size_t epk_size(Version v) noexcept { return detail::uses_sodium(v) ? 32 : 49; }
std::size_t tag_size(Version v) noexcept { return detail::uses_sodium(v) ? 32 : 48; }

}  // namespace

Result<std::string> seal(const PublicKey& sealing_key, const LocalKey& key) {
  const Version v = key.version();
  if (sealing_key.version() != v) return fail(Errc::wrong_key_type, "sealing key and sealed key of different versions");
  const std::string h = detail::header(v, kType);
  auto a = agree_as_sender(sealing_key);
  if (!a) return std::unexpected(std::move(a.error()));
  auto k = derive(v, h, a->xk.reveal(SecretAccess{}), a->epk, a->pk);
  if (!k) return std::unexpected(std::move(k.error()));
  auto edk = cipher(v, *k, key.bytes().reveal(SecretAccess{}));
  if (!edk) return std::unexpected(std::move(edk.error()));
  auto t = tag(v, k->ak, h, a->epk, *edk);
  if (!t) return std::unexpected(std::move(t.error()));
  std::string out = h;
  detail::append_b64(out, {*t, a->epk, *edk});
  return out;
}

Result<LocalKey> unseal(const SecretKey& sealing_key, std::string_view paserk) {
  const Version v = sealing_key.version();
  auto body = detail::open(paserk, v, kType);
  if (!body) return std::unexpected(std::move(body.error()));
  const std::size_t ts = tag_size(v);
  const std::size_t es = epk_size(v);
  if (body->size() != ts + es + detail::kLocalKeyBytes) return fail(Errc::malformed, "sealed PASERK of the wrong length");
  const ByteView all(*body);
  const ByteView t = all.first(ts);
  const ByteView epk = all.subspan(ts, es);
  const ByteView edk = all.subspan(ts + es);
  const std::string h = detail::header(v, kType);
  auto a = agree_as_recipient(sealing_key, epk);
  if (!a) return std::unexpected(std::move(a.error()));
  auto k = derive(v, h, a->xk.reveal(SecretAccess{}), a->epk, a->pk);
  if (!k) return std::unexpected(std::move(k.error()));
  auto expected = tag(v, k->ak, h, epk, edk);
  if (!expected) return std::unexpected(std::move(expected.error()));
  if (!crypto::constant_time_equal(*expected, t)) return fail(Errc::bad_signature, "sealed PASERK tag mismatch");
  auto ptk = cipher(v, *k, edk);
  if (!ptk) return std::unexpected(std::move(ptk.error()));
  const Wiped<Bytes> plain(std::move(*ptk));
  return LocalKey::from_bytes(v, SecretBytes(ByteView(plain)));
}

}  // namespace tessera::paserk
