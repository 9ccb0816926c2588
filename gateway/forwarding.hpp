// What the gateway changes in a request on its way to the upstream and in the response on its
// way back (docs/gateway.md "What the upstream sees"). Pure functions over Beast messages.
//
// Towards the upstream: the hop-by-hop fields (Connection, every field Connection names,
// Keep-Alive, Proxy-Connection, Proxy-Authenticate, Proxy-Authorization, TE, Trailer,
// Transfer-Encoding, Upgrade) are removed, and so are Authorization, DPoP and every X-Tessera-*
// field the client sent; X-Tessera-Subject, X-Tessera-Client, X-Tessera-Scope (the granted
// scopes, space-separated) and X-Tessera-Request-Id are set from the Principal; the peer's
// address is appended to X-Forwarded-For and the scheme to X-Forwarded-Proto; Host is kept;
// the target gets the upstream's base path in front; HTTP/1.1 with keep-alive.
// Back to the client: the hop-by-hop fields are removed; status, other fields and body as the
// upstream sent them.
// Thread safety: plain functions.
#pragma once

#include <string_view>

#include "server/http.hpp"
#include "tessera/authenticator.hpp"

namespace tessera::gateway {

struct ForwardInfo {
  std::string_view peer_ip;
  bool tls = false;             // the client's connection (X-Forwarded-Proto)
  std::string_view request_id;
  std::string_view base_path;   // the upstream URL's path ("" or "/api")
};

void prepare_upstream_request(server::Request& req, const Principal& principal, const ForwardInfo& info);
void prepare_client_response(server::Response& res);

// Whether a field name is one of the X-Tessera-* fields (any case).
bool is_tessera_field(std::string_view name) noexcept;

}  // namespace tessera::gateway
