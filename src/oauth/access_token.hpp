// Self-contained access tokens and ID tokens: issuing them, and reading back our own.
//
// Access token claims (RFC 9068 §2.2): iss, sub, aud, client_id, iat, exp, jti, scope, and
// auth_time (user tokens) and sid (the grant's family id, so that introspection and userinfo
// can find the grant), and cnf {"jkt": ...} when the token is DPoP-bound (RFC 9449 §6.1). Two
// encodings of the same claims:
//  - JWT: header {"typ":"at+jwt","alg":"ES256","kid":...}, signed with the ES256 key;
//  - PASETO v4.public: iat/exp as RFC 3339 strings, footer {"kid":"k4.pid..."}, signed with
//    the Ed25519 key.
// ID tokens (OIDC Core §2, §3.1.3.6): iss, sub, aud = client_id, azp, iat, exp, auth_time,
// nonce (when the request had one), at_hash = base64url of the left half of the hash of the
// access token (SHA-256 for ES256/RS256, SHA-512 for EdDSA), signed with the client's alg.
// Thread safety: AccessVerifier is immutable and thread-safe; the functions are pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oauth/server_keys.hpp"
#include "tessera/clock.hpp"
#include "tessera/jwt.hpp"
#include "tessera/paseto_claims.hpp"

namespace tessera::oauth {

struct AccessClaims {
  std::string issuer;
  std::string subject;
  std::vector<std::string> audience;
  std::string client_id;
  std::string scope;
  std::string jti;
  std::string sid;                       // the family id; empty: no grant (client_credentials)
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> auth_time;  // user tokens
  std::string jkt;                        // cnf.jkt: the DPoP key it is bound to; empty: a bearer token
};

Result<std::string> sign_jwt_access(const ServerKeys& keys, const AccessClaims& c);
Result<std::string> sign_paseto_access(const ServerKeys& keys, const AccessClaims& c);

struct IdTokenClaims {
  std::string issuer;
  std::string subject;
  std::string client_id;
  std::string nonce;  // empty: none
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::int64_t auth_time = 0;
};
std::string at_hash(Algorithm alg, std::string_view access_token);
Result<std::string> sign_id_token(const ServerKeys& keys, Algorithm alg, const IdTokenClaims& c,
                                  std::string_view access_token);

// Reads back a JWT or PASETO access token this server issued: signature with one of our keys
// (chosen by kid), typ at+jwt (JWT), iss exact, exp (no leeway: our own clock), and the claims
// above with their types. Any failure is invalid_token.
class AccessVerifier {
 public:
  static Result<AccessVerifier> create(const ServerKeys& keys, std::string issuer, const Clock& clock);
  Result<AccessClaims> verify(std::string_view token) const;
  // Whether the token looks like one of ours at all (a JWT or a v4.public PASETO).
  static bool looks_self_contained(std::string_view token) noexcept;

 private:
  AccessVerifier(JwtVerifier jwt, PasetoVerifier paseto, paseto::PublicKeySet keys)
      : jwt_(std::move(jwt)), paseto_(std::move(paseto)), paseto_keys_(std::move(keys)) {}
  JwtVerifier jwt_;
  PasetoVerifier paseto_;
  paseto::PublicKeySet paseto_keys_;
};

}  // namespace tessera::oauth
