// Client ids and keyed secret hashes (client_secret.hpp).
#include "oauth/client_secret.hpp"

#include <cctype>

#include "codec/base64url.hpp"
#include "oauth/random_token.hpp"

namespace tessera::oauth {

bool valid_client_id(std::string_view id) noexcept {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id)
    if (!std::isalnum(c) && c != '.' && c != '_' && c != '~' && c != '-') return false;
  return true;
}

std::string make_client_id(std::string_view name) {
  std::string slug;
  for (unsigned char c : name) {
    if (slug.size() >= 32) break;
    if (std::isalnum(c) && c < 0x80) {
      slug += static_cast<char>(std::tolower(c));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "client";
  return slug + "-" + random_token(6);  // 6 bytes: 8 characters
}

SecretBytes new_client_secret() { return SecretBytes(random_token(32)); }

Result<SecretHasher> SecretHasher::create(const SecretBytes& server_key) {
  if (server_key.size() < 32) return fail(Errc::invalid_argument, "server key: at least 32 bytes");
  auto key = crypto::HmacKey::create(crypto::Hash::sha256, server_key);
  if (!key) return std::unexpected(key.error());
  return SecretHasher(std::move(*key));
}

crypto::Bytes SecretHasher::mac(std::string_view label, std::string_view a, std::string_view b) const {
  crypto::Wiped<std::string> data;
  data.reserve(label.size() + a.size() + b.size());
  data.append(label).append(a).append(b);
  return key_.compute(crypto::as_bytes(data));
}

std::string SecretHasher::hash(std::string_view client_id, std::string_view secret) const {
  return codec::base64url_encode(mac("tessera client secret", client_id, secret));
}

bool SecretHasher::verify(std::string_view client_id, std::string_view secret, std::string_view stored) const {
  if (stored.empty()) return false;
  const auto computed = hash(client_id, secret);
  return crypto::constant_time_equal(crypto::as_bytes(computed), crypto::as_bytes(stored));
}

}  // namespace tessera::oauth
