// HttpLimits: what one HTTP connection and request may take (docs/server.md "Limits"). The
// defaults here are the server's defaults (ServerConfig embeds this struct).
#pragma once

#include <chrono>
#include <cstddef>

namespace tessera::server {

struct HttpLimits {
  std::size_t max_header_bytes = 8192;     // over it: 431
  std::size_t max_body_bytes = 16384;      // over it: 413
  std::chrono::seconds request_timeout{10};  // to read a whole request (then 408)
  std::chrono::seconds idle_timeout{60};     // idle keep-alive connections are closed after this
  std::size_t max_connections = 10000;     // over it: 503 (capped below the descriptor limit)
};

}  // namespace tessera::server
