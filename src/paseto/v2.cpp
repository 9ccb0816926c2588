// PASETO v2 (legacy): v2.local (XChaCha20-Poly1305 with a nonce derived from the message by
// BLAKE2b, AAD = PAE(h, n, f)) and v2.public (Ed25519 over PAE(h, m, f)). No implicit
// assertions. Keys and headers are already checked by token.cpp.
#include <array>

#include "crypto/crypto.hpp"
#include "crypto/sym.hpp"
#include "paseto/token.hpp"

namespace tessera::paseto::detail {

namespace {
constexpr std::size_t kNonceBytes = 24;
}

Result<std::string> v2_encrypt(const KeyData& k, std::string_view m, std::string_view f, crypto::ByteView nonce) {
  if (nonce.size() != kNonceBytes) return fail(Errc::invalid_argument, "v2 nonce input is 24 bytes");
  // n = BLAKE2b-192 keyed with the random bytes over the message (misuse resistance).
  std::array<std::uint8_t, kNonceBytes> n{};
  const std::array<crypto::ByteView, 1> parts{crypto::as_bytes(m)};
  if (auto r = crypto::blake2b(n, nonce, parts); !r) return std::unexpected(r.error());
  const std::string h = header(Version::v2, Purpose::local);
  const std::array<std::string_view, 3> pieces{h, crypto::as_chars(n), f};
  auto c = crypto::xchacha20poly1305_encrypt(crypto::as_bytes(m), crypto::as_bytes(pae(pieces)), n,
                                             k.material.reveal(SecretAccess{}));
  if (!c) return std::unexpected(c.error());
  return build_token(h, {n, *c}, f);
}

Result<std::string> v2_decrypt(const KeyData& k, const ParsedToken& tok) {
  const crypto::ByteView body = crypto::as_bytes(tok.body);
  if (body.size() < kV2LocalOverhead) return fail(Errc::malformed, "v2.local payload too short");
  const crypto::ByteView n = body.first(kNonceBytes);
  const crypto::ByteView c = body.subspan(kNonceBytes);
  const std::array<std::string_view, 3> pieces{tok.header, crypto::as_chars(n), tok.footer};
  // The AEAD checks the Poly1305 tag before releasing any plaintext.
  auto m = crypto::xchacha20poly1305_decrypt(c, crypto::as_bytes(pae(pieces)), n, k.material.reveal(SecretAccess{}));
  if (!m) return std::unexpected(m.error());
  return std::string(crypto::as_chars(*m));
}

Result<std::string> v2_sign(const KeyData& k, std::string_view m, std::string_view f) {
  const std::string h = header(Version::v2, Purpose::public_);
  const std::array<std::string_view, 3> pieces{h, m, f};
  auto sig = crypto::ed25519_sign(k.material.reveal(SecretAccess{}), crypto::as_bytes(pae(pieces)));
  if (!sig) return std::unexpected(sig.error());
  return build_token(h, {crypto::as_bytes(m), *sig}, f);
}

Result<std::string> v2_verify(const KeyData& k, const ParsedToken& tok) {
  const std::string_view body = tok.body;
  if (body.size() < kEd25519SigBytes) return fail(Errc::malformed, "v2.public payload too short");
  const std::string_view m = body.substr(0, body.size() - kEd25519SigBytes);
  const std::string_view sig = body.substr(body.size() - kEd25519SigBytes);
  const std::array<std::string_view, 3> pieces{tok.header, m, tok.footer};
  if (auto r = crypto::ed25519_verify(crypto::as_bytes(k.public_bytes), crypto::as_bytes(pae(pieces)),
                                      crypto::as_bytes(sig));
      !r)
    return std::unexpected(r.error());
  return std::string(m);
}

}  // namespace tessera::paseto::detail
