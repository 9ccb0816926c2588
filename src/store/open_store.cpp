// parse_store_uri(): which store backend a URI names (open_halves() opens it).
//   "memory:"                                  in-process (tests, one instance)
//   "sqlite:PATH"                              embedded file store
//   "redis://HOST:PORT"                        one Redis server
//   "redis-cluster://HOST:PORT[,HOST:PORT...]" a Redis Cluster, from seed nodes
// Anything else is invalid_argument. No credentials are parsed from URIs.
// Thread safety: a pure function.
#include <charconv>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/stores.hpp"

namespace tessera {
namespace {

// "HOST:PORT", HOST non-empty (a bracketed IPv6 literal allowed), PORT 1..65535.
Result<std::pair<std::string, int>> parse_host_port(std::string_view s) {
  const auto colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size())
    return fail(Errc::invalid_argument, "store URI: expected HOST:PORT");
  std::string_view host = s.substr(0, colon), port = s.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return fail(Errc::invalid_argument, "store URI: bad IPv6 host");
    host = host.substr(1, host.size() - 2);
  }
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '-' || c == '_' || c == ':';
    if (!ok) return fail(Errc::invalid_argument, "store URI: bad host");
  }
  int p = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), p);
  if (ec != std::errc{} || end != port.data() + port.size() || p < 1 || p > 65535)
    return fail(Errc::invalid_argument, "store URI: bad port");
  return std::pair<std::string, int>{std::string(host), p};
}

bool starts_with(std::string_view s, std::string_view prefix, std::string_view& rest) {
  if (!s.starts_with(prefix)) return false;
  rest = s.substr(prefix.size());
  return true;
}

}  // namespace

namespace store {

Result<StoreUri> parse_store_uri(std::string_view uri) {
  std::string_view rest;
  if (uri == "memory:") return StoreUri{};
  if (starts_with(uri, "sqlite:", rest)) {
    if (rest.empty()) return fail(Errc::invalid_argument, "store URI: sqlite: needs a path");
    return StoreUri{StoreUri::Kind::sqlite, std::string(rest), {}};
  }
  const bool single = starts_with(uri, "redis://", rest);
  if (single || starts_with(uri, "redis-cluster://", rest)) {
    if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    StoreUri out{single ? StoreUri::Kind::redis : StoreUri::Kind::redis_cluster, {}, {}};
    while (true) {
      const auto comma = single ? std::string_view::npos : rest.find(',');
      auto hp = parse_host_port(rest.substr(0, comma));
      if (!hp) return std::unexpected(hp.error());
      out.nodes.push_back(std::move(*hp));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
    return out;
  }
  return fail(Errc::invalid_argument,
              "store URI: expected memory:, sqlite:PATH, redis://HOST:PORT or "
              "redis-cluster://HOST:PORT[,HOST:PORT...]");
}

}  // namespace store

}  // namespace tessera
