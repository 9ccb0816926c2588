// The Principal of a verified self-contained access token (JWT or PASETO: the same claims,
// RFC 9068 §2.2): sub, client_id (a string, required), scope (space-separated, optional), jti,
// iat, exp, sid (optional string), cnf.jkt (optional; when cnf is present it must hold a
// non-empty jkt string). The claims policy (iss, aud, exp, nbf, iat, required claims) has run
// before; this reads the claims' shapes and refuses a wrong one with invalid_token.
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "tessera/authenticator.hpp"
#include "tessera/claims.hpp"

namespace tessera::resource {

// The claims every accepted access token must carry, besides exp (which the validator
// requires anyway).
inline constexpr std::string_view kRequiredAccessClaims[] = {"sub", "client_id", "iat", "jti"};

Result<Principal> access_principal(const Claims& claims, AuthMethod method);

// "a b  c" -> {"a", "b", "c"}.
std::vector<std::string> split_scope(std::string_view scope);

}  // namespace tessera::resource
