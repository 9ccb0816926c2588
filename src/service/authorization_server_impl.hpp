// AuthorizationServer::Impl: the state of the facade (tessera/authorization_server.hpp) and
// the steps its use cases share. The use cases live in one file each:
//   authorization_server.cpp  construction, clients, metadata, device grants
//   oauth_authorize.cpp       the authorization endpoint
//   oauth_client_auth.cpp     client authentication at the token, introspection, revocation endpoints
//   oauth_token.cpp           the token endpoint (three grants) and token issuance
//   oauth_inspect.cpp         whether a token is active (introspection, userinfo) and revocation
//   oauth_dpop.cpp            DPoP (RFC 9449): the proofs at the token endpoint and /userinfo,
//                             and the key a code or refresh family is bound to
//   client_cache.cpp          the client records the endpoints reuse for a bounded time
// Thread safety: immutable after create() except not_before (atomic), the signing keys and the
// client cache (thread-safe); the store and user store are thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "oauth/access_token.hpp"
#include "oauth/client_assertion.hpp"
#include "oauth/client_secret.hpp"
#include "keys/remote_key_sets.hpp"
#include "oauth/scope.hpp"
#include "oauth/server_keys.hpp"
#include "service/client_cache.hpp"
#include "service/signing_keys.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/revocation_log.hpp"

namespace tessera {

struct LoadedClient {
  ClientRecord record;
  ClientSettings settings;
  // The registered inline JWKS (settings.jwks_json), parsed once when the client is loaded
  // (load_client) rather than on every client assertion; nullopt when none is registered.
  std::optional<Result<KeySet>> inline_keys = std::nullopt;
  const std::string& id() const { return record.client_id; }
};

// A token found active, and what it says.
struct ActiveToken {
  bool refresh = false;
  oauth::AccessClaims claims;  // refresh tokens: from the grant
  std::string username;        // empty for client_credentials tokens
};

// The DPoP verifier of the options (oauth_dpop.cpp): nullopt without options.dpop_replay;
// nonces required whenever options.dpop_nonces is set. invalid_argument for options it
// cannot build from.
Result<std::optional<DpopVerifier>> dpop_verifier(const OAuthOptions& options, const Clock& clock);

struct AuthorizationServer::Impl {
  Impl(OAuthStore& s, UserStore& u, std::shared_ptr<const KeysNow> k, oauth::SecretHasher h, OAuthOptions o,
       const Clock& c, OAuthObserver obs)
      : store(s), users(u), signing(std::move(k), o.issuer, c), hasher(std::move(h)), options(std::move(o)), clock(c),
        observer(std::move(obs)), client_cache(options.client_cache_ttl) {}

  OAuthStore& store;
  UserStore& users;
  // The keys that sign and verify our tokens now (keys_now()); a key ring may replace them.
  SigningKeys signing;
  oauth::SecretHasher hasher;
  OAuthOptions options;
  const Clock& clock;
  OAuthObserver observer;
  // The jwks_uri clients' keys (a thread-safe cache, so not immutable either); null without
  // options.key_set_fetcher.
  std::unique_ptr<keys::RemoteKeySets> remote_keys =
      options.key_set_fetcher ? std::make_unique<keys::RemoteKeySets>(*options.key_set_fetcher, clock) : nullptr;
  std::atomic<std::int64_t> not_before{0};
  ClientCache client_cache;
  // Checks DPoP proofs (token endpoint, /userinfo); nullopt when options.dpop_replay is null
  // (DPoP off: every proof is refused). create() checked that it builds.
  std::optional<DpopVerifier> dpop = dpop_verifier(options, clock).value_or(std::nullopt);

  std::int64_t now() const { return clock.now(); }
  std::shared_ptr<const KeysNow> keys_now() const { return signing.now(); }
  void emit(const OAuthEvent& e) const {
    if (observer) observer(e);
  }
  oauth::AssertionPolicy assertion_policy() const;

  // nullopt when absent; store_unavailable when the record does not parse. Always reads the store.
  Result<std::optional<LoadedClient>> load_client(std::string_view client_id);
  // The same through client_cache (at most options.client_cache_ttl seconds old); null when absent.
  Result<std::shared_ptr<const LoadedClient>> cached_client(std::string_view client_id);
  // The client a token/introspection/revocation request authenticates as (oauth_client_auth.cpp).
  Result<std::shared_ptr<const LoadedClient>> authenticate_client(const Params& form, const ClientAuth& auth);
  // invalid_grant unless the user exists, is enabled and is at `generation`.
  Result<void> check_user(std::string_view user, std::uint64_t generation);
  // Revokes the family, denies the jtis it remembers and announces both (announce_family).
  // Idempotent: a retry after store_unavailable revokes, denies and announces again.
  Result<void> end_family(std::string_view family_id);
  // Appends e to options.revocations (nothing without one). Called after the revocation is
  // written; a failure is store_unavailable naming the event's id, so that the caller retries
  // the idempotent revocation (and the front end logs it): never dropped silently.
  Result<void> announce(const RevocationEvent& e) const;
  // A jti event for each access token of g not expired at t, then the grant event.
  Result<void> announce_family(const GrantRecord& g, std::int64_t t) const;

  // The token endpoint's grants (oauth_token.cpp). proof: the request's verified DPoP proof,
  // if any (the tokens are bound to its key).
  Result<boost::json::object> code_grant(const Params& form, const LoadedClient& client, const ClientInfo& info,
                                         const DpopProof* proof);
  Result<boost::json::object> refresh_grant(const Params& form, const LoadedClient& client, const DpopProof* proof);
  Result<boost::json::object> client_credentials_grant(const Params& form, const LoadedClient& client,
                                                       const DpopProof* proof);

  // DPoP (oauth_dpop.cpp). The token request's proof: nullopt without DPoP headers (then
  // invalid_dpop_proof if the client has require_dpop); invalid_dpop_proof when DPoP is off
  // or the proof is bad, use_dpop_nonce.
  Result<std::optional<DpopProof>> token_proof(const LoadedClient& client, const std::vector<std::string_view>& dpop);
  // invalid_grant unless the proof's key is the one the code (dpop_jkt) or refresh family is
  // bound to (`bound_jkt`; empty: not bound, anything goes).
  static Result<void> check_bound(std::string_view bound_jkt, const DpopProof* proof, std::string_view what);
  // /userinfo: the token's binding against the scheme and proof it came with (RFC 9449 §7).
  Result<void> check_presented(const PresentedToken& presented, const ActiveToken& token);

  // nullopt when the token is not active (oauth_inspect.cpp). caller: the authenticated client
  // of the request, if any (its record need not be read again when it is the token's client).
  Result<std::optional<ActiveToken>> inspect(std::string_view token, const LoadedClient* caller = nullptr);
};

}  // namespace tessera
