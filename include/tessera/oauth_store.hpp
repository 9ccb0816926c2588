// OAuthStore: what the OAuth 2.1 authorization server keeps (src/oauth/ decides, this stores):
// registered clients, authorization codes, consents, grants (refresh-token families), opaque
// access tokens and the jti denylist. Same backends and URIs as SessionStore ("memory:",
// "sqlite:PATH" — the same file, more tables —, "redis://H:P", "redis-cluster://H:P,...").
//
// The store never sees a code, refresh token, access token or client secret: only hashes
// (base64url(SHA-256(value)), 43 characters) or, for client secrets, a keyed hash the service
// computes (DESIGN.md invariant 4 applied to every credential).
//
// Atomicity is per record and enough for every rule: a code is taken once (take_code), a
// family rotates, is granted, or is revoked in one step (rotate_refresh), a family id once
// revoked can never be created (a tombstone). No operation spans two records, so on Redis
// Cluster each is one command or one Lua script on one key: a family's key carries the family
// id as its hash tag. Records past their expiry (+ kExpiredGrace) may be deleted by the
// backend (Redis TTLs) or by sweep().
//
// Every call returns Errc::store_unavailable when the backend cannot be reached or answers
// wrongly, within a bounded time; callers fail closed (invariant 9). A record that does not
// parse is store_unavailable too (never a crash, never a default).
// Thread safety: every implementation is safe for concurrent use from many threads.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/error.hpp"
#include "tessera/session_store.hpp"  // kExpiredGrace

namespace tessera {

// A registered client. The service layer owns the rules (src/oauth/client.*); the store keeps
// the record as the service encodes it (settings_json) plus the fields it looks records up by.
struct ClientRecord {
  std::string client_id;       // 1..128 characters of [A-Za-z0-9._~-]
  std::string name;
  std::string secret_hash;     // keyed hash of the secret (base64url); empty for public clients
  std::string settings_json;   // everything else, a JSON object (src/oauth/client_codec.*)
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

// An authorization code, keyed by code_hash. Taken once by take_code.
struct CodeRecord {
  std::string code_hash;
  std::string client_id;
  std::string user;
  std::string redirect_uri;     // as the authorization request gave it
  std::string scope;            // granted scopes, space separated, sorted
  std::string audience;         // the resource the tokens will name (RFC 8707), one value
  std::string code_challenge;   // PKCE S256 challenge
  std::string nonce;            // OIDC nonce (may be empty)
  std::string family_id;        // the grant the code's exchange creates (chosen at issue time)
  std::int64_t auth_time = 0;   // when the user authenticated (Unix seconds)
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;  // <= created_at + 60
  std::uint64_t generation = 0; // the user's credential generation when the code was issued
  bool used = false;            // read side: true when take_code found it taken already
  std::string dpop_jkt;         // the authorization request's dpop_jkt (RFC 9449 §10); empty: none
};

// A consent: the scopes user granted client (space separated, sorted).
struct ConsentRecord {
  std::string user;
  std::string client_id;
  std::string scope;
  std::int64_t granted_at = 0;
};

// An access token issued from a family (or, for client_credentials, from no family) whose jti
// the family remembers, so that revoking the family can deny it until it expires.
struct IssuedAccess {
  std::string jti;
  std::int64_t expires_at = 0;
};

// A grant: one device's refresh-token family. The live refresh token is `current_hash`; its
// immediate predecessor `previous_hash` (empty after the first issue) may be presented again
// within the client's reuse grace, until `current_hash` is first used.
struct GrantRecord {
  std::string family_id;          // 22 base64url characters (128 random bits)
  std::string user;
  std::string client_id;
  std::string scope;              // granted scopes, space separated, sorted
  std::string audience;
  std::int64_t auth_time = 0;
  std::int64_t created_at = 0;
  std::int64_t last_used_at = 0;
  std::int64_t idle_expires_at = 0;
  std::int64_t absolute_expires_at = 0;
  std::uint64_t generation = 0;   // the user's credential generation at the code exchange
  std::string current_hash;
  std::string previous_hash;
  std::int64_t rotated_at = 0;    // when current_hash was issued
  bool revoked = false;           // a tombstone: kept until absolute_expires_at + kExpiredGrace
  std::vector<IssuedAccess> access;  // stateless access tokens not yet expired (newest last)
  std::string client_info_json = "{}";  // {"ip":..,"user_agent":..} of the exchange, for device lists
  std::string jkt;                // DPoP key thumbprint the refresh token is bound to (public clients); empty: none
};

// An opaque access token, keyed by token_hash. family_id empty for client_credentials.
struct AccessRecord {
  std::string token_hash;
  std::string jti;
  std::string family_id;
  std::string client_id;
  std::string user;               // the subject: a username, or the client id (client_credentials)
  std::string scope;
  std::string audience;
  std::int64_t auth_time = 0;
  std::int64_t issued_at = 0;
  std::int64_t expires_at = 0;
  std::uint64_t generation = 0;
  bool revoked = false;
  std::string jkt;                // cnf.jkt: the DPoP key the token is bound to; empty: a bearer token
};

// What rotate_refresh did.
enum class RotateOutcome {
  rotated,    // presented was current: current := successor, previous := presented
  grace,      // presented was previous, inside the grace window, successor == current: nothing rotated
  reused,     // presented is neither: the family is now revoked (access lists what to deny)
  not_found,  // no such family (never created, or swept)
  revoked,    // the family was revoked already
  expired,    // idle or absolute lifetime over (the family is left as it is)
};

struct RotateRequest {
  std::string family_id;
  std::string presented_hash;   // hash of the refresh token presented
  std::string successor_hash;   // hash of the token that replaces it (rotated) or of current (grace)
  std::int64_t now = 0;
  std::int64_t grace = 0;       // seconds, 0..60: the client's refresh reuse grace
  std::int64_t idle_ttl = 0;    // the new idle_expires_at is min(now + idle_ttl, absolute_expires_at)
  IssuedAccess issued;          // the access token issued with this refresh (jti empty: none to remember)
};

struct RotateResult {
  RotateOutcome outcome = RotateOutcome::not_found;
  GrantRecord grant;            // the family after the operation (empty for not_found)
};

class OAuthStore {
 public:
  virtual ~OAuthStore() = default;

  // Clients. put_client inserts (create == true: false when the id exists, nothing written) or
  // replaces (create == false: false when the id does not exist).
  virtual Result<bool> put_client(const ClientRecord& c, bool create) = 0;
  virtual Result<std::optional<ClientRecord>> get_client(std::string_view client_id) = 0;
  // Every client, sorted by client_id.
  virtual Result<std::vector<ClientRecord>> list_clients() = 0;
  // false when absent. Grants and tokens of the client stay; the service refuses them because
  // the client is gone.
  virtual Result<bool> remove_client(std::string_view client_id) = 0;

  // Codes. create_code refuses (invalid_argument) a hash that exists.
  virtual Result<void> create_code(const CodeRecord& c) = 0;
  // Atomically: nullopt when absent or expired (expires_at <= now); a record with used ==
  // false when this call took it (it is now marked used); a record with used == true when an
  // earlier call took it (the caller revokes what the first exchange issued: family_id).
  virtual Result<std::optional<CodeRecord>> take_code(std::string_view code_hash, std::int64_t now) = 0;

  // Consents, keyed by (user, client_id); put replaces.
  virtual Result<void> put_consent(const ConsentRecord& c) = 0;
  virtual Result<std::optional<ConsentRecord>> get_consent(std::string_view user, std::string_view client_id) = 0;
  virtual Result<bool> remove_consent(std::string_view user, std::string_view client_id) = 0;

  // Grants. create_grant inserts g (revoked false, current_hash set) unless the family id was
  // ever used (a live family or a tombstone): then false and nothing written. It also adds the
  // family to the user's grant index.
  virtual Result<bool> create_grant(const GrantRecord& g) = 0;
  virtual Result<std::optional<GrantRecord>> get_grant(std::string_view family_id) = 0;
  // The whole rotation rule, atomically (see RotateOutcome). Expiry is checked first (idle or
  // absolute passed at now: expired), then revoked, then the presented hash:
  //   == current_hash                         -> rotated (remember issued; prune expired access)
  //   == previous_hash, grace > 0, now - rotated_at <= grace, successor_hash == current_hash
  //                                           -> grace (remember issued)
  //   anything else                           -> reused: revoked := true
  virtual Result<RotateResult> rotate_refresh(const RotateRequest& r) = 0;
  // Remembers an access token issued from the family without a rotation (the code exchange's
  // first access token is given in create_grant's record instead). false if absent or revoked.
  virtual Result<bool> remember_access(std::string_view family_id, const IssuedAccess& a, std::int64_t now) = 0;
  // Marks the family revoked; for an unknown id writes a tombstone (so that a code exchange
  // racing the revocation of its family cannot create it afterwards), kept for tombstone_ttl
  // seconds. Returns the family as it was (nullopt if it did not exist).
  virtual Result<std::optional<GrantRecord>> revoke_grant(std::string_view family_id, std::int64_t now,
                                                          std::int64_t tombstone_ttl) = 0;
  // The user's families that are not revoked and not expired at now, oldest first. Index
  // entries whose family is gone are dropped lazily.
  virtual Result<std::vector<GrantRecord>> list_grants(std::string_view user, std::int64_t now) = 0;

  // Opaque access tokens. put_access refuses (invalid_argument) a hash that exists.
  virtual Result<void> put_access(const AccessRecord& a) = 0;
  virtual Result<std::optional<AccessRecord>> get_access(std::string_view token_hash) = 0;
  virtual Result<bool> revoke_access(std::string_view token_hash) = 0;

  // The jti denylist: a denied jti stays denied until expires_at (+ kExpiredGrace).
  virtual Result<void> deny_jti(std::string_view jti, std::int64_t expires_at) = 0;
  virtual Result<bool> is_denied(std::string_view jti, std::int64_t now) = 0;

  // Deletes what expired before now - kExpiredGrace (codes, grants, tombstones, access tokens,
  // denylist entries). Backends with native expiry may return 0. Returns how many went.
  virtual Result<std::size_t> sweep(std::int64_t now) = 0;

  virtual Result<void> ping() = 0;
};

// "memory:", "sqlite:PATH", "redis://HOST:PORT", "redis-cluster://HOST:PORT[,HOST:PORT...]".
Result<std::unique_ptr<OAuthStore>> open_oauth_store(std::string_view uri);

}  // namespace tessera
