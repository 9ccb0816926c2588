// The HTTP introspection client (tessera/introspection_client.hpp).
#include "tessera/introspection_client.hpp"

#include <utility>

#include "codec/json.hpp"
#include "net/client_auth.hpp"

namespace tessera {

namespace json = boost::json;

namespace {

// A string member into out; absent leaves it empty.
Result<void> read_string(const json::object& o, std::string_view name, std::string& out) {
  auto v = codec::get_string(o, name);
  if (!v) return std::unexpected(v.error());
  if (*v) out = std::string(**v);
  return {};
}

Result<void> read_int(const json::object& o, std::string_view name, std::int64_t& out) {
  auto v = codec::get_int(o, name);
  if (!v) return std::unexpected(v.error());
  if (*v) out = **v;
  return {};
}

Result<void> read_audience(const json::object& o, std::vector<std::string>& out) {
  const auto* v = o.if_contains("aud");
  if (!v) return {};
  if (v->is_string()) {
    out.emplace_back(v->get_string());
    return {};
  }
  if (!v->is_array()) return fail(Errc::wrong_type, "introspection: aud is neither a string nor an array");
  for (const auto& a : v->get_array()) {
    if (!a.is_string()) return fail(Errc::wrong_type, "introspection: aud holds a non-string");
    out.emplace_back(a.get_string());
  }
  return {};
}

Result<void> read_jkt(const json::object& o, std::string& out) {
  const auto* cnf = o.if_contains("cnf");
  if (!cnf) return {};
  if (!cnf->is_object()) return fail(Errc::wrong_type, "introspection: cnf is not an object");
  return read_string(cnf->get_object(), "jkt", out);
}

}  // namespace

Result<IntrospectionAnswer> parse_introspection_answer(std::string_view text) {
  auto parsed = codec::parse_json_object(text);
  if (!parsed) return std::unexpected(parsed.error());
  const json::object& o = *parsed;
  const auto* active = o.if_contains("active");
  if (!active) return fail(Errc::malformed, "introspection: no active member");
  if (!active->is_bool()) return fail(Errc::wrong_type, "introspection: active is not a bool");
  IntrospectionAnswer a;
  if (!active->get_bool()) return a;  // inactive: nothing else counts
  a.active = true;
  for (auto [name, out] : {std::pair<std::string_view, std::string*>{"sub", &a.subject}, {"client_id", &a.client_id},
                           {"scope", &a.scope}, {"jti", &a.jti}, {"iss", &a.issuer}, {"sid", &a.sid},
                           {"token_type", &a.token_type}}) {
    if (auto ok = read_string(o, name, *out); !ok) return std::unexpected(ok.error());
  }
  if (auto ok = read_int(o, "exp", a.expires_at); !ok) return std::unexpected(ok.error());
  if (auto ok = read_int(o, "iat", a.issued_at); !ok) return std::unexpected(ok.error());
  if (auto ok = read_audience(o, a.audience); !ok) return std::unexpected(ok.error());
  if (auto ok = read_jkt(o, a.jkt); !ok) return std::unexpected(ok.error());
  return a;
}

Result<std::shared_ptr<HttpIntrospector>> HttpIntrospector::create(HttpIntrospectorOptions options,
                                                                   std::shared_ptr<HttpClient> http) {
  if (!secure_or_loopback_url(options.endpoint))
    return fail(Errc::invalid_argument, "introspection endpoint " + options.endpoint + ": not https (nor http on loopback)");
  if (options.client.client_id.empty()) return fail(Errc::invalid_argument, "introspection: no client id");
  if (!http) return fail(Errc::invalid_argument, "introspection: no HTTP client");
  return std::shared_ptr<HttpIntrospector>(new HttpIntrospector(std::move(options), std::move(http)));
}

HttpIntrospector::HttpIntrospector(HttpIntrospectorOptions options, std::shared_ptr<HttpClient> http)
    : options_(std::move(options)), http_(std::move(http)) {}

Result<IntrospectionAnswer> HttpIntrospector::introspect(std::string_view token) {
  auto res = http_->send({.method = "POST",
                          .url = options_.endpoint,
                          .headers = {{"Authorization", tessera::basic_authorization(options_.client)},
                                      {"Content-Type", "application/x-www-form-urlencoded"},
                                      {"Accept", "application/json"}},
                          .body = net::form_body({{"token", token}})},
                         options_.timeout, kMaxIntrospectionAnswerBytes);
  if (!res) return fail(Errc::store_unavailable, "introspection: " + res.error().message);
  if (res->status != 200)
    return fail(Errc::store_unavailable, "introspection: status " + std::to_string(res->status));
  auto answer = parse_introspection_answer(res->body);
  if (!answer) return fail(Errc::io_error, "introspection answer: " + std::string(answer.error().name()) + ": " + answer.error().message);
  return answer;
}

}  // namespace tessera
