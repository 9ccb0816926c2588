// DPoP (RFC 9449): checking the proof a client sends in the `DPoP` header, so that a token is
// bound to a key the client holds. One DpopVerifier serves the authorization server (token
// endpoint, /userinfo) and resource servers alike (docs/dpop.md).
//
// verify() checks, in this order, each failure its own message (code invalid_dpop_proof unless
// said otherwise): exactly one DPoP header; size <= max_proof_bytes; a JWS compact JWT (three
// parts); header JSON with typ "dpop+jwt"; alg in the allow-list (asymmetric only: none and HS*
// never); a jwk header that is a public key (any private member refused) of a type that allows
// alg; the signature, verified with that jwk and nothing else; claims jti (1..max_jti_bytes),
// htm (== the method), htu (== the request URL, both normalised: dpop_htu()), iat (no older
// than max_age, no further ahead than leeway); nonce (required: missing or not accepted by the
// DpopNonces -> use_dpop_nonce, the front end answers with a fresh DPoP-Nonce); ath (when an
// access token is given: == dpop_ath(token)); the key thumbprint == expected_jkt (when given);
// last the replay cache (so junk proofs never fill it): a jti seen before is refused. A replay
// cache error (store_unavailable) is passed on: fail closed.
//
// Thread safety: DpopNonces is immutable; DpopVerifier's const methods are thread-safe (its
// only state is an internal, locked cache of imported proof keys, shared by copies);
// DpopReplayCache implementations must be thread-safe (the in-memory one is).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/clock.hpp"
#include "tessera/error.hpp"
#include "tessera/keys.hpp"
#include "tessera/secret.hpp"

namespace tessera {

namespace oauth {
class DpopKeyCache;  // src/oauth/dpop_key_cache.hpp
}

// Remembers the jti of accepted proofs until they expire.
class DpopReplayCache {
 public:
  virtual ~DpopReplayCache() = default;
  // Atomic insert-if-absent: true the first time jti is seen (kept until expires_at), false on a
  // replay. Errors: store_unavailable (the cache cannot answer: callers refuse the proof).
  virtual Result<bool> first_use(std::string_view jti, std::int64_t expires_at) = 0;
};

// In-memory replay cache for tests and single-instance use: at most max_entries jtis; entries
// past their expiry (by clock) are dropped; when full of live entries it answers
// store_unavailable rather than forget a live jti. clock must outlive the cache.
std::unique_ptr<DpopReplayCache> make_memory_dpop_replay_cache(std::size_t max_entries, const Clock& clock);

// The replay cache of a store URI, shared by every instance on that store ("memory:" — one
// process —, "sqlite:PATH", "redis://H:P", "redis-cluster://H:P,..."): atomic insert-if-absent
// of the jti's hash (so its size is bounded whatever the jti), entries gone after expires_at.
// Errors: invalid_argument (bad URI), store_unavailable.
Result<std::unique_ptr<DpopReplayCache>> open_dpop_replay_cache(std::string_view uri);

// Server nonces (RFC 9449 §8) derived from a shared secret and a time step:
// nonce(step) = base64url(first 16 bytes of HMAC-SHA-256(secret, "tessera dpop nonce" ||
// step as 8 bytes big-endian)), step = floor(now / step_seconds). Every instance sharing the
// secret issues and accepts the same nonces without talking to the others. accepts() takes the
// current and the previous step's nonce; older ones are stale.
class DpopNonces {
 public:
  static constexpr std::size_t kMinSecretBytes = 32;
  // Errors: key_too_short (secret < 32 bytes), invalid_argument (step_seconds < 1).
  static Result<DpopNonces> create(SecretBytes secret, std::int64_t step_seconds = 300);
  // The nonces of a server key (e.g. the OAuth server's key every instance shares): the secret
  // is HMAC-SHA-256(server_key, "tessera dpop nonce key"), so the key itself is used for
  // nothing else here. Errors: as create() (server_key < 32 bytes: key_too_short).
  static Result<DpopNonces> derive(const SecretBytes& server_key, std::int64_t step_seconds = 300);

  std::string current(std::int64_t now) const;
  bool accepts(std::string_view nonce, std::int64_t now) const;
  std::int64_t step_seconds() const noexcept { return step_seconds_; }

 private:
  DpopNonces(SecretBytes secret, std::int64_t step_seconds)
      : secret_(std::move(secret)), step_seconds_(step_seconds) {}
  std::string for_step(std::int64_t step) const;
  SecretBytes secret_;
  std::int64_t step_seconds_;
};

struct DpopOptions {
  // Asymmetric algorithms only (create() refuses HS*).
  std::vector<Algorithm> algorithms = {Algorithm::ES256, Algorithm::ES384, Algorithm::ES512, Algorithm::EdDSA,
                                       Algorithm::PS256, Algorithm::PS384, Algorithm::PS512, Algorithm::RS256,
                                       Algorithm::RS384, Algorithm::RS512};
  std::int64_t max_age = 60;         // iat may be this many seconds old (plus leeway)
  std::int64_t leeway = 5;           // clock skew: iat may be this far ahead, or max_age+leeway old
  std::size_t max_proof_bytes = 8 * 1024;
  std::size_t max_jti_bytes = 64;
  std::size_t key_cache_entries = 1024;  // imported proof keys kept (0: import every time)
  bool require_nonce = false;        // needs nonces
  std::shared_ptr<const DpopNonces> nonces;  // when set, a proof's nonce must be accepted
  const Clock* clock = &SystemClock::instance();
};

struct DpopRequest {
  std::vector<std::string_view> dpop_headers;  // every DPoP header value received
  std::string_view method;                     // e.g. "POST"
  std::string_view url;                        // the request's absolute URL as the server sees it
  std::optional<std::string_view> access_token;  // given: ath is required and checked
  std::optional<std::string_view> expected_jkt;  // the bound token's cnf.jkt
};

struct DpopProof {
  std::string jkt;  // RFC 7638 thumbprint of the proof's key: what goes into cnf.jkt
  std::string jti;
  std::int64_t issued_at = 0;
  Algorithm alg = Algorithm::ES256;
};

class DpopVerifier {
 public:
  // Errors: invalid_argument (no replay cache, no or symmetric algorithms, require_nonce
  // without nonces, max_age/leeway negative, no clock).
  static Result<DpopVerifier> create(DpopOptions options, std::shared_ptr<DpopReplayCache> replay);
  Result<DpopProof> verify(const DpopRequest& request) const;
  const DpopOptions& options() const noexcept { return options_; }

 private:
  DpopVerifier(DpopOptions options, std::shared_ptr<DpopReplayCache> replay);
  DpopOptions options_;
  std::shared_ptr<DpopReplayCache> replay_;
  std::shared_ptr<oauth::DpopKeyCache> keys_;  // shared by copies
};

// The htu form of a URL (RFC 9449 §4.3, RFC 3986 §6.2.2-6.2.3): scheme and host lower-case,
// default port (http 80, https 443) removed, empty path as "/", percent-encoding hex upper-case
// and encoded unreserved characters decoded, query and fragment dropped. Only http and https;
// userinfo refused. Errors: malformed.
Result<std::string> dpop_htu(std::string_view url);
// ath: base64url(SHA-256(access token)).
std::string dpop_ath(std::string_view access_token);

}  // namespace tessera
