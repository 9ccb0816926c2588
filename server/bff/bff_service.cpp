// BffService (bff_service.hpp): sign-in, callback, user, logout and the API proxy.
#include "server/bff/bff_service.hpp"

#include <algorithm>
#include <utility>

#include <boost/json.hpp>

#include "server/oauth_request.hpp"
#include "server/return_to.hpp"
#include "tessera/bff_id_token.hpp"
#include "tessera/bff_proxy_rules.hpp"

namespace tessera::server::bff {
namespace {

namespace json = boost::json;
using tessera::bff::BffTokens;

// The ID token claims the SPA may see (GET /bff/user).
constexpr std::string_view kUserClaims[] = {"sub", "name", "preferred_username", "email", "email_verified",
                                            "auth_time"};

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

std::string_view header_value(const HeaderList& headers, std::string_view name) {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

// Content-Length is the transport's own on each side; the proxy rules decide the rest.
bool is_content_length(std::string_view name) { return iequals(name, "content-length"); }

}  // namespace

BffService::BffService(BffSettings settings, IssuerClient& issuer, HttpClient& upstream_http, BffSessions& sessions,
                       paseto::LocalKey key, const Clock& clock)
    : settings_(std::move(settings)),
      issuer_(issuer),
      http_(upstream_http),
      sessions_(sessions),
      key_(std::move(key)),
      clock_(clock) {}

Result<IssuerEndpoints> BffService::endpoints() {
  {
    MutexLock lock(mu_);
    if (endpoints_) return *endpoints_;
  }
  auto ep = issuer_.discover();  // outside the lock: a slow issuer must not hold up the others
  if (!ep) return std::unexpected(ep.error());
  MutexLock lock(mu_);
  if (!endpoints_) endpoints_ = *ep;
  return *endpoints_;
}

Result<std::string> BffService::jwks(bool refetch) {
  {
    MutexLock lock(mu_);
    if (!refetch && !jwks_.empty()) return jwks_;
  }
  auto ep = endpoints();
  if (!ep) return std::unexpected(ep.error());
  auto keys = issuer_.jwks(*ep);
  if (!keys) return std::unexpected(keys.error());
  MutexLock lock(mu_);
  jwks_ = *keys;
  return jwks_;
}

bool BffService::has_upstream(std::string_view name) const {
  return std::any_of(settings_.upstreams.begin(), settings_.upstreams.end(),
                     [&](const auto& u) { return u.first == name; });
}

Result<LoginStart> BffService::start_login(std::string_view return_to) {
  auto ep = endpoints();
  if (!ep) return std::unexpected(ep.error());
  auto r = tessera::bff::new_login_request();
  r.return_to = !return_to.empty() && is_local_return_to(return_to) ? std::string(return_to)
                                                                    : std::string(kDefaultReturnTo);
  auto sealed = tessera::bff::seal_login_request(r, key_, clock_.now());
  if (!sealed) return std::unexpected(sealed.error());
  std::string url = ep->authorization_endpoint;
  url += url.find('?') == std::string::npos ? '?' : '&';
  const std::pair<std::string_view, std::string_view> params[] = {
      {"response_type", "code"},        {"client_id", settings_.client_id}, {"redirect_uri", settings_.redirect_uri},
      {"scope", kBffScope},             {"state", r.state},                 {"nonce", r.nonce},
      {"code_challenge", r.code_challenge}, {"code_challenge_method", "S256"}};
  bool first = true;
  for (const auto& [k, v] : params) {
    if (!first) url += '&';
    first = false;
    url += k;
    url += '=';
    url += percent_encode(v);
  }
  return LoginStart{std::move(url), std::move(*sealed)};
}

Result<LoginDone> BffService::finish_login(std::string_view code, std::string_view state, std::string_view sealed,
                                           const ClientInfo& client) {
  if (sealed.empty()) return fail(Errc::invalid_request, "no sign-in in progress in this browser");
  const std::int64_t now = clock_.now();
  auto r = tessera::bff::open_login_request(sealed, key_, now);
  if (!r) return fail(Errc::invalid_request, "the sign-in expired or its record is not ours; start again");
  if (!tessera::bff::state_matches(*r, state)) return fail(Errc::invalid_request, "the state does not match the sign-in");
  if (code.empty()) return fail(Errc::invalid_request, "the callback carries no code");
  auto ep = endpoints();
  if (!ep) return std::unexpected(ep.error());
  auto tokens = issuer_.exchange_code(*ep, code, r->code_verifier, settings_.redirect_uri, now);
  if (!tokens) return std::unexpected(tokens.error());
  if (tokens->id_token.empty()) return fail(Errc::missing_claim, "the issuer sent no ID token");
  const tessera::bff::IdTokenExpectations expect{settings_.issuer, settings_.client_id, r->nonce};
  auto keys = jwks(false);
  if (!keys) return std::unexpected(keys.error());
  auto claims = tessera::bff::verify_id_token(tokens->id_token, *keys, expect, clock_);
  if (!claims && claims.error().code == Errc::key_not_found) {  // the issuer rotated: fetch once more
    keys = jwks(true);
    if (!keys) return std::unexpected(keys.error());
    claims = tessera::bff::verify_id_token(tokens->id_token, *keys, expect, clock_);
  }
  if (!claims) return std::unexpected(claims.error());
  json::object user;
  for (std::string_view k : kUserClaims)
    if (const auto* v = claims->json().if_contains(k)) user[k] = *v;
  auto made = sessions_.create(user, *tokens, client);
  if (!made) return std::unexpected(made.error());
  return LoginDone{std::move(made->id), made->session.record.absolute_expires_at, std::move(r->return_to)};
}

Result<json::object> BffService::user(std::string_view session_id) {
  auto s = sessions_.load(session_id);
  if (!s) return std::unexpected(s.error());
  json::object out = s->user;
  const auto& rec = s->session.record;
  out["expires_at"] = std::min(rec.idle_expires_at, rec.absolute_expires_at);
  return out;
}

Result<Result<void>> BffService::logout(std::string_view session_id) {
  auto s = sessions_.load(session_id);
  if (!s) return std::unexpected(s.error());
  Result<void> revoked;
  if (!s->tokens.refresh_token.empty()) {
    auto ep = endpoints();
    if (!ep) revoked = std::unexpected(ep.error());
    else revoked = issuer_.revoke(*ep, s->tokens.refresh_token);
  }
  auto ended = sessions_.end(s->session.record.id_hash);
  if (!ended) return std::unexpected(ended.error());
  return Result<Result<void>>(std::in_place, std::move(revoked));
}

Result<HttpClientResponse> BffService::proxy(std::string_view session_id, const ProxyCall& call) {
  const auto up = std::find_if(settings_.upstreams.begin(), settings_.upstreams.end(),
                               [&](const auto& u) { return u.first == call.upstream; });
  if (up == settings_.upstreams.end()) return fail(Errc::invalid_argument, "no such upstream");
  auto url = tessera::bff::upstream_url(up->second, call.rest);
  if (!url) return std::unexpected(url.error());
  auto s = sessions_.load(session_id);
  if (!s) return std::unexpected(s.error());
  auto tokens = sessions_.fresh_tokens(*s, [this](const BffTokens& current) -> Result<BffTokens> {
    auto ep = endpoints();
    if (!ep) return std::unexpected(ep.error());
    return issuer_.refresh(*ep, current, clock_.now());
  });
  if (!tokens) return std::unexpected(tokens.error());

  HttpClientRequest req{.method = call.method, .url = std::move(*url), .headers = {}, .body = call.body};
  const std::string_view connection = header_value(call.headers, "connection");
  for (const auto& [k, v] : call.headers)
    if (!is_content_length(k) && tessera::bff::forward_request_header(k, connection)) req.headers.emplace_back(k, v);
  req.headers.emplace_back("Authorization", "Bearer " + tokens->access_token);
  auto res = http_.send(req);
  if (!res) return std::unexpected(res.error());
  const std::string back_connection(header_value(res->headers, "connection"));
  std::erase_if(res->headers, [&](const auto& h) {
    return is_content_length(h.first) || !tessera::bff::forward_response_header(h.first, back_connection);
  });
  return res;
}

}  // namespace tessera::server::bff
