// Reading a Principal from verified access-token claims (access_principal.hpp).
#include "resource/access_principal.hpp"

namespace tessera::resource {
namespace {

// The member name as a string: false when absent; invalid_token when present but not a string.
Result<bool> string_member(const boost::json::object& o, std::string_view name, std::string& out) {
  const auto* v = o.if_contains(name);
  if (!v) return false;
  if (!v->is_string()) return fail(Errc::invalid_token, std::string(name) + " is not a string");
  out = std::string(v->get_string());
  return true;
}

}  // namespace

std::vector<std::string> split_scope(std::string_view scope) {
  std::vector<std::string> out;
  while (!scope.empty()) {
    const auto sp = scope.find(' ');
    if (sp != 0) out.emplace_back(scope.substr(0, sp));
    if (sp == std::string_view::npos) break;
    scope.remove_prefix(sp + 1);
  }
  return out;
}

Result<Principal> access_principal(const Claims& claims, AuthMethod method) {
  if (!claims.subject() || !claims.jwt_id() || !claims.issued_at() || !claims.expires_at())
    return fail(Errc::invalid_token, "access token without sub, jti, iat or exp");
  Principal p;
  p.method = method;
  p.subject = std::string(*claims.subject());
  p.token_id = std::string(*claims.jwt_id());
  p.issued_at = *claims.issued_at();
  p.expires_at = *claims.expires_at();
  const auto& o = claims.json();
  auto has = string_member(o, "client_id", p.client_id);
  if (!has) return std::unexpected(std::move(has.error()));
  if (!*has || p.client_id.empty()) return fail(Errc::invalid_token, "access token without client_id");
  std::string scope;
  if (auto r = string_member(o, "scope", scope); !r) return std::unexpected(std::move(r.error()));
  p.scopes = split_scope(scope);
  if (auto r = string_member(o, "sid", p.grant_id); !r) return std::unexpected(std::move(r.error()));
  if (const auto* cnf = o.if_contains("cnf")) {
    const auto* jkt = cnf->is_object() ? cnf->get_object().if_contains("jkt") : nullptr;
    if (!jkt || !jkt->is_string() || jkt->get_string().empty())
      return fail(Errc::invalid_token, "cnf without a jkt string");
    p.jkt = std::string(jkt->get_string());
    p.dpop_bound = true;
  }
  return p;
}

}  // namespace tessera::resource
