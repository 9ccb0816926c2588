// The secrets of one BFF sign-in (tessera/bff_login_request.hpp).
#include "tessera/bff_login_request.hpp"

#include <boost/json.hpp>

#include "codec/base64url.hpp"
#include "tessera/json.hpp"
#include "crypto/crypto.hpp"

namespace tessera::bff {
namespace {

constexpr std::size_t kRandomBytes = 32;

std::string random_token() { return codec::base64url_encode(crypto::random_bytes(kRandomBytes)); }

constexpr std::string_view kImplicit = "tessera-bff-login";

}  // namespace

Result<std::string> seal_login_request(const LoginRequest& r, const paseto::LocalKey& key, std::int64_t now,
                                       std::int64_t ttl) {
  if (key.version() != paseto::Version::v4) return fail(Errc::invalid_argument, "the BFF key must be a v4.local key");
  boost::json::object o;
  o["state"] = r.state;
  o["nonce"] = r.nonce;
  o["cv"] = r.code_verifier;
  o["exp"] = now + ttl;
  return paseto::encrypt(key, boost::json::serialize(o), {}, kImplicit);
}

Result<LoginRequest> open_login_request(std::string_view sealed, const paseto::LocalKey& key, std::int64_t now) {
  auto payload = paseto::decrypt(key, sealed, kImplicit);
  if (!payload) return std::unexpected(payload.error());
  auto o = codec::parse_json_object(*payload);
  if (!o) return fail(Errc::malformed, "sealed BFF login: not a JSON object");
  const auto text = [&](std::string_view k) -> const boost::json::string* {
    const auto* v = o->if_contains(k);
    return v != nullptr ? v->if_string() : nullptr;
  };
  const auto* state = text("state");
  const auto* nonce = text("nonce");
  const auto* cv = text("cv");
  const auto* exp = o->if_contains("exp");
  if (state == nullptr || nonce == nullptr || cv == nullptr || exp == nullptr || !exp->is_int64())
    return fail(Errc::malformed, "sealed BFF login: a field is missing or of the wrong type");
  if (exp->as_int64() <= now) return fail(Errc::token_expired, "the BFF sign-in took too long; start again");
  LoginRequest r{std::string(*state), std::string(*nonce), std::string(*cv), {}};
  r.code_challenge = s256_challenge(r.code_verifier);
  return r;
}

std::string s256_challenge(std::string_view code_verifier) {
  return codec::base64url_encode(crypto::sha256(crypto::as_bytes(code_verifier)));
}

LoginRequest new_login_request() {
  LoginRequest r{random_token(), random_token(), random_token(), {}};
  r.code_challenge = s256_challenge(r.code_verifier);
  return r;
}

bool state_matches(const LoginRequest& request, std::string_view returned_state) {
  if (returned_state.empty() || request.state.empty()) return false;
  return crypto::constant_time_equal(crypto::as_bytes(request.state), crypto::as_bytes(returned_state));
}

}  // namespace tessera::bff
