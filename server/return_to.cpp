// return_to checks (server/return_to.hpp).
#include "server/return_to.hpp"

namespace tessera::server {

bool is_local_return_to(std::string_view r) noexcept {
  if (r.empty() || r.size() > kMaxReturnTo || r.front() != '/') return false;
  if (r.size() > 1 && (r[1] == '/' || r[1] == '\\')) return false;
  for (const char c : r) {
    const auto u = static_cast<unsigned char>(c);
    // Browsers drop tabs and newlines from URLs and read "\" as "/": none may appear.
    if (u <= 0x20 || u >= 0x7f || c == '\\') return false;
  }
  return true;
}

std::string safe_return_to(std::string_view r) { return is_local_return_to(r) ? std::string(r) : std::string("/"); }

}  // namespace tessera::server
