// Issuer discovery (tessera/issuer_discovery.hpp).
#include "tessera/issuer_discovery.hpp"

#include <boost/url/parse.hpp>

#include "codec/json.hpp"

namespace tessera {

namespace {

constexpr std::size_t kMaxMetadataBytes = 256 * 1024;

std::string join(std::string_view issuer, std::string_view path) {
  std::string out(issuer);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out + std::string(path);
}

// A metadata member that must be a URL by secure_or_loopback_url; empty when absent.
Result<std::string> url_member(const boost::json::object& o, std::string_view name) {
  auto v = codec::get_string(o, name);
  if (!v) return std::unexpected(v.error());
  if (!*v) return std::string();
  if (!secure_or_loopback_url(**v))
    return fail(Errc::invalid_argument, "issuer metadata: " + std::string(name) + " is not https (nor http on loopback)");
  return std::string(**v);
}

}  // namespace

std::string revocation_feed_url(std::string_view issuer) { return join(issuer, "/oauth2/revocations"); }

Result<IssuerEndpoints> discover_issuer(std::string_view issuer, HttpClient& http) {
  auto u = boost::urls::parse_absolute_uri(issuer);
  if (!secure_or_loopback_url(issuer) || !u || u->has_query() || u->has_fragment())
    return fail(Errc::invalid_argument, "issuer " + std::string(issuer) + ": not an https URL (nor http on loopback) without query or fragment");
  const std::string where = "issuer metadata " + join(issuer, "/.well-known/openid-configuration");
  auto res = http.send({.method = "GET", .url = join(issuer, "/.well-known/openid-configuration"),
                        .headers = {{"Accept", "application/json"}}, .body = {}},
                       http.options().timeout, kMaxMetadataBytes);
  if (!res) return fail(Errc::store_unavailable, where + ": " + res.error().message);
  if (res->status != 200) return fail(Errc::store_unavailable, where + ": status " + std::to_string(res->status));
  auto o = codec::parse_json_object(res->body, {.max_bytes = kMaxMetadataBytes, .max_depth = 16});
  if (!o) return fail(o.error().code, where + ": " + o.error().message);
  auto iss = codec::get_string(*o, "issuer");
  if (!iss) return fail(iss.error().code, where + ": " + iss.error().message);
  if (!*iss || **iss != issuer)
    return fail(Errc::invalid_issuer, where + ": issuer is " + (*iss ? "\"" + std::string(**iss) + "\"" : "absent") +
                                          ", not \"" + std::string(issuer) + "\"");
  IssuerEndpoints e;
  e.issuer = std::string(issuer);
  auto jwks = url_member(*o, "jwks_uri");
  if (!jwks) return fail(jwks.error().code, where + ": " + jwks.error().message);
  if (jwks->empty()) return fail(Errc::missing_claim, where + ": no jwks_uri");
  e.jwks_uri = std::move(*jwks);
  auto intro = url_member(*o, "introspection_endpoint");
  if (!intro) return fail(intro.error().code, where + ": " + intro.error().message);
  e.introspection_endpoint = std::move(*intro);
  e.revocation_feed = revocation_feed_url(issuer);
  return e;
}

}  // namespace tessera
