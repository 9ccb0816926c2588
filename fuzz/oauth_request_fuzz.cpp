// libFuzzer target: reading an OAuth request of `tessera serve` (server/oauth_request.cpp): the
// input as a token form body / authorization query (parse_form_params), as the credentials of an
// `Authorization: Basic` header (parse_basic_credentials: strict base64, then form-decoding of
// both halves) and as an `Authorization: Bearer` header. Checked: no crash or sanitizer report;
// a Basic header either decodes to a non-empty id or says malformed with nothing decoded; a
// bearer token is exactly the header's rest; re-encoding a decoded form gives the same pairs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/oauth_request.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace tessera::server;
  const std::string_view in(reinterpret_cast<const char*>(data), size);

  if (auto form = parse_form_params(in)) {
    std::string again;
    for (const auto& [k, v] : *form) {
      if (!again.empty()) again += '&';
      again += percent_encode(k) + "=" + percent_encode(v);
    }
    auto back = parse_form_params(again);
    if (!back || *back != *form) __builtin_trap();
  }

  const std::string basic = "Basic " + std::string(in);
  const BasicCredentials c = parse_basic_credentials(basic);
  if (!c.present) __builtin_trap();
  if (c.malformed ? !(c.id.empty() && c.secret.empty()) : c.id.empty()) __builtin_trap();

  const std::string bearer = "Bearer " + std::string(in);
  if (auto t = parse_bearer_token(bearer)) {
    if (t->empty() || bearer.find(*t) == std::string::npos) __builtin_trap();
  }
  return 0;
}
