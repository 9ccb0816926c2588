// ClientCredentials: a resource server's own OAuth client at its issuer (registered as a
// confidential client with a --resource), as the HttpIntrospector
// (tessera/introspection_client.hpp) and the RevocationFeedSubscriber
// (tessera/revocation_subscriber.hpp) present it: client_secret_basic (RFC 6749 §2.3.1), the
// id and secret form-urlencoded, then base64 in `Authorization: Basic`.
// The same header is what the BFF (server/bff/issuer_client) presents for its own client.
// Thread safety: immutable after construction; safe to share const.
#pragma once

#include <string>

#include "tessera/secret.hpp"

namespace tessera {

struct ClientCredentials {
  std::string client_id = {};
  SecretBytes client_secret = {};  // never logged
};

// "Basic " + base64(form-urlencoded id ":" form-urlencoded secret) (src/net/client_auth.cpp).
std::string basic_authorization(const ClientCredentials& c);

}  // namespace tessera
