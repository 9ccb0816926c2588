// PAE, the pre-authentication encoding of the PASETO spec: LE64(count) then, for each piece,
// LE64(length) || piece, where LE64 is little-endian with the top bit cleared. It makes the
// concatenation of the authenticated pieces unambiguous.
#include <array>
#include <cstdint>
#include <string>

#include "paseto/token.hpp"
#include "tessera/paseto.hpp"

namespace tessera::paseto {

namespace detail {
void pae_le64(std::uint64_t n, std::array<std::uint8_t, 8>& out) noexcept {
  n &= 0x7fff'ffff'ffff'ffffULL;
  for (auto& b : out) {
    b = static_cast<std::uint8_t>(n & 0xff);
    n >>= 8;
  }
}
}  // namespace detail

namespace {
void append_le64(std::string& out, std::uint64_t n) {
  std::array<std::uint8_t, 8> le{};
  detail::pae_le64(n, le);
  out.append(reinterpret_cast<const char*>(le.data()), le.size());
}
}  // namespace

std::string pae(std::span<const std::string_view> pieces) {
  std::size_t total = 8;
  for (const auto piece : pieces) total += 8 + piece.size();
  std::string out;
  out.reserve(total);
  append_le64(out, pieces.size());
  for (const auto piece : pieces) {
    append_le64(out, piece.size());
    out.append(piece);
  }
  return out;
}

}  // namespace tessera::paseto
