// IssuerClient: the BFF's calls to its OIDC issuer (docs/bff.md), over tessera::HttpClient (tessera/http_client.hpp), as a
// confidential client with client_secret_basic (RFC 6749 §2.3.1):
//  - discover: GET <issuer>/.well-known/openid-configuration; its `issuer` must be the
//    configured one (RFC 8414 §3.3), and it must name the authorization, token and JWKS
//    endpoints (revocation is optional: logout then only ends the local session);
//  - exchange_code (authorization_code + PKCE verifier), refresh (refresh_token grant; a
//    response without a new refresh or ID token keeps the old one), revoke (RFC 7009, the
//    refresh token), jwks (the key set's text).
// A token response must be 200 JSON with token_type Bearer, access_token and expires_in; the
// issuer's `error` comes back as its Errc (invalid_grant, invalid_client, ...: the session ends
// on invalid_grant), anything else as io_error.
// Thread safety: immutable after construction; calls are thread-safe and blocking.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "tessera/http_client.hpp"
#include "tessera/bff_token_vault.hpp"
#include "tessera/client_credentials.hpp"
#include "tessera/error.hpp"

namespace tessera::server::bff {

struct IssuerEndpoints {
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  std::string revocation_endpoint;  // empty: the issuer has none
};

class IssuerClient {
 public:
  IssuerClient(HttpClient& http, std::string issuer, std::string client_id, std::string client_secret);
  Result<IssuerEndpoints> discover() const;
  Result<tessera::bff::BffTokens> exchange_code(const IssuerEndpoints& ep, std::string_view code,
                                                std::string_view code_verifier, std::string_view redirect_uri,
                                                std::int64_t now) const;
  Result<tessera::bff::BffTokens> refresh(const IssuerEndpoints& ep, const tessera::bff::BffTokens& current,
                                          std::int64_t now) const;
  Result<void> revoke(const IssuerEndpoints& ep, std::string_view refresh_token) const;
  Result<std::string> jwks(const IssuerEndpoints& ep) const;

 private:
  Result<tessera::bff::BffTokens> token_call(const IssuerEndpoints& ep, std::string form,
                                             const tessera::bff::BffTokens* current, std::int64_t now) const;
  HttpClient& http_;
  std::string issuer_;
  ClientCredentials client_;  // presented as client_secret_basic (tessera/client_credentials.hpp)
};

}  // namespace tessera::server::bff
