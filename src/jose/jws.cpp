// JWS compact serialization: signing and the verification rules of jws.hpp.
#include "tessera/jws.hpp"

#include <algorithm>

#include "codec/base64url.hpp"
#include "codec/json.hpp"
#include "keys/key_impl.hpp"

namespace tessera {
namespace {

constexpr std::size_t kMaxHeaderDepth = 4;

struct Parts {
  std::string_view header_b64, payload_b64, signature_b64, signing_input;
};

Result<Parts> split_compact(std::string_view token, std::size_t max_bytes) {
  if (token.size() > max_bytes) return fail(Errc::token_too_large, "token over the size limit");
  const auto d1 = token.find('.');
  if (d1 == std::string_view::npos) return fail(Errc::malformed, "not a JWS compact serialization");
  const auto d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
    return fail(Errc::malformed, "not a JWS compact serialization");
  return Parts{token.substr(0, d1), token.substr(d1 + 1, d2 - d1 - 1), token.substr(d2 + 1),
               token.substr(0, d2)};
}

// Parses a protected header. Tokens from one issuer mostly share one header, so each thread
// keeps the last header it parsed: the same base64url text yields the same immutable object.
Result<std::shared_ptr<const boost::json::object>> parse_header(std::string_view header_b64, std::size_t max_bytes) {
  thread_local std::string last_b64;
  thread_local std::shared_ptr<const boost::json::object> last_header;
  if (last_header && header_b64 == last_b64) return last_header;
  std::string header_json;
  if (!codec::base64url_decode_into(header_b64, header_json))
    return fail(Errc::malformed, "header is not base64url");
  auto header = codec::parse_json_object(header_json, {max_bytes, kMaxHeaderDepth});
  if (!header) return std::unexpected(std::move(header.error()));
  auto shared = std::make_shared<const boost::json::object>(std::move(*header));
  if (header_b64.size() <= 1024) {
    last_b64.assign(header_b64);
    last_header = shared;
  }
  return shared;
}

}  // namespace

Result<std::string> jws_sign(const Key& key, std::string_view payload, const JwsSignOptions& options) {
  const Algorithm alg = options.alg.value_or(key.default_algorithm());
  // The header is written directly (member order alg, typ, kid, extras), not via a DOM.
  std::string header = "{\"alg\":\"";
  header.append(alg_name(alg)).push_back('"');
  auto member = [&header](std::string_view name, const boost::json::value& v) {
    header.append(",").append(boost::json::serialize(boost::json::string(name))).append(":");
    header.append(boost::json::serialize(v));
  };
  if (options.typ) member("typ", boost::json::string(*options.typ));
  if (options.include_kid && !key.kid().empty()) member("kid", boost::json::string(key.kid()));
  for (const auto& m : options.extra_header) {
    const std::string_view name(m.key().data(), m.key().size());
    if (name == "alg" || (name == "typ" && options.typ) || (name == "kid" && options.include_kid && !key.kid().empty()))
      return fail(Errc::invalid_argument, "extra_header repeats a member the signer sets");
    member(name, m.value());
  }
  header.push_back('}');

  std::string out;
  out.reserve(codec::base64url_encoded_size(header.size()) + codec::base64url_encoded_size(payload.size()) + 2 +
              codec::base64url_encoded_size(512));
  codec::base64url_encode_append(crypto::as_bytes(header), out);
  out.push_back('.');
  codec::base64url_encode_append(crypto::as_bytes(payload), out);
  auto sig = keys::sign(key, alg, crypto::as_bytes(out));
  if (!sig) return std::unexpected(std::move(sig.error()));
  out.push_back('.');
  codec::base64url_encode_append(*sig, out);
  return out;
}

JwsVerifier::JwsVerifier(KeySet keys, std::vector<Algorithm> allowed, std::size_t max_token_bytes)
    : keys_(std::move(keys)), allowed_(std::move(allowed)), max_token_bytes_(max_token_bytes) {}

Result<JwsVerifier::Checked> JwsVerifier::verify_parts(std::string_view token,
                                                       const std::string* detached_payload_b64) const {
  auto parts = split_compact(token, max_token_bytes_);
  if (!parts) return std::unexpected(std::move(parts.error()));
  std::string detached_input;
  if (detached_payload_b64) {
    if (!parts->payload_b64.empty()) return fail(Errc::malformed, "token does not have detached content");
    detached_input.reserve(parts->header_b64.size() + 1 + detached_payload_b64->size());
    detached_input.append(parts->header_b64).append(".").append(*detached_payload_b64);
    parts->signing_input = detached_input;
    parts->payload_b64 = *detached_payload_b64;
  }
  auto header = parse_header(parts->header_b64, max_token_bytes_);
  if (!header) return std::unexpected(std::move(header.error()));

  const boost::json::object& h = **header;
  auto alg_name_v = codec::get_string(h, "alg");
  if (!alg_name_v) return std::unexpected(std::move(alg_name_v.error()));
  if (!*alg_name_v) return fail(Errc::malformed, "header has no alg");
  const auto alg = parse_algorithm(**alg_name_v);
  if (!alg) return fail(Errc::alg_not_allowed, "algorithm not allowed");
  if (!allowed_.empty() && std::find(allowed_.begin(), allowed_.end(), *alg) == allowed_.end())
    return fail(Errc::alg_not_allowed, "algorithm not allowed by the verifier");
  if (h.contains("crit")) return fail(Errc::crit_unsupported, "crit names an unsupported extension");

  auto kid = codec::get_string(h, "kid");
  if (!kid) return std::unexpected(std::move(kid.error()));

  thread_local std::string signature;  // reused buffer: no allocation per call
  if (!codec::base64url_decode_into(parts->signature_b64, signature))
    return fail(Errc::malformed, "signature is not base64url");
  const auto input = crypto::as_bytes(parts->signing_input);
  const auto sig = crypto::as_bytes(signature);

  if (*kid) {
    const Key* key = keys_.select_by_token_kid(**kid);  // strict, except for one unnamed key
    if (!key) return fail(Errc::key_not_found, "no key with that kid");
    if (auto r = keys::verify(*key, *alg, input, sig); !r) return std::unexpected(std::move(r.error()));
    return Checked{std::move(*header), parts->payload_b64, key, *alg};
  }
  // No kid: try, in order, the keys that allow this algorithm and may verify.
  bool tried = false, forbidden = false;
  for (const Key& key : keys_.keys()) {
    if (!key.allows(*alg)) continue;
    if (!key.can_verify()) {
      forbidden = true;
      continue;
    }
    tried = true;
    if (keys::verify(key, *alg, input, sig)) return Checked{std::move(*header), parts->payload_b64, &key, *alg};
  }
  if (!tried && forbidden) return fail(Errc::key_not_permitted, "no key that allows this algorithm may verify");
  if (!tried) return fail(Errc::alg_not_allowed, "no configured key allows this algorithm");
  return fail(Errc::bad_signature, "signature does not verify");
}

Result<VerifiedJws> JwsVerifier::verify_detached(std::string_view token, std::string_view payload) const {
  const std::string payload_b64 = codec::base64url_encode(payload);
  auto checked = verify_parts(token, &payload_b64);
  if (!checked) return std::unexpected(std::move(checked.error()));
  return VerifiedJws{*checked->header, std::string(payload), checked->key->kid(), checked->alg};
}

Result<VerifiedJws> JwsVerifier::verify(std::string_view token) const {
  auto checked = verify_parts(token);
  if (!checked) return std::unexpected(std::move(checked.error()));
  std::string payload;
  if (!codec::base64url_decode_into(checked->payload_b64, payload))
    return fail(Errc::malformed, "payload is not base64url");
  return VerifiedJws{*checked->header, std::move(payload), checked->key->kid(), checked->alg};
}

}  // namespace tessera
