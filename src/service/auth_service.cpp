#include "tessera/auth_service.hpp"
#include "tessera/revocation_log.hpp"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "service/unknown_user.hpp"

namespace tessera {

namespace {

bool username_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '@' || c == '+' || c == '-';
}

std::string account_key(std::string_view user) { return "user:" + std::string(user); }
std::string ip_key(std::string_view ip) { return "ip:" + std::string(ip); }
std::string session_key(std::string_view id_hash) { return "session:" + std::string(id_hash); }
std::string device_key(const Device& d) { return "device:" + d.id; }

Result<void> check_new_password(std::string_view pw) {
  if (pw.size() < kMinPasswordLength)
    return fail(Errc::weak_password, "password shorter than " + std::to_string(kMinPasswordLength) + " bytes");
  if (pw.size() > kMaxPasswordLength)
    return fail(Errc::weak_password, "password longer than " + std::to_string(kMaxPasswordLength) + " bytes");
  return {};
}

Error invalid_credentials() { return Error(Errc::invalid_credentials, "invalid username or password"); }

// How often a login retries its session after logouts everywhere raced it.
constexpr int kLoginAttempts = 3;

}  // namespace

bool valid_username(std::string_view username) noexcept {
  return !username.empty() && username.size() <= 64 && std::all_of(username.begin(), username.end(), username_char);
}

AuthService::AuthService(SessionManager& sessions, AccountStore& accounts, AuthOptions options, const Clock* clock,
                         std::unique_ptr<service::UnknownUserCost> unknown)
    : sessions_(sessions),
      accounts_(accounts),
      users_(accounts.users()),
      options_(std::move(options)),
      clock_(clock ? clock : &SystemClock::instance()),
      unknown_(std::move(unknown)) {}

Result<AuthService> AuthService::create(SessionManager& sessions, AccountStore& accounts, AuthOptions options,
                                        const Clock* clock) {
  auto unknown = service::UnknownUserCost::create(options.password);
  if (!unknown) return std::unexpected(std::move(unknown.error()));
  return AuthService(sessions, accounts, std::move(options), clock, std::move(*unknown));
}

AuthService::AuthService(AuthService&&) noexcept = default;
AuthService::~AuthService() = default;

Result<void> AuthService::check_throttle(std::string_view key, std::int64_t free_failures, std::int64_t now) {
  auto t = users_.throttle_get(key, now);
  if (!t) return std::unexpected(t.error());
  const std::int64_t excess = t->failures - free_failures;
  if (excess <= 0) return {};
  std::int64_t lock = options_.backoff_max;
  if (excess - 1 < 40) lock = std::min(options_.backoff_max, options_.backoff_base << (excess - 1));
  const std::int64_t until = t->last_failure_at + lock;
  if (now >= until) return {};
  Error e(Errc::throttled, "too many failed logins; try again later");
  e.retry_after = until - now;
  return std::unexpected(std::move(e));
}

Result<LoginResult> AuthService::login(std::string_view username, std::string_view password,
                                       const ClientInfo& client, std::string_view device_cookie) {
  // Names that cannot exist and oversized passwords are refused before any hashing work; the
  // length of the input is not a secret, so this does not tell an attacker anything.
  if (!valid_username(username) || password.size() > kMaxPasswordLength) return std::unexpected(invalid_credentials());
  const std::int64_t now = clock_->now();
  // A device that logged in as this user before has its own counter; anyone else the account's.
  const DeviceCookies* dc = options_.device_cookies.get();
  const std::optional<Device> device = dc ? dc->verify(device_cookie, username, now) : std::nullopt;
  const std::string ukey = device ? device_key(*device) : account_key(username);
  const std::string ikey = ip_key(client.ip);
  if (auto t = check_throttle(ikey, options_.ip_free_failures, now); !t) return std::unexpected(t.error());
  if (auto t = check_throttle(ukey, options_.account_free_failures, now); !t) return std::unexpected(t.error());

  auto rec = users_.get(username);
  if (!rec) return std::unexpected(rec.error());
  bool ok = false;
  if (*rec) {
    unknown_->observe((*rec)->password_hash);
    auto v = verify_password((*rec)->password_hash, password);
    ok = v && *v && !(*rec)->disabled;
  } else {
    unknown_->verify(password);  // same cost as a known user
  }
  if (!ok) {
    if (auto f = users_.throttle_fail(ukey, now, options_.throttle_window); !f) return std::unexpected(f.error());
    if (auto f = users_.throttle_fail(ikey, now, options_.throttle_window); !f) return std::unexpected(f.error());
    return std::unexpected(invalid_credentials());
  }
  if (auto r = users_.throttle_reset(ukey); !r) return std::unexpected(r.error());
  if (password_needs_rehash((*rec)->password_hash, options_.password)) {
    // Upgrading the stored hash is best effort: the login itself has succeeded. It applies
    // only if no credential change came in between (rehash_password checks the generation).
    if (auto h = hash_password(password, options_.password))
      if (auto done = users_.rehash_password(username, (*rec)->generation, *h, now); done && *done)
        (*rec)->password_hash = std::move(*h);
  }
  auto created = create_login_session(std::move(**rec), client);
  if (!created) return std::unexpected(created.error());
  LoginResult out{std::move(*created), {}};
  out.csrf_token = sessions_.csrf_token(out.session.session);
  if (dc) out.device_cookie = device ? dc->reissue(*device, username, now) : dc->issue(username, now);
  return out;
}

Result<NewSession> AuthService::create_login_session(UserRecord rec, const ClientInfo& client) {
  for (int attempt = 1;; ++attempt) {
    auto created = sessions_.create(rec.username, "{}", client, rec.generation);
    if (created || created.error().code != Errc::credentials_changed) return created;
    // The generation moved after the password was checked. Only if the account still holds
    // the very hash that matched, and is enabled, was it something other than a credential
    // change (a logout everywhere): then the login stands, under the new generation.
    auto now_rec = users_.get(rec.username);
    if (!now_rec) return std::unexpected(now_rec.error());
    if (!*now_rec || (*now_rec)->disabled || (*now_rec)->password_hash != rec.password_hash ||
        attempt >= kLoginAttempts)
      return std::unexpected(invalid_credentials());
    rec = std::move(**now_rec);
  }
}

Result<Session> AuthService::authenticate(std::string_view session_id) { return sessions_.validate(session_id); }

void AuthService::authenticate(std::string_view session_id, SessionReader& reader, Completion<Session> done) {
  sessions_.validate(session_id, reader, std::move(done));
}

std::string AuthService::csrf_token(const Session& s) const { return sessions_.csrf_token(s); }

Result<void> AuthService::check_csrf(const Session& s, std::optional<std::string_view> presented,
                                     bool same_origin) const {
  if (!presented) return fail(Errc::csrf_failed);
  // The token is checked even for a cross-origin request: the same work either way.
  auto token = sessions_.check_csrf(s, *presented);
  if (!token) return token;
  if (!same_origin) return fail(Errc::csrf_failed);
  return {};
}

Result<void> AuthService::ready() {
  auto p = accounts_.ping();
  if (!p && p.error().code != Errc::store_unavailable) return fail(Errc::store_unavailable, p.error().message);
  return p;
}

Result<void> AuthService::logout(std::string_view session_id) { return sessions_.revoke(session_id); }

Result<std::vector<Session>> AuthService::sessions(std::string_view user) { return sessions_.list(user); }

Result<void> AuthService::revoke_session(std::string_view user, std::string_view id_hash) {
  auto live = sessions_.list(user);
  if (!live) return std::unexpected(live.error());
  const bool mine = std::any_of(live->begin(), live->end(),
                                [&](const Session& s) { return s.record.id_hash == id_hash; });
  if (!mine) return fail(Errc::session_not_found, "no such session among the user's live sessions");
  return sessions_.revoke_by_hash(id_hash);
}

Result<std::size_t> AuthService::revoke_others(std::string_view user, std::string_view current_session_id) {
  return sessions_.revoke_all(user, current_session_id);
}

Result<std::size_t> AuthService::logout_everywhere(std::string_view user) {
  CredentialChange c;
  c.user = std::string(user);
  auto n = change(std::move(c));
  // A session user without an account (library use): there is no generation to advance.
  if (!n && n.error().code == Errc::user_not_found) return sessions_.revoke_all(user);
  return n;
}

bool AuthService::applied(std::string_view replacement_id_hash) {
  auto r = accounts_.sessions().get(replacement_id_hash);
  return r && *r && !(*r)->revoked;
}

Result<std::size_t> AuthService::change(CredentialChange c) {
  c.updated_at = clock_->now();
  auto r = accounts_.change_credentials(c);
  if (!r) return std::unexpected(std::move(r.error()));
  if (auto ok = announce(c.user, c.updated_at); !ok) return std::unexpected(std::move(ok.error()));
  return r->revoked;
}

Result<void> AuthService::announce(std::string_view user, std::int64_t not_before) {
  if (!options_.revocations) return {};
  auto c = options_.revocations->append(
      {.type = RevocationEvent::Type::subject, .sub = std::string(user), .not_before = not_before});
  if (!c)
    return fail(Errc::store_unavailable, "revocation feed: the credentials of " + std::string(user) +
                                             " changed but the subject event was not appended: " + c.error().message);
  return {};
}

Result<LoginResult> AuthService::change_password(std::string_view current_session_id,
                                                 std::string_view current_password, std::string_view new_password) {
  auto s = sessions_.validate(current_session_id);
  if (!s) return std::unexpected(s.error());
  const std::string user = s->record.user;
  const std::int64_t now = clock_->now();
  // Wrong current passwords count on this session's own key: only its holder can reach here,
  // so strangers' failed logins (the account key) never lock a signed-in user out of it.
  const std::string ukey = session_key(s->record.id_hash);
  if (auto t = check_throttle(ukey, options_.account_free_failures, now); !t) return std::unexpected(t.error());
  if (current_password.size() > kMaxPasswordLength) return std::unexpected(invalid_credentials());
  if (auto w = check_new_password(new_password); !w) return std::unexpected(w.error());

  auto rec = users_.get(user);
  if (!rec) return std::unexpected(rec.error());
  bool ok = false;
  if (*rec && !(*rec)->disabled) {
    auto v = verify_password((*rec)->password_hash, current_password);
    ok = v && *v;
  }
  if (!ok) {
    if (auto f = users_.throttle_fail(ukey, now, options_.throttle_window); !f) return std::unexpected(f.error());
    return std::unexpected(invalid_credentials());
  }
  auto hash = hash_password(new_password, options_.password);
  if (!hash) return std::unexpected(hash.error());
  // This session gets a new id, as after any privilege change; every other one goes (ASVS
  // 3.3.3). One atomic step with the new hash and generation: all of it or none of it.
  auto rotation = sessions_.prepare_rotation(current_session_id);
  if (!rotation) return std::unexpected(rotation.error());
  CredentialChange c;
  c.user = user;
  c.expected_generation = (*rec)->generation;
  c.password_hash = std::move(*hash);
  c.keep_id_hash = rotation->old_id_hash;
  c.replacement = rotation->next.session.record;
  const std::int64_t changed_at = clock_->now();
  c.updated_at = changed_at;
  auto changed = accounts_.change_credentials(c);
  if (!changed) {
    Error e = std::move(changed.error());
    if (e.code == Errc::credentials_changed || e.code == Errc::user_not_found)
      return fail(Errc::session_revoked, "a credential change raced this one");
    // An unavailable store may still have applied the change (a reply lost after the write):
    // the rotated session exists only if it did. If the store cannot say, store_unavailable.
    if (e.code != Errc::store_unavailable || !applied(rotation->next.session.record.id_hash))
      return std::unexpected(std::move(e));
  }
  // The change stands; a failed announcement is reported (store_unavailable), not hidden.
  if (auto a = announce(user, changed_at); !a) return std::unexpected(std::move(a.error()));
  LoginResult out{std::move(rotation->next), {}};
  out.csrf_token = sessions_.csrf_token(out.session.session);
  return out;
}

Result<void> AuthService::add_user(std::string_view username, std::string_view password) {
  if (!valid_username(username))
    return fail(Errc::invalid_argument, "username must be 1-64 characters of A-Z a-z 0-9 . _ @ + -");
  if (auto w = check_new_password(password); !w) return std::unexpected(w.error());
  auto hash = hash_password(password, options_.password);
  if (!hash) return std::unexpected(hash.error());
  const std::int64_t now = clock_->now();
  auto added = users_.add(UserRecord{std::string(username), std::move(*hash), false, now, now});
  if (!added) return std::unexpected(added.error());
  if (!*added) return fail(Errc::user_exists, "user " + std::string(username) + " already exists");
  return {};
}

Result<void> AuthService::must_exist(std::string_view username) {
  auto u = users_.get(username);  // also moves an account kept in an older store layout
  if (!u) return std::unexpected(std::move(u.error()));
  if (!*u) return fail(Errc::user_not_found, "no user " + std::string(username));
  return {};
}

Result<std::size_t> AuthService::reset_password(std::string_view username, std::string_view password) {
  if (auto w = check_new_password(password); !w) return std::unexpected(w.error());
  if (auto e = must_exist(username); !e) return std::unexpected(std::move(e.error()));
  auto hash = hash_password(password, options_.password);
  if (!hash) return std::unexpected(hash.error());
  CredentialChange c;
  c.user = std::string(username);
  c.password_hash = std::move(*hash);
  auto n = change(std::move(c));
  if (!n && n.error().code == Errc::user_not_found) return fail(Errc::user_not_found, "no user " + std::string(username));
  return n;
}

Result<std::size_t> AuthService::disable_user(std::string_view username) {
  if (auto e = must_exist(username); !e) return std::unexpected(std::move(e.error()));
  CredentialChange c;
  c.user = std::string(username);
  c.disabled = true;
  auto n = change(std::move(c));
  if (!n && n.error().code == Errc::user_not_found) return fail(Errc::user_not_found, "no user " + std::string(username));
  return n;
}

Result<std::vector<UserRecord>> AuthService::users() { return users_.list(); }

Result<void> AuthService::learn_password_params() {
  auto all = users_.list();
  if (!all) return std::unexpected(all.error());
  std::vector<std::string> hashes;
  hashes.reserve(all->size());
  for (auto& u : *all) hashes.push_back(std::move(u.password_hash));
  unknown_->learn(hashes);
  return {};
}

PasswordParams AuthService::unknown_user_params() const { return unknown_->params(); }

}  // namespace tessera
