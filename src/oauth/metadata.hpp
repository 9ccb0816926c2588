// Authorization server metadata (RFC 8414, OpenID Connect Discovery 1.0 §3) and the endpoint
// paths, written once: front ends mount the routes at these paths under the issuer.
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include <vector>

#include <boost/json/object.hpp>

#include "tessera/keys.hpp"

namespace tessera::oauth {

inline constexpr std::string_view kAuthorizePath = "/oauth2/authorize";
inline constexpr std::string_view kTokenPath = "/oauth2/token";
inline constexpr std::string_view kIntrospectPath = "/oauth2/introspect";
inline constexpr std::string_view kRevokePath = "/oauth2/revoke";
inline constexpr std::string_view kUserinfoPath = "/userinfo";
inline constexpr std::string_view kJwksPath = "/.well-known/jwks.json";

// issuer + path.
std::string endpoint(std::string_view issuer, std::string_view path);
// dpop_algs: the DPoP proof algorithms accepted (dpop_signing_alg_values_supported, RFC 9449
// §5.1); empty: DPoP is off and the member is left out.
boost::json::object server_metadata(std::string_view issuer, const std::vector<Algorithm>& dpop_algs = {});

}  // namespace tessera::oauth
