// libFuzzer target: the hand-written Cookie request header parser (src/session/cookie.cpp).
// Beyond "no crash, no sanitizer report": every accepted pair obeys the grammar the parser
// promises, and printing the pairs back as a="1"; b="2" parses to the same pairs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "tessera/cookie.hpp"

namespace {
bool clean(std::string_view s) {
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == ';' || c == '"' || (c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  auto pairs = tessera::parse_cookie_header(in);
  if (!pairs) return 0;
  std::string again;
  for (const auto& p : *pairs) {
    if (p.name.empty() || !clean(p.name) || p.name.find('=') != std::string::npos || !clean(p.value)) __builtin_trap();
    if (p.name.front() == ' ' || p.name.back() == ' ') __builtin_trap();
    (void)tessera::find_cookie(*pairs, p.name);
    if (!again.empty()) again += "; ";
    again += p.name + "=\"" + p.value + "\"";  // quoted: inner spaces at the ends survive
  }
  if (again.size() <= tessera::kMaxCookieHeaderBytes) {
    auto back = tessera::parse_cookie_header(again);
    if (!back || back->size() != pairs->size()) __builtin_trap();
    for (std::size_t i = 0; i < back->size(); ++i)
      if ((*back)[i].name != (*pairs)[i].name || (*back)[i].value != (*pairs)[i].value) __builtin_trap();
  }
  return 0;
}
