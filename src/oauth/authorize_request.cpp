// Reading an authorization request (authorize_request.hpp).
#include "oauth/authorize_request.hpp"

#include <algorithm>

#include "oauth/client_settings.hpp"
#include "oauth/params.hpp"
#include "oauth/pkce.hpp"
#include "oauth/redirect_uri.hpp"

namespace tessera::oauth {

namespace {
constexpr std::size_t kMaxParamBytes = 2048;

Result<std::string> once(const Params& q, std::string_view name) {
  const auto n = count_param(q, name);
  if (n > 1) return fail(Errc::invalid_request, std::string(name) + " repeated");
  const auto v = param(q, name);
  if (!v) return fail(Errc::invalid_request, std::string(name) + " missing");
  if (v->size() > kMaxParamBytes) return fail(Errc::invalid_request, std::string(name) + " too long");
  return std::string(*v);
}
}  // namespace

Result<AuthorizeTarget> authorize_target(const Params& query) {
  auto client_id = once(query, "client_id");
  if (!client_id) return std::unexpected(client_id.error());
  auto redirect_uri = once(query, "redirect_uri");
  if (!redirect_uri) return std::unexpected(redirect_uri.error());
  return AuthorizeTarget{std::move(*client_id), std::move(*redirect_uri)};
}

std::string authorize_state(const Params& query) {
  if (count_param(query, "state") != 1) return {};
  const auto v = param(query, "state");
  if (!v || v->size() > kMaxParamBytes) return {};
  return std::string(*v);
}

Result<AuthorizeRequest> read_authorize_request(const Params& q, AuthorizeTarget target, const ClientSettings& client) {
  if (auto ok = check_no_repeats(q); !ok) return std::unexpected(ok.error());
  for (const auto& [k, v] : q)
    if (v.size() > kMaxParamBytes) return fail(Errc::invalid_request, k + " too long");
  AuthorizeRequest r;
  r.target = std::move(target);
  const auto response_type = param(q, "response_type");
  if (!response_type) return fail(Errc::invalid_request, "response_type missing");
  if (*response_type != "code") return fail(Errc::unsupported_response_type, "only response_type=code");
  if (!has_grant(client, "authorization_code"))
    return fail(Errc::unauthorized_client, "the client may not use the authorization code grant");
  const auto challenge = param(q, "code_challenge");
  if (!challenge) return fail(Errc::invalid_request, "code_challenge required (PKCE)");
  const auto method = param(q, "code_challenge_method");
  if (!method || *method != "S256") return fail(Errc::invalid_request, "code_challenge_method must be S256");
  if (!valid_code_challenge(*challenge)) return fail(Errc::invalid_request, "code_challenge is not an S256 challenge");
  r.code_challenge = std::string(*challenge);
  const auto client_scopes = scope_set(client.scopes);
  if (const auto scope = param(q, "scope")) {
    auto parsed = parse_scope(*scope);
    if (!parsed) return std::unexpected(parsed.error());
    r.scopes = std::move(*parsed);
  } else {
    r.scopes = client_scopes;
  }
  if (!scope_subset(r.scopes, client_scopes)) return fail(Errc::invalid_scope, "scope beyond the client's scopes");
  if (const auto resource = param(q, "resource")) {
    if (std::find(client.audiences.begin(), client.audiences.end(), *resource) == client.audiences.end())
      return fail(Errc::invalid_target, "resource is not one of the client's audiences");
    r.audience = std::string(*resource);
  } else if (!client.audiences.empty()) {
    r.audience = client.audiences.front();
  }
  if (const auto prompt = param(q, "prompt")) {
    auto values = parse_scope(*prompt);  // the same space-separated token syntax
    if (!values) return fail(Errc::invalid_request, "bad prompt");
    for (const auto& p : *values) {
      if (p == "none") r.prompt_none = true;
      else if (p == "login") r.login_age_limit = kFreshLoginSeconds;
      else if (p == "consent") r.prompt_consent = true;
      else if (p != "select_account") return fail(Errc::invalid_request, "unknown prompt value");
    }
    if (r.prompt_none && values->size() > 1) return fail(Errc::invalid_request, "prompt=none with other values");
  }
  if (const auto max_age = param(q, "max_age")) {
    if (max_age->size() > 9 || !std::all_of(max_age->begin(), max_age->end(), [](char ch) { return ch >= '0' && ch <= '9'; }))
      return fail(Errc::invalid_request, "max_age is not a number of seconds");
    const std::int64_t n = std::stoll(std::string(*max_age));
    r.login_age_limit = r.login_age_limit ? std::min(*r.login_age_limit, n) : n;
  }
  if (const auto state = param(q, "state")) r.state = std::string(*state);
  if (const auto nonce = param(q, "nonce")) r.nonce = std::string(*nonce);
  if (const auto jkt = param(q, "dpop_jkt")) {
    // A SHA-256 JWK thumbprint has the shape of an S256 challenge: 43 base64url characters.
    if (!valid_code_challenge(*jkt)) return fail(Errc::invalid_request, "dpop_jkt is not a JWK SHA-256 thumbprint");
    r.dpop_jkt = std::string(*jkt);
  }
  return r;
}

std::string error_redirect(std::string_view redirect_uri, const Error& e, std::string_view state,
                           std::string_view issuer) {
  std::vector<std::pair<std::string, std::string>> p;
  p.emplace_back("error", std::string(e.name()));
  if (!e.message.empty()) p.emplace_back("error_description", e.message);
  if (!state.empty()) p.emplace_back("state", std::string(state));
  p.emplace_back("iss", std::string(issuer));
  return append_query(redirect_uri, p);
}

}  // namespace tessera::oauth
