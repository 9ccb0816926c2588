// private_key_jwt client assertions (client_assertion.hpp).
#include "oauth/client_assertion.hpp"

#include "tessera/jwt.hpp"

namespace tessera::oauth {

namespace {
constexpr std::size_t kMaxAssertionBytes = 8 * 1024;
}

std::optional<std::string> assertion_issuer_unverified(std::string_view assertion) {
  auto u = decode_unverified_for_debugging(assertion, kMaxAssertionBytes);
  if (!u || !u->payload.is_object()) return std::nullopt;
  const auto* iss = u->payload.get_object().if_contains("iss");
  if (!iss || !iss->is_string()) return std::nullopt;
  return std::string(iss->get_string());
}

std::string assertion_kid_unverified(std::string_view assertion) {
  auto u = decode_unverified_for_debugging(assertion, kMaxAssertionBytes);
  if (!u) return {};
  const auto* kid = u->header.if_contains("kid");
  if (!kid || !kid->is_string()) return {};
  return std::string(kid->get_string());
}

Result<VerifiedAssertion> verify_client_assertion(std::string_view assertion, std::string_view client_id,
                                                  const KeySet& client_keys, const AssertionPolicy& policy,
                                                  const Clock& clock) {
  const auto bad = [](std::string why) { return fail(Errc::invalid_client, "client assertion: " + why); };
  auto validator = ClaimsValidator::Builder()
                       .expect_issuer(std::string(client_id))
                       .expect_audience(policy.token_endpoint)
                       .expect_audience(policy.issuer)
                       .leeway(policy.leeway)
                       .require_claim("jti")
                       .require_claim("sub")
                       .clock(clock)
                       .build();
  if (!validator) return bad(validator.error().message);
  auto verifier = JwtVerifier::Builder(client_keys, *validator)
                      .allow_algorithms({Algorithm::RS256, Algorithm::RS384, Algorithm::RS512, Algorithm::PS256,
                                         Algorithm::PS384, Algorithm::PS512, Algorithm::ES256, Algorithm::ES384,
                                         Algorithm::ES512, Algorithm::EdDSA})
                      .max_token_bytes(kMaxAssertionBytes)
                      .build();
  if (!verifier) return bad(verifier.error().message);
  auto jwt = verifier->verify(assertion);
  if (!jwt) return bad(std::string(jwt.error().name()) + ": " + jwt.error().message);
  const auto& c = jwt->claims();
  if (c.subject() != client_id) return bad("sub is not the client_id");
  const auto jti = c.jwt_id();
  if (!jti || jti->empty() || jti->size() > 256) return bad("jti missing or over 256 bytes");
  const auto exp = *c.expires_at();  // required by the validator
  const auto start = c.issued_at().value_or(clock.now());
  if (exp - start > policy.max_lifetime) return bad("lives longer than the allowed maximum");
  return VerifiedAssertion{std::string(*jti), exp};
}

}  // namespace tessera::oauth
