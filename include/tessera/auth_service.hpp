// AuthService: the login use cases over a SessionManager and an AccountStore (DESIGN.md
// src/service/). Front ends (the HTTP server, the `tessera users` CLI) call this and never the
// stores directly for these operations, so every rule lives in one place:
//
//  - Login verifies the Argon2id hash and takes the same time for an unknown user, a disabled
//    user and a wrong password (a dummy hash is verified, made with the parameters the stored
//    hashes use, also right after a parameter change), and says only invalid_credentials.
//  - Credential generations (invariant 10): password change, reset, disable and logout
//    everywhere advance the user's generation atomically with their own write and revoke the
//    user's sessions in the same step (AccountStore::change_credentials). A login creates its
//    session only if the generation is still the one its password check read, so a login in
//    flight never outlives a credential change that raced it.
//  - Login never adopts an existing session: it always creates a fresh id (fixation).
//  - Brute force: a failed login counts against the account ("user:NAME") and the client IP
//    ("ip:ADDR"). Past free_failures, each key is locked for backoff_base * 2^(excess-1)
//    seconds after its last failure, capped at backoff_max; while locked, login returns
//    throttled with Error::retry_after and does not even check the password. A success resets
//    the account counter (not the IP's: a valid account must not launder an IP's guesses).
//  - Device cookies (include/tessera/device_cookie.hpp), when options.device_cookies is set: a
//    client presenting a valid device cookie for this username is counted and locked on its own
//    key ("device:ID") instead of the account's, and its success resets only that key; every
//    other client (none, forged, expired, another user's cookie) uses the account key as above.
//    Strangers' failures thus lock out only strangers, and a device that fails too often only
//    itself. The IP key applies to everyone. Every successful login returns a device cookie
//    (the same device keeps its id).
//  - A stored hash whose parameters differ from the configured ones is re-hashed on a
//    successful login, unless a credential change happened meanwhile.
//  - Changing a password revokes every other session of the user and rotates the current one
//    (ASVS 3.3.3), all or nothing; an administrator's password reset or disabling revokes all.
//  - Revoking "one of my sessions" checks that the session belongs to the caller.
// Thread safety: all methods are thread-safe (the stores and manager are). Methods that hash
// or verify passwords block for tens of milliseconds: call them off an event loop.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/account_store.hpp"
#include "tessera/clock.hpp"
#include "tessera/device_cookie.hpp"
#include "tessera/error.hpp"
#include "tessera/password.hpp"
#include "tessera/session.hpp"
#include "tessera/user_store.hpp"

namespace tessera {

class RevocationLog;  // tessera/revocation_log.hpp

struct AuthOptions {
  PasswordParams password;
  std::int64_t account_free_failures = 5;
  std::int64_t ip_free_failures = 20;
  std::int64_t backoff_base = 1;     // seconds
  std::int64_t backoff_max = 900;    // seconds
  std::int64_t throttle_window = 3600;  // a counter is forgotten this long after its last failure
  // Issues and checks device cookies; null: none (every client counts against the account).
  std::shared_ptr<const DeviceCookies> device_cookies;
  // Where credential changes are announced for the revocation feed (revocation_log.hpp): a
  // "subject" event {sub: the username, not_before: the change's time} after every move of a
  // user's generation (logout everywhere, password change or reset, disable). Null: not
  // announced. Not owned: it must outlive the service. When the append fails after the change
  // was written, the method returns store_unavailable (the change stands; logout everywhere,
  // reset and disable are safe to retry, and announce again).
  RevocationLog* revocations = nullptr;
};

struct LoginResult {
  NewSession session;      // session.id goes into the cookie
  std::string csrf_token;  // the synchronizer token for this session
  std::string device_cookie = {};  // login: the kDeviceCookieName value to set; empty: none
};

// Usernames: 1..64 bytes of [A-Za-z0-9._@+-], compared exactly (case-sensitive).
bool valid_username(std::string_view username) noexcept;

namespace service {
class UnknownUserCost;
}

class AuthService {
 public:
  // sessions must be a manager over accounts.sessions() (or over a store that forwards to
  // it); both must outlive the service. clock defaults to SystemClock. Makes the unknown-user
  // dummy hash with options.password once, and fails if it cannot (invalid_argument, internal):
  // an unknown user's login never gets cheaper than a known user's.
  static Result<AuthService> create(SessionManager& sessions, AccountStore& accounts, AuthOptions options = {},
                                    const Clock* clock = nullptr);
  AuthService(AuthService&&) noexcept;
  ~AuthService();

  // Errors: invalid_credentials, throttled (retry_after set), store_unavailable.
  // device_cookie: the kDeviceCookieName value the client sent (empty if none); never an error.
  Result<LoginResult> login(std::string_view username, std::string_view password, const ClientInfo& client,
                            std::string_view device_cookie = {});
  // The live session behind a cookie value (SessionManager::validate).
  Result<Session> authenticate(std::string_view session_id);
  // The same through an asynchronous reader of the session store (the server's hot path:
  // SessionStore::reader() on its I/O loop); done runs once, on the reader's loop.
  void authenticate(std::string_view session_id, SessionReader& reader, Completion<Session> done);
  // The synchronizer token of a session: what the client echoes in a state-changing request.
  std::string csrf_token(const Session& s) const;
  // The CSRF rule for a state-changing request on a session: a token was presented, it is the
  // session's (compared in constant time), and the front end found the request same-origin
  // (Sec-Fetch-Site / Origin; its verdict on headers this layer never sees). csrf_failed
  // otherwise, the same answer for each failure.
  Result<void> check_csrf(const Session& s, std::optional<std::string_view> presented, bool same_origin) const;
  // Readiness: one reachability check of the account store (both halves). store_unavailable
  // when it does not answer, whatever the backend's own error was.
  Result<void> ready();
  Result<void> logout(std::string_view session_id);
  // The user's live sessions, oldest first.
  Result<std::vector<Session>> sessions(std::string_view user);
  // Revokes the session with this id hash if it is one of user's live sessions; otherwise
  // session_not_found (the same answer whether it is someone else's or does not exist).
  Result<void> revoke_session(std::string_view user, std::string_view id_hash);
  // Revokes every session of the user except the one with this cookie value.
  Result<std::size_t> revoke_others(std::string_view user, std::string_view current_session_id);
  // Revokes every session of the user ("log out everywhere").
  Result<std::size_t> logout_everywhere(std::string_view user);
  // The user changes their own password: checks current_password (invalid_credentials, counted
  // like a failed login on the session's own throttle key "session:<id hash>"), enforces the
  // length bounds (weak_password), then in one atomic store step stores the new hash, advances
  // the generation, revokes every other session and rotates the current one. Returns the rotated session. store_unavailable means nothing changed
  // (on Redis the change carries a deadline, so a late execution cannot apply it); a
  // credential change that raced this one gives session_revoked.
  Result<LoginResult> change_password(std::string_view current_session_id, std::string_view current_password,
                                      std::string_view new_password);

  // Administration (the `tessera users` CLI).
  // Errors: invalid_argument (bad username), weak_password, user_exists.
  Result<void> add_user(std::string_view username, std::string_view password);
  // Sets a new password and revokes all the user's sessions. user_not_found, weak_password.
  Result<std::size_t> reset_password(std::string_view username, std::string_view password);
  // Disables the account and revokes all its sessions. user_not_found.
  Result<std::size_t> disable_user(std::string_view username);
  Result<std::vector<UserRecord>> users();

  // Makes the unknown-user dummy hash match the parameters most stored hashes use (call at
  // start: after an Argon2 parameter change the stored hashes keep the old ones for a while).
  Result<void> learn_password_params();
  // The parameters an unknown user's login is verified with now.
  PasswordParams unknown_user_params() const;

  const AuthOptions& options() const noexcept { return options_; }

 private:
  AuthService(SessionManager& sessions, AccountStore& accounts, AuthOptions options, const Clock* clock,
              std::unique_ptr<service::UnknownUserCost> unknown);
  Result<void> check_throttle(std::string_view key, std::int64_t free_failures, std::int64_t now);
  // The session of a login whose password matched rec: created under rec's generation; if a
  // credential change raced the check, retried only while the stored hash and status are
  // the ones checked (a logout everywhere does not undo a good password).
  Result<NewSession> create_login_session(UserRecord rec, const ClientInfo& client);
  // change_credentials, then the subject event (announce).
  Result<std::size_t> change(CredentialChange c);
  Result<void> announce(std::string_view user, std::int64_t not_before);
  Result<void> must_exist(std::string_view username);
  // After an ambiguous failure of a password change: whether its rotated session exists.
  bool applied(std::string_view replacement_id_hash);

  SessionManager& sessions_;
  AccountStore& accounts_;
  UserStore& users_;
  AuthOptions options_;
  const Clock* clock_;
  std::unique_ptr<service::UnknownUserCost> unknown_;  // verified for unknown users
};

}  // namespace tessera
