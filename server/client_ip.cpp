// normalize_ip (server/client_ip.hpp), on inet_pton / inet_ntop: glibc's inet_ntop writes the
// RFC 5952 form (lower case, longest zero run of at least two groups compressed).
#include "server/client_ip.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace tessera::server {

std::optional<std::string> normalize_ip(std::string_view text) {
  // A zone id ends the address: "fe80::1%eth0" (and "%25eth0" as URIs spell it).
  if (const auto pct = text.find('%'); pct != std::string_view::npos) {
    text = text.substr(0, pct);
    if (text.find(':') == std::string_view::npos) return std::nullopt;  // zones are IPv6 only
  }
  if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
  const std::string s(text);
  std::array<char, INET6_ADDRSTRLEN> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    if (inet_ntop(AF_INET, &v4, out.data(), out.size()) == nullptr) return std::nullopt;
    return std::string(out.data());
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) != 1) return std::nullopt;
  if (IN6_IS_ADDR_V4MAPPED(&v6)) {
    std::memcpy(&v4, &v6.s6_addr[12], sizeof v4);
    if (inet_ntop(AF_INET, &v4, out.data(), out.size()) == nullptr) return std::nullopt;
    return std::string(out.data());
  }
  if (inet_ntop(AF_INET6, &v6, out.data(), out.size()) == nullptr) return std::nullopt;
  return std::string(out.data());
}

}  // namespace tessera::server
