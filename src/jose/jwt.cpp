// JWT: builder, verifier and the debugging decoder (see jwt.hpp).
#include "tessera/jwt.hpp"

#include <cctype>

#include "codec/base64url.hpp"
#include "codec/json.hpp"

namespace tessera {
namespace {

constexpr std::size_t kMaxClaimsDepth = 16;

// "application/at+jwt" and "AT+JWT" both match "at+jwt" (RFC 7515 §4.1.9).
bool type_matches(std::string_view got, std::string_view want) {
  auto strip = [](std::string_view s) {
    constexpr std::string_view prefix = "application/";
    if (s.size() > prefix.size()) {
      bool has = true;
      for (std::size_t i = 0; i < prefix.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) has = false;
      if (has) s.remove_prefix(prefix.size());
    }
    return s;
  };
  got = strip(got);
  want = strip(want);
  if (got.size() != want.size()) return false;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(got[i])) != std::tolower(static_cast<unsigned char>(want[i])))
      return false;
  return true;
}

}  // namespace

// ---- builder -------------------------------------------------------------------------

JwtBuilder& JwtBuilder::type(std::string typ) { typ_ = std::move(typ); return *this; }
JwtBuilder& JwtBuilder::algorithm(Algorithm alg) { alg_ = alg; return *this; }
JwtBuilder& JwtBuilder::key_id(std::string kid) { kid_ = std::move(kid); return *this; }

Result<std::string> JwtBuilder::sign(const Key& key) const {
  if (error_) return std::unexpected(*error_);
  // Refuse to issue what a verifier would reject for its types.
  if (auto checked = Claims::check_jwt(claims_); !checked) return std::unexpected(std::move(checked.error()));

  JwsSignOptions opt;
  opt.alg = alg_;
  opt.typ = typ_;
  if (kid_) {
    opt.include_kid = false;
    opt.extra_header["kid"] = *kid_;
  }
  return jws_sign(key, boost::json::serialize(claims_), opt);
}

Result<std::string> JwtBuilder::sign(const KeySet& keys) const {
  const Key* key = keys.primary();
  if (!key) return fail(Errc::key_not_found, "the key set is empty");
  return sign(*key);
}

// ---- verifier ------------------------------------------------------------------------

JwtVerifier::Builder::Builder(KeySet keys, ClaimsValidator validator)
    : keys_(std::move(keys)), validator_(std::move(validator)) {}
JwtVerifier::Builder& JwtVerifier::Builder::allow_algorithms(std::vector<Algorithm> algs) {
  algs_ = std::move(algs);
  return *this;
}
JwtVerifier::Builder& JwtVerifier::Builder::expect_type(std::string typ) {
  typ_ = std::move(typ);
  return *this;
}
JwtVerifier::Builder& JwtVerifier::Builder::max_token_bytes(std::size_t n) {
  max_bytes_ = n;
  return *this;
}
Result<JwtVerifier> JwtVerifier::Builder::build() const {
  if (keys_.empty()) return fail(Errc::invalid_argument, "JWT verifier: the key set is empty");
  return JwtVerifier(*this);
}

JwtVerifier::JwtVerifier(const Builder& b)
    : jws_(b.keys_, b.algs_, b.max_bytes_), validator_(b.validator_), typ_(b.typ_) {}

Result<VerifiedJwt> JwtVerifier::verify(std::string_view token) const {
  auto checked = jws_.verify_parts(token);
  if (!checked) return std::unexpected(std::move(checked.error()));

  if (typ_) {
    auto typ = codec::get_string(*checked->header, "typ");
    if (!typ) return std::unexpected(std::move(typ.error()));
    if (!*typ || !type_matches(**typ, *typ_)) return fail(Errc::invalid_type, "unexpected typ");
  }

  thread_local std::string payload;  // reused buffer; the claims are copied out of it
  if (!codec::base64url_decode_into(checked->payload_b64, payload))
    return fail(Errc::malformed, "payload is not base64url");
  // All of one token's claims live in one arena, freed with the Claims.
  auto arena = boost::json::make_shared_resource<boost::json::monotonic_resource>(payload.size() * 2 + 256);
  auto object = codec::parse_json_object(payload, {jws_.max_token_bytes_, kMaxClaimsDepth}, std::move(arena));
  if (!object) return std::unexpected(std::move(object.error()));
  auto claims = Claims::from_jwt(std::move(*object));
  if (!claims) return std::unexpected(std::move(claims.error()));
  if (auto r = validator_.validate(*claims); !r) return std::unexpected(std::move(r.error()));
  return VerifiedJwt(std::move(checked->header), std::move(*claims), checked->alg, checked->key->kid());
}

// ---- debugging decoder ----------------------------------------------------------------

Result<UnverifiedJwt> decode_unverified_for_debugging(std::string_view token, std::size_t max_token_bytes) {
  if (token.size() > max_token_bytes) return fail(Errc::token_too_large, "token over the size limit");
  const auto d1 = token.find('.');
  const auto d2 = d1 == std::string_view::npos ? d1 : token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
    return fail(Errc::malformed, "not a JWS compact serialization");
  auto header_json = codec::base64url_decode_string(token.substr(0, d1));
  if (!header_json) return std::unexpected(std::move(header_json.error()));
  auto header = codec::parse_json_object(*header_json, {max_token_bytes, 4});
  if (!header) return std::unexpected(std::move(header.error()));
  auto payload = codec::base64url_decode_string(token.substr(d1 + 1, d2 - d1 - 1));
  if (!payload) return std::unexpected(std::move(payload.error()));
  UnverifiedJwt out{std::move(*header), {}};
  if (auto v = codec::parse_json(*payload, {max_token_bytes, kMaxClaimsDepth})) {
    out.payload = std::move(*v);
  } else {
    out.payload = boost::json::string(*payload);
  }
  return out;
}

}  // namespace tessera
