// Wiped<C>: the one wiping buffer type of Tessera (for the library and its front ends alike).
// Thread safety: like the container it wraps.
#pragma once

#include <cstddef>
#include <utility>

namespace tessera {

// Zeroes n bytes at p in a way the compiler cannot drop (libsodium's sodium_memzero).
void wipe_memory(void* p, std::size_t n) noexcept;

// Wiped<C>: THE wiping buffer for transient secrets (derived keys, decoded key bytes, typed
// passwords); SecretBytes holds long-lived ones. It is the container C (std::array, std::vector,
// std::string of bytes) and zeroes its contents whenever it goes: on destruction and before an
// assignment. Not copyable (a copy is one more place to wipe); a move leaves the source wiped
// or empty.
template <class C>
class Wiped : public C {
 public:
  using C::C;
  Wiped() = default;
  explicit Wiped(C&& c) noexcept : C(std::move(c)) {}
  Wiped(const Wiped&) = delete;
  Wiped& operator=(const Wiped&) = delete;
  Wiped(Wiped&& other) noexcept : C(std::move(static_cast<C&>(other))) { other.wipe(); }
  Wiped& operator=(Wiped&& other) noexcept {
    if (this != &other) {
      *this = std::move(static_cast<C&>(other));
      other.wipe();
    }
    return *this;
  }
  Wiped& operator=(C&& c) noexcept {
    wipe();
    C::operator=(std::move(c));
    return *this;
  }
  ~Wiped() { wipe(); }
  void wipe() noexcept {
    if (!this->empty()) wipe_memory(this->data(), this->size() * sizeof(*this->data()));
  }
};

}  // namespace tessera
