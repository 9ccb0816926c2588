// SecretBytes: key material that is wiped (sodium_memzero) whenever it is destroyed or
// overwritten, and compared in constant time.
#include "tessera/secret.hpp"

#include <sodium.h>

#include <utility>

namespace tessera {

SecretBytes::SecretBytes(std::span<const std::uint8_t> bytes) : bytes_(bytes.begin(), bytes.end()) {}

SecretBytes::SecretBytes(std::string_view bytes)
    : bytes_(reinterpret_cast<const std::uint8_t*>(bytes.data()),
             reinterpret_cast<const std::uint8_t*>(bytes.data()) + bytes.size()) {}

SecretBytes::SecretBytes(const SecretBytes& other) : bytes_(other.bytes_) {}

SecretBytes& SecretBytes::operator=(const SecretBytes& other) {
  if (this != &other) {
    wipe();
    bytes_ = other.bytes_;
  }
  return *this;
}

// The moved-from vector's buffer travels with the move, so nothing is left behind to wipe.
SecretBytes::SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) {
  other.bytes_.clear();
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    wipe();
    bytes_ = std::move(other.bytes_);
    other.bytes_.clear();
  }
  return *this;
}

SecretBytes::~SecretBytes() { wipe(); }

bool SecretBytes::equals(const SecretBytes& other) const noexcept {
  if (bytes_.size() != other.bytes_.size()) return false;
  if (bytes_.empty()) return true;
  return sodium_memcmp(bytes_.data(), other.bytes_.data(), bytes_.size()) == 0;
}

// Zeroes the whole allocation (capacity, not just size), then releases it.
void SecretBytes::wipe() noexcept {
  if (bytes_.capacity() != 0) sodium_memzero(bytes_.data(), bytes_.capacity());
  bytes_.clear();
  bytes_.shrink_to_fit();
}

}  // namespace tessera
