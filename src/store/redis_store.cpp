// SessionStore on Redis or a Redis Cluster (docs/redis.md has the full picture).
//
// Key layout (P = RedisOptions::key_prefix, default "tessera:"; T = "u:" + the first 32 hex
// digits of SHA-256(user)):
//   P{T}:s:<id_hash>  hash: one session record (fields below)       ┐ one hash slot per user:
//   P{T}:idx          sorted set: the user's non-revoked id_hashes,  │ create/rotate/revoke_all/
//                     scored by created_at                           │ change_credentials are
//   P{T}:user         hash: the account (redis_user_store.cpp), with ┘ single-slot scripts
//                     its generation "gen"
//   P{h:<id_hash>}    string: T, the pointer get/touch/revoke/rotate follow from an id_hash
// Expiry is Redis's: every record and pointer gets TTL = absolute_expires_at + kExpiredGrace
// - created_at (the caller's clock at insertion, so app/Redis clock skew does not matter);
// the index lives as long as its longest-lived member. sweep() therefore returns 0.
//
// Pointer consistency: the pointer is written before the user-slot script that inserts the
// record, so a crash in between leaves a dangling pointer (get → nullopt, harmless, expires)
// and never a record that get() cannot reach. Pointers are never rewritten to another user,
// so each store instance caches the pointers it has seen: get/touch of a known session is one
// round trip.
//
// Scripts read everything before they write, so a script aborted mid-way (Redis refuses a
// key it does not hold during a slot migration) has changed nothing. Scripts that walk the
// index declare every member's key (a snapshot taken by ZRANGE just before); a member added
// since is read only if present, else the script answers TESSERA_STALE and we re-snapshot.
// Thread safety: the store holds only the router (thread-safe) and immutable strings.
#include <algorithm>
#include <array>
#include <limits>
#include <thread>
#include <utility>

#include "common/mutex.hpp"
#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"
#include "store/lru_cache.hpp"
#include "store/redis_cluster.hpp"
#include "store/redis_conn.hpp"
#include "store/redis_session_reader.hpp"
#include "store/redis_session_scripts.hpp"
#include "store/stores.hpp"

namespace tessera::store {

namespace {

using redis::Connection;
using redis::Reply;
using redis::Router;
using redis::Script;
using namespace redis_scripts;


constexpr int kSnapshotAttempts = 12;
constexpr std::int64_t kMaxTtl = std::int64_t{1} << 40;  // seconds; keeps EXPIRE in range

// Key TTL = absolute_expires_at + kExpiredGrace - created_at, at least 1 s.
std::int64_t ttl_of(const SessionRecord& r) {
  if (r.absolute_expires_at >= r.created_at + kMaxTtl - kExpiredGrace) return kMaxTtl;  // no overflow below
  return std::max<std::int64_t>(1, r.absolute_expires_at + kExpiredGrace - r.created_at);
}

void append_fields(std::vector<std::string>& args, const SessionRecord& r) {
  args.push_back(r.user);
  args.push_back(std::to_string(r.created_at));
  args.push_back(std::to_string(r.last_seen_at));
  args.push_back(std::to_string(r.idle_expires_at));
  args.push_back(std::to_string(r.absolute_expires_at));
  args.push_back(r.revoked ? "1" : "0");
  args.emplace_back(crypto::as_chars(r.csrf_secret.reveal(SecretAccess{})));
  args.push_back(r.client.ip);
  args.push_back(r.client.user_agent);
  args.push_back(r.client.device_label);
  args.push_back(r.attributes_json);
  args.push_back(std::to_string(r.generation));
}

// A generation as Redis holds it (decimal digits).
std::optional<std::uint64_t> parse_generation(const redisReply& r) {
  if (r.type != REDIS_REPLY_STRING && r.type != REDIS_REPLY_INTEGER) return std::nullopt;
  auto v = r.type == REDIS_REPLY_INTEGER ? redis::integer(r) : redis::parse_int(redis::text(r));
  if (!v || *v < 0) return std::nullopt;
  return static_cast<std::uint64_t>(*v);
}

// A record from the 12 field replies (v[0..11]) and the user's generation; nullopt when
// absent. A record without "g" was written before generations: generation 0.
Result<std::optional<SessionRecord>> parse_record(std::string id_hash, redisReply* const* v,
                                                  const redisReply& user_generation) {
  if (v[0]->type == REDIS_REPLY_NIL) return std::optional<SessionRecord>{};
  for (std::size_t j = 0; j + 1 < kFields.size(); ++j)
    if (v[j]->type != REDIS_REPLY_STRING) return redis::bad_reply("a session field", *v[j]);
  const auto g = v[11]->type == REDIS_REPLY_NIL ? std::optional<std::uint64_t>(0) : parse_generation(*v[11]);
  const auto ug = parse_generation(user_generation);
  if (!g || !ug) return fail(Errc::store_unavailable, "redis: corrupt generation in session " + std::string(id_hash));
  SessionRecord r;
  r.id_hash = std::move(id_hash);
  r.user = redis::text(*v[0]);
  auto c = redis::parse_int(redis::text(*v[1])), l = redis::parse_int(redis::text(*v[2]));
  auto i = redis::parse_int(redis::text(*v[3])), a = redis::parse_int(redis::text(*v[4]));
  auto rv = redis::text(*v[5]);
  if (!c || !l || !i || !a || (rv != "0" && rv != "1"))
    return fail(Errc::store_unavailable, "redis: corrupt session record " + r.id_hash);
  r.created_at = *c;
  r.last_seen_at = *l;
  r.idle_expires_at = *i;
  r.absolute_expires_at = *a;
  r.revoked = rv == "1";
  r.csrf_secret = SecretBytes(crypto::Wiped<std::string>(redis::text(*v[6])));
  r.client.ip = redis::text(*v[7]);
  r.client.user_agent = redis::text(*v[8]);
  r.client.device_label = redis::text(*v[9]);
  r.attributes_json = redis::text(*v[10]);
  r.generation = *g;
  r.user_generation = *ug;
  return std::optional<SessionRecord>(std::move(r));
}

bool retryable_script_error(const redisReply& r) {
  if (!redis::is_error(r)) return false;
  auto t = redis::text(r);
  // Our own "index changed since the snapshot", or Redis refusing a key it does not hold
  // (slot migration in progress; the script aborted before writing anything).
  return t.find("TESSERA_STALE") != std::string_view::npos || t.find("non local key") != std::string_view::npos;
}

std::string user_tag(std::string_view user) {
  auto digest = crypto::sha256(crypto::as_bytes(user));
  return "u:" + codec::hex_encode(digest).substr(0, 32);
}

bool valid_tag(std::string_view t) {
  if (t.size() != 34 || !t.starts_with("u:")) return false;
  return std::all_of(t.begin() + 2, t.end(), [](char ch) { return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'); });
}

// Our scripts' refusals as errors (nothing was written when a script says one of these).
std::optional<Error> script_refusal(const redisReply& r) {
  if (!redis::is_error(r)) return std::nullopt;
  const auto t = redis::text(r);
  if (t.find("TESSERA_GENERATION") != std::string_view::npos)
    return Error(Errc::credentials_changed, "the user's credentials changed since they were checked");
  if (t.find("TESSERA_NO_USER") != std::string_view::npos) return Error(Errc::user_not_found);
  if (t.find("TESSERA_KEEP") != std::string_view::npos)
    return Error(Errc::session_revoked, "the session to keep is not a live session of the user");
  if (t.find("TESSERA_DEADLINE") != std::string_view::npos)
    return Error(Errc::store_unavailable, "change_credentials: deadline passed; nothing written");
  return std::nullopt;
}

class RedisStore final : public AccountSessions, private redis::ReaderSource {
 public:
  RedisStore(std::shared_ptr<Router> router, RedisOptions options)
      : router_(std::move(router)),
        prefix_(std::move(options.key_prefix)),
        command_timeout_(options.command_timeout),
        deadline_after_(options.command_timeout / 2),
        create_(lua(kCreateLua)),
        rotate_(lua(kRotateLua)),
        touch_(lua(kTouchLua)),
        update_attributes_(lua(kUpdateAttributesLua)),
        revoke_(lua(kRevokeLua)),
        revoke_all_(lua(kRevokeAllLua)),
        list_(lua(kListLua)),
        get_(lua(kGetLua)),
        change_(lua(kChangeLua)) {}

  Result<std::vector<std::string>> create(const SessionRecord& r, std::size_t max_per_user) override {
    const auto tag = user_tag(r.user);
    const auto ttl = std::to_string(ttl_of(r));
    if (auto p = set_pointer(r.id_hash, tag, ttl); !p) return std::unexpected(std::move(p.error()));
    remember(r.id_hash, tag);
    const auto base = base_of(tag);
    std::vector<std::string> args{base + "s:", r.id_hash, ttl, std::to_string(max_per_user)};
    append_fields(args, r);
    auto reply = max_per_user == 0
                     ? eval(create_, base + "idx", {base + "idx", base + "s:" + r.id_hash, base + "user"}, args)
                     : eval_with_snapshot(create_, base, {base + "s:" + r.id_hash, base + "user"}, args);
    if (!reply) return std::unexpected(std::move(reply.error()));
    const redisReply& rep = **reply;
    if (auto refused = script_refusal(rep)) return std::unexpected(std::move(*refused));
    if (rep.type != REDIS_REPLY_ARRAY) return redis::bad_reply("the create script", rep);
    std::vector<std::string> evicted;
    evicted.reserve(rep.elements);
    for (std::size_t i = 0; i < rep.elements; ++i) {
      if (rep.element[i]->type != REDIS_REPLY_STRING) return redis::bad_reply("the create script", rep);
      evicted.emplace_back(redis::text(*rep.element[i]));
    }
    return evicted;
  }

  Result<std::optional<SessionRecord>> get(std::string_view id_hash) override {
    auto tag = lookup(id_hash);
    if (!tag) return std::unexpected(std::move(tag.error()));
    if (!*tag) return std::optional<SessionRecord>{};
    const auto base = base_of(**tag);
    const auto key = base + "s:" + std::string(id_hash);
    auto reply = eval(get_, key, {key, base + "user"}, {});
    if (!reply && reply.error().message.find(redis::kSlotNotSettled) != std::string::npos)
      return get_one_key_at_a_time(id_hash, key, base + "user");
    if (!reply) return std::unexpected(std::move(reply.error()));
    return parse_get(std::string(id_hash), **reply);
  }

  // The hot path on the caller's event loop (redis_session_reader.hpp).
  std::unique_ptr<SessionReader> reader(EventLoop& loop) override { return redis::make_session_reader(loop, *this); }

  // While the user's slot migrates and their keys are split (or one is absent: a session user
  // without an account), Redis refuses multi-key scripts (TRYAGAIN). A read needs no script:
  // the record, then the generation, each following ASK on its own. Reading the record first
  // keeps it safe: a change that lands between the two reads shows as a newer generation.
  Result<std::optional<SessionRecord>> get_one_key_at_a_time(std::string_view id_hash, const std::string& key,
                                                             const std::string& user_key) {
    std::vector<std::string> argv{"HMGET", key};
    argv.insert(argv.end(), kFields.begin(), kFields.end());
    auto rec = router_->run(key, redis::command_op(std::move(argv)));
    if (!rec) return std::unexpected(std::move(rec.error()));
    if ((*rec)->type != REDIS_REPLY_ARRAY || (*rec)->elements != kFields.size()) return redis::bad_reply("HMGET", **rec);
    auto gen = router_->run(user_key, redis::command_op({"HGET", user_key, "gen"}));
    if (!gen) return std::unexpected(std::move(gen.error()));
    redisReply zero{};
    zero.type = REDIS_REPLY_INTEGER;
    const redisReply& g = (*gen)->type == REDIS_REPLY_NIL ? zero : **gen;
    return parse_record(std::string(id_hash), (*rec)->element, g);
  }

  Result<bool> touch(std::string_view id_hash, std::int64_t last_seen_at, std::int64_t idle_expires_at) override {
    auto tag = lookup(id_hash);
    if (!tag) return std::unexpected(std::move(tag.error()));
    if (!*tag) return false;
    const auto key = base_of(**tag) + "s:" + std::string(id_hash);
    auto reply = eval(touch_, key, {key}, {std::to_string(last_seen_at), std::to_string(idle_expires_at)});
    return redis::as_bool(reply, "the touch script");
  }

  Result<bool> rotate(std::string_view old_id_hash, const SessionRecord& replacement) override {
    auto tag = lookup(old_id_hash);
    if (!tag) return std::unexpected(std::move(tag.error()));
    if (!*tag) return false;
    const auto new_tag = user_tag(replacement.user);
    const auto base = base_of(**tag);
    const auto old_key = base + "s:" + std::string(old_id_hash);
    if (new_tag != **tag) {
      // Another user's slot: no single-slot script can do it. Only say so if old is live.
      auto r = router_->run(old_key, redis::command_op({"HGET", old_key, "r"}));
      if (!r) return std::unexpected(std::move(r.error()));
      if ((*r)->type != REDIS_REPLY_STRING || redis::text(**r) != "0") return false;
      return fail(Errc::invalid_argument, "rotate: the replacement belongs to another user");
    }
    const auto ttl = std::to_string(ttl_of(replacement));
    if (auto p = set_pointer(replacement.id_hash, new_tag, ttl); !p) return std::unexpected(std::move(p.error()));
    remember(replacement.id_hash, new_tag);
    std::vector<std::string> args{std::string(old_id_hash), replacement.id_hash, ttl};
    append_fields(args, replacement);
    auto reply = eval(rotate_, base + "idx", {base + "idx", old_key, base + "s:" + replacement.id_hash}, args);
    if (!reply) return std::unexpected(std::move(reply.error()));
    auto n = redis::integer(**reply);
    if ((*reply)->type != REDIS_REPLY_INTEGER || !n || *n < -1 || *n > 1) return redis::bad_reply("the rotate script", **reply);
    if (*n == -1) return fail(Errc::invalid_argument, "rotate: the replacement belongs to another user");
    return *n == 1;
  }

  Result<bool> update_attributes(std::string_view id_hash, std::string_view expected,
                                 std::string_view replacement) override {
    auto tag = lookup(id_hash);
    if (!tag) return std::unexpected(std::move(tag.error()));
    if (!*tag) return false;
    const auto key = base_of(**tag) + "s:" + std::string(id_hash);
    auto reply = eval(update_attributes_, key, {key}, {std::string(expected), std::string(replacement)});
    return redis::as_bool(reply, "the update_attributes script");
  }

  Result<bool> revoke(std::string_view id_hash) override {
    auto tag = lookup(id_hash);
    if (!tag) return std::unexpected(std::move(tag.error()));
    if (!*tag) return false;
    const auto base = base_of(**tag);
    auto reply = eval(revoke_, base + "idx", {base + "idx", base + "s:" + std::string(id_hash)}, {std::string(id_hash)});
    return redis::as_bool(reply, "the revoke script");
  }

  Result<std::size_t> revoke_all(std::string_view user, std::optional<std::string_view> except_id_hash) override {
    const auto base = base_of(user_tag(user));
    std::vector<std::string> args{base + "s:", std::string(user), std::string(except_id_hash.value_or("")),
                                  except_id_hash ? "1" : "0"};
    auto reply = eval_with_snapshot(revoke_all_, base, {}, args);
    if (!reply) return std::unexpected(std::move(reply.error()));
    auto n = redis::integer(**reply);
    if ((*reply)->type != REDIS_REPLY_INTEGER || !n || *n < 0) return redis::bad_reply("the revoke_all script", **reply);
    return static_cast<std::size_t>(*n);
  }

  Result<std::vector<SessionRecord>> list(std::string_view user, std::int64_t now) override {
    const auto base = base_of(user_tag(user));
    auto reply =
        eval_with_snapshot(list_, base, {base + "user"}, {base + "s:", std::string(user), std::to_string(now)});
    if (!reply) return std::unexpected(std::move(reply.error()));
    const redisReply& rep = **reply;
    constexpr std::size_t kStride = 1 + kFields.size();
    if (rep.type != REDIS_REPLY_ARRAY || rep.elements % kStride != 1) return redis::bad_reply("the list script", rep);
    std::vector<SessionRecord> out;
    out.reserve(rep.elements / kStride);
    for (std::size_t i = 1; i < rep.elements; i += kStride) {
      if (rep.element[i]->type != REDIS_REPLY_STRING) return redis::bad_reply("the list script", rep);
      auto r = parse_record(std::string(redis::text(*rep.element[i])), rep.element + i + 1, *rep.element[0]);
      if (!r) return std::unexpected(std::move(r.error()));
      if (!*r) return redis::bad_reply("the list script", rep);
      out.push_back(std::move(**r));
    }
    return out;
  }

  Result<CredentialChangeResult> change_credentials(const CredentialChange& c) override {
    const auto tag = user_tag(c.user);
    const auto base = base_of(tag);
    std::vector<std::string> keys{base + "user"};
    std::vector<std::string> args{base + "s:",
                                  c.user,
                                  c.expected_generation ? std::to_string(*c.expected_generation) : "",
                                  std::to_string(deadline_of(c)),
                                  c.password_hash.value_or(""),
                                  c.disabled ? (*c.disabled ? "1" : "0") : "",
                                  std::to_string(c.updated_at),
                                  c.keep_id_hash.value_or(""),
                                  c.replacement ? c.replacement->id_hash : "",
                                  c.replacement ? std::to_string(ttl_of(*c.replacement)) : "0"};
    if (c.keep_id_hash) {
      // The kept session must be in this user's slot; its pointer says so if it exists at all.
      auto kept_tag = lookup(*c.keep_id_hash);
      if (!kept_tag) return std::unexpected(std::move(kept_tag.error()));
      if (!*kept_tag || **kept_tag != tag)
        return fail(Errc::session_revoked, "the session to keep is not a live session of the user");
      if (auto p = set_pointer(c.replacement->id_hash, tag, args[9]); !p) return std::unexpected(std::move(p.error()));
      remember(c.replacement->id_hash, tag);
      keys.push_back(base + "s:" + *c.keep_id_hash);
      keys.push_back(base + "s:" + c.replacement->id_hash);
      append_fields(args, *c.replacement);
    }
    auto reply = eval_with_snapshot(change_, base, std::move(keys), args);
    if (!reply) return std::unexpected(std::move(reply.error()));
    const redisReply& rep = **reply;
    if (auto refused = script_refusal(rep)) return std::unexpected(std::move(*refused));
    if (rep.type != REDIS_REPLY_ARRAY || rep.elements != 2) return redis::bad_reply("the change script", rep);
    auto gen = parse_generation(*rep.element[0]);
    auto n = redis::integer(*rep.element[1]);
    if (!gen || !n || *n < 0) return redis::bad_reply("the change script", rep);
    return CredentialChangeResult{*gen, static_cast<std::size_t>(*n)};
  }

  // Key TTLs do the deleting; the round trip keeps "unreachable → store_unavailable" true here too.
  Result<std::size_t> sweep(std::int64_t) override {
    if (auto p = router_->ping(); !p) return std::unexpected(std::move(p.error()));
    return 0;
  }

  Result<void> ping() override { return router_->ping(); }

 private:
  // ---- redis::ReaderSource
  std::optional<std::string> cached_base(std::string_view id_hash) override {
    auto tag = tag_cache_.get(id_hash);
    if (!tag) return std::nullopt;
    return base_of(*tag);
  }
  const std::string& touch_sha() const override { return touch_.sha(); }
  const Router& router() const override { return *router_; }
  std::span<const std::string_view> record_fields() const override { return kFields; }
  Result<std::optional<SessionRecord>> parse_fields(std::string id_hash, const redisReply& rep) const override {
    if (rep.type != REDIS_REPLY_ARRAY || rep.elements != kFields.size()) return redis::bad_reply("HMGET", rep);
    redisReply zero{};
    zero.type = REDIS_REPLY_INTEGER;
    return parse_record(std::move(id_hash), rep.element, zero);
  }
  Result<std::uint64_t> parse_user_generation(const redisReply& rep) const override {
    if (rep.type == REDIS_REPLY_NIL) return std::uint64_t{0};  // a session user without an account
    auto g = parse_generation(rep);
    if (!g) return redis::bad_reply("HGET gen", rep);
    return *g;
  }
  // The get script's reply: the 12 fields, then the user's generation.
  static Result<std::optional<SessionRecord>> parse_get(std::string id_hash, const redisReply& rep) {
    if (rep.type != REDIS_REPLY_ARRAY || rep.elements != kFields.size() + 1) return redis::bad_reply("the get script", rep);
    return parse_record(std::move(id_hash), rep.element, *rep.element[kFields.size()]);
  }
  void connection_failed() override { router_->connection_failed(); }
  SessionStore& blocking() override { return *this; }
  std::chrono::milliseconds command_timeout() const override { return command_timeout_; }

  // A change Redis executes after we gave up waiting for its reply must not apply (the caller
  // has answered "nothing changed"): unless the caller set a deadline, half the command
  // timeout from now, on Redis's clock (TIME), which leaves room for app/Redis clock skew.
  std::int64_t deadline_of(const CredentialChange& c) const {
    if (c.deadline_ms > 0) return c.deadline_ms;
    return unix_millis() + std::chrono::duration_cast<std::chrono::milliseconds>(deadline_after_).count();
  }

  std::string base_of(std::string_view tag) const { return prefix_ + "{" + std::string(tag) + "}:"; }
  std::string pointer_key(std::string_view id_hash) const { return prefix_ + "{h:" + std::string(id_hash) + "}"; }

  Result<void> set_pointer(const std::string& id_hash, const std::string& tag, const std::string& ttl) {
    const auto key = pointer_key(id_hash);
    auto r = router_->run(key, redis::command_op({"SET", key, tag, "EX", ttl}));
    if (!r) return std::unexpected(std::move(r.error()));
    if ((*r)->type != REDIS_REPLY_STATUS || redis::text(**r) != "OK") return redis::bad_reply("SET", **r);
    return {};
  }

  // The user tag an id_hash points to; nullopt when there is no such session.
  // A pointer never changes once written (ids are random and never reused, and a pointer is
  // never rewritten to another user), so found tags are cached: validating a known session
  // then costs one round trip instead of two. A stale entry (its session swept) only leads
  // to a record that is absent, which is the right answer. The cache is a bounded LRU.
  Result<std::optional<std::string>> lookup(std::string_view id_hash) {
    if (auto hit = tag_cache_.get(id_hash)) return hit;
    const auto key = pointer_key(id_hash);
    auto r = router_->run(key, redis::command_op({"GET", key}));
    if (!r) return std::unexpected(std::move(r.error()));
    if ((*r)->type == REDIS_REPLY_NIL) return std::optional<std::string>{};
    if ((*r)->type != REDIS_REPLY_STRING || !valid_tag(redis::text(**r))) return redis::bad_reply("GET", **r);
    std::string tag(redis::text(**r));
    remember(std::string(id_hash), tag);
    return std::optional<std::string>(std::move(tag));
  }

  void remember(std::string id_hash, std::string tag) {
    tag_cache_.put(std::move(id_hash), std::move(tag));
  }

  Result<Reply> eval(const Script& s, const std::string& route, std::vector<std::string> keys,
                     std::vector<std::string> args) {
    return router_->run(route, [&](Connection& c, bool asking) { return s.eval(c, asking, keys, args); });
  }

  // Scripts that walk the user's index: KEYS = idx, extra..., then every member's record key
  // as ZRANGE showed it just before (so Redis checks them all during a slot migration).
  Result<Reply> eval_with_snapshot(const Script& s, const std::string& base, std::vector<std::string> extra,
                                   const std::vector<std::string>& args) {
    const auto idx = base + "idx";
    for (int attempt = 0; attempt < kSnapshotAttempts; ++attempt) {
      auto snap = router_->run(idx, redis::command_op({"ZRANGE", idx, "0", "-1"}));
      if (!snap) return snap;
      const redisReply& sr = **snap;
      if (sr.type != REDIS_REPLY_ARRAY) return redis::bad_reply("ZRANGE", sr);
      std::vector<std::string> keys{idx};
      keys.insert(keys.end(), extra.begin(), extra.end());
      for (std::size_t i = 0; i < sr.elements; ++i) {
        if (sr.element[i]->type != REDIS_REPLY_STRING) return redis::bad_reply("ZRANGE", sr);
        keys.push_back(base + "s:" + std::string(redis::text(*sr.element[i])));
      }
      auto r = eval(s, idx, std::move(keys), args);
      if (!r || !retryable_script_error(**r)) return r;
      if (attempt >= 2) std::this_thread::sleep_for(std::chrono::milliseconds(attempt));
    }
    return fail(Errc::store_unavailable, "redis: the session index kept changing under a script; giving up");
  }

  static constexpr std::size_t kTagCacheMax = 1u << 16;

  std::shared_ptr<Router> router_;
  std::string prefix_;
  std::chrono::milliseconds command_timeout_;
  std::chrono::milliseconds deadline_after_;
  Script create_, rotate_, touch_, update_attributes_, revoke_, revoke_all_, list_, get_, change_;
  LruCache tag_cache_{kTagCacheMax};
};

Result<void> check_options(const RedisOptions& o) {
  if (o.key_prefix.find_first_of("{}") != std::string::npos)
    return fail(Errc::invalid_argument, "redis: key_prefix must not contain '{' or '}' (they make hash tags)");
  if (o.connect_timeout.count() <= 0 || o.command_timeout.count() <= 0)
    return fail(Errc::invalid_argument, "redis: timeouts must be positive");
  return {};
}

Result<void> check_endpoint(const std::string& host, int port) {
  if (host.empty()) return fail(Errc::invalid_argument, "redis: empty host");
  if (port <= 0 || port > 65535) return fail(Errc::invalid_argument, "redis: port out of range");
  return {};
}

}  // namespace

std::string redis_user_base(std::string_view key_prefix, std::string_view user) {
  return std::string(key_prefix) + "{" + user_tag(user) + "}:";
}

std::unique_ptr<AccountSessions> make_redis_store_on(std::shared_ptr<redis::Router> router, RedisOptions options) {
  return std::make_unique<RedisStore>(std::move(router), std::move(options));
}

Halves make_redis_halves_on(std::shared_ptr<redis::Router> router, RedisOptions options) {
  auto users = make_redis_user_store_on(router, options);
  return Halves{make_redis_store_on(std::move(router), std::move(options)), std::move(users)};
}

Result<std::shared_ptr<redis::Router>> make_redis_router(std::string host, int port, const RedisOptions& options) {
  if (auto ok = check_options(options); !ok) return std::unexpected(std::move(ok.error()));
  if (auto ok = check_endpoint(host, port); !ok) return std::unexpected(std::move(ok.error()));
  return std::make_shared<redis::SingleRouter>(redis::Endpoint{std::move(host), port}, options);
}

Result<std::shared_ptr<redis::Router>> make_redis_cluster_router(std::vector<std::pair<std::string, int>> seeds,
                                                                 const RedisOptions& options) {
  if (auto ok = check_options(options); !ok) return std::unexpected(std::move(ok.error()));
  if (seeds.empty()) return fail(Errc::invalid_argument, "redis cluster: no seed nodes");
  std::vector<redis::Endpoint> eps;
  for (auto& [host, port] : seeds) {
    if (auto ok = check_endpoint(host, port); !ok) return std::unexpected(std::move(ok.error()));
    eps.push_back({std::move(host), port});
  }
  return std::make_shared<redis::ClusterRouter>(std::move(eps), options);
}

Result<Halves> make_redis_halves(std::string host, int port, RedisOptions options) {
  auto router = make_redis_router(std::move(host), port, options);
  if (!router) return std::unexpected(std::move(router.error()));
  return make_redis_halves_on(std::move(*router), std::move(options));
}

Result<Halves> make_redis_cluster_halves(std::vector<std::pair<std::string, int>> seeds, RedisOptions options) {
  auto router = make_redis_cluster_router(std::move(seeds), options);
  if (!router) return std::unexpected(std::move(router.error()));
  return make_redis_halves_on(std::move(*router), std::move(options));
}

}  // namespace tessera::store
