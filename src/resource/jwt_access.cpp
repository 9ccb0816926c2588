// JWT access tokens (access_token.hpp): the header's kid picks the keys, JwtVerifier does the rest.
#include <algorithm>

#include "codec/base64url.hpp"
#include "codec/json.hpp"
#include "resource/access_principal.hpp"
#include "resource/access_token.hpp"
#include "tessera/jwt.hpp"

namespace tessera::resource {
namespace {

constexpr std::size_t kMaxHeaderB64 = 2048;

// The header's kid (empty: none), read only to ask VerificationKeys for keys.
Result<std::string> header_kid(std::string_view token) {
  const auto dot = token.find('.');
  if (dot == std::string_view::npos || dot > kMaxHeaderB64) return fail(Errc::malformed, "JWT header missing or too long");
  auto json = codec::base64url_decode_string(token.substr(0, dot));
  if (!json) return std::unexpected(std::move(json.error()));
  auto header = codec::parse_json_object(*json, {kMaxHeaderB64, 4});
  if (!header) return std::unexpected(std::move(header.error()));
  auto kid = codec::get_string(*header, "kid");
  if (!kid) return std::unexpected(std::move(kid.error()));
  return std::string(kid->value_or(std::string_view{}));
}

}  // namespace

bool looks_like_jwt(std::string_view token) noexcept {
  return std::count(token.begin(), token.end(), '.') == 2 && token.front() != '.';
}

Result<Principal> verify_jwt_access(std::string_view token, VerificationKeys& keys, const ClaimsValidator& claims,
                                    std::span<const Algorithm> algorithms) {
  if (token.size() > kMaxAccessTokenBytes) return fail(Errc::token_too_large, "access token over the size limit");
  auto kid = header_kid(token);
  if (!kid) return std::unexpected(std::move(kid.error()));
  auto set = keys.keys_for(*kid);
  if (!set) return std::unexpected(std::move(set.error()));
  auto verifier = JwtVerifier::Builder(std::move(*set), claims)
                      .allow_algorithms({algorithms.begin(), algorithms.end()})
                      .expect_type("at+jwt")
                      .max_token_bytes(kMaxAccessTokenBytes)
                      .build();
  if (!verifier) return fail(Errc::key_not_found, "no verification keys");
  auto jwt = verifier->verify(token);
  if (!jwt) return std::unexpected(std::move(jwt.error()));
  return access_principal(jwt->claims(), AuthMethod::jwt);
}

}  // namespace tessera::resource
