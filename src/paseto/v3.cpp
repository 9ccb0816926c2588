// PASETO v3: v3.local (AES-256-CTR with HKDF-SHA384-derived keys, HMAC-SHA384 over PAE) and
// v3.public (ECDSA P-384 with SHA-384, raw r||s, over PAE with the compressed public key first).
// Keys and headers are already checked by token.cpp.
#include <algorithm>
#include <array>

#include "crypto/crypto.hpp"
#include "crypto/sym.hpp"
#include "paseto/token.hpp"

namespace tessera::paseto::detail {

namespace {

constexpr std::string_view kEncryptionKeyInfo = "paseto-encryption-key";
constexpr std::string_view kAuthKeyInfo = "paseto-auth-key-for-aead";
constexpr std::size_t kNonceBytes = 32;
constexpr std::size_t kTagBytes = 48;

struct Keys {
  WipedArray<48> enc{};  // Ek = enc[0:32], n2 = enc[32:48]
  WipedArray<48> auth{};
};

Result<void> derive(const KeyData& k, crypto::ByteView nonce, Keys& out) {
  const crypto::ByteView key = k.material.reveal(SecretAccess{});
  std::array<std::uint8_t, 24 + kNonceBytes> info{};  // the longer prefix plus the nonce
  auto info_for = [&](std::string_view prefix) {
    std::copy(prefix.begin(), prefix.end(), info.begin());
    std::copy(nonce.begin(), nonce.end(), info.begin() + static_cast<std::ptrdiff_t>(prefix.size()));
    return crypto::ByteView(info.data(), prefix.size() + nonce.size());
  };
  if (auto r = crypto::hkdf_sha384(out.enc, key, {}, info_for(kEncryptionKeyInfo)); !r) return r;
  return crypto::hkdf_sha384(out.auth, key, {}, info_for(kAuthKeyInfo));
}

Result<std::array<std::uint8_t, kTagBytes>> tag(const Keys& keys, std::string_view h, crypto::ByteView n,
                                                crypto::ByteView c, std::string_view f, std::string_view i) {
  const std::array<std::string_view, 5> pieces{h, crypto::as_chars(n), crypto::as_chars(c), f, i};
  return crypto::hmac_sha384(keys.auth, crypto::as_bytes(pae(pieces)));
}

}  // namespace

Result<std::string> v3_encrypt(const KeyData& k, std::string_view m, std::string_view f, std::string_view i,
                               crypto::ByteView nonce) {
  if (nonce.size() != kNonceBytes) return fail(Errc::invalid_argument, "v3 nonce is 32 bytes");
  Keys keys;
  if (auto r = derive(k, nonce, keys); !r) return std::unexpected(r.error());
  const crypto::ByteView enc = keys.enc;
  auto c = crypto::aes256_ctr_xor(crypto::as_bytes(m), enc.first(32), enc.subspan(32, 16));
  if (!c) return std::unexpected(c.error());
  const std::string h = header(Version::v3, Purpose::local);
  auto t = tag(keys, h, nonce, *c, f, i);
  if (!t) return std::unexpected(t.error());
  return build_token(h, {nonce, *c, *t}, f);
}

Result<std::string> v3_decrypt(const KeyData& k, const ParsedToken& tok, std::string_view i) {
  const crypto::ByteView body = crypto::as_bytes(tok.body);
  if (body.size() < kNonceBytes + kTagBytes) return fail(Errc::malformed, "v3.local payload too short");
  const crypto::ByteView n = body.first(kNonceBytes);
  const crypto::ByteView c = body.subspan(kNonceBytes, body.size() - kNonceBytes - kTagBytes);
  const crypto::ByteView t = body.last(kTagBytes);
  Keys keys;
  if (auto r = derive(k, n, keys); !r) return std::unexpected(r.error());
  auto expected = tag(keys, tok.header, n, c, tok.footer, i);
  if (!expected) return std::unexpected(expected.error());
  if (!crypto::constant_time_equal(*expected, t)) return fail(Errc::bad_signature, "v3.local tag mismatch");
  const crypto::ByteView enc = keys.enc;
  auto m = crypto::aes256_ctr_xor(c, enc.first(32), enc.subspan(32, 16));
  if (!m) return std::unexpected(m.error());
  return std::string(crypto::as_chars(*m));
}

Result<std::string> v3_sign(const KeyData& k, std::string_view m, std::string_view f, std::string_view i) {
  if (!k.signer) return fail(Errc::internal, "v3 secret key without a signer");
  const std::string h = header(Version::v3, Purpose::public_);
  const std::array<std::string_view, 5> pieces{k.public_bytes, h, m, f, i};
  auto sig = k.signer->sign(crypto::as_bytes(pae(pieces)));
  if (!sig) return std::unexpected(sig.error());
  if (sig->size() != kV3SigBytes) return fail(Errc::internal, "unexpected ECDSA signature size");
  return build_token(h, {crypto::as_bytes(m), *sig}, f);
}

Result<std::string> v3_verify(const KeyData& k, const ParsedToken& tok, std::string_view i) {
  if (!k.verifier) return fail(Errc::internal, "v3 public key without a verifier");
  const std::string_view body = tok.body;
  if (body.size() < kV3SigBytes) return fail(Errc::malformed, "v3.public payload too short");
  const std::string_view m = body.substr(0, body.size() - kV3SigBytes);
  const std::string_view sig = body.substr(body.size() - kV3SigBytes);
  const std::array<std::string_view, 5> pieces{k.public_bytes, tok.header, m, tok.footer, i};
  if (auto r = k.verifier->verify(crypto::as_bytes(pae(pieces)), crypto::as_bytes(sig)); !r)
    return std::unexpected(r.error());
  return std::string(m);
}

}  // namespace tessera::paseto::detail
