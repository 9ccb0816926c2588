// Issuer discovery for a resource server: where an issuer's keys, introspection endpoint and
// revocation feed are, read from its OpenID Provider metadata (OIDC Discovery 1.0 §4;
// RFC 8414) at issuer + "/.well-known/openid-configuration" over libtessera's HttpClient.
// Rules:
//  - the issuer must be https (http only on loopback: secure_or_loopback_url), without query
//    or fragment, else invalid_argument;
//  - the metadata must answer 200 with a JSON object whose `issuer` equals the issuer exactly
//    (else invalid_issuer: a mix-up or a misconfigured proxy), with `jwks_uri` a string that is
//    https (or http on loopback); `introspection_endpoint` is optional (empty when absent) and
//    follows the same URL rule; a wrong type is wrong_type, a missing jwks_uri missing_claim;
//  - the issuer unreachable, a timeout or another status: store_unavailable;
//  - the revocation feed is issuer + "/oauth2/revocations" (docs/revocation-feed.md), not read
//    from the metadata.
// Thread safety: a pure function over a thread-safe HttpClient; it blocks.
#pragma once

#include <string>
#include <string_view>

#include "tessera/error.hpp"
#include "tessera/http_client.hpp"

namespace tessera {

struct IssuerEndpoints {
  std::string issuer;
  std::string jwks_uri;
  std::string introspection_endpoint;  // empty: the issuer announces none
  std::string revocation_feed;         // issuer + "/oauth2/revocations"
};

Result<IssuerEndpoints> discover_issuer(std::string_view issuer, HttpClient& http);

// issuer + "/oauth2/revocations" (without doubling a trailing slash).
std::string revocation_feed_url(std::string_view issuer);

}  // namespace tessera
