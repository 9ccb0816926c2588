// PASETO v4: v4.local (XChaCha20 with BLAKE2b-derived keys, BLAKE2b-MAC over PAE) and
// v4.public (Ed25519 over PAE). Keys and headers are already checked by token.cpp.
#include <array>

#include "crypto/crypto.hpp"
#include "crypto/sym.hpp"
#include "paseto/token.hpp"

namespace tessera::paseto::detail {

namespace {

constexpr std::string_view kEncryptionKeyInfo = "paseto-encryption-key";
constexpr std::string_view kAuthKeyInfo = "paseto-auth-key-for-aead";
constexpr std::size_t kNonceBytes = 32;
constexpr std::size_t kTagBytes = 32;

// Ek || n2 (32 + 24 bytes) and Ak (32 bytes), derived from the key and the nonce.
struct Keys {
  WipedArray<56> enc{};  // Ek = enc[0:32], n2 = enc[32:56]
  WipedArray<32> auth{};
};

Result<void> derive(const KeyData& k, crypto::ByteView nonce, Keys& out) {
  const crypto::ByteView key = k.material.reveal(SecretAccess{});
  const std::array<crypto::ByteView, 2> enc_parts{crypto::as_bytes(kEncryptionKeyInfo), nonce};
  const std::array<crypto::ByteView, 2> auth_parts{crypto::as_bytes(kAuthKeyInfo), nonce};
  if (auto r = crypto::blake2b(out.enc, key, enc_parts); !r) return r;
  return crypto::blake2b(out.auth, key, auth_parts);
}

// BLAKE2b-MAC over PAE(h, n, c, f, i), streamed: the length prefixes go in as their own parts,
// so the ciphertext is never copied into a PAE buffer.
Result<std::array<std::uint8_t, kTagBytes>> tag(const Keys& keys, std::string_view h, crypto::ByteView n,
                                                crypto::ByteView c, std::string_view f, std::string_view i) {
  const std::array<crypto::ByteView, 5> pieces{crypto::as_bytes(h), n, c, crypto::as_bytes(f), crypto::as_bytes(i)};
  std::array<std::array<std::uint8_t, 8>, 6> lengths{};
  std::array<crypto::ByteView, 11> parts{};
  pae_le64(pieces.size(), lengths[0]);
  parts[0] = lengths[0];
  for (std::size_t k = 0; k < pieces.size(); ++k) {
    pae_le64(pieces[k].size(), lengths[k + 1]);
    parts[2 * k + 1] = lengths[k + 1];
    parts[2 * k + 2] = pieces[k];
  }
  std::array<std::uint8_t, kTagBytes> t{};
  if (auto r = crypto::blake2b(t, keys.auth, parts); !r) return std::unexpected(r.error());
  return t;
}

}  // namespace

Result<std::string> v4_encrypt(const KeyData& k, std::string_view m, std::string_view f, std::string_view i,
                               crypto::ByteView nonce) {
  if (nonce.size() != kNonceBytes) return fail(Errc::invalid_argument, "v4 nonce is 32 bytes");
  Keys keys;
  if (auto r = derive(k, nonce, keys); !r) return std::unexpected(r.error());
  const crypto::ByteView enc = keys.enc;
  auto c = crypto::xchacha20_xor(crypto::as_bytes(m), enc.subspan(32, 24), enc.first(32));
  if (!c) return std::unexpected(c.error());
  const std::string h = header(Version::v4, Purpose::local);
  auto t = tag(keys, h, nonce, *c, f, i);
  if (!t) return std::unexpected(t.error());
  return build_token(h, {nonce, *c, *t}, f);
}

Result<std::string> v4_decrypt(const KeyData& k, const ParsedToken& tok, std::string_view i) {
  const crypto::ByteView body = crypto::as_bytes(tok.body);
  if (body.size() < kNonceBytes + kTagBytes) return fail(Errc::malformed, "v4.local payload too short");
  const crypto::ByteView n = body.first(kNonceBytes);
  const crypto::ByteView c = body.subspan(kNonceBytes, body.size() - kNonceBytes - kTagBytes);
  const crypto::ByteView t = body.last(kTagBytes);
  Keys keys;
  if (auto r = derive(k, n, keys); !r) return std::unexpected(r.error());
  auto expected = tag(keys, tok.header, n, c, tok.footer, i);
  if (!expected) return std::unexpected(expected.error());
  if (!crypto::constant_time_equal(*expected, t)) return fail(Errc::bad_signature, "v4.local tag mismatch");
  const crypto::ByteView enc = keys.enc;
  std::string m(c.size(), '\0');
  auto* out = reinterpret_cast<std::uint8_t*>(m.data());
  if (auto r = crypto::xchacha20_xor(c, enc.subspan(32, 24), enc.first(32), {out, m.size()}); !r)
    return std::unexpected(r.error());
  return m;
}

Result<std::string> v4_sign(const KeyData& k, std::string_view m, std::string_view f, std::string_view i) {
  const std::string h = header(Version::v4, Purpose::public_);
  const std::array<std::string_view, 4> pieces{h, m, f, i};
  auto sig = crypto::ed25519_sign(k.material.reveal(SecretAccess{}), crypto::as_bytes(pae(pieces)));
  if (!sig) return std::unexpected(sig.error());
  return build_token(h, {crypto::as_bytes(m), *sig}, f);
}

Result<std::string> v4_verify(const KeyData& k, const ParsedToken& tok, std::string_view i) {
  const std::string_view body = tok.body;
  if (body.size() < kEd25519SigBytes) return fail(Errc::malformed, "v4.public payload too short");
  const std::string_view m = body.substr(0, body.size() - kEd25519SigBytes);
  const std::string_view sig = body.substr(body.size() - kEd25519SigBytes);
  const std::array<std::string_view, 4> pieces{tok.header, m, tok.footer, i};
  if (auto r = crypto::ed25519_verify(crypto::as_bytes(k.public_bytes), crypto::as_bytes(pae(pieces)),
                                      crypto::as_bytes(sig));
      !r)
    return std::unexpected(r.error());
  return std::string(m);
}

}  // namespace tessera::paseto::detail
