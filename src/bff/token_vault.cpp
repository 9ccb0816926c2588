// The BFF's sealed tokens (tessera/bff_token_vault.hpp). The payload is a JSON object
// {"at","rt","it","exp"}; the implicit assertion is "tessera-bff-tokens:" + the session's hash.
#include "tessera/bff_token_vault.hpp"

#include <utility>

#include <boost/json.hpp>

#include "tessera/json.hpp"

namespace tessera::bff {
namespace {

constexpr std::string_view kPurpose = "tessera-bff-tokens:";

std::string implicit_for(std::string_view bound_to) { return std::string(kPurpose) + std::string(bound_to); }

}  // namespace

Result<TokenVault> TokenVault::create(paseto::LocalKey key) {
  if (key.version() != paseto::Version::v4)
    return fail(Errc::invalid_argument, "the BFF token key must be a v4.local key");
  return TokenVault(std::move(key));
}

Result<std::string> TokenVault::seal(const BffTokens& t, std::string_view bound_to) const {
  boost::json::object o;
  o["at"] = t.access_token;
  o["rt"] = t.refresh_token;
  o["it"] = t.id_token;
  o["exp"] = t.access_expires_at;
  return paseto::encrypt(key_, boost::json::serialize(o), {}, implicit_for(bound_to));
}

Result<BffTokens> TokenVault::open(std::string_view sealed, std::string_view bound_to) const {
  auto payload = paseto::decrypt(key_, sealed, implicit_for(bound_to));
  if (!payload) return std::unexpected(payload.error());
  auto o = codec::parse_json_object(*payload);
  if (!o) return fail(Errc::malformed, "sealed BFF tokens: not a JSON object");
  const auto text = [&](std::string_view k) -> const boost::json::string* {
    const auto* v = o->if_contains(k);
    return v != nullptr ? v->if_string() : nullptr;
  };
  const auto* at = text("at");
  const auto* rt = text("rt");
  const auto* it = text("it");
  const auto* exp = o->if_contains("exp");
  if (at == nullptr || rt == nullptr || it == nullptr || exp == nullptr || !exp->is_int64())
    return fail(Errc::malformed, "sealed BFF tokens: a field is missing or of the wrong type");
  return BffTokens{std::string(*at), std::string(*rt), std::string(*it), exp->as_int64()};
}

}  // namespace tessera::bff
