// Server metadata (metadata.hpp).
#include "oauth/metadata.hpp"

#include <boost/json.hpp>

namespace tessera::oauth {

namespace {
boost::json::array list(std::initializer_list<std::string_view> v) {
  boost::json::array a;
  for (auto s : v) a.emplace_back(s);
  return a;
}
}  // namespace

std::string endpoint(std::string_view issuer, std::string_view path) {
  std::string out(issuer);
  while (!out.empty() && out.back() == '/') out.pop_back();
  out += path;
  return out;
}

boost::json::object server_metadata(std::string_view issuer, const std::vector<Algorithm>& dpop_algs) {
  boost::json::object m;
  const auto auth_methods = list({"client_secret_basic", "client_secret_post", "private_key_jwt", "none"});
  const auto confidential_methods = list({"client_secret_basic", "client_secret_post", "private_key_jwt"});
  const auto assertion_algs = list({"ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "EdDSA"});
  m["issuer"] = issuer;
  m["authorization_endpoint"] = endpoint(issuer, kAuthorizePath);
  m["token_endpoint"] = endpoint(issuer, kTokenPath);
  m["introspection_endpoint"] = endpoint(issuer, kIntrospectPath);
  m["revocation_endpoint"] = endpoint(issuer, kRevokePath);
  m["userinfo_endpoint"] = endpoint(issuer, kUserinfoPath);
  m["jwks_uri"] = endpoint(issuer, kJwksPath);
  m["response_types_supported"] = list({"code"});
  m["response_modes_supported"] = list({"query"});
  m["grant_types_supported"] = list({"authorization_code", "refresh_token", "client_credentials"});
  m["code_challenge_methods_supported"] = list({"S256"});
  m["token_endpoint_auth_methods_supported"] = auth_methods;
  m["token_endpoint_auth_signing_alg_values_supported"] = assertion_algs;
  m["introspection_endpoint_auth_methods_supported"] = confidential_methods;
  m["introspection_endpoint_auth_signing_alg_values_supported"] = assertion_algs;
  m["revocation_endpoint_auth_methods_supported"] = auth_methods;
  m["revocation_endpoint_auth_signing_alg_values_supported"] = assertion_algs;
  m["scopes_supported"] = list({"openid", "profile", "offline_access"});
  m["subject_types_supported"] = list({"public"});
  m["id_token_signing_alg_values_supported"] = list({"ES256", "EdDSA", "RS256"});
  m["claims_supported"] = list({"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "azp", "at_hash",
                                "preferred_username"});
  m["prompt_values_supported"] = list({"none", "login", "consent", "select_account"});
  m["authorization_response_iss_parameter_supported"] = true;
  if (!dpop_algs.empty()) {
    boost::json::array algs;
    for (const auto alg : dpop_algs) algs.emplace_back(alg_name(alg));
    m["dpop_signing_alg_values_supported"] = std::move(algs);
  }
  return m;
}

}  // namespace tessera::oauth
