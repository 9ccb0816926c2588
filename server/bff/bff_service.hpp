// BffService: the BFF's use cases behind /bff/* (docs/bff.md), one call per route:
//  - start_login: a fresh sign-in (state, nonce, PKCE S256) sealed for its cookie and the
//    issuer's authorization URL (response_type=code, scope "openid profile offline_access");
//  - finish_login: the callback's checks (the sealed record opens and is fresh; state matches in
//    constant time), the code exchange (client_secret_basic, the PKCE verifier), the ID token
//    check (tessera/bff_id_token.hpp) and a new session (bff_sessions.hpp);
//  - user: the session's claims for the SPA;
//  - logout: the refresh token revoked at the issuer (RFC 7009), the session ended;
//  - proxy: an SPA call to a named upstream with the (refreshed when due) access token, headers
//    filtered both ways (tessera/bff_proxy_rules.hpp).
// The issuer's metadata is discovered on first use and kept; its JWKS is fetched on first use
// and again once when an ID token names a key it lacks.
// Thread safety: all calls are thread-safe and block (issuer, upstream and store calls): run
// them off the event loop (server/app_context.hpp run_blocking on the BFF pool).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "common/mutex.hpp"
#include "server/bff/bff_sessions.hpp"
#include "tessera/http_client.hpp"
#include "server/bff/issuer_client.hpp"
#include "tessera/bff_login_request.hpp"
#include "tessera/clock.hpp"
#include "tessera/error.hpp"
#include "tessera/paseto.hpp"

namespace tessera::server::bff {

// What the BFF signs in with; every field required.
struct BffSettings {
  std::string issuer;        // the OIDC issuer (its metadata must name it exactly)
  std::string client_id;
  std::string redirect_uri;  // <origin>/bff/callback, registered at the issuer
  std::vector<std::pair<std::string, std::string>> upstreams;  // name, URL (no trailing slash)
};

// The scope every sign-in asks for: an ID token, the profile claims, a refresh token.
inline constexpr std::string_view kBffScope = "openid profile offline_access";
// Where the browser goes after the callback when the sign-in named no return_to.
inline constexpr std::string_view kDefaultReturnTo = "/bff/app";

struct LoginStart {
  std::string authorization_url;  // 302 there
  std::string sealed;             // the sign-in record, for its cookie
};

struct LoginDone {
  std::string session_id;  // the cookie value
  std::int64_t absolute_expires_at = 0;
  std::string return_to;
};

struct ProxyCall {
  std::string upstream;  // the NAME of /bff/api/NAME/...
  std::string rest;      // the target after /bff/api/NAME ("" or starting with '/' or '?')
  std::string method;
  HeaderList headers;    // the browser's, unfiltered
  std::string body;
};

class BffService {
 public:
  // issuer and upstream_http must outlive the service; key: the v4.local key that seals the
  // sign-in record (implicit assertion tessera-bff-login; the tokens are sealed by sessions').
  BffService(BffSettings settings, IssuerClient& issuer, HttpClient& upstream_http, BffSessions& sessions,
             paseto::LocalKey key, const Clock& clock = SystemClock::instance());

  // return_to: a same-origin path (server/return_to.hpp decides; anything else: the default).
  // Errors: the issuer's discovery (io_error, invalid_issuer).
  Result<LoginStart> start_login(std::string_view return_to);
  // Errors: invalid_request (no sealed record, bad or expired record, state mismatch, no code),
  // the issuer's (invalid_grant, invalid_client, io_error), the ID token check's, the store's.
  Result<LoginDone> finish_login(std::string_view code, std::string_view state, std::string_view sealed,
                                 const ClientInfo& client);
  // {sub, name?, preferred_username?, email?, auth_time?, expires_at} of a live session.
  // Errors: BffSessions::load's.
  Result<boost::json::object> user(std::string_view session_id);
  // Revokes the refresh token at the issuer (when it has a revocation endpoint; a failed
  // revocation is logged by the caller and the session ends all the same) and ends the session.
  // Returns the revocation's outcome. Errors: BffSessions::load's, the store's.
  Result<Result<void>> logout(std::string_view session_id);
  // The upstream's answer, headers filtered. Errors: BffSessions::load's and fresh_tokens'
  // (invalid_grant: the session has ended), not_found-like invalid_argument for an unknown
  // upstream, invalid_request for a rest that leaves the upstream's path, io_error from the
  // upstream call (HttpClient::is_timeout tells a timeout).
  Result<HttpClientResponse> proxy(std::string_view session_id, const ProxyCall& call);

  bool has_upstream(std::string_view name) const;

 private:
  Result<IssuerEndpoints> endpoints();
  Result<std::string> jwks(bool refetch);

  BffSettings settings_;
  IssuerClient& issuer_;
  HttpClient& http_;
  BffSessions& sessions_;
  paseto::LocalKey key_;
  const Clock& clock_;
  Mutex mu_;
  std::optional<IssuerEndpoints> endpoints_ GUARDED_BY(mu_);
  std::string jwks_ GUARDED_BY(mu_);
};

}  // namespace tessera::server::bff
