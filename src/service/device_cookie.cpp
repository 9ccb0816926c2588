// Device cookies (include/tessera/device_cookie.hpp): issue and strict verification.
// Parsing is all-or-nothing on a fixed layout: exact length, exact "v1." prefix and separator,
// canonical base64url of exactly 24 and 32 bytes. The tag is checked (constant time) before the
// issued_at it covers is read.
#include "tessera/device_cookie.hpp"

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"

namespace tessera {
namespace {

constexpr std::string_view kPrefix = "v1.";
constexpr std::string_view kLabel = "tessera-device-v1";
constexpr std::string_view kIdLabel = "tessera-device-id-v1";
constexpr std::size_t kNonceBytes = 16;
constexpr std::size_t kPayloadBytes = kNonceBytes + 8;
constexpr std::size_t kPayloadChars = 32;  // base64url of 24 bytes
constexpr std::size_t kTagBytes = 32;
constexpr std::size_t kTagChars = 43;      // base64url of 32 bytes, unpadded
// Instances behind one store may disagree on the time by a little: a cookie dated up to this
// far in the future is still trusted.
constexpr std::int64_t kClockLeeway = 60;
static_assert(kPrefix.size() + kPayloadChars + 1 + kTagChars == kDeviceCookieChars);

std::string mac_input(std::string_view payload, std::string_view username) {
  std::string msg;
  msg.reserve(kLabel.size() + 1 + payload.size() + username.size());
  msg.append(kLabel).push_back('\0');
  msg.append(payload).append(username);
  return msg;
}

std::string device_id(std::string_view nonce) {
  std::string msg(kIdLabel);
  msg.push_back('\0');
  msg.append(nonce);
  return codec::base64url_encode(crypto::sha256(crypto::as_bytes(msg)));
}

}  // namespace

struct DeviceCookies::Impl {
  crypto::HmacKey mac;
};

Result<DeviceCookies> DeviceCookies::create(const SecretBytes& key, std::int64_t max_age) {
  if (key.size() < kDeviceKeyBytes)
    return fail(Errc::invalid_argument, "device cookie key must be at least 32 bytes");
  if (max_age <= 0) return fail(Errc::invalid_argument, "device cookie max_age must be positive");
  auto mac = crypto::HmacKey::create(crypto::Hash::sha256, key);
  if (!mac) return std::unexpected(mac.error());
  return DeviceCookies(std::make_shared<const Impl>(Impl{std::move(*mac)}), max_age);
}

std::string DeviceCookies::make(std::string_view nonce, std::string_view username, std::int64_t now) const {
  std::string payload(nonce);
  const auto iat = static_cast<std::uint64_t>(now);
  for (int shift = 56; shift >= 0; shift -= 8) payload.push_back(static_cast<char>((iat >> shift) & 0xff));
  std::array<std::uint8_t, kTagBytes> tag{};
  impl_->mac.compute(crypto::as_bytes(mac_input(payload, username)), tag);
  std::string out(kPrefix);
  codec::base64url_encode_append(crypto::as_bytes(payload), out);
  out.push_back('.');
  codec::base64url_encode_append(tag, out);
  return out;
}

std::string DeviceCookies::issue(std::string_view username, std::int64_t now) const {
  std::array<std::uint8_t, kNonceBytes> nonce{};
  crypto::random_bytes(nonce);
  return make(crypto::as_chars(nonce), username, now);
}

std::string DeviceCookies::reissue(const Device& device, std::string_view username, std::int64_t now) const {
  if (device.nonce.size() != kNonceBytes) return issue(username, now);
  return make(device.nonce, username, now);
}

std::optional<Device> DeviceCookies::verify(std::string_view value, std::string_view username,
                                            std::int64_t now) const {
  if (value.size() != kDeviceCookieChars || !value.starts_with(kPrefix)) return std::nullopt;
  const std::string_view payload_text = value.substr(kPrefix.size(), kPayloadChars);
  if (value[kPrefix.size() + kPayloadChars] != '.') return std::nullopt;
  const std::string_view tag_text = value.substr(kPrefix.size() + kPayloadChars + 1);
  std::string payload;
  std::string tag;
  if (!codec::base64url_decode_into(payload_text, payload) || payload.size() != kPayloadBytes) return std::nullopt;
  if (!codec::base64url_decode_into(tag_text, tag) || tag.size() != kTagBytes) return std::nullopt;
  if (!impl_->mac.verify(crypto::as_bytes(mac_input(payload, username)), crypto::as_bytes(tag))) return std::nullopt;
  std::uint64_t iat = 0;
  for (std::size_t i = kNonceBytes; i < kPayloadBytes; ++i) iat = (iat << 8) | static_cast<std::uint8_t>(payload[i]);
  if (iat > static_cast<std::uint64_t>(INT64_MAX)) return std::nullopt;
  const auto issued_at = static_cast<std::int64_t>(iat);
  if (issued_at > now + kClockLeeway || now - issued_at >= max_age_) return std::nullopt;
  std::string nonce = payload.substr(0, kNonceBytes);
  return Device{device_id(nonce), std::move(nonce)};
}

std::string new_device_key_text() {
  auto raw = crypto::random_bytes(kDeviceKeyBytes);
  std::string text = codec::base64url_encode(raw) + '\n';
  crypto::secure_zero(raw.data(), raw.size());
  return text;
}

Result<SecretBytes> parse_device_key_text(std::string& text) {
  std::string_view line(text);
  if (line.ends_with('\n')) line.remove_suffix(1);
  std::string bytes;
  const bool ok = codec::base64url_decode_into(line, bytes) && bytes.size() == kDeviceKeyBytes;
  SecretBytes key{std::string_view(bytes)};
  crypto::secure_zero(bytes.data(), bytes.size());
  crypto::secure_zero(text.data(), text.size());
  if (!ok) return fail(Errc::invalid_key, "not one line of base64url of 32 bytes");
  return key;
}

}  // namespace tessera
