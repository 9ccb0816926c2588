// DPoP binding rules (dpop_binding.hpp).
#include "resource/dpop_binding.hpp"

namespace tessera::resource {

Result<void> check_binding(const Principal& p, Scheme scheme, bool require_dpop) {
  if (p.dpop_bound && scheme != Scheme::dpop) return fail(Errc::invalid_token, "a DPoP-bound token presented as Bearer");
  if (!p.dpop_bound && scheme == Scheme::dpop) return fail(Errc::invalid_token, "an unbound token under the DPoP scheme");
  if (!p.dpop_bound && require_dpop) return fail(Errc::invalid_token, "DPoP is required and the token is not bound");
  return {};
}

Result<void> check_proof(const DpopVerifier& verifier, const AuthRequest& request, const RequestCredentials& creds,
                         const Principal& p) {
  DpopRequest r;
  r.dpop_headers = creds.dpop_headers;
  r.method = request.method;
  r.url = request.url;
  r.access_token = creds.token;
  r.expected_jkt = p.jkt;
  auto proof = verifier.verify(r);
  if (!proof) return std::unexpected(std::move(proof.error()));
  return {};
}

}  // namespace tessera::resource
