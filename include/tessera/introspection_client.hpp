// HttpIntrospector: the Introspector (tessera/authenticator.hpp) that asks the issuer's
// introspection endpoint (RFC 7662) over libtessera's HttpClient (tessera/http_client.hpp):
// `POST endpoint` with `token=...` (form) and the resource server's own client by
// client_secret_basic (tessera/client_credentials.hpp). Rules:
//  - the endpoint must be an https URL (http only on loopback: secure_or_loopback_url,
//    tessera/http_client.hpp), else invalid_argument at create();
//  - the issuer unreachable, a timeout, or a status other than 200: store_unavailable (the
//    Authenticator fails closed); a 200 whose body is not a valid answer: io_error;
//  - the answer is parsed strictly (parse_introspection_answer): a JSON object whose `active`
//    is a bool (absent or another type: malformed / wrong_type); active false: an answer with
//    active = false and nothing else; active true: the members below, each with its JSON type
//    when present (a string where a string belongs, integer seconds for exp / iat, aud a string
//    or an array of strings, cnf an object whose jkt is a string), else wrong_type;
//  - the token is never logged (errors name the endpoint's host only).
// Thread safety: introspect is thread-safe (the HttpClient is). It blocks for up to `timeout`.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>

#include "tessera/authenticator.hpp"
#include "tessera/client_credentials.hpp"
#include "tessera/error.hpp"
#include "tessera/http_client.hpp"

namespace tessera {

struct HttpIntrospectorOptions {
  std::string endpoint = {};                 // the issuer's introspection_endpoint
  ClientCredentials client = {};             // the resource server's own client
  std::chrono::milliseconds timeout{3000};  // the whole call
};

// The largest introspection answer read.
inline constexpr std::size_t kMaxIntrospectionAnswerBytes = 64 * 1024;

class HttpIntrospector final : public Introspector {
 public:
  // invalid_argument: endpoint not https (see above), no client id.
  static Result<std::shared_ptr<HttpIntrospector>> create(HttpIntrospectorOptions options,
                                                          std::shared_ptr<HttpClient> http);
  Result<IntrospectionAnswer> introspect(std::string_view token) override;

 private:
  HttpIntrospector(HttpIntrospectorOptions options, std::shared_ptr<HttpClient> http);
  HttpIntrospectorOptions options_;
  std::shared_ptr<HttpClient> http_;
};

// The RFC 7662 answer's JSON, strictly (rules above). Errors: malformed, wrong_type, and the
// strict JSON parser's (duplicate_member, json_too_deep, token_too_large).
Result<IntrospectionAnswer> parse_introspection_answer(std::string_view json);

}  // namespace tessera
