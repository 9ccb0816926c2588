// Authenticator: the resource server's side of a token (docs/resource-server.md). One call takes
// a request's method, URL and headers and answers who is calling (a Principal) or why not (a
// Refusal carrying the RFC 6750 / RFC 9449 WWW-Authenticate value to send; the reason is for
// the log, never for the client).
//
// What it accepts, each only when configured:
//  - `Authorization: Bearer` / `DPoP` JWT access tokens (RFC 9068: typ at+jwt, iss exactly the
//    issuer, aud containing one of ours, exp/nbf/iat with leeway <= kMaxLeeway, the algorithm
//    from the key's allow-list, the key chosen by kid among VerificationKeys, never from a
//    header);
//  - PASETO v4.public access tokens (the footer's kid selects an Ed25519 key from the same
//    VerificationKeys; the same claim rules);
//  - opaque access tokens, through an Introspector (answers cached at most
//    introspection_cache_ttl seconds and never past the token's exp);
//  - a DPoP-bound token (cnf.jkt): only under the DPoP scheme with a proof the DpopVerifier
//    accepts (htm, htu, ath, jkt, nonce, replay); a bound token under Bearer is refused, and so
//    is an unbound token under DPoP; require_dpop refuses every unbound token;
//  - a Tessera session cookie (sessions set), for services that share Tessera's store.
// Every accepted token is then checked against the RevocationState (revoked jti, revoked grant
// `sid`, subject not-before), and refused when the state is stale (feed unreachable longer than
// its bound: fail closed), unless the options say to fall back to introspection.
//
// Thread safety: authenticate() is const and thread-safe; it may block (a key set refetch, an
// introspection call), so front ends with an event loop call it where blocking is allowed or
// accept that a refetch (rate-limited) holds up one request. Every pointer in the options must
// outlive the Authenticator (shared_ptrs are shared).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tessera/clock.hpp"
#include "tessera/dpop.hpp"
#include "tessera/error.hpp"
#include "tessera/keys.hpp"

namespace tessera {

class SessionManager;

// Where verification keys come from: a fixed set, or a remote JWKS (tessera/remote_key_set.hpp).
class VerificationKeys {
 public:
  virtual ~VerificationKeys() = default;
  // The keys to verify a token whose header (JWT) or footer (PASETO) names kid (empty: none).
  // A kid the current keys do not hold may trigger a (rate-limited) refetch. Errors:
  // key_not_found (no such key, after any refetch), store_unavailable (no usable keys at all:
  // the issuer could not be reached and nothing cached is still allowed).
  virtual Result<KeySet> keys_for(std::string_view kid) = 0;
};

// A fixed KeySet (tests, a service with pinned keys).
std::shared_ptr<VerificationKeys> make_static_verification_keys(KeySet keys);

// What introspection (RFC 7662) answered about a token.
struct IntrospectionAnswer {
  bool active = false;
  std::string subject;       // sub
  std::string client_id;
  std::string scope;         // space-separated
  std::string jti;
  std::string issuer;
  std::vector<std::string> audience;
  std::string sid;           // the grant, when the server says
  std::string jkt;           // cnf.jkt when bound
  std::string token_type;    // token_type as the server says it ("Bearer", "DPoP")
  std::int64_t expires_at = 0;
  std::int64_t issued_at = 0;
};

class Introspector {
 public:
  virtual ~Introspector() = default;
  // Errors: store_unavailable (the server could not be asked: fail closed), io_error.
  virtual Result<IntrospectionAnswer> introspect(std::string_view token) = 0;
};

// The deny list a revocation-feed subscriber keeps (docs/revocation-feed.md's three events).
// Thread safety: all methods are thread-safe.
class RevocationState {
 public:
  virtual ~RevocationState() = default;
  // Whether a token with these claims is revoked at `now` (iat: issued_at; sid may be empty).
  virtual bool is_revoked(std::string_view jti, std::string_view subject, std::string_view sid,
                          std::int64_t issued_at, std::int64_t now) const = 0;
  // Whether the state can be trusted at `now` (the feed was heard from recently enough and no
  // resync left older tokens unknown). Not fresh: the Authenticator fails closed.
  virtual bool fresh(std::int64_t now) const = 0;
  // Tokens issued before this time cannot be vouched for (a resync, a fresh start): 0 if none.
  virtual std::int64_t unknown_before() const = 0;
};

enum class AuthMethod { jwt, paseto, opaque, session };

struct Principal {
  std::string subject;
  std::string client_id;            // empty for a session
  std::vector<std::string> scopes;  // empty for a session
  std::string token_id;             // jti; for a session its id hash
  std::string grant_id;             // the token's sid (its grant), if any
  AuthMethod method = AuthMethod::jwt;
  bool dpop_bound = false;
  std::string jkt;                  // cnf.jkt when bound
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;

  bool has_scope(std::string_view scope) const;
};

// Why a request was refused, and what to answer.
struct Refusal {
  unsigned status = 401;          // 401; 403 insufficient_scope; 400 a malformed request; 503 cannot check
  std::string www_authenticate;   // the header value to send (may hold a Bearer and a DPoP challenge)
  std::string dpop_nonce;         // when not empty: send as DPoP-Nonce
  Error error;                    // the reason: log it, never send its message
};

template <typename T>
using AuthResult = std::expected<T, Refusal>;

// The request as the resource server received it.
struct AuthRequest {
  std::string_view method;  // "GET"
  std::string_view url;     // the absolute URL the client used (htu for DPoP)
  std::span<const std::pair<std::string_view, std::string_view>> headers;  // name (any case), value
};

struct AuthenticatorOptions {
  std::string issuer;                       // exact iss
  std::vector<std::string> audiences;       // aud must contain one of these (required, non-empty)
  std::int64_t leeway = 30;                 // seconds, 0..kMaxLeeway
  std::vector<Algorithm> algorithms = {Algorithm::ES256, Algorithm::EdDSA, Algorithm::RS256,
                                       Algorithm::PS256, Algorithm::ES384};  // asymmetric only
  bool accept_jwt = true;
  bool accept_paseto = true;
  std::shared_ptr<VerificationKeys> keys;   // needed for JWT / PASETO
  std::shared_ptr<Introspector> introspector;  // opaque tokens (and the fallback below)
  std::int64_t introspection_cache_ttl = 5;    // seconds, 0 (no cache) .. kMaxIntrospectionCache
  std::size_t introspection_cache_entries = 10000;
  std::shared_ptr<const DpopVerifier> dpop;    // needed for DPoP-bound tokens
  bool require_dpop = false;
  std::shared_ptr<const RevocationState> revocations;  // none: no feed (only exp limits tokens)
  bool introspect_when_feed_stale = false;     // fall back to the introspector instead of failing closed
  SessionManager* sessions = nullptr;          // accept Tessera's session cookie
  std::string session_cookie = "__Host-tessera-session";
  std::string realm;                           // optional realm in challenges
  std::vector<std::string> required_scopes;    // every request needs these (403 otherwise)
  const Clock* clock = &SystemClock::instance();
};

inline constexpr std::int64_t kMaxLeeway = 300;
inline constexpr std::int64_t kMaxIntrospectionCache = 60;

class Authenticator {
 public:
  // Errors: invalid_argument (no issuer, no audience, leeway/cache out of bounds, a symmetric
  // algorithm, JWT/PASETO accepted without keys, require_dpop without a verifier, nothing
  // accepted at all, fallback without an introspector).
  static Result<Authenticator> create(AuthenticatorOptions options);

  AuthResult<Principal> authenticate(const AuthRequest& request) const;

  // 403 insufficient_scope (with the challenge naming the scopes) unless the principal has
  // every one of them.
  AuthResult<void> require_scopes(const Principal& principal, std::span<const std::string> scopes) const;

  const AuthenticatorOptions& options() const noexcept;

 private:
  struct State;
  explicit Authenticator(std::shared_ptr<const State> state);
  std::shared_ptr<const State> state_;
};

}  // namespace tessera
