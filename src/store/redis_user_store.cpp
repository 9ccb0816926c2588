// UserStore on Redis or a Redis Cluster, on the plumbing of the session store (redis_conn.hpp:
// pools, EVALSHA scripts; redis_cluster.hpp: slot routing). See docs/redis.md.
//
// Key layout (P = RedisOptions::key_prefix, default "tessera:"; T = the user tag of
// redis_store.cpp, "u:" + 32 hex digits of SHA-256(username)):
//   P{T}:user               hash: name, password_hash, disabled ("0"/"1"), created_at,
//                           updated_at, gen — in the user's slot, beside their sessions, so
//                           that the session scripts read and change it atomically
//   P users                 set: every username, for list()
//   P throttle:{<key>}      hash: failures, last_failure_at, expires_at; TTL = window
// Each command or script here touches one key, so on a cluster every call is single-slot.
// The account hash holds its name, and a read whose name differs (two names with one tag:
// 2^-128) fails closed. Credential changes are the session half's (kChangeLua).
//
// add: SADD to the set first, then a script creates the hash only if it does not exist (so a
// user is never created twice). A crash in between leaves a name in the set without a hash;
// list() skips such names, and a later add of that name still works. list() is not a snapshot.
// Throttle: one script forgets a counter whose expires_at <= now (the caller's clock, as in
// every backend: throttle.hpp), increments it, and sets EXPIRE = window as garbage collection.
// Thread safety: the store holds only the router (thread-safe), scripts and immutable strings.
#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "store/redis_cluster.hpp"
#include "store/redis_conn.hpp"
#include "store/stores.hpp"
#include "store/throttle.hpp"

namespace tessera::store {
namespace {

using redis::Connection;
using redis::Reply;
using redis::Router;
using redis::Script;

// The garbage-collection TTL never goes beyond this (Redis refuses expiries that overflow its
// millisecond clock); a longer window is still honoured by expires_at while the key lives.
constexpr std::int64_t kMaxTtl = 100LL * 365 * 24 * 3600;

// add. KEYS: user hash. ARGV: name, password_hash, disabled, created_at, updated_at. 1 if created.
constexpr std::string_view kAddLua = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'name', ARGV[1], 'password_hash', ARGV[2], 'disabled', ARGV[3],
           'created_at', ARGV[4], 'updated_at', ARGV[5], 'gen', '0')
return 1
)lua";

// rehash_password. KEYS: user hash. ARGV: expected generation, hash, updated_at. 1 if changed.
constexpr std::string_view kRehashLua = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if (redis.call('HGET', KEYS[1], 'gen') or '0') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'password_hash', ARGV[2], 'updated_at', ARGV[3])
return 1
)lua";

// throttle_fail. KEYS: throttle hash. ARGV: now, expires_at (now + window), ttl (seconds).
// The new failure count.
constexpr std::string_view kFailLua = R"lua(
local e = tonumber(redis.call('HGET', KEYS[1], 'expires_at'))
if e == nil or e <= tonumber(ARGV[1]) then redis.call('DEL', KEYS[1]) end
local f = redis.call('HINCRBY', KEYS[1], 'failures', 1)
redis.call('HSET', KEYS[1], 'last_failure_at', ARGV[1], 'expires_at', ARGV[2])
redis.call('EXPIRE', KEYS[1], ARGV[3])
return f
)lua";

constexpr std::array<std::string_view, 6> kUserFields = {"password_hash", "disabled", "created_at",
                                                         "updated_at",    "gen",      "name"};

// A user from the HMGET of kUserFields; nullopt when the hash does not exist.
Result<std::optional<UserRecord>> parse_user(std::string_view username, const redisReply& rep) {
  if (rep.type != REDIS_REPLY_ARRAY || rep.elements != kUserFields.size()) return redis::bad_reply("HMGET", rep);
  const auto& v = rep.element;
  if (std::all_of(v, v + rep.elements, [](const redisReply* e) { return redis::is_nil(*e); }))
    return std::optional<UserRecord>{};
  for (std::size_t j = 0; j < kUserFields.size(); ++j)
    if (v[j]->type != REDIS_REPLY_STRING) return redis::bad_reply("a user field", *v[j]);
  const auto disabled = redis::text(*v[1]);
  const auto created = redis::parse_int(redis::text(*v[2])), updated = redis::parse_int(redis::text(*v[3]));
  const auto gen = redis::parse_int(redis::text(*v[4]));
  if (!created || !updated || !gen || *gen < 0 || (disabled != "0" && disabled != "1"))
    return fail(Errc::store_unavailable, "redis: corrupt user record");
  if (redis::text(*v[5]) != username) return fail(Errc::store_unavailable, "redis: user record under another name");
  return std::optional<UserRecord>(UserRecord{std::string(username), std::string(redis::text(*v[0])), disabled == "1",
                                              *created, *updated, static_cast<std::uint64_t>(*gen)});
}

class RedisUserStore final : public UserStore {
 public:
  RedisUserStore(std::shared_ptr<Router> router, RedisOptions options)
      : router_(std::move(router)),
        prefix_(std::move(options.key_prefix)),
        add_(std::string(kAddLua)),
        rehash_(std::string(kRehashLua)),
        fail_(std::string(kFailLua)) {}

  Result<bool> add(const UserRecord& r) override {
    const auto set = users_key();
    auto s = router_->run(set, redis::command_op({"SADD", set, r.username}));
    if (!s) return std::unexpected(std::move(s.error()));
    if ((*s)->type != REDIS_REPLY_INTEGER) return redis::bad_reply("SADD", **s);
    auto reply = eval(add_, user_key(r.username),
                      {r.username, r.password_hash, r.disabled ? "1" : "0", std::to_string(r.created_at),
                       std::to_string(r.updated_at)});
    return redis::as_bool(reply, "the add script");
  }

  Result<std::optional<UserRecord>> get(std::string_view username) override {
    const auto key = user_key(username);
    std::vector<std::string> argv{"HMGET", key};
    argv.insert(argv.end(), kUserFields.begin(), kUserFields.end());
    auto reply = router_->run(key, redis::command_op(std::move(argv)));
    if (!reply) return std::unexpected(std::move(reply.error()));
    auto user = parse_user(username, **reply);
    if (!user || *user) return user;
    // Absent here: perhaps still where builds before credential generations kept it.
    auto moved = move_legacy(username);
    if (!moved) return std::unexpected(std::move(moved.error()));
    if (!*moved) return std::optional<UserRecord>{};
    return get(username);
  }

  Result<bool> rehash_password(std::string_view username, std::uint64_t expected_generation, std::string_view hash,
                               std::int64_t updated_at) override {
    auto reply = eval(rehash_, user_key(username),
                      {std::to_string(expected_generation), std::string(hash), std::to_string(updated_at)});
    return redis::as_bool(reply, "the rehash script");
  }

  // An account at the legacy key P user:{<name>} is moved to P{T}:user at generation 0 (the
  // add script: only if absent there, so a concurrent move or add wins once), then the legacy
  // key goes. Both steps are idempotent; a crash between them leaves a copy that the next read
  // finishes. false when there is no legacy account.
  Result<bool> move_legacy(std::string_view username) {
    const auto legacy = prefix_ + "user:{" + std::string(username) + "}";
    auto old = router_->run(legacy, redis::command_op({"HMGET", legacy, "password_hash", "disabled", "created_at",
                                                       "updated_at"}));
    if (!old) return std::unexpected(std::move(old.error()));
    const redisReply& rep = **old;
    if (rep.type != REDIS_REPLY_ARRAY || rep.elements != 4) return redis::bad_reply("HMGET", rep);
    if (redis::is_nil(*rep.element[0])) return false;
    for (std::size_t i = 0; i < 4; ++i)
      if (rep.element[i]->type != REDIS_REPLY_STRING) return redis::bad_reply("a legacy user field", *rep.element[i]);
    auto added = eval(add_, user_key(username),
                      {std::string(username), std::string(redis::text(*rep.element[0])),
                       std::string(redis::text(*rep.element[1])), std::string(redis::text(*rep.element[2])),
                       std::string(redis::text(*rep.element[3]))});
    if (!added) return std::unexpected(std::move(added.error()));
    if (redis::is_error(**added)) return redis::bad_reply("the add script", **added);
    auto del = router_->run(legacy, redis::command_op({"DEL", legacy}));
    if (!del) return std::unexpected(std::move(del.error()));
    return true;
  }

  Result<std::vector<UserRecord>> list() override {
    const auto set = users_key();
    auto names = router_->run(set, redis::command_op({"SMEMBERS", set}));
    if (!names) return std::unexpected(std::move(names.error()));
    const redisReply& rep = **names;
    if (rep.type != REDIS_REPLY_ARRAY) return redis::bad_reply("SMEMBERS", rep);
    std::vector<UserRecord> out;
    out.reserve(rep.elements);
    for (std::size_t i = 0; i < rep.elements; ++i) {
      if (rep.element[i]->type != REDIS_REPLY_STRING) return redis::bad_reply("SMEMBERS", rep);
      auto u = get(redis::text(*rep.element[i]));
      if (!u) return std::unexpected(std::move(u.error()));
      if (*u) out.push_back(std::move(**u));  // a name whose add did not finish: skipped
    }
    std::sort(out.begin(), out.end(), [](const UserRecord& a, const UserRecord& b) { return a.username < b.username; });
    return out;
  }

  Result<ThrottleRecord> throttle_get(std::string_view key, std::int64_t now) override {
    const auto k = throttle_key(key);
    auto reply = router_->run(k, redis::command_op({"HMGET", k, "failures", "last_failure_at", "expires_at"}));
    if (!reply) return std::unexpected(std::move(reply.error()));
    const redisReply& rep = **reply;
    if (rep.type != REDIS_REPLY_ARRAY || rep.elements != 3) return redis::bad_reply("HMGET", rep);
    if (redis::is_nil(*rep.element[0])) return ThrottleRecord{};
    auto f = redis::integer(*rep.element[0]), t = redis::integer(*rep.element[1]), e = redis::integer(*rep.element[2]);
    if (!f || !t || !e) return fail(Errc::store_unavailable, "redis: corrupt throttle record");
    if (throttle::expired(*e, now)) return ThrottleRecord{};  // forgotten; its TTL deletes it
    return ThrottleRecord{*f, *t};
  }

  Result<ThrottleRecord> throttle_fail(std::string_view key, std::int64_t now, std::int64_t window) override {
    if (auto ok = throttle::check_window(window); !ok) return std::unexpected(std::move(ok.error()));
    auto reply = eval(fail_, throttle_key(key),
                      {std::to_string(now), std::to_string(throttle::expires_at(now, window)),
                       std::to_string(std::min(window, kMaxTtl))});
    if (!reply) return std::unexpected(std::move(reply.error()));
    auto n = redis::integer(**reply);
    if ((*reply)->type != REDIS_REPLY_INTEGER || !n || *n < 1) return redis::bad_reply("the throttle script", **reply);
    return ThrottleRecord{*n, now};
  }

  Result<void> throttle_reset(std::string_view key) override {
    const auto k = throttle_key(key);
    auto reply = router_->run(k, redis::command_op({"DEL", k}));
    if (!reply) return std::unexpected(std::move(reply.error()));
    if ((*reply)->type != REDIS_REPLY_INTEGER) return redis::bad_reply("DEL", **reply);
    return {};
  }

  Result<void> ping() override { return router_->ping(); }

 private:
  std::string users_key() const { return prefix_ + "users"; }
  std::string user_key(std::string_view username) const { return redis_user_base(prefix_, username) + "user"; }
  std::string throttle_key(std::string_view key) const { return prefix_ + "throttle:{" + std::string(key) + "}"; }

  // Runs script s on the one key it touches.
  Result<Reply> eval(const Script& s, const std::string& key, std::vector<std::string> args) {
    const std::array<std::string, 1> keys{key};
    return router_->run(key, [&](Connection& c, bool asking) { return s.eval(c, asking, keys, args); });
  }

  std::shared_ptr<Router> router_;
  std::string prefix_;
  Script add_, rehash_, fail_;
};

}  // namespace

std::unique_ptr<UserStore> make_redis_user_store_on(std::shared_ptr<Router> router, const RedisOptions& options) {
  return std::make_unique<RedisUserStore>(std::move(router), options);
}

}  // namespace tessera::store
