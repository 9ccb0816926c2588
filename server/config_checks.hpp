// The checks of ServerConfig's text settings (config.cpp's settings table runs them on every
// flag, environment variable and TOML value): listen addresses, store URIs, origins, issuer
// URLs, client ids, BFF upstreams, log levels. Each answers invalid_argument with a message
// naming the value.
// Thread safety: pure functions.
#pragma once

#include <string_view>

#include "tessera/error.hpp"

namespace tessera::server::config_checks {

// "HOST:PORT" (host name or IPv4 literal) or "[IPv6]:PORT", with PORT in [min_port, 65535].
bool valid_host_port(std::string_view s, int min_port);

Result<void> check_listen(std::string_view v);
// HOST:PORT, [IPv6]:PORT, empty or "off".
Result<void> check_metrics_listen(std::string_view v);
// sqlite, memory, redis://HOST:PORT or redis-cluster://HOST:PORT[,...].
Result<void> check_store(std::string_view v);
Result<void> check_not_empty(std::string_view v);
// Empty (none) or exactly an origin: http(s)://HOST[:PORT], no path, no trailing slash.
Result<void> check_origin(std::string_view v);
// Empty (the default) or an absolute http(s) URL with a host, no user info, query, fragment or
// trailing slash.
Result<void> check_issuer(std::string_view v);
// Empty (no BFF) or a client id: printable ASCII without spaces.
Result<void> check_client_id(std::string_view v);
// NAME=URL (parse_bff_upstream, config.hpp).
Result<void> check_bff_upstream(std::string_view v);
Result<void> check_log_level(std::string_view v);

}  // namespace tessera::server::config_checks
