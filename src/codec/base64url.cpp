// Strict base64url and hex codecs (see base64url.hpp).
#include "codec/base64url.hpp"

#include <array>

namespace tessera::codec {
namespace {

constexpr char kAlphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// Sextet value of each byte, or kBad for bytes outside the alphabet. Errors are OR-ed into
// one accumulator and checked once, so the inner loop has no branch per character.
constexpr std::uint32_t kBad = 0x100;
constexpr std::array<std::uint32_t, 256> make_reverse() {
  std::array<std::uint32_t, 256> t{};
  for (auto& v : t) v = kBad;
  for (std::uint32_t i = 0; i < 64; ++i) t[static_cast<unsigned char>(kAlphabet[i])] = i;
  return t;
}
constexpr auto kReverse = make_reverse();

// Decodes into dst (which has room for the decoded size); false on any invalid input.
bool decode_raw(std::string_view in, std::uint8_t* dst) {
  const std::size_t n = in.size();
  if (n % 4 == 1) return false;
  const auto* s = reinterpret_cast<const unsigned char*>(in.data());
  std::uint32_t bad = 0;
  std::size_t i = 0;
  std::size_t o = 0;
  for (; i + 4 <= n; i += 4) {
    const std::uint32_t a = kReverse[s[i]], b = kReverse[s[i + 1]], c = kReverse[s[i + 2]], d = kReverse[s[i + 3]];
    bad |= a | b | c | d;
    const std::uint32_t v = (a << 18) | (b << 12) | (c << 6) | d;
    dst[o] = std::uint8_t(v >> 16);
    dst[o + 1] = std::uint8_t(v >> 8);
    dst[o + 2] = std::uint8_t(v);
    o += 3;
  }
  const std::size_t rest = n - i;
  if (rest == 2) {
    const std::uint32_t a = kReverse[s[i]], b = kReverse[s[i + 1]];
    if (b & 0x0f) return false;  // stray low bits: a non-canonical encoding
    bad |= a | b;
    dst[o] = std::uint8_t((a << 2) | (b >> 4));
  } else if (rest == 3) {
    const std::uint32_t a = kReverse[s[i]], b = kReverse[s[i + 1]], c = kReverse[s[i + 2]];
    if (c & 0x03) return false;
    bad |= a | b | c;
    dst[o] = std::uint8_t((a << 2) | (b >> 4));
    dst[o + 1] = std::uint8_t(((b & 0x0f) << 4) | (c >> 2));
  }
  return (bad & kBad) == 0;
}

std::size_t decoded_size(std::size_t n) { return n / 4 * 3 + (n % 4 == 0 ? 0 : n % 4 - 1); }

}  // namespace

std::size_t base64url_encoded_size(std::size_t n) noexcept { return n / 3 * 4 + (n % 3 == 0 ? 0 : n % 3 + 1); }

void base64url_encode_append(std::span<const std::uint8_t> data, std::string& out) {
  const std::size_t start = out.size();
  out.resize(start + base64url_encoded_size(data.size()));
  char* p = out.data() + start;
  std::size_t i = 0;
  const std::size_t n = data.size();
  for (; i + 3 <= n; i += 3) {
    const std::uint32_t v = (std::uint32_t(data[i]) << 16) | (std::uint32_t(data[i + 1]) << 8) | data[i + 2];
    *p++ = kAlphabet[(v >> 18) & 63];
    *p++ = kAlphabet[(v >> 12) & 63];
    *p++ = kAlphabet[(v >> 6) & 63];
    *p++ = kAlphabet[v & 63];
  }
  if (n - i == 1) {
    const std::uint32_t v = std::uint32_t(data[i]) << 16;
    *p++ = kAlphabet[(v >> 18) & 63];
    *p++ = kAlphabet[(v >> 12) & 63];
  } else if (n - i == 2) {
    const std::uint32_t v = (std::uint32_t(data[i]) << 16) | (std::uint32_t(data[i + 1]) << 8);
    *p++ = kAlphabet[(v >> 18) & 63];
    *p++ = kAlphabet[(v >> 12) & 63];
    *p++ = kAlphabet[(v >> 6) & 63];
  }
}

std::string base64url_encode(std::span<const std::uint8_t> data) {
  std::string out;
  base64url_encode_append(data, out);
  return out;
}

std::string base64url_encode(std::string_view data) {
  return base64url_encode({reinterpret_cast<const std::uint8_t*>(data.data()), data.size()});
}

bool base64url_decode_into(std::string_view text, std::string& out) {
  if (text.size() % 4 == 1) return false;
  out.resize(decoded_size(text.size()));
  return decode_raw(text, reinterpret_cast<std::uint8_t*>(out.data()));
}

Result<std::vector<std::uint8_t>> base64url_decode(std::string_view text) {
  if (text.size() % 4 == 1) return fail(Errc::malformed, "base64url: impossible length");
  std::vector<std::uint8_t> out(decoded_size(text.size()));
  if (!decode_raw(text, out.data())) return fail(Errc::malformed, "base64url: invalid encoding");
  return out;
}

Result<std::string> base64url_decode_string(std::string_view text) {
  std::string out;
  if (!base64url_decode_into(text, out)) return fail(Errc::malformed, "base64url: invalid encoding");
  return out;
}

std::string hex_encode(std::span<const std::uint8_t> data) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(data.size() * 2);
  for (auto b : data) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 15]);
  }
  return out;
}

Result<std::vector<std::uint8_t>> hex_decode(std::string_view text) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  if (text.size() % 2 != 0) return fail(Errc::malformed, "hex: odd length");
  std::vector<std::uint8_t> out(text.size() / 2);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(text[2 * i]), lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return fail(Errc::malformed, "hex: invalid character");
    out[i] = std::uint8_t((hi << 4) | lo);
  }
  return out;
}

}  // namespace tessera::codec
