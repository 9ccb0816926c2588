// The checks of text settings (config_checks.hpp).
#include "server/config_checks.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <string>

#include <fmt/format.h>

#include "server/config.hpp"

namespace tessera::server::config_checks {
namespace {

bool parse_port(std::string_view s, int min_port, int& port) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  return ec == std::errc{} && end == s.data() + s.size() && port >= min_port && port <= 65535;
}

bool valid_hostname(std::string_view host) {
  if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') return false;
  for (char c : host) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

// "HOST:PORT" (host name or IPv4 literal) or "[IPv6]:PORT".
bool valid_host_port(std::string_view s, int min_port) {
  int port = 0;
  if (s.starts_with('[')) {
    const auto close = s.find("]:");
    if (close == std::string_view::npos) return false;
    const std::string v6(s.substr(1, close - 1));
    in6_addr addr{};
    return inet_pton(AF_INET6, v6.c_str(), &addr) == 1 && parse_port(s.substr(close + 2), min_port, port);
  }
  const auto colon = s.rfind(':');
  if (colon == std::string_view::npos) return false;
  return valid_hostname(s.substr(0, colon)) && parse_port(s.substr(colon + 1), min_port, port);
}

Result<void> check_listen(std::string_view v) {
  if (!valid_host_port(v, 0))
    return fail(Errc::invalid_argument, fmt::format("\"{}\" is not HOST:PORT or [IPv6]:PORT", v));
  return {};
}

Result<void> check_metrics_listen(std::string_view v) {
  if (v.empty() || v == "off") return {};
  if (!valid_host_port(v, 0))
    return fail(Errc::invalid_argument, fmt::format("\"{}\" is not HOST:PORT, [IPv6]:PORT or off", v));
  return {};
}

Result<void> check_store(std::string_view v) {
  if (v == "sqlite" || v == "memory") return {};
  const auto bad = [&] {
    return fail(Errc::invalid_argument,
                fmt::format("\"{}\" is not sqlite, memory, redis://HOST:PORT or redis-cluster://HOST:PORT[,...]", v));
  };
  if (v.starts_with("redis://")) {
    std::string_view rest = v.substr(8);
    if (rest.ends_with('/')) rest.remove_suffix(1);
    if (!valid_host_port(rest, 1)) return bad();
    return {};
  }
  if (v.starts_with("redis-cluster://")) {
    std::string_view rest = v.substr(16);
    for (;;) {
      const auto comma = rest.find(',');
      if (!valid_host_port(rest.substr(0, comma), 1)) return bad();
      if (comma == std::string_view::npos) return {};
      rest.remove_prefix(comma + 1);
    }
  }
  return bad();
}

Result<void> check_not_empty(std::string_view v) {
  if (v.empty()) return fail(Errc::invalid_argument, "must not be empty");
  return {};
}

// Empty (none) or exactly an origin: http(s)://HOST[:PORT], no path, no trailing slash.
Result<void> check_origin(std::string_view v) {
  if (v.empty()) return {};
  std::string_view rest;
  if (v.starts_with("https://")) {
    rest = v.substr(8);
  } else if (v.starts_with("http://")) {
    rest = v.substr(7);
  } else {
    return fail(Errc::invalid_argument, fmt::format("\"{}\" is not an origin (http[s]://HOST[:PORT])", v));
  }
  bool ok = false;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == rest.size() - 1) {
      const std::string v6(rest.substr(1, close - 1));
      in6_addr addr{};
      ok = inet_pton(AF_INET6, v6.c_str(), &addr) == 1;
    } else {
      ok = valid_host_port(rest, 1);
    }
  } else {
    ok = rest.find(':') == std::string_view::npos ? valid_hostname(rest) : valid_host_port(rest, 1);
  }
  if (!ok) return fail(Errc::invalid_argument, fmt::format("\"{}\" is not an origin (http[s]://HOST[:PORT])", v));
  return {};
}

// Empty (the default) or an absolute http(s) URL with a host, no user info, query, fragment or
// trailing slash:
// what a token's `iss` and the metadata name (RFC 8414 §2). Whether plain http is allowed (only
// for loopback) is the AuthorizationServer's rule, checked when it is created.
Result<void> check_issuer(std::string_view v) {
  if (v.empty()) return {};
  const auto bad = [v](std::string_view why) {
    return fail(Errc::invalid_argument, fmt::format("\"{}\" is not an issuer URL: {}", v, why));
  };
  std::string_view rest;
  if (v.starts_with("https://")) rest = v.substr(8);
  else if (v.starts_with("http://")) rest = v.substr(7);
  else return bad("it must start with https:// (or http:// for loopback)");
  if (v.find_first_of("?#") != std::string_view::npos) return bad("no query or fragment");
  if (v.ends_with('/')) return bad("no trailing slash (endpoints are the issuer + their path)");
  for (unsigned char c : v)
    if (c <= 0x20 || c >= 0x7f) return bad("no spaces or control characters");
  const std::string_view authority = rest.substr(0, rest.find('/'));
  if (authority.find('@') != std::string_view::npos) return bad("no user info");
  const std::string origin = std::string(v.substr(0, v.size() - rest.size())) + std::string(authority);
  if (!check_origin(origin)) return bad("the host (and port) do not parse");
  return {};
}

// Empty (no BFF) or a client id: printable ASCII without spaces.
Result<void> check_client_id(std::string_view v) {
  for (unsigned char c : v)
    if (c <= 0x20 || c >= 0x7f) return fail(Errc::invalid_argument, "a client id has no spaces or control characters");
  return {};
}

Result<void> check_bff_upstream(std::string_view v) {
  auto u = parse_bff_upstream(v);
  if (!u) return std::unexpected(u.error());
  return {};
}

Result<void> check_log_level(std::string_view v) {
  if (v == "debug" || v == "info" || v == "warn" || v == "error" || v == "off") return {};
  return fail(Errc::invalid_argument, fmt::format("\"{}\" is not one of debug, info, warn, error, off", v));
}

}  // namespace tessera::server::config_checks
