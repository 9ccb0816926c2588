// crypto::Wiped, the one wiping buffer of src/ (issue 10): it is its container, wipes before it
// is overwritten, leaves a moved-from source wiped, and wipe() zeroes every byte.
#include <array>
#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include <gtest/gtest.h>

#include "crypto/crypto.hpp"

namespace tessera {
namespace {

using crypto::Bytes;
using crypto::Wiped;

bool all_zero(const std::uint8_t* p, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i)
    if (p[i] != 0) return false;
  return true;
}

TEST(Wiped, IsNotCopyable) {
  static_assert(!std::is_copy_constructible_v<Wiped<Bytes>>);
  static_assert(!std::is_copy_assignable_v<Wiped<std::array<std::uint8_t, 32>>>);
  static_assert(std::is_nothrow_move_constructible_v<Wiped<Bytes>>);
}

TEST(Wiped, WipeZeroesEveryByte) {
  Wiped<std::array<std::uint8_t, 32>> a{};
  a.fill(0xAB);
  a.wipe();
  EXPECT_TRUE(all_zero(a.data(), a.size()));

  Wiped<std::string> s(std::string(40, 'x'));
  s.wipe();
  EXPECT_TRUE(all_zero(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
}

TEST(Wiped, MovedFromArrayIsWiped) {
  Wiped<std::array<std::uint8_t, 16>> a{};
  a.fill(0x5A);
  Wiped<std::array<std::uint8_t, 16>> b(std::move(a));
  EXPECT_EQ(b[0], 0x5A);
  EXPECT_TRUE(all_zero(a.data(), a.size()));  // NOLINT(bugprone-use-after-move): checked on purpose

  Wiped<std::array<std::uint8_t, 16>> c{};
  c = std::move(b);
  EXPECT_EQ(c[15], 0x5A);
  EXPECT_TRUE(all_zero(b.data(), b.size()));  // NOLINT(bugprone-use-after-move)
}

TEST(Wiped, AssignmentWipesTheOldContentsInPlace) {
  Wiped<Bytes> v(Bytes(32, 0xCC));
  const std::uint8_t* old = v.data();
  const std::size_t n = v.size();
  v.wipe();
  EXPECT_TRUE(all_zero(old, n));
  v = Bytes{1, 2, 3};
  EXPECT_EQ(v.size(), 3u);
  EXPECT_EQ(crypto::ByteView(v).size(), 3u);  // usable wherever its container is
}

}  // namespace
}  // namespace tessera
