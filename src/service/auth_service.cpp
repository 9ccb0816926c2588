#include "tessera/auth_service.hpp"

#include <algorithm>
#include <string>

namespace tessera {

namespace {

bool username_char(char c) noexcept {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '@' || c == '+' || c == '-';
}

std::string account_key(std::string_view user) { return "user:" + std::string(user); }
std::string ip_key(std::string_view ip) { return "ip:" + std::string(ip); }
std::string device_key(const Device& d) { return "device:" + d.id; }

Result<void> check_new_password(std::string_view pw) {
  if (pw.size() < kMinPasswordLength)
    return fail(Errc::weak_password, "password shorter than " + std::to_string(kMinPasswordLength) + " bytes");
  if (pw.size() > kMaxPasswordLength)
    return fail(Errc::weak_password, "password longer than " + std::to_string(kMaxPasswordLength) + " bytes");
  return {};
}

Error invalid_credentials() { return Error(Errc::invalid_credentials, "invalid username or password"); }

// A fixed string, hashed once at construction with the configured parameters, so that an
// unknown user costs one Argon2id verification like a known one.
constexpr std::string_view kDummyPassword = "tessera: no such user, same cost";

}  // namespace

bool valid_username(std::string_view username) noexcept {
  return !username.empty() && username.size() <= 64 && std::all_of(username.begin(), username.end(), username_char);
}

AuthService::AuthService(SessionManager& sessions, UserStore& users, AuthOptions options, const Clock* clock)
    : sessions_(sessions),
      users_(users),
      options_(options),
      clock_(clock ? clock : &SystemClock::instance()) {
  auto dummy = hash_password(kDummyPassword, options_.password);
  if (!dummy) dummy = hash_password(kDummyPassword, PasswordParams{});
  if (dummy) dummy_hash_ = std::move(*dummy);
}

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
    auto v = verify_password((*rec)->password_hash, password);
    ok = v && *v && !(*rec)->disabled;
  } else {
    (void)verify_password(dummy_hash_, password);  // same cost as a known user
  }
  if (!ok) {
    if (auto f = users_.throttle_fail(ukey, now, options_.throttle_window); !f) return std::unexpected(f.error());
    if (auto f = users_.throttle_fail(ikey, now, options_.throttle_window); !f) return std::unexpected(f.error());
    return std::unexpected(invalid_credentials());
  }
  if (auto r = users_.throttle_reset(ukey); !r) return std::unexpected(r.error());
  if (password_needs_rehash((*rec)->password_hash, options_.password)) {
    // Upgrading the stored hash is best effort: the login itself has succeeded.
    if (auto h = hash_password(password, options_.password)) (void)users_.set_password_hash(username, *h, now);
  }
  auto created = sessions_.create(username, "{}", client);
  if (!created) return std::unexpected(created.error());
  LoginResult out{std::move(*created), {}};
  out.csrf_token = sessions_.csrf_token(out.session.session);
  if (dc) out.device_cookie = device ? dc->reissue(*device, username, now) : dc->issue(username, now);
  return out;
}

Result<Session> AuthService::authenticate(std::string_view session_id) { return sessions_.validate(session_id); }

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

Result<std::size_t> AuthService::logout_everywhere(std::string_view user) { return sessions_.revoke_all(user); }

Result<LoginResult> AuthService::change_password(std::string_view current_session_id,
                                                 std::string_view current_password, std::string_view new_password) {
  auto s = sessions_.validate(current_session_id);
  if (!s) return std::unexpected(s.error());
  const std::string user = s->record.user;
  const std::int64_t now = clock_->now();
  const std::string ukey = account_key(user);
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
  auto set = users_.set_password_hash(user, *hash, now);
  if (!set) return std::unexpected(set.error());
  if (!*set) return std::unexpected(invalid_credentials());
  // Every other session goes (ASVS 3.3.3); this one gets a new id, as after any privilege change.
  if (auto r = sessions_.revoke_all(user, current_session_id); !r) return std::unexpected(r.error());
  auto rotated = sessions_.rotate(current_session_id);
  if (!rotated) return std::unexpected(rotated.error());
  LoginResult out{std::move(*rotated), {}};
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

Result<std::size_t> AuthService::reset_password(std::string_view username, std::string_view password) {
  if (auto w = check_new_password(password); !w) return std::unexpected(w.error());
  auto hash = hash_password(password, options_.password);
  if (!hash) return std::unexpected(hash.error());
  auto set = users_.set_password_hash(username, *hash, clock_->now());
  if (!set) return std::unexpected(set.error());
  if (!*set) return fail(Errc::user_not_found, "no user " + std::string(username));
  return sessions_.revoke_all(username);
}

Result<std::size_t> AuthService::disable_user(std::string_view username) {
  auto set = users_.set_disabled(username, true, clock_->now());
  if (!set) return std::unexpected(set.error());
  if (!*set) return fail(Errc::user_not_found, "no user " + std::string(username));
  return sessions_.revoke_all(username);
}

Result<std::vector<UserRecord>> AuthService::users() { return users_.list(); }

}  // namespace tessera
