// BffSessions: the BFF's sessions (docs/bff.md "Sessions and tokens"). A BFF session is a record
// in Tessera's SessionStore (SessionManager: 256-bit id, only its hash stored, idle and absolute
// timeouts) whose attributes_json holds
//   {"bff_tokens": "<v4.local...>", "bff_user": {sub, name, ...}, "bff_lease": {...}?}
// bff_tokens: the issuer's tokens sealed by the TokenVault, bound to the record's id hash (a
// leaked store yields no usable token); bff_user: the ID token's claims the SPA may see;
// bff_lease: while one process refreshes the tokens.
//
// Refresh (fresh_tokens): a refresh token must never be presented twice (the issuer would see a
// reuse and revoke the whole family). Within a process, one refresh per session at a time (a
// mutex per session: racers wait, then read the record again and use what the winner stored).
// Across processes sharing the store, the refresher first takes a lease in the record by a
// compare-and-set of attributes_json (SessionStore::update_attributes), calls the issuer, and
// stores the rotated tokens by another compare-and-set that drops the lease; a process that sees
// a live lease waits for the new tokens (up to the lease's end). A lease left by a process that
// died mid-refresh expires after lease_seconds; the tokens it may have obtained are lost, and the
// next refresh then fails (invalid_grant) and ends the session.
// Thread safety: all methods are thread-safe; they block (store and issuer calls): call them off
// the event loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <boost/json/object.hpp>

#include "common/mutex.hpp"
#include "tessera/bff_token_vault.hpp"
#include "tessera/clock.hpp"
#include "tessera/error.hpp"
#include "tessera/session.hpp"
#include "tessera/session_store.hpp"

namespace tessera::server::bff {

// A BFF session's user: "bff:" + the issuer's sub, so it never meets a local account's sessions.
inline constexpr std::string_view kBffUserPrefix = "bff:";

struct BffSession {
  Session session;                 // as validated (record.id_hash identifies it)
  tessera::bff::BffTokens tokens;  // opened from the record
  boost::json::object user;        // bff_user
};

class BffSessions {
 public:
  // The issuer call of a refresh: the current tokens in, the rotated ones out.
  using Refresh = std::function<Result<tessera::bff::BffTokens>(const tessera::bff::BffTokens&)>;

  // sessions is over store; lease_seconds bounds one refresh (the issuer timeout and a margin).
  BffSessions(SessionManager& sessions, SessionStore& store, tessera::bff::TokenVault vault, std::int64_t lease_seconds,
              const Clock& clock = SystemClock::instance());

  // A new session for user claims (sub required) with these tokens. Errors: SessionManager's.
  Result<NewSession> create(const boost::json::object& user, const tessera::bff::BffTokens& tokens,
                            const ClientInfo& client);
  // The live BFF session behind a cookie value: SessionManager::validate's errors, and
  // session_not_found for a session that is not a BFF one or whose tokens do not open.
  Result<BffSession> load(std::string_view id);
  // Tokens whose access token is fresh (kRefreshLeewaySeconds), refreshed through `refresh` when
  // needed, as described above. Errors: refresh's (the session is ended on invalid_grant),
  // session_revoked (the session ended meanwhile), io_error with "lease" when another process's
  // refresh did not finish in time, store_unavailable.
  Result<tessera::bff::BffTokens> fresh_tokens(const BffSession& s, const Refresh& refresh);
  // Ends the session (a tombstone); false when it was already gone.
  Result<bool> end(std::string_view id_hash);

 private:
  struct Read {
    std::string attributes;  // as stored (the compare-and-set's expectation)
    boost::json::object parsed;
    tessera::bff::BffTokens tokens;
  };
  Result<Read> read(std::string_view id_hash) const;
  std::shared_ptr<Mutex> flight(const std::string& id_hash);

  SessionManager& sessions_;
  SessionStore& store_;
  tessera::bff::TokenVault vault_;
  std::int64_t lease_seconds_;
  const Clock& clock_;
  Mutex mu_;
  std::unordered_map<std::string, std::weak_ptr<Mutex>> flights_ GUARDED_BY(mu_);
};

}  // namespace tessera::server::bff
