// libFuzzer target: the request body parsers of `tessera serve` (server/request_body.cpp), as
// POST /login calls them. Built twice: TESSERA_FUZZ_FORM=0 feeds application/json (strict JSON
// object, bounded size and depth), TESSERA_FUZZ_FORM=1 application/x-www-form-urlencoded.
// Accepted bodies give exactly the fields asked for (possibly empty strings); refusals are 400
// malformed, never 415.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "server/request_body.hpp"

#ifndef TESSERA_FUZZ_FORM
#define TESSERA_FUZZ_FORM 0
#endif

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  const std::vector<std::string_view> names{"username", "password"};
  const std::string_view type = TESSERA_FUZZ_FORM ? "application/x-www-form-urlencoded" : "application/json";
  auto r = tessera::server::parse_body_fields(type, body, names, true, 64 * 1024);
  if (r) {
    if (r->size() != names.size()) __builtin_trap();
  } else if (r.error().unsupported_media_type || r.error().why.empty()) {
    __builtin_trap();
  }
  return 0;
}
