// DPoP server nonces from a shared secret and a time step (tessera/dpop.hpp).
#include <array>
#include <string>

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"
#include "tessera/dpop.hpp"

namespace tessera {

namespace {
constexpr std::string_view kLabel = "tessera dpop nonce";
constexpr std::string_view kDeriveLabel = "tessera dpop nonce key";
constexpr std::size_t kNonceBytes = 16;  // 128 bits: 22 base64url characters

std::int64_t step_of(std::int64_t now, std::int64_t step_seconds) noexcept {
  auto q = now / step_seconds;
  if (now % step_seconds < 0) --q;  // floor for times before the epoch
  return q;
}
}  // namespace

Result<DpopNonces> DpopNonces::create(SecretBytes secret, std::int64_t step_seconds) {
  if (secret.size() < kMinSecretBytes) return fail(Errc::key_too_short, "DPoP nonce secret under 32 bytes");
  if (step_seconds < 1) return fail(Errc::invalid_argument, "DPoP nonce step under 1 second");
  return DpopNonces(std::move(secret), step_seconds);
}

Result<DpopNonces> DpopNonces::derive(const SecretBytes& server_key, std::int64_t step_seconds) {
  if (server_key.size() < kMinSecretBytes) return fail(Errc::key_too_short, "DPoP nonce server key under 32 bytes");
  auto secret = crypto::hmac_once(crypto::Hash::sha256, server_key, crypto::as_bytes(kDeriveLabel));
  if (!secret) return std::unexpected(std::move(secret.error()));
  return create(SecretBytes(std::span<const std::uint8_t>(secret->data(), secret->size())), step_seconds);
}

std::string DpopNonces::for_step(std::int64_t step) const {
  std::string data(kLabel);
  const auto u = static_cast<std::uint64_t>(step);
  for (int shift = 56; shift >= 0; shift -= 8) data.push_back(static_cast<char>((u >> shift) & 0xff));
  auto mac = crypto::hmac_once(crypto::Hash::sha256, secret_, crypto::as_bytes(data));
  if (!mac) return {};  // unreachable: create() checked the key; an empty nonce is never accepted
  return codec::base64url_encode(std::span<const std::uint8_t>(mac->data(), kNonceBytes));
}

std::string DpopNonces::current(std::int64_t now) const { return for_step(step_of(now, step_seconds_)); }

bool DpopNonces::accepts(std::string_view nonce, std::int64_t now) const {
  const auto step = step_of(now, step_seconds_);
  for (const auto s : {step, step - 1}) {
    const auto expected = for_step(s);
    if (!expected.empty() && crypto::constant_time_equal(crypto::as_bytes(expected), crypto::as_bytes(nonce)))
      return true;
  }
  return false;
}

}  // namespace tessera
