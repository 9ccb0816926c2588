// SessionManager (include/tessera/session.hpp): ids, timeouts, sliding, rotation, revocation
// and CSRF tokens on top of any SessionStore.
// Ids leave this file only in create()/rotate() results; the store, errors and (future) logs
// see base64url(SHA-256(id)) at most (DESIGN.md invariants 4 and 8). Every store error becomes
// store_unavailable and nothing is accepted that could not be checked (invariant 9).
// Thread safety: no mutable state of its own; as thread-safe as the store.
#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "codec/base64url.hpp"
#include "codec/json.hpp"
#include "crypto/crypto.hpp"
#include "tessera/session.hpp"

namespace tessera {
namespace {

constexpr std::size_t kIdBytes = 32;
constexpr std::size_t kIdChars = 43;  // base64url of 32 bytes, unpadded
constexpr std::string_view kCsrfLabel = "tessera-csrf-v1";

// 43 characters of canonical base64url that decode to 32 bytes: the shape of both ids and id
// hashes. Anything else cannot name a session and never reaches the store.
bool well_formed(std::string_view s) {
  if (s.size() != kIdChars) return false;
  std::string bytes;
  const bool ok = codec::base64url_decode_into(s, bytes) && bytes.size() == kIdBytes;
  crypto::secure_zero(bytes.data(), bytes.size());
  return ok;
}

std::unexpected<Error> unavailable(const Error& e) {
  return fail(Errc::store_unavailable, "session store: " + e.message);
}

std::string new_random_token() {
  auto bytes = crypto::random_bytes(kIdBytes);
  auto out = codec::base64url_encode(bytes);
  crypto::secure_zero(bytes.data(), bytes.size());
  return out;
}

// The record a store's get() returned, if it is usable at now.
Result<SessionRecord> live_record(Result<std::optional<SessionRecord>> got, std::int64_t now) {
  if (!got) return unavailable(got.error());
  if (!*got) return fail(Errc::session_not_found);
  SessionRecord& r = **got;
  if (r.revoked) return fail(Errc::session_revoked);
  if (r.generation != r.user_generation) return fail(Errc::session_revoked, "created under an older credential generation");
  if (now >= r.absolute_expires_at) return fail(Errc::session_absolute_expired);
  if (now >= r.idle_expires_at) return fail(Errc::session_idle_expired);
  return std::move(r);
}

// The stored record behind id if it is usable at now; no store write.
Result<SessionRecord> load_live(SessionStore& store, std::string_view id, std::int64_t now) {
  if (!well_formed(id)) return fail(Errc::session_not_found, "session id malformed");
  return live_record(store.get(SessionManager::hash_id(id)), now);
}

// Sliding, coalesced: the new idle expiry when a touch is due at now (touch_fraction of the
// idle window has passed since the last write), nullopt when not.
std::optional<std::int64_t> touch_due(const SessionOptions& o, const SessionRecord& r, std::int64_t now) {
  const double since = static_cast<double>(now - r.last_seen_at);
  if (since < o.touch_fraction * static_cast<double>(o.idle_timeout)) return std::nullopt;
  return std::min(now + o.idle_timeout, r.absolute_expires_at);
}

// The session after a touch (its result from the store).
Result<Session> touched(Result<bool> t, SessionRecord r, std::int64_t now, std::int64_t idle) {
  if (!t) return unavailable(t.error());
  if (!*t) return fail(Errc::session_revoked, "session revoked concurrently");
  r.last_seen_at = now;
  r.idle_expires_at = idle;
  return Session{std::move(r)};
}

}  // namespace

SessionManager::SessionManager(SessionStore& store, SessionOptions options, const Clock* clock)
    : store_(store), options_(options), clock_(clock ? clock : &SystemClock::instance()) {}

Result<SessionManager> SessionManager::create(SessionStore& store, SessionOptions options, const Clock* clock) {
  if (options.idle_timeout <= 0 || options.absolute_timeout <= 0 || !(options.touch_fraction >= 0.0) ||
      options.touch_fraction > 1.0)
    return fail(Errc::invalid_argument, "session options: timeouts must be positive, touch_fraction in [0, 1]");
  return SessionManager(store, options, clock);
}

std::string SessionManager::hash_id(std::string_view id) {
  return codec::base64url_encode(crypto::sha256(crypto::as_bytes(id)));
}

Result<NewSession> SessionManager::create(std::string_view user, std::string_view attributes_json,
                                          const ClientInfo& client, std::uint64_t generation) {
  if (user.empty()) return fail(Errc::invalid_argument, "session: empty user");
  if (auto attrs = codec::parse_json_object(attributes_json); !attrs)
    return fail(Errc::invalid_argument, "session attributes must be a JSON object: " + attrs.error().message);

  const std::int64_t now = clock_->now();
  NewSession out;
  out.id = new_random_token();
  SessionRecord& r = out.session.record;
  r.id_hash = hash_id(out.id);
  r.user = std::string(user);
  r.created_at = now;
  r.last_seen_at = now;
  r.absolute_expires_at = now + options_.absolute_timeout;
  r.idle_expires_at = std::min(now + options_.idle_timeout, r.absolute_expires_at);
  r.csrf_secret = SecretBytes(crypto::Wiped<std::string>(new_random_token()));
  r.client = client;
  r.attributes_json = std::string(attributes_json);
  r.generation = generation;
  r.user_generation = generation;

  auto evicted = store_.create(r, options_.max_sessions_per_user);
  if (!evicted && evicted.error().code == Errc::credentials_changed) return std::unexpected(std::move(evicted.error()));
  if (!evicted) return unavailable(evicted.error());
  return out;
}

Result<Session> SessionManager::validate(std::string_view id) {
  const std::int64_t now = clock_->now();
  auto r = load_live(store_, id, now);
  if (!r) return std::unexpected(std::move(r.error()));
  const auto idle = touch_due(options_, *r, now);
  if (!idle) return Session{std::move(*r)};
  const std::string id_hash = r->id_hash;
  return touched(store_.touch(id_hash, now, *idle), std::move(*r), now, *idle);
}

void SessionManager::validate(std::string_view id, SessionReader& reader, Completion<Session> done) {
  const std::int64_t now = clock_->now();
  if (!well_formed(id)) return done(fail(Errc::session_not_found, "session id malformed"));
  reader.get(hash_id(id), [this, &reader, now, done = std::move(done)](Result<std::optional<SessionRecord>> got) mutable {
    auto r = live_record(std::move(got), now);
    if (!r) return done(std::unexpected(std::move(r.error())));
    const auto idle = touch_due(options_, *r, now);
    if (!idle) return done(Session{std::move(*r)});
    const std::string id_hash = r->id_hash;
    reader.touch(id_hash, now, *idle,
                 [r = std::move(*r), now, idle = *idle, done = std::move(done)](Result<bool> t) mutable {
                   done(touched(std::move(t), std::move(r), now, idle));
                 });
  });
}

Result<PreparedRotation> SessionManager::prepare_rotation(std::string_view id) {
  const std::int64_t now = clock_->now();
  auto old = load_live(store_, id, now);
  if (!old) return std::unexpected(std::move(old.error()));

  PreparedRotation out;
  out.old_id_hash = old->id_hash;
  out.next.id = new_random_token();
  SessionRecord& r = out.next.session.record;
  r = std::move(*old);  // same user, attributes, CSRF secret, created_at, client, generation, absolute expiry
  r.id_hash = hash_id(out.next.id);
  r.last_seen_at = now;
  r.idle_expires_at = std::min(now + options_.idle_timeout, r.absolute_expires_at);
  r.revoked = false;
  return out;
}

Result<NewSession> SessionManager::rotate(std::string_view id) {
  auto p = prepare_rotation(id);
  if (!p) return std::unexpected(std::move(p.error()));
  auto rotated = store_.rotate(p->old_id_hash, p->next.session.record);
  if (!rotated) return unavailable(rotated.error());
  if (!*rotated) return fail(Errc::session_revoked, "session revoked concurrently");
  return std::move(p->next);
}

Result<void> SessionManager::revoke(std::string_view id) {
  if (!well_formed(id)) return fail(Errc::session_not_found, "session id malformed");
  return revoke_by_hash(hash_id(id));
}

Result<void> SessionManager::revoke_by_hash(std::string_view id_hash) {
  if (!well_formed(id_hash)) return fail(Errc::session_not_found, "session id hash malformed");
  auto revoked = store_.revoke(id_hash);
  if (!revoked) return unavailable(revoked.error());
  if (!*revoked) return fail(Errc::session_not_found, "no live session to revoke");
  return {};
}

Result<std::size_t> SessionManager::revoke_all(std::string_view user, std::optional<std::string_view> except_id) {
  std::optional<std::string> except_hash;
  if (except_id) except_hash = hash_id(*except_id);
  auto n = store_.revoke_all(user, except_hash ? std::optional<std::string_view>(*except_hash) : std::nullopt);
  if (!n) return unavailable(n.error());
  return *n;
}

Result<std::vector<Session>> SessionManager::list(std::string_view user) {
  auto records = store_.list(user, clock_->now());
  if (!records) return unavailable(records.error());
  std::vector<Session> out;
  out.reserve(records->size());
  for (auto& r : *records)
    if (r.generation == r.user_generation) out.push_back(Session{std::move(r)});
  return out;
}

std::string SessionManager::csrf_token(const Session& s) const {
  auto secret = codec::base64url_decode(crypto::as_chars(s.record.csrf_secret.reveal(SecretAccess{})));
  if (!secret) return {};
  SecretBytes key{std::span<const std::uint8_t>(*secret)};
  crypto::secure_zero(secret->data(), secret->size());
  std::string msg(kCsrfLabel);
  msg += s.record.id_hash;
  auto mac = crypto::hmac_once(crypto::Hash::sha256, key, crypto::as_bytes(msg));  // refuses secrets under 32 bytes
  if (!mac) return {};
  return codec::base64url_encode(*mac);
}

Result<void> SessionManager::check_csrf(const Session& s, std::string_view presented) const {
  const std::string expected = csrf_token(s);
  if (expected.empty() || !crypto::constant_time_equal(crypto::as_bytes(expected), crypto::as_bytes(presented)))
    return fail(Errc::csrf_failed);
  return {};
}

}  // namespace tessera
