// Device cookies (OWASP "Slow Down Online Guessing Attacks with Device Cookies"): after a
// successful login the client gets a cookie that says "this device has logged in as USER
// before". Login then throttles a client holding a valid device cookie for the username on that
// device's own counter instead of the account's, so strangers' failures cannot lock the real
// user out (AuthService, include/tessera/auth_service.hpp).
//
// Value: "v1." base64url(nonce[16] || issued_at[8, big-endian]) "." base64url(tag[32]), 79
// characters, where tag = HMAC-SHA-256(key, "tessera-device-v1" || 0x00 || payload || username).
// The username is bound by the tag, not carried: a cookie names no account to whoever sees it,
// and a cookie of another user, of another key, tampered, expired (older than max_age), dated in
// the future (beyond 60 s of clock skew), or of any other shape is simply untrusted (verify()
// returns nothing; there is no error to report to a client). Tags are compared in constant time.
// A device is named by its id, base64url(SHA-256("tessera-device-id-v1" || 0x00 || nonce)): the
// throttle key and anything logged use the id, never the cookie value.
// Thread safety: immutable after create(); share freely.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "tessera/error.hpp"
#include "tessera/secret.hpp"

namespace tessera {

inline constexpr std::string_view kDeviceCookieName = "__Host-tessera-device";
inline constexpr std::size_t kDeviceKeyBytes = 32;        // HMAC-SHA-256: at least the hash size
inline constexpr std::size_t kDeviceCookieChars = 79;     // "v1." + 32 + "." + 43
inline constexpr std::int64_t kDeviceCookieMaxAge = 365 * 24 * 60 * 60;  // one year

struct Device {
  std::string id;     // 43 chars of base64url (a hash of the nonce): safe for stores and logs
  std::string nonce;  // the 16 random bytes (re-issuing keeps them, so the device keeps its id)
};

// The device-cookie key as its key file holds it: one line of canonical base64url of
// kDeviceKeyBytes random bytes, newline-terminated. The caller wipes the text when done.
std::string new_device_key_text();
// The key in a key file's text (a trailing newline allowed); invalid_key unless it is exactly
// that. Wipes text before returning.
Result<SecretBytes> parse_device_key_text(std::string& text);

class DeviceCookies {
 public:
  // key: at least kDeviceKeyBytes bytes (invalid_argument otherwise). max_age: seconds a cookie
  // stays trusted after it was issued (> 0).
  static Result<DeviceCookies> create(const SecretBytes& key, std::int64_t max_age = kDeviceCookieMaxAge);

  // A cookie value for a new device (fresh random nonce) that logged in as username at now.
  std::string issue(std::string_view username, std::int64_t now) const;
  // A fresh value for the same device (same nonce, new issued_at).
  std::string reissue(const Device& device, std::string_view username, std::int64_t now) const;
  // The device, if value is a cookie this key issued for exactly this username, not older than
  // max_age and not issued after now (+ 60 s of clock skew); nullopt for anything else.
  std::optional<Device> verify(std::string_view value, std::string_view username, std::int64_t now) const;

  std::int64_t max_age() const noexcept { return max_age_; }

 private:
  struct Impl;
  DeviceCookies(std::shared_ptr<const Impl> impl, std::int64_t max_age) : impl_(std::move(impl)), max_age_(max_age) {}
  std::string make(std::string_view nonce, std::string_view username, std::int64_t now) const;
  std::shared_ptr<const Impl> impl_;
  std::int64_t max_age_;
};

}  // namespace tessera
