// PAE, the pre-authentication encoding of the PASETO spec: LE64(count) then, for each piece,
// LE64(length) || piece, where LE64 is little-endian with the top bit cleared. It makes the
// concatenation of the authenticated pieces unambiguous.
#include <cstdint>
#include <string>

#include "tessera/paseto.hpp"

namespace tessera::paseto {

namespace {
void append_le64(std::string& out, std::uint64_t n) {
  n &= 0x7fff'ffff'ffff'ffffULL;
  for (int i = 0; i < 8; ++i) {
    out.push_back(static_cast<char>(n & 0xff));
    n >>= 8;
  }
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
