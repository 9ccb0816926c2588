// Randomness (libsodium CSPRNG), constant-time comparison and memory wiping.
#include <sodium.h>

#include <cstdlib>

#include "crypto/crypto.hpp"
#include "crypto/pkey_impl.hpp"

namespace tessera::crypto {

namespace detail {
// sodium_init() is itself idempotent and thread-safe; the static makes the common path free.
// A failure means no usable entropy source: continuing would be worse than stopping.
void ensure_sodium() noexcept {
  static const bool ok = sodium_init() >= 0;
  if (!ok) std::abort();
}
}  // namespace detail

void random_bytes(std::span<std::uint8_t> out) noexcept {
  detail::ensure_sodium();
  if (!out.empty()) randombytes_buf(out.data(), out.size());
}

Bytes random_bytes(std::size_t n) {
  Bytes b(n);
  random_bytes(std::span<std::uint8_t>(b));
  return b;
}

bool constant_time_equal(ByteView a, ByteView b) noexcept {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

void secure_zero(void* p, std::size_t n) noexcept {
  if (p != nullptr && n != 0) sodium_memzero(p, n);
}

}  // namespace tessera::crypto

namespace tessera {

void wipe_memory(void* p, std::size_t n) noexcept { crypto::secure_zero(p, n); }

}  // namespace tessera
