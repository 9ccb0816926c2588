// Issuing and reading back access tokens and ID tokens (access_token.hpp).
#include "oauth/access_token.hpp"

#include <algorithm>

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"

namespace tessera::oauth {

namespace {

template <class B>
void fill(B& b, const AccessClaims& c) {
  b.issuer(c.issuer).subject(c.subject);
  for (const auto& a : c.audience) b.audience(a);
  b.claim("client_id", boost::json::value(c.client_id));
  b.issued_at(c.issued_at).expires_at(c.expires_at).jwt_id(c.jti);
  b.claim("scope", boost::json::value(c.scope));
  if (c.auth_time) b.claim("auth_time", boost::json::value(*c.auth_time));
  if (!c.sid.empty()) b.claim("sid", boost::json::value(c.sid));
  if (!c.jkt.empty()) b.claim("cnf", boost::json::value(boost::json::object{{"jkt", c.jkt}}));
}

Result<AccessClaims> read(const Claims& claims) {
  AccessClaims c;
  const auto& o = claims.json();
  const auto str = [&](std::string_view k, std::string& out) {
    const auto* v = o.if_contains(k);
    if (!v || !v->is_string()) return false;
    out = std::string(v->get_string());
    return true;
  };
  if (!claims.issuer() || !claims.subject() || !claims.jwt_id() || !claims.issued_at() || !claims.expires_at())
    return fail(Errc::invalid_token, "access token without iss, sub, jti, iat or exp");
  c.issuer = std::string(*claims.issuer());
  c.subject = std::string(*claims.subject());
  c.jti = std::string(*claims.jwt_id());
  c.issued_at = *claims.issued_at();
  c.expires_at = *claims.expires_at();
  for (auto a : claims.audience()) c.audience.emplace_back(a);
  if (!str("client_id", c.client_id) || !str("scope", c.scope))
    return fail(Errc::invalid_token, "access token without client_id or scope");
  if (o.contains("sid") && !str("sid", c.sid)) return fail(Errc::invalid_token, "sid not a string");
  if (const auto* cnf = o.if_contains("cnf")) {
    const auto* jkt = cnf->is_object() ? cnf->get_object().if_contains("jkt") : nullptr;
    if (!jkt || !jkt->is_string() || jkt->get_string().empty())
      return fail(Errc::invalid_token, "cnf without a jkt string");
    c.jkt = std::string(jkt->get_string());
  }
  if (const auto* at = o.if_contains("auth_time")) {
    if (!at->is_int64()) return fail(Errc::invalid_token, "auth_time not an integer");
    c.auth_time = at->get_int64();
  }
  return c;
}

}  // namespace

Result<std::string> sign_jwt_access(const ServerKeys& keys, const AccessClaims& c) {
  JwtBuilder b;
  b.type("at+jwt").algorithm(Algorithm::ES256).key_id(keys.es256().kid());
  fill(b, c);
  return b.sign(keys.es256());
}

Result<std::string> sign_paseto_access(const ServerKeys& keys, const AccessClaims& c) {
  PasetoBuilder b;
  b.footer_kid(keys.paseto_kid());
  fill(b, c);
  return b.sign(keys.paseto_key());
}

std::string at_hash(Algorithm alg, std::string_view access_token) {
  const auto h = crypto::digest(alg == Algorithm::EdDSA ? crypto::Hash::sha512 : crypto::Hash::sha256,
                                crypto::as_bytes(access_token));
  return codec::base64url_encode(std::span<const std::uint8_t>(h.data(), h.size() / 2));
}

Result<std::string> sign_id_token(const ServerKeys& keys, Algorithm alg, const IdTokenClaims& c,
                                  std::string_view access_token) {
  const Key& key = keys.for_alg(alg);
  JwtBuilder b;
  b.type("JWT").algorithm(alg).key_id(key.kid());
  b.issuer(c.issuer).subject(c.subject).audience(c.client_id);
  b.claim("azp", boost::json::value(c.client_id));
  b.issued_at(c.issued_at).expires_at(c.expires_at);
  b.claim("auth_time", boost::json::value(c.auth_time));
  if (!c.nonce.empty()) b.claim("nonce", boost::json::value(c.nonce));
  b.claim("at_hash", boost::json::value(at_hash(alg, access_token)));
  return b.sign(key);
}

Result<AccessVerifier> AccessVerifier::create(const ServerKeys& keys, std::string issuer, const Clock& clock) {
  auto validator = ClaimsValidator::Builder()
                       .expect_issuer(issuer)
                       .ignore_audience()
                       .leeway(0)
                       .require_claim("jti")
                       .require_claim("iat")
                       .require_claim("sub")
                       .clock(clock)
                       .build();
  if (!validator) return std::unexpected(validator.error());
  auto jwt = JwtVerifier::Builder(keys.public_keys(), *validator)
                 .allow_algorithms({Algorithm::ES256})
                 .expect_type("at+jwt")
                 .build();
  if (!jwt) return std::unexpected(jwt.error());
  auto paseto = PasetoVerifier::Builder(*validator).build();
  return AccessVerifier(std::move(*jwt), std::move(paseto), keys.paseto_public());
}

bool AccessVerifier::looks_self_contained(std::string_view token) noexcept {
  return token.starts_with("v4.public.") ||
         (token.starts_with("eyJ") && std::count(token.begin(), token.end(), '.') == 2);
}

Result<AccessClaims> AccessVerifier::verify(std::string_view token) const {
  if (token.starts_with("v4.public.")) {
    auto v = paseto_.verify(paseto_keys_, token);
    if (!v) return fail(Errc::invalid_token, "PASETO access token: " + v.error().message);
    return read(v->claims());
  }
  auto v = jwt_.verify(token);
  if (!v) return fail(Errc::invalid_token, "JWT access token: " + v.error().message);
  return read(v->claims());
}

}  // namespace tessera::oauth
