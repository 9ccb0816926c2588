// The TLS client setup of libtessera's outgoing HTTPS calls (src/net/http_client.cpp): TLS
// 1.2+, the system trust store plus an optional PEM CA file, peer verification on. Host name checks and SNI are per connection, in the callers.
// Thread safety: call once on a context before it is shared; the context is then read-only.
#pragma once

#include <string>
#include <string_view>

#include <boost/asio/ssl/context.hpp>

#include "tessera/error.hpp"

namespace tessera::net {

// invalid_argument when the context cannot be set up or ca_file does not load (the message
// names the file as `ca_setting` ca_file).
Result<void> setup_tls_client_context(boost::asio::ssl::context& ctx, const std::string& ca_file,
                                      std::string_view ca_setting);

}  // namespace tessera::net
