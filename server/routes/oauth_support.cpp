// What the OAuth routes share (server/routes/oauth_support.hpp).
#include "server/routes/oauth_support.hpp"

#include <boost/json.hpp>

#include "server/error_table.hpp"
#include "server/oauth_request.hpp"
#include "server/request.hpp"
#include "server/response.hpp"

namespace tessera::server {
namespace {

namespace json = boost::json;

// Whether the library message of this code may go to the client: it is about the request's
// own shape (which parameter, which scope), never about a credential or a grant's state.
bool message_is_public(Errc code) {
  switch (code) {
    case Errc::invalid_request:
    case Errc::invalid_scope:
    case Errc::invalid_target:
    case Errc::unauthorized_client:
    case Errc::unsupported_grant_type:
    case Errc::unsupported_response_type:
    case Errc::invalid_argument:
      return true;
    default:
      return false;
  }
}

Response error_body(Exchange& x, http::status status, std::string_view code, std::string_view description) {
  x.error = std::string(code);
  return oauth_json(status, json::object{{"error", code}, {"error_description", description}});
}

}  // namespace

std::expected<Params, std::string> form_params(const Exchange& x) {
  const auto ct = header(x.in.msg, http::field::content_type);
  if (!ct || media_type(*ct) != "application/x-www-form-urlencoded")
    return std::unexpected(std::string("send the parameters as application/x-www-form-urlencoded"));
  auto p = parse_form_params(x.in.msg.body());
  if (!p) return std::unexpected(std::string("the body is not a valid form"));
  return std::move(*p);
}

std::optional<Params> query_params(const Exchange& x) {
  const std::string_view target = x.in.msg.target();
  const auto q = target.find('?');
  if (q == std::string_view::npos) return Params{};
  return parse_form_params(target.substr(q + 1));
}

ClientAuth client_auth(const Exchange& x) {
  ClientAuth a;
  BasicCredentials b = parse_basic_credentials(header(x.in.msg, http::field::authorization));
  a.malformed_basic = b.present && b.malformed;
  if (b.present && !b.malformed) a.basic.emplace(std::move(b.id), std::move(b.secret));
  return a;
}

Response oauth_json(http::status status, const json::value& body) {
  Response res = json_response(status, body);
  res.set(http::field::cache_control, "no-store");
  res.set(http::field::pragma, "no-cache");
  return res;
}

std::vector<std::string_view> dpop_headers(const Exchange& x) {
  std::vector<std::string_view> out;
  auto [first, last] = x.in.msg.equal_range("DPoP");
  for (auto it = first; it != last; ++it) out.emplace_back(it->value().data(), it->value().size());
  return out;
}

void set_dpop_nonce(const AppContext& ctx, Response& res) {
  if (auto nonce = ctx.oauth.dpop_nonce(); !nonce.empty()) res.set("DPoP-Nonce", nonce);
}

void count_dpop(const AppContext& ctx, std::string_view endpoint, const std::vector<std::string_view>& dpop,
                const Error* error) {
  if (dpop.empty()) return;
  std::string_view result = "ok";
  if (error) {
    const bool dpop_error = error->code == Errc::invalid_dpop_proof || error->code == Errc::use_dpop_nonce;
    result = dpop_error ? code_name(error->code) : "other";
  }
  ctx.metrics.dpop_request(endpoint, result);
}

std::string dpop_challenge(const AppContext& ctx, std::string_view error) {
  const auto meta = ctx.oauth.metadata();
  const auto* algs = meta.if_contains("dpop_signing_alg_values_supported");
  if (!algs || !algs->is_array() || algs->as_array().empty()) return {};
  std::string out = "DPoP algs=\"";
  const char* sep = "";
  for (const auto& a : algs->as_array()) {
    if (!a.is_string()) continue;
    out += sep;
    out += a.as_string();
    sep = " ";
  }
  out += '"';
  if (!error.empty()) out += ", error=\"" + std::string(error) + "\"";
  return out;
}

Response oauth_error(const AppContext& ctx, Exchange& x, const Error& e, bool basic) {
  note_error(ctx, x, e);
  PublicError pe = public_error(e.code);
  if (pe.code == "malformed" || pe.code == "invalid_argument") pe = public_error(Errc::invalid_request);
  if (pe.code == "internal") return error_body(x, pe.status, "server_error", pe.message);
  const std::string_view text = message_is_public(e.code) && !e.message.empty() ? std::string_view(e.message) : pe.message;
  Response res = error_body(x, pe.status, pe.code, text);
  if (e.code == Errc::invalid_client && basic) res.set(http::field::www_authenticate, "Basic realm=\"tessera\"");
  return res;
}

Response oauth_error(Exchange& x, Errc code, std::string_view description) {
  return error_body(x, public_error(code).status, code_name(code), description);
}

}  // namespace tessera::server
