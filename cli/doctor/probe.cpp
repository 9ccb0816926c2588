// probe() of `tessera doctor --url` (url_rules.hpp): the HTTP(S) calls, through libtessera's
// HttpClient (tessera/http_client.hpp: TLS verified against the system's CAs plus --ca-file).
#include <boost/json.hpp>

#include "doctor/url_rules.hpp"
#include "tessera/http_client.hpp"

namespace tessera::cli::doctor {
namespace {

namespace json = boost::json;

Seen call(HttpClient* client, const std::string& create_error, HttpClientRequest req) {
  Seen s;
  s.url = req.url;
  if (client == nullptr) {
    s.error = create_error;
    return s;
  }
  auto r = client->send(req);
  if (!r) {
    s.error = r.error().message;
    return s;
  }
  s.status = r->status;
  s.headers = std::move(r->headers);
  s.body = std::move(r->body);
  return s;
}

}  // namespace

UrlFacts probe(const ProbeOptions& o) {
  UrlFacts f;
  f.issuer = o.issuer;
  HttpClientOptions options;
  options.ca_file = o.ca_file;
  options.timeout = std::chrono::milliseconds(o.timeout_ms);
  options.max_body_bytes = 1024 * 1024;
  auto created = HttpClient::create(options);
  HttpClient* client = created ? created->get() : nullptr;
  const std::string create_error = created ? "" : created.error().message;

  f.metadata = call(client, create_error, {"GET", o.issuer + "/.well-known/openid-configuration", {}, {}});
  if (f.metadata.status == 200) {
    boost::system::error_code ec;
    const json::value v = json::parse(f.metadata.body, ec);
    const auto* uri = !ec && v.is_object() ? v.as_object().if_contains("jwks_uri") : nullptr;
    if (uri && uri->is_string()) f.jwks = call(client, create_error, {"GET", std::string(uri->as_string()), {}, {}});
  }
  f.login_page = call(client, create_error, {"GET", o.issuer + "/login", {}, {}});
  if (!o.user.empty()) {
    const auto host_at = o.issuer.find("://");
    const std::string origin = o.issuer.substr(0, o.issuer.find('/', host_at == std::string::npos ? 0 : host_at + 3));
    const std::string body = json::serialize(json::object{{"username", o.user}, {"password", o.password}});
    f.login = call(client, create_error,
                   {"POST", o.issuer + "/login", {{"Content-Type", "application/json"}, {"Origin", origin}}, body});
  }
  return f;
}

}  // namespace tessera::cli::doctor
