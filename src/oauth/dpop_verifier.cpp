// DpopVerifier (tessera/dpop.hpp): the RFC 9449 §4.3 checks, in the order the header lists.
#include <algorithm>
#include <string>

#include "codec/base64url.hpp"
#include "codec/json.hpp"
#include "crypto/crypto.hpp"
#include "oauth/dpop_key_cache.hpp"
#include "tessera/dpop.hpp"
#include "tessera/jws.hpp"

namespace tessera {

namespace {

constexpr std::string_view kTyp = "dpop+jwt";
constexpr codec::JsonLimits kHeaderLimits{8 * 1024, 4};

std::unexpected<Error> bad(std::string why) { return fail(Errc::invalid_dpop_proof, "DPoP proof: " + why); }

bool is_symmetric(Algorithm a) noexcept { return a == Algorithm::HS256 || a == Algorithm::HS384 || a == Algorithm::HS512; }

// The private members of RFC 7518 §6.2.2 (EC, OKP "d"), §6.3.2 (RSA) and §6.4 (oct "k").
bool has_private_member(const boost::json::object& jwk) {
  for (const auto* m : {"d", "p", "q", "dp", "dq", "qi", "oth", "k"})
    if (jwk.contains(m)) return true;
  return false;
}

struct Claims {
  std::string_view jti, htm, htu;
  std::int64_t iat = 0;
  std::optional<std::string_view> nonce, ath;
};

Result<Claims> read_claims(const boost::json::object& payload) {
  Claims c;
  for (const auto& [name, out] : {std::pair<const char*, std::string_view*>{"jti", &c.jti}, {"htm", &c.htm}, {"htu", &c.htu}}) {
    auto v = codec::get_string(payload, name);
    if (!v) return bad(std::string(name) + " is not a string");
    if (!*v) return bad(std::string("no ") + name + " claim");
    *out = **v;
  }
  auto iat = codec::get_int(payload, "iat");
  if (!iat) return bad("iat is not a number");
  if (!*iat) return bad("no iat claim");
  c.iat = **iat;
  auto nonce = codec::get_string(payload, "nonce");
  if (!nonce) return bad("nonce is not a string");
  c.nonce = *nonce;
  auto ath = codec::get_string(payload, "ath");
  if (!ath) return bad("ath is not a string");
  c.ath = *ath;
  return c;
}

}  // namespace

DpopVerifier::DpopVerifier(DpopOptions options, std::shared_ptr<DpopReplayCache> replay)
    : options_(std::move(options)),
      replay_(std::move(replay)),
      keys_(std::make_shared<oauth::DpopKeyCache>(options_.key_cache_entries)) {}

Result<DpopVerifier> DpopVerifier::create(DpopOptions options, std::shared_ptr<DpopReplayCache> replay) {
  if (!replay) return fail(Errc::invalid_argument, "DPoP verifier needs a replay cache");
  if (!options.clock) return fail(Errc::invalid_argument, "DPoP verifier needs a clock");
  if (options.algorithms.empty()) return fail(Errc::invalid_argument, "DPoP verifier needs algorithms");
  if (std::ranges::any_of(options.algorithms, is_symmetric))
    return fail(Errc::invalid_argument, "DPoP proofs use asymmetric algorithms only");
  if (options.require_nonce && !options.nonces) return fail(Errc::invalid_argument, "require_nonce without nonces");
  if (options.max_age < 0 || options.leeway < 0) return fail(Errc::invalid_argument, "negative DPoP time window");
  if (options.max_jti_bytes == 0) return fail(Errc::invalid_argument, "max_jti_bytes is 0");
  return DpopVerifier(std::move(options), std::move(replay));
}

Result<DpopProof> DpopVerifier::verify(const DpopRequest& request) const {
  const auto& o = options_;
  if (request.dpop_headers.empty()) return bad("no DPoP header");
  if (request.dpop_headers.size() > 1) return bad("more than one DPoP header");
  const auto proof = request.dpop_headers.front();
  if (proof.size() > o.max_proof_bytes) return bad("over " + std::to_string(o.max_proof_bytes) + " bytes");

  const auto dot1 = proof.find('.');
  const auto dot2 = dot1 == std::string_view::npos ? dot1 : proof.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || proof.find('.', dot2 + 1) != std::string_view::npos)
    return bad("not a JWT of three parts");
  std::string header_json;
  if (!codec::base64url_decode_into(proof.substr(0, dot1), header_json)) return bad("header is not base64url");
  auto header = codec::parse_json_object(header_json, kHeaderLimits);
  if (!header) return bad("header: " + header.error().message);

  auto typ = codec::get_string(*header, "typ");
  if (!typ || !*typ || **typ != kTyp) return bad("typ is not dpop+jwt");

  auto alg_name_v = codec::get_string(*header, "alg");
  if (!alg_name_v || !*alg_name_v) return bad("no alg");
  const auto alg = parse_algorithm(**alg_name_v);
  if (!alg || is_symmetric(*alg) || std::ranges::find(o.algorithms, *alg) == o.algorithms.end())
    return bad("alg " + std::string(**alg_name_v) + " not allowed");

  const auto* jwk_v = header->if_contains("jwk");
  if (!jwk_v || !jwk_v->is_object()) return bad("no jwk header");
  if (has_private_member(jwk_v->get_object())) return bad("jwk holds a private key");
  const auto jwk_json = codec::to_json(*jwk_v);
  auto cached = keys_->find(jwk_json);
  if (!cached) {
    auto imported = Key::from_jwk(jwk_v->get_object());
    if (!imported) return bad("jwk: " + imported.error().message);
    cached = oauth::DpopKey{*imported, imported->thumbprint()};
    keys_->put(jwk_json, *cached);
  }
  const Key* key = &cached->key;
  if (!key->allows(*alg)) return bad("jwk does not allow alg " + std::string(alg_name(*alg)));

  auto set = KeySet::single_key(*key);
  if (!set) return bad("jwk: " + set.error().message);
  const JwsVerifier jws(std::move(*set), {*alg}, o.max_proof_bytes);
  auto verified = jws.verify(proof);
  if (!verified) return bad("signature: " + std::string(verified.error().name()) + ": " + verified.error().message);

  auto payload = codec::parse_json_object(verified->payload(), kHeaderLimits);
  if (!payload) return bad("claims: " + payload.error().message);
  auto claims = read_claims(*payload);
  if (!claims) return std::unexpected(claims.error());
  const auto& c = *claims;

  if (c.jti.empty() || c.jti.size() > o.max_jti_bytes)
    return bad("jti empty or over " + std::to_string(o.max_jti_bytes) + " bytes");
  if (c.htm != request.method) return bad("htm does not match the request method");
  auto want_htu = dpop_htu(request.url);
  if (!want_htu) return fail(Errc::invalid_argument, "request URL: " + want_htu.error().message);
  auto got_htu = dpop_htu(c.htu);
  if (!got_htu || *got_htu != *want_htu) return bad("htu does not match the request URL");

  const auto now = o.clock->now();
  if (c.iat > now + o.leeway) return bad("iat in the future");
  if (c.iat < now - o.max_age - o.leeway) return bad("iat too old");

  if (o.nonces && (o.require_nonce || c.nonce)) {
    if (!c.nonce) return fail(Errc::use_dpop_nonce, "DPoP proof: nonce required");
    if (!o.nonces->accepts(*c.nonce, now)) return fail(Errc::use_dpop_nonce, "DPoP proof: nonce stale or unknown");
  }

  if (request.access_token) {
    if (!c.ath) return bad("no ath claim with an access token");
    const auto want = dpop_ath(*request.access_token);
    if (!crypto::constant_time_equal(crypto::as_bytes(want), crypto::as_bytes(*c.ath)))
      return bad("ath does not match the access token");
  }

  auto jkt = std::move(cached->jkt);
  if (request.expected_jkt && *request.expected_jkt != jkt) return bad("key does not match the token's jkt");

  // Kept as long as a proof with this iat could still be accepted.
  auto first = replay_->first_use(c.jti, c.iat + o.max_age + 2 * o.leeway);
  if (!first) return std::unexpected(first.error());
  if (!*first) return bad("jti already used (replay)");
  return DpopProof{std::move(jkt), std::string(c.jti), c.iat, *alg};
}

}  // namespace tessera
