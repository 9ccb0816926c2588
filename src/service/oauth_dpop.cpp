// DPoP (RFC 9449) in the authorization server: the proof of a token request (§5), the key a
// code (dpop_jkt, §10) or a public client's refresh family (§5) is bound to, and a bound
// token presented at /userinfo (§7). The proof checks themselves are DpopVerifier's
// (tessera/dpop.hpp); this file decides where they apply and with what.
//
// Error codes: a proof that is missing where the client requires one, bad, replayed, or sent
// while DPoP is off is invalid_dpop_proof; a missing or stale nonce use_dpop_nonce (§8). A
// valid proof whose key is not the one the code or refresh token is bound to is invalid_grant
// (the grant, not the proof, is what fails; §10 and §5 name no code). At /userinfo every
// binding mismatch is invalid_token (RFC 6750 §3.1, RFC 9449 §7.1, §7.2).
#include <algorithm>
#include <cctype>

#include "oauth/metadata.hpp"
#include "service/authorization_server_impl.hpp"

namespace tessera {

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

// One verifier for the token endpoint and /userinfo, with the default algorithms and windows
// (dpop.hpp).
Result<std::optional<DpopVerifier>> dpop_verifier(const OAuthOptions& options, const Clock& clock) {
  if (!options.dpop_replay) {
    if (options.dpop_nonces)
      return fail(Errc::invalid_argument, "dpop_nonces: needs dpop_replay (DPoP is off without a replay cache)");
    return std::optional<DpopVerifier>();
  }
  DpopOptions o;
  o.clock = &clock;
  o.nonces = options.dpop_nonces;
  o.require_nonce = options.dpop_nonces != nullptr;
  auto v = DpopVerifier::create(std::move(o), options.dpop_replay);
  if (!v) return std::unexpected(v.error());
  return std::optional<DpopVerifier>(std::move(*v));
}

Result<std::optional<DpopProof>> AuthorizationServer::Impl::token_proof(const LoadedClient& c,
                                                                       const std::vector<std::string_view>& headers) {
  if (headers.empty()) {
    if (c.settings.require_dpop)
      return fail(Errc::invalid_dpop_proof, "this client must send a DPoP proof with every token request");
    return std::optional<DpopProof>();
  }
  if (!dpop) return fail(Errc::invalid_dpop_proof, "DPoP is not enabled on this server");
  const auto url = oauth::endpoint(options.issuer, oauth::kTokenPath);
  DpopRequest r;
  r.dpop_headers = headers;
  r.method = "POST";
  r.url = url;
  auto proof = dpop->verify(r);
  if (!proof) return std::unexpected(proof.error());
  return std::optional<DpopProof>(std::move(*proof));
}

Result<void> AuthorizationServer::Impl::check_bound(std::string_view bound_jkt, const DpopProof* proof,
                                                   std::string_view what) {
  if (bound_jkt.empty()) return {};
  if (!proof) return fail(Errc::invalid_grant, std::string(what) + " is bound to a DPoP key: send a DPoP proof");
  if (proof->jkt != bound_jkt)
    return fail(Errc::invalid_grant, "the DPoP proof's key is not the one " + std::string(what) + " is bound to");
  return {};
}

Result<void> AuthorizationServer::Impl::check_presented(const PresentedToken& presented, const ActiveToken& token) {
  const bool dpop_scheme = iequals(presented.scheme, "DPoP");
  if (!dpop_scheme && !iequals(presented.scheme, "Bearer"))
    return fail(Errc::invalid_token, "the access token must come with the Bearer or DPoP scheme");
  const std::string& jkt = token.claims.jkt;
  if (!dpop_scheme) {
    // §7.2: a bound token presented as a bearer token is refused.
    if (!jkt.empty()) return fail(Errc::invalid_token, "the access token is DPoP-bound: present it with the DPoP scheme");
    return {};
  }
  // §7.1: the DPoP scheme means a bound token and a proof of its key.
  if (jkt.empty()) return fail(Errc::invalid_token, "the access token is not DPoP-bound: present it as Bearer");
  if (!dpop) return fail(Errc::invalid_token, "DPoP is not enabled on this server");
  const auto url = oauth::endpoint(options.issuer, oauth::kUserinfoPath);
  DpopRequest r;
  r.dpop_headers = presented.dpop;
  r.method = presented.method;
  r.url = url;
  r.access_token = presented.token;
  r.expected_jkt = jkt;
  auto proof = dpop->verify(r);
  if (!proof) return std::unexpected(proof.error());
  return {};
}

std::string AuthorizationServer::dpop_nonce() const {
  return impl_->options.dpop_nonces ? impl_->options.dpop_nonces->current(impl_->now()) : std::string();
}

}  // namespace tessera
