// The BFF's calls to its issuer (issuer_client.hpp).
#include "server/bff/issuer_client.hpp"

#include <array>
#include <utility>

#include <boost/json.hpp>

#include "server/oauth_request.hpp"

namespace tessera::server::bff {
namespace {

namespace json = boost::json;
using tessera::bff::BffTokens;

std::string form(std::initializer_list<std::pair<std::string_view, std::string_view>> params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += percent_encode(k);
    out += '=';
    out += percent_encode(v);
  }
  return out;
}

const json::object* as_object(const json::value& v) { return v.if_object(); }

std::string text(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
}

// The issuer's OAuth error code as an Errc (io_error for any other).
Error issuer_error(unsigned status, const json::object* body) {
  const std::string code = body != nullptr ? text(*body, "error") : std::string();
  static const std::array<std::pair<std::string_view, Errc>, 5> kKnown = {{{"invalid_grant", Errc::invalid_grant},
                                                                          {"invalid_client", Errc::invalid_client},
                                                                          {"invalid_request", Errc::invalid_request},
                                                                          {"unauthorized_client", Errc::unauthorized_client},
                                                                          {"invalid_scope", Errc::invalid_scope}}};
  for (const auto& [name, errc] : kKnown)
    if (code == name) return Error(errc, "issuer: " + code);
  return Error(Errc::io_error, "issuer: status " + std::to_string(status) + (code.empty() ? "" : " " + code));
}

Result<json::value> parse(std::string_view body) {
  json::error_code ec;
  auto v = json::parse(body, ec);
  if (ec) return fail(Errc::io_error, "issuer: the response is not JSON");
  return v;
}

}  // namespace

IssuerClient::IssuerClient(HttpClient& http, std::string issuer, std::string client_id, std::string client_secret)
    : http_(http), issuer_(std::move(issuer)), client_{std::move(client_id), SecretBytes(client_secret)} {}

Result<IssuerEndpoints> IssuerClient::discover() const {
  auto r = http_.send({.method = "GET", .url = issuer_ + "/.well-known/openid-configuration",
                       .headers = {{"Accept", "application/json"}}, .body = {}});
  if (!r) return std::unexpected(r.error());
  if (r->status != 200) return fail(Errc::io_error, "issuer metadata: status " + std::to_string(r->status));
  auto v = parse(r->body);
  if (!v) return std::unexpected(v.error());
  const auto* o = as_object(*v);
  if (o == nullptr) return fail(Errc::io_error, "issuer metadata: not a JSON object");
  if (text(*o, "issuer") != issuer_)
    return fail(Errc::invalid_issuer, "issuer metadata names another issuer than " + issuer_);
  IssuerEndpoints ep{text(*o, "authorization_endpoint"), text(*o, "token_endpoint"), text(*o, "jwks_uri"),
                     text(*o, "revocation_endpoint")};
  if (ep.authorization_endpoint.empty() || ep.token_endpoint.empty() || ep.jwks_uri.empty())
    return fail(Errc::io_error, "issuer metadata lacks the authorization, token or JWKS endpoint");
  return ep;
}

Result<BffTokens> IssuerClient::token_call(const IssuerEndpoints& ep, std::string body, const BffTokens* current,
                                           std::int64_t now) const {
  auto r = http_.send({.method = "POST",
                       .url = ep.token_endpoint,
                       .headers = {{"Authorization", tessera::basic_authorization(client_)},
                                   {"Content-Type", "application/x-www-form-urlencoded"},
                                   {"Accept", "application/json"}},
                       .body = std::move(body)});
  if (!r) return std::unexpected(r.error());
  auto v = parse(r->body);
  const json::object* o = v ? as_object(*v) : nullptr;
  if (r->status != 200) return std::unexpected(issuer_error(r->status, o));
  if (o == nullptr) return fail(Errc::io_error, "issuer: the token response is not a JSON object");
  const std::string type = text(*o, "token_type");
  const auto* expires_in = o->if_contains("expires_in");
  BffTokens t{text(*o, "access_token"), text(*o, "refresh_token"), text(*o, "id_token"), 0};
  if (t.access_token.empty() || (type != "Bearer" && type != "bearer") || expires_in == nullptr || !expires_in->is_int64() ||
      expires_in->as_int64() <= 0)
    return fail(Errc::io_error, "issuer: the token response lacks access_token, token_type Bearer or expires_in");
  t.access_expires_at = now + expires_in->as_int64();
  if (current != nullptr) {
    if (t.refresh_token.empty()) t.refresh_token = current->refresh_token;
    if (t.id_token.empty()) t.id_token = current->id_token;
  }
  return t;
}

Result<BffTokens> IssuerClient::exchange_code(const IssuerEndpoints& ep, std::string_view code,
                                              std::string_view code_verifier, std::string_view redirect_uri,
                                              std::int64_t now) const {
  return token_call(ep,
                    form({{"grant_type", "authorization_code"},
                          {"code", code},
                          {"code_verifier", code_verifier},
                          {"redirect_uri", redirect_uri}}),
                    nullptr, now);
}

Result<BffTokens> IssuerClient::refresh(const IssuerEndpoints& ep, const BffTokens& current, std::int64_t now) const {
  if (current.refresh_token.empty()) return fail(Errc::invalid_grant, "no refresh token");
  return token_call(ep, form({{"grant_type", "refresh_token"}, {"refresh_token", current.refresh_token}}), &current, now);
}

Result<void> IssuerClient::revoke(const IssuerEndpoints& ep, std::string_view refresh_token) const {
  if (ep.revocation_endpoint.empty() || refresh_token.empty()) return {};
  auto r = http_.send({.method = "POST",
                       .url = ep.revocation_endpoint,
                       .headers = {{"Authorization", tessera::basic_authorization(client_)},
                                   {"Content-Type", "application/x-www-form-urlencoded"}},
                       .body = form({{"token", refresh_token}, {"token_type_hint", "refresh_token"}})});
  if (!r) return std::unexpected(r.error());
  if (r->status != 200) {
    auto v = parse(r->body);
    return std::unexpected(issuer_error(r->status, v ? as_object(*v) : nullptr));
  }
  return {};
}

Result<std::string> IssuerClient::jwks(const IssuerEndpoints& ep) const {
  auto r = http_.send({.method = "GET", .url = ep.jwks_uri, .headers = {{"Accept", "application/jwk-set+json, application/json"}}, .body = {}});
  if (!r) return std::unexpected(r.error());
  if (r->status != 200) return fail(Errc::io_error, "issuer JWKS: status " + std::to_string(r->status));
  return std::move(r->body);
}

}  // namespace tessera::server::bff
