// AuthorizationServer: the OAuth 2.1 + OpenID Connect use cases (DESIGN.md src/service/) over
// an OAuthStore, the user store and the server's signing keys. Front ends (`tessera serve`'s
// /oauth2/* routes, the `tessera clients` CLI) call this and never the stores for these
// operations, so every rule lives in one place (src/oauth/ holds the pieces):
//
//  - Clients: confidential by default (a 256-bit secret, stored as HMAC-SHA-256 under the
//    server key, compared in constant time), or public (no secret, PKCE only). Grants default
//    to authorization_code + refresh_token; client_credentials only when named and only for
//    confidential clients. Token endpoint authentication: client_secret_basic,
//    client_secret_post, none (public clients), private_key_jwt (RFC 7523, clients with a JWKS,
//    inline or at a jwks_uri fetched through OAuthOptions::key_set_fetcher).
//  - Authorization requests: response_type=code only; PKCE S256 for every client; redirect_uri
//    matched exactly (a loopback redirect may differ only in port, RFC 8252 §7.3); errors go to
//    the redirect URI with state and iss (RFC 6749 §4.1.2.1, RFC 9207) but never to an
//    unregistered one; codes are single-use and live at most 60 s.
//  - Refresh tokens: opaque, one family per grant, rotated on every use; presenting a rotated
//    token revokes the family and denies its stateless access tokens (RFC 9700 §4.14), with an
//    optional grace for the immediate predecessor. A refresh may narrow scope, never widen it.
//  - Every grant records the user's credential generation (invariant 10): once it moves (logout
//    everywhere, password change, disable), nothing issued under the older one is accepted:
//    refresh, introspection and userinfo all check it.
//  - Access tokens: JWT (RFC 9068, typ at+jwt), PASETO v4.public (kid = PASERK pid in the
//    footer) or opaque (only its hash stored); ID tokens per OIDC Core §2.
// Thread safety: all methods are thread-safe; they call the store (blocking): call them off an
// event loop.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

#include "tessera/clock.hpp"
#include "tessera/dpop.hpp"
#include "tessera/error.hpp"
#include "tessera/key_set_fetcher.hpp"
#include "tessera/keys.hpp"
#include "tessera/oauth_store.hpp"
#include "tessera/secret.hpp"
#include "tessera/session.hpp"
#include "tessera/user_store.hpp"

namespace tessera {

class KeyRing;        // tessera/key_ring.hpp
class RevocationLog;  // tessera/revocation_log.hpp

enum class TokenFormat { jwt, paseto, opaque };
std::string_view token_format_name(TokenFormat f) noexcept;  // "jwt", "paseto", "opaque"
std::optional<TokenFormat> parse_token_format(std::string_view name) noexcept;

// A client's settings as `tessera clients add` takes them. Each default is written here once.
struct ClientSettings {
  std::string name;
  std::vector<std::string> redirect_uris;
  bool public_client = false;
  bool first_party = false;
  std::vector<std::string> grants = {"authorization_code", "refresh_token"};
  std::vector<std::string> scopes = {"openid", "profile", "offline_access"};
  std::vector<std::string> audiences;   // APIs its tokens may target; the first is the default
  std::vector<std::string> resources;   // it is the resource server for these (may introspect)
  TokenFormat token_format = TokenFormat::jwt;
  std::int64_t access_ttl = 600;
  std::int64_t refresh_idle_ttl = 14 * 86400;
  std::int64_t refresh_absolute_ttl = 90 * 86400;
  std::int64_t refresh_reuse_grace = 0;  // 0..60
  Algorithm id_token_alg = Algorithm::ES256;  // ES256, EdDSA or RS256
  std::string jwks_json;  // public keys for private_key_jwt ({"keys": [...]}); empty: none
  std::string jwks_uri;   // where they are published instead (https)
  // Every token request must carry a DPoP proof (RFC 9449 §5); unbound requests get
  // invalid_dpop_proof. Public clients' refresh tokens are bound whenever the exchange was.
  bool require_dpop = false;
};

struct Client {
  std::string client_id;
  ClientSettings settings;
  bool has_secret = false;
  std::int64_t created_at = 0;
  std::int64_t updated_at = 0;
};

struct NewClient {
  Client client;
  std::optional<SecretBytes> secret;  // confidential clients only; shown once
};

struct OAuthOptions {
  // https://host[:port][/path], or http for a loopback host (localhost, 127.x, [::1]); no
  // query, fragment, userinfo or trailing slash.
  std::string issuer;
  // Fetches the JWKS of clients registered with a jwks_uri, so they can use private_key_jwt
  // (the keys are cached per URL by the rules of src/keys/remote_key_sets.hpp). Null: such
  // clients are refused (invalid_client). Not owned: it must outlive the server.
  KeySetFetcher* key_set_fetcher = nullptr;
  std::int64_t code_ttl = 60;    // 1..60 seconds
  std::int64_t leeway = 30;      // seconds, for client assertions' exp/nbf/iat
  std::int64_t assertion_max_lifetime = 300;  // a client assertion's exp - iat (or exp - now)
  // 0..60 seconds: how long a client record read from the store is used before it is read
  // again (the token, introspection and revocation endpoints). A client removed, or its secret
  // rotated, by another process (the CLI, another instance) still authenticates for at most
  // this long; changes made through this AuthorizationServer apply at once. 0: no caching.
  std::int64_t client_cache_ttl = 1;

  // DPoP (RFC 9449, docs/dpop.md). dpop_replay: the jti replay cache every instance behind
  // one store shares (open_dpop_replay_cache); null: DPoP proofs are refused
  // (invalid_dpop_proof) and metadata advertises no DPoP. dpop_nonces: when set, every proof
  // must carry a current nonce (use_dpop_nonce otherwise; dpop_nonce() is what to send).
  std::shared_ptr<DpopReplayCache> dpop_replay = nullptr;
  std::shared_ptr<const DpopNonces> dpop_nonces = nullptr;

  // The longest lifetime of any token the server signs (access and ID tokens): clients'
  // access_ttl above it are refused, and a superseded signing key stays published this long
  // plus leeway (key_ring.hpp).
  std::int64_t max_token_ttl = 86400;

  // Where revocations are announced for the revocation feed (revocation_log.hpp): revoked
  // jtis, revoked grants. Null: not announced. Not owned: it must outlive the server.
  RevocationLog* revocations = nullptr;
};

// How a protected resource request (/userinfo) presented its access token (RFC 6750 §2.1,
// RFC 9449 §7.1), and what came with it.
struct PresentedToken {
  std::string_view scheme;                  // "Bearer" or "DPoP" (as received; compared case-insensitively)
  std::string_view token;
  std::string_view method;                  // the request method, for the proof's htm
  std::vector<std::string_view> dpop;       // every DPoP header value received
};

// Every name/value pair of a query string or form body, in order, percent-decoded. Repeated
// parameters are kept (the rules refuse them where RFC 6749 §3.1 says so).
using Params = std::vector<std::pair<std::string, std::string>>;

// What a request presented to authenticate its client: the decoded Authorization: Basic
// credentials, if any, and the form (client_id, client_secret, client_assertion_type,
// client_assertion are read from it). Exactly one method per request (two: invalid_request);
// a public client sends client_id alone; with private_key_jwt client_id may be omitted.
struct ClientAuth {
  std::optional<std::pair<std::string, std::string>> basic;  // RFC 6749 §2.3.1 (already form-decoded)
  bool malformed_basic = false;  // an Authorization: Basic header that did not decode
};

struct AuthorizeResult {
  enum class Kind {
    redirect,    // send the browser to `location` (the client's redirect URI with code or error)
    login,       // no session: send the browser to the login page, then back to this request
    consent,     // show the consent page (client_name, scopes) and POST the decision back
    error_page,  // the request cannot be answered at the redirect URI: show `error`
  };
  Kind kind = Kind::error_page;
  std::string location;
  std::string client_id;
  std::string client_name;
  std::vector<std::string> scopes;  // the scopes requested (login, consent, redirect with code)
  std::optional<Error> error;       // error_page, and redirects that carry an error (for logs)
};

enum class ConsentDecision { none, approve, deny };

// One device grant of a user, for device lists.
struct GrantInfo {
  std::string family_id;
  std::string client_id;
  std::string client_name;
  std::string scope;
  std::int64_t created_at = 0;
  std::int64_t last_used_at = 0;
  std::string client_info_json;  // {"ip":..,"user_agent":..} of the code exchange
};

// What happened, for the front end's logs and metrics (never a token or secret).
struct OAuthEvent {
  enum class Kind { token_issued, refresh_reuse, code_reuse, introspection, revocation };
  Kind kind;
  std::string grant_type;   // token_issued: authorization_code, refresh_token, client_credentials
  std::string format;       // token_issued: jwt, paseto, opaque
  std::string client_id;
  std::string jti;          // token_issued: the access token's jti
  std::string family_id;
  bool active = false;      // introspection: the answer
};
using OAuthObserver = std::function<void(const OAuthEvent&)>;

class AuthorizationServer {
 public:
  // signing_keys: private keys, at least one ES256, one Ed25519 (kid = its PASERK k4.pid) and one
  // RS256 key; the first of each algorithm signs. server_key: 32+ bytes, the HMAC key of client
  // secrets and refresh-token successors (every instance and the CLI share it). The store,
  // users and clock must outlive the server. invalid_argument for a bad issuer or options.
  static Result<AuthorizationServer> create(OAuthStore& store, UserStore& users, KeySet signing_keys,
                                            SecretBytes server_key, OAuthOptions options,
                                            const Clock* clock = nullptr, OAuthObserver observer = nullptr);
  AuthorizationServer(AuthorizationServer&&) noexcept;
  ~AuthorizationServer();

  // Clients (the CLI). add_client checks the settings (invalid_argument with a message naming
  // the setting) and makes the client_id (from the name, made unique) and, for a confidential
  // client, the secret.
  Result<NewClient> add_client(const ClientSettings& settings);
  Result<std::vector<Client>> clients();
  Result<Client> client(std::string_view client_id);       // invalid_client when absent
  Result<void> remove_client(std::string_view client_id);  // invalid_client when absent
  Result<SecretBytes> rotate_secret(std::string_view client_id);  // invalid_client, invalid_argument (public)

  // RFC 8414 / OIDC Discovery metadata.
  boost::json::object metadata() const;
  // The public JWKS ({"keys": [...]}, each with its kid): with a key ring, the keys published
  // now (next, primary, retiring); else every signing key.
  std::string jwks_json() const;
  // Signing keys on a schedule (key_ring.hpp): from now on the ring's primary keys sign and
  // its published keys are the JWKS; the ring's states are evaluated at the time of each use.
  // invalid_argument when the ring lacks a primary ES256, Ed25519 or RS256 key now.
  Result<void> set_key_ring(std::shared_ptr<const KeyRing> ring);
  // The JWKS's Cache-Control max-age in seconds now (the ring's; without one, 300).
  std::int64_t jwks_max_age() const;

  // GET /oauth2/authorize with the query's params; session: the browser's live session, if
  // any; decision: the consent form's answer (none for a GET; the front end accepts approve or
  // deny only from a CSRF-checked POST of its consent page, with the same params). Errors that
  // cannot go to the client (client_id or redirect_uri missing, repeated, unknown or not
  // registered) come back as Kind::error_page; store failures as store_unavailable.
  // redirect_uri is required (OIDC); no scope means the client's scopes; prompt=login and
  // max_age ask for a login at most 60 s resp. max_age seconds old (else Kind::login).
  Result<AuthorizeResult> authorize(const Params& query, const Session* session, ConsentDecision decision);

  // POST /oauth2/token. The JSON body of a successful answer (access_token, token_type,
  // expires_in, scope, refresh_token, id_token). client: recorded in the grant for device
  // lists (code exchange). Errors: the RFC 6749 §5.2 codes
  // (invalid_client: the front end answers 401 with WWW-Authenticate when Basic was used),
  // store_unavailable.
  // dpop: every DPoP header value received (RFC 9449 §5): a valid proof binds the tokens
  // (token_type DPoP, cnf.jkt); errors invalid_dpop_proof, use_dpop_nonce (the front end
  // answers 400 with a DPoP-Nonce header: dpop_nonce()). A code with dpop_jkt, or a public
  // client's bound refresh token, without a proof of its key: invalid_grant (docs/dpop.md).
  Result<boost::json::object> token(const Params& form, const ClientAuth& auth, const ClientInfo& client,
                                    const std::vector<std::string_view>& dpop = {});
  // POST /oauth2/introspect (RFC 7662): the caller is a confidential client (invalid_client).
  // Always {"active": false} for a token that is unknown, expired, revoked, issued under an
  // older credential generation or before the store's epoch, or whose audience the caller may
  // not see (not its own client_id, not among its resources).
  Result<boost::json::object> introspect(const Params& form, const ClientAuth& auth);
  // POST /oauth2/revoke (RFC 7009): a refresh token revokes its family; an access token is
  // revoked (opaque) or its jti denied (JWT, PASETO). Unknown tokens succeed silently; a token
  // of another client is left alone (and succeeds silently).
  Result<void> revoke(const Params& form, const ClientAuth& auth);
  // GET|POST /oauth2/revocations (the revocation feed, docs/revocation-feed.md): the caller
  // authenticates as at the token endpoint and must be a confidential client that is a resource
  // server (ClientSettings::resources not empty). Its client_id. Errors: invalid_client,
  // invalid_request, access_denied (not a resource server), store_unavailable.
  Result<std::string> authenticate_feed_client(const Params& params, const ClientAuth& auth);
  // GET|POST /userinfo with a bearer access token: {"sub", "preferred_username"}.
  // invalid_token (RFC 6750) for any token that introspection would call inactive (and for
  // refresh and client_credentials tokens); insufficient_scope without openid.
  // A DPoP-bound token is accepted only with scheme DPoP and a matching proof with ath (RFC
  // 9449 §7); as Bearer it is invalid_token. Errors beside those: invalid_dpop_proof,
  // use_dpop_nonce (the front end answers 401 with WWW-Authenticate: DPoP error=... and,
  // for a nonce, a DPoP-Nonce header).
  Result<boost::json::object> userinfo(const PresentedToken& presented);
  // The DPoP nonce to send now (empty when nonces are off).
  std::string dpop_nonce() const;

  // Device grants of a user (GET /sessions), and revoking one (session_not_found when it is
  // not one of the user's live grants).
  Result<std::vector<GrantInfo>> grants(std::string_view user);
  Result<void> revoke_grant(std::string_view user, std::string_view family_id);

  // Stateless tokens issued before this instant are inactive (the store lost its data and an
  // operator confirmed a fresh epoch at this time; invariant 11). 0: none.
  void set_not_before(std::int64_t unix_seconds);

  const OAuthOptions& options() const noexcept;

  struct Impl;

 private:
  explicit AuthorizationServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tessera
