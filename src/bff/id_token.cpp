// The BFF's ID token check (tessera/bff_id_token.hpp), over the library's JWT verifier.
#include "tessera/bff_id_token.hpp"

#include <string>
#include <vector>

#include "crypto/crypto.hpp"
#include "tessera/jwt.hpp"
#include "tessera/keys.hpp"
#include "tessera/validator.hpp"

namespace tessera::bff {

Result<Claims> verify_id_token(std::string_view id_token, std::string_view issuer_jwks_json,
                               const IdTokenExpectations& expect, const Clock& clock) {
  auto keys = KeySet::from_jwks(issuer_jwks_json);
  if (!keys) return fail(Errc::invalid_argument, "the issuer's JWKS: " + keys.error().message);
  auto validator = ClaimsValidator::Builder()
                       .expect_issuer(std::string(expect.issuer))
                       .expect_audience(std::string(expect.client_id))
                       .require_claim("sub")
                       .require_claim("nonce")
                       .clock(clock)
                       .build();
  if (!validator) return std::unexpected(validator.error());
  auto verifier = JwtVerifier::Builder(std::move(*keys), std::move(*validator))
                      .allow_algorithms({Algorithm::RS256, Algorithm::RS384, Algorithm::RS512, Algorithm::PS256,
                                         Algorithm::PS384, Algorithm::PS512, Algorithm::ES256, Algorithm::ES384,
                                         Algorithm::ES512, Algorithm::EdDSA})
                      .build();
  if (!verifier) return std::unexpected(verifier.error());
  auto jwt = verifier->verify(id_token);
  if (!jwt) return std::unexpected(jwt.error());
  const Claims& claims = jwt->claims();

  const auto* nonce = claims.json().if_contains("nonce");
  if (nonce == nullptr || !nonce->is_string() || expect.nonce.empty() ||
      !crypto::constant_time_equal(crypto::as_bytes(std::string_view(nonce->as_string())), crypto::as_bytes(expect.nonce)))
    return fail(Errc::invalid_token, "the ID token's nonce is not this sign-in's");
  if (claims.audience().size() > 1) {
    const auto* azp = claims.json().if_contains("azp");
    if (azp == nullptr || !azp->is_string() || azp->as_string() != expect.client_id)
      return fail(Errc::invalid_token, "an ID token for several audiences needs azp = the client id");
  }
  return claims;
}

}  // namespace tessera::bff
