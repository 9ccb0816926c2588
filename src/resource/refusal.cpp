// Refusals and their challenges (refusal.hpp).
#include "resource/refusal.hpp"

namespace tessera::resource {
namespace {

// RFC 9110 §5.6.4 quoted-string: backslash-escape '"' and '\'.
std::string quoted(std::string_view v) {
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

// The protocol's error value the client sees for a reason (empty: none).
std::string_view error_value(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_request: return "invalid_request";
    case Errc::insufficient_scope: return "insufficient_scope";
    case Errc::invalid_dpop_proof: return "invalid_dpop_proof";
    case Errc::use_dpop_nonce: return "use_dpop_nonce";
    default: return "invalid_token";
  }
}

// Fixed texts: never the reason's message.
std::string_view description(std::string_view error) noexcept {
  if (error == "invalid_request") return "The request is malformed";
  if (error == "insufficient_scope") return "The access token lacks a required scope";
  if (error == "invalid_dpop_proof") return "The DPoP proof is not valid";
  if (error == "use_dpop_nonce") return "Use the nonce in the DPoP-Nonce header";
  return "The access token is not valid";
}

struct Params {
  std::string_view error;  // empty: none
  std::string scope;       // empty: none
};

std::string challenge(std::string_view scheme, const ChallengeSettings& s, const Params& p) {
  std::string out(scheme);
  std::string_view sep = " ";
  auto param = [&](std::string_view name, std::string_view value) {
    out.append(sep).append(name).append("=").append(quoted(value));
    sep = ", ";
  };
  if (!s.realm.empty()) param("realm", s.realm);
  if (!p.error.empty()) {
    param("error", p.error);
    param("error_description", description(p.error));
  }
  if (!p.scope.empty()) param("scope", p.scope);
  if (scheme == "DPoP") param("algs", s.dpop_algs);
  return out;
}

// The header value: the error on the challenge of the scheme it concerns.
std::string challenges(const ChallengeSettings& s, std::string_view error, bool on_dpop, std::string scope = {}) {
  const Params with{error, std::move(scope)}, without{};
  if (!s.dpop) return challenge("Bearer", s, with);
  if (s.require_dpop) return challenge("DPoP", s, with);
  return challenge("Bearer", s, on_dpop ? without : with) + ", " + challenge("DPoP", s, on_dpop ? with : without);
}

}  // namespace

unsigned status_for(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_request: return 400;
    case Errc::insufficient_scope: return 403;
    case Errc::store_unavailable:
    case Errc::io_error: return 503;
    default: return 401;
  }
}

Refusal refuse(const ChallengeSettings& s, Error reason, Scheme scheme, std::string dpop_nonce) {
  Refusal r{status_for(reason.code), {}, std::move(dpop_nonce), std::move(reason)};
  if (r.status == 503) return r;
  if (r.status == 401 && scheme != Scheme::bearer && scheme != Scheme::dpop) {
    // No token of ours (a session cookie failed, say): a challenge without an error.
    r.www_authenticate = challenges(s, {}, false);
    return r;
  }
  const auto error = error_value(r.error.code);
  const bool on_dpop = scheme == Scheme::dpop || error == "invalid_dpop_proof" || error == "use_dpop_nonce";
  r.www_authenticate = challenges(s, error, on_dpop);
  return r;
}

Refusal refuse_no_credentials(const ChallengeSettings& s, Error reason) {
  Refusal r{401, challenges(s, {}, false), {}, std::move(reason)};
  return r;
}

Refusal refuse_scope(const ChallengeSettings& s, std::span<const std::string> scopes, bool dpop_bound) {
  std::string scope;
  for (const auto& x : scopes) {
    if (!scope.empty()) scope.push_back(' ');
    scope += x;
  }
  Refusal r{403, challenges(s, "insufficient_scope", dpop_bound, scope), {},
            Error(Errc::insufficient_scope, "missing scope: " + scope)};
  return r;
}

}  // namespace tessera::resource
