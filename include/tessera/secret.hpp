// SecretBytes: key material that wipes itself on destruction and never prints.
// Reading the bytes needs an explicit SecretAccess token, so every read is greppable
// (the shape of Tink's RestrictedData / InsecureSecretKeyAccess).
// Thread safety: immutable after construction; safe to share const.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace tessera {

// Passed to SecretBytes::reveal(); grep for "SecretAccess{}" to audit every read.
struct SecretAccess {
  explicit SecretAccess() = default;
};

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::span<const std::uint8_t> bytes);
  explicit SecretBytes(std::string_view bytes);
  SecretBytes(const SecretBytes& other);
  SecretBytes& operator=(const SecretBytes& other);
  SecretBytes(SecretBytes&& other) noexcept;
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  ~SecretBytes();

  std::size_t size() const noexcept { return bytes_.size(); }
  bool empty() const noexcept { return bytes_.empty(); }
  std::span<const std::uint8_t> reveal(SecretAccess) const noexcept { return bytes_; }

  // Constant-time comparison of contents (lengths are not secret).
  bool equals(const SecretBytes& other) const noexcept;

 private:
  void wipe() noexcept;
  std::vector<std::uint8_t> bytes_;
};

}  // namespace tessera
