// OAuthStore on Redis or a Redis Cluster, on the plumbing of the session store (redis_conn.hpp:
// pools, EVALSHA scripts computed at construction; redis_cluster.hpp: slot routing, MOVED/ASK).
// See docs/redis.md.
//
// Key layout (P = RedisOptions::key_prefix, default "tessera:"; U = redis_user_base(P, user),
// "P{u:<32 hex>}:", the user's slot, beside their account and sessions):
//   P oauth:client:{<client_id>}   hash: a client (kClientFields)
//   P oauth:clients                set: every client id, for list_clients()
//   P oauth:code:{<code_hash>}     hash: a code (kCodeFields); EXPIREAT expires_at + kExpiredGrace
//   U oauth:consent:<client_id>    hash: a consent (kConsentFields)
//   P oauth:grant:{f:<family_id>}  hash: a family or a tombstone (kGrantFields; "access" is JSON
//                                  text); EXPIREAT absolute_expires_at + kExpiredGrace
//   U oauth:grants                 sorted set: the user's family ids scored by created_at; TTL
//                                  as long as its longest-lived member
//   P oauth:access:{<token_hash>}  hash: an opaque access token (kAccessFields); EXPIREAT
//                                  expires_at + kExpiredGrace
//   P oauth:deny:{<jti>}           string: the denied token's expires_at; EXPIREAT + kExpiredGrace
// Every atomic operation (take_code, create_grant with its tombstone check, rotate_refresh,
// remember_access, revoke_grant, deny_jti) is one Lua script (redis_oauth_scripts.hpp) on one
// key. Two-key updates are two calls, ordered so a crash leaves only what is repaired lazily:
// the user's index entry is added before its family (list_grants drops entries whose family
// is gone or names another user), a client id joins the set before its hash is created
// (list_clients skips ids without one) and leaves it after the hash is deleted.
// Expiry is Redis's (EXPIREAT, so a record written already expired is gone at once): sweep()
// returns 0. A record that does not parse, or names another key than the one it is under, is
// store_unavailable.
// Thread safety: the store holds only the router (thread-safe), scripts and immutable strings.
#include <algorithm>
#include <array>
#include <string>
#include <utility>

#include "store/oauth_rules.hpp"
#include "store/oauth_stores.hpp"
#include "store/redis_cluster.hpp"
#include "store/redis_conn.hpp"
#include "store/redis_oauth_records.hpp"
#include "store/redis_oauth_scripts.hpp"

namespace tessera::store {
namespace {

using redis::Connection;
using redis::Reply;
using redis::Router;
using redis::Script;
using namespace redis_oauth;
using namespace redis_oauth_scripts;

std::string num(std::int64_t v) { return std::to_string(v); }

std::unexpected<Error> mismatch(std::string_view what) {
  return std::unexpected(Error{Errc::store_unavailable, "redis: oauth " + std::string(what) + " under another key"});
}

class RedisOAuthStore final : public OAuthStore {
 public:
  RedisOAuthStore(std::shared_ptr<Router> router, const RedisOptions& options)
      : router_(std::move(router)),
        p_(options.key_prefix),
        create_(std::string(kCreateLua)),
        replace_(std::string(kReplaceLua)),
        flag_(std::string(kFlagLua)),
        take_code_(lua_list("CF", kCodeFields) + std::string(kTakeCodeLua)),
        deny_(std::string(kDenyLua)),
        index_add_(std::string(kIndexAddLua)),
        rotate_(lua_list("GF", kGrantFields) + std::string(kAccessLua) + std::string(kRotateLua)),
        remember_(std::string(kAccessLua) + std::string(kRememberLua)),
        revoke_(lua_list("GF", kGrantFields) + std::string(kRevokeLua)) {}

  Result<bool> put_client(const ClientRecord& c, bool create) override {
    if (auto ok = oauth::check_client_id(c.client_id); !ok) return std::unexpected(std::move(ok.error()));
    auto args = client_pairs(c);
    if (!create) return redis::as_bool(eval(replace_, client_key(c.client_id), std::move(args)), "replace client");
    const auto set = clients_key();
    if (auto s = call(set, {"SADD", set, c.client_id}); !s) return std::unexpected(std::move(s.error()));
    args.insert(args.begin(), "0");
    return redis::as_bool(eval(create_, client_key(c.client_id), std::move(args)), "create client");
  }

  Result<std::optional<ClientRecord>> get_client(std::string_view client_id) override {
    auto c = hmget(client_key(client_id), kClientFields, parse_client);
    if (c && *c && (*c)->client_id != client_id) return mismatch("client");
    return c;
  }

  Result<std::vector<ClientRecord>> list_clients() override {
    const auto set = clients_key();
    auto ids = call(set, {"SMEMBERS", set});
    if (!ids) return std::unexpected(std::move(ids.error()));
    const redisReply& rep = **ids;
    if (rep.type != REDIS_REPLY_ARRAY) return redis::bad_reply("SMEMBERS", rep);
    std::vector<ClientRecord> out;
    for (std::size_t i = 0; i < rep.elements; ++i) {
      if (rep.element[i]->type != REDIS_REPLY_STRING) return redis::bad_reply("SMEMBERS", rep);
      auto c = get_client(redis::text(*rep.element[i]));
      if (!c) return std::unexpected(std::move(c.error()));
      if (*c) out.push_back(std::move(**c));  // an id whose create did not finish: skipped
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.client_id < b.client_id; });
    return out;
  }

  Result<bool> remove_client(std::string_view client_id) override {
    const auto key = client_key(client_id), set = clients_key();
    auto n = call(key, {"DEL", key});
    if (!n) return std::unexpected(std::move(n.error()));
    if (auto s = call(set, {"SREM", set, std::string(client_id)}); !s) return std::unexpected(std::move(s.error()));
    return redis::as_bool(n, "DEL");
  }

  Result<void> create_code(const CodeRecord& c) override {
    if (auto ok = oauth::check_key(c.code_hash, "code hash"); !ok) return ok;
    auto args = code_pairs(c);
    args.insert(args.begin(), expire_at(c.expires_at));
    auto created = redis::as_bool(eval(create_, key("code", c.code_hash), std::move(args)), "create code");
    if (!created) return std::unexpected(std::move(created.error()));
    if (!*created) return fail(Errc::invalid_argument, "oauth store: code hash already present");
    return {};
  }

  Result<std::optional<CodeRecord>> take_code(std::string_view code_hash, std::int64_t now) override {
    auto reply = eval(take_code_, key("code", code_hash), {num(now)});
    if (!reply) return std::unexpected(std::move(reply.error()));
    if ((*reply)->type == REDIS_REPLY_INTEGER) return std::optional<CodeRecord>{};
    auto c = parse_code(**reply);
    if (c && *c && (*c)->code_hash != code_hash) return mismatch("code");
    if (c && !*c) return redis::bad_reply("the take_code script", **reply);
    return c;
  }

  Result<void> put_consent(const ConsentRecord& c) override {
    const auto k = consent_key(c.user, c.client_id);
    std::vector<std::string> argv{"HSET", k};
    for (auto& a : consent_pairs(c)) argv.push_back(std::move(a));
    auto r = router_->run(k, redis::command_op(std::move(argv)));
    if (!r) return std::unexpected(std::move(r.error()));
    if ((*r)->type != REDIS_REPLY_INTEGER) return redis::bad_reply("HSET", **r);
    return {};
  }

  Result<std::optional<ConsentRecord>> get_consent(std::string_view user, std::string_view client_id) override {
    auto c = hmget(consent_key(user, client_id), kConsentFields, parse_consent);
    if (c && *c && ((*c)->user != user || (*c)->client_id != client_id)) return mismatch("consent");
    return c;
  }

  Result<bool> remove_consent(std::string_view user, std::string_view client_id) override {
    const auto k = consent_key(user, client_id);
    return redis::as_bool(call(k, {"DEL", k}), "DEL");
  }

  Result<bool> create_grant(const GrantRecord& g) override {
    if (auto ok = oauth::check_new_grant(g); !ok) return std::unexpected(std::move(ok.error()));
    const auto idx = index_key(g.user);
    const auto ttl = std::clamp<std::int64_t>(g.absolute_expires_at + kExpiredGrace - g.created_at, 1, kMaxExpiry);
    auto added = eval(index_add_, idx, {num(g.created_at), g.family_id, num(ttl)});
    if (!added) return std::unexpected(std::move(added.error()));
    if (redis::is_error(**added)) return redis::bad_reply("the index script", **added);
    auto args = grant_pairs(g);
    args.insert(args.begin(), expire_at(g.absolute_expires_at));
    return redis::as_bool(eval(create_, grant_key(g.family_id), std::move(args)), "create grant");
  }

  Result<std::optional<GrantRecord>> get_grant(std::string_view family_id) override {
    auto g = hmget(grant_key(family_id), kGrantFields, parse_grant);
    if (g && *g && (*g)->family_id != family_id) return mismatch("grant");
    return g;
  }

  Result<RotateResult> rotate_refresh(const RotateRequest& r) override {
    if (auto ok = oauth::check_rotate(r); !ok) return std::unexpected(std::move(ok.error()));
    auto reply = eval(rotate_, grant_key(r.family_id),
                      {r.presented_hash, r.successor_hash, num(r.now), num(r.grace), num(r.idle_ttl), r.issued.jti,
                       num(r.issued.expires_at)});
    if (!reply) return std::unexpected(std::move(reply.error()));
    const redisReply& rep = **reply;
    if (rep.type != REDIS_REPLY_ARRAY || rep.elements < 1 || rep.element[0]->type != REDIS_REPLY_STRING)
      return redis::bad_reply("the rotate script", rep);
    if (redis::text(*rep.element[0]) == "not_found" && rep.elements == 1) return RotateResult{};
    const auto outcome = parse_outcome(redis::text(*rep.element[0]));
    if (!outcome || rep.elements != 2) return redis::bad_reply("the rotate script", rep);
    auto g = parse_grant(*rep.element[1]);
    if (!g) return std::unexpected(std::move(g.error()));
    if (!*g || (*g)->family_id != r.family_id) return mismatch("grant");
    return RotateResult{*outcome, std::move(**g)};
  }

  Result<bool> remember_access(std::string_view family_id, const IssuedAccess& a, std::int64_t now) override {
    return redis::as_bool(eval(remember_, grant_key(family_id), {num(now), a.jti, num(a.expires_at)}),
                          "the remember script");
  }

  Result<std::optional<GrantRecord>> revoke_grant(std::string_view family_id, std::int64_t now,
                                                  std::int64_t tombstone_ttl) override {
    if (auto ok = oauth::check_key(family_id, "family id"); !ok) return std::unexpected(std::move(ok.error()));
    const auto tomb = oauth::tombstone(family_id, now, tombstone_ttl);
    auto args = grant_pairs(tomb);
    args.insert(args.begin(), expire_at(tomb.absolute_expires_at));
    auto reply = eval(revoke_, grant_key(family_id), std::move(args));
    if (!reply) return std::unexpected(std::move(reply.error()));
    const redisReply& rep = **reply;
    if (rep.type != REDIS_REPLY_ARRAY || rep.elements < 1 || rep.element[0]->type != REDIS_REPLY_INTEGER)
      return redis::bad_reply("the revoke script", rep);
    if (rep.element[0]->integer == 0 && rep.elements == 1) return std::optional<GrantRecord>{};
    if (rep.elements != 2) return redis::bad_reply("the revoke script", rep);
    auto g = parse_grant(*rep.element[1]);
    if (g && *g && (*g)->family_id != family_id) return mismatch("grant");
    if (g && !*g) return redis::bad_reply("the revoke script", rep);
    return g;
  }

  Result<std::vector<GrantRecord>> list_grants(std::string_view user, std::int64_t now) override {
    const auto idx = index_key(user);
    auto ids = call(idx, {"ZRANGE", idx, "0", "-1"});
    if (!ids) return std::unexpected(std::move(ids.error()));
    const redisReply& rep = **ids;
    if (rep.type != REDIS_REPLY_ARRAY) return redis::bad_reply("ZRANGE", rep);
    std::vector<GrantRecord> out;
    for (std::size_t i = 0; i < rep.elements; ++i) {
      if (rep.element[i]->type != REDIS_REPLY_STRING) return redis::bad_reply("ZRANGE", rep);
      const std::string id(redis::text(*rep.element[i]));
      auto g = get_grant(id);
      if (!g) return std::unexpected(std::move(g.error()));
      if (!*g || (*g)->user != user) {  // swept, never created, or another user's: the entry goes
        if (auto z = call(idx, {"ZREM", idx, id}); !z) return std::unexpected(std::move(z.error()));
        continue;
      }
      if (oauth::grant_listed(**g, now)) out.push_back(std::move(**g));
    }
    std::stable_sort(out.begin(), out.end(), [](const GrantRecord& a, const GrantRecord& b) {
      return a.created_at != b.created_at ? a.created_at < b.created_at : a.family_id < b.family_id;
    });
    return out;
  }

  Result<void> put_access(const AccessRecord& a) override {
    if (auto ok = oauth::check_key(a.token_hash, "access token hash"); !ok) return ok;
    auto args = access_pairs(a);
    args.insert(args.begin(), expire_at(a.expires_at));
    auto created = redis::as_bool(eval(create_, key("access", a.token_hash), std::move(args)), "create access");
    if (!created) return std::unexpected(std::move(created.error()));
    if (!*created) return fail(Errc::invalid_argument, "oauth store: access token hash already present");
    return {};
  }

  Result<std::optional<AccessRecord>> get_access(std::string_view token_hash) override {
    auto a = hmget(key("access", token_hash), kAccessFields, parse_access);
    if (a && *a && (*a)->token_hash != token_hash) return mismatch("access token");
    return a;
  }

  Result<bool> revoke_access(std::string_view token_hash) override {
    return redis::as_bool(eval(flag_, key("access", token_hash), {"revoked"}), "the revoke script");
  }

  Result<void> deny_jti(std::string_view jti, std::int64_t expires_at) override {
    if (auto ok = oauth::check_key(jti, "jti"); !ok) return ok;
    auto r = redis::as_bool(eval(deny_, key("deny", jti), {num(expires_at), expire_at(expires_at)}), "deny");
    if (!r) return std::unexpected(std::move(r.error()));
    return {};
  }

  Result<bool> is_denied(std::string_view jti, std::int64_t now) override {
    const auto k = key("deny", jti);
    auto r = call(k, {"GET", k});
    if (!r) return std::unexpected(std::move(r.error()));
    if (redis::is_nil(**r)) return false;
    auto e = (*r)->type == REDIS_REPLY_STRING ? redis::parse_int(redis::text(**r)) : std::nullopt;
    if (!e) return fail(Errc::store_unavailable, "redis: corrupt oauth denial record");
    return oauth::denial_holds(*e, now);
  }

  Result<std::size_t> sweep(std::int64_t) override { return std::size_t{0}; }  // native expiry

  Result<void> ping() override { return router_->ping(); }

 private:
  std::string key(std::string_view kind, std::string_view id) const {
    return p_ + "oauth:" + std::string(kind) + ":{" + std::string(id) + "}";
  }
  std::string client_key(std::string_view id) const { return key("client", id); }
  std::string clients_key() const { return p_ + "oauth:clients"; }
  std::string grant_key(std::string_view family_id) const { return key("grant", "f:" + std::string(family_id)); }
  std::string index_key(std::string_view user) const { return redis_user_base(p_, user) + "oauth:grants"; }
  std::string consent_key(std::string_view user, std::string_view client_id) const {
    return redis_user_base(p_, user) + "oauth:consent:" + std::string(client_id);
  }

  Result<Reply> call(const std::string& k, std::vector<std::string> argv) {
    return router_->run(k, redis::command_op(std::move(argv)));
  }
  // Runs script s on the one key it touches.
  Result<Reply> eval(const Script& s, const std::string& k, std::vector<std::string> args) {
    const std::array<std::string, 1> keys{k};
    return router_->run(k, [&](Connection& c, bool asking) { return s.eval(c, asking, keys, args); });
  }
  // HMGET of a record's fields, parsed.
  template <std::size_t N, class Parse>
  auto hmget(const std::string& k, const std::array<std::string_view, N>& fields, Parse parse)
      -> decltype(parse(std::declval<const redisReply&>())) {
    std::vector<std::string> argv{"HMGET", k};
    argv.insert(argv.end(), fields.begin(), fields.end());
    auto r = call(k, std::move(argv));
    if (!r) return std::unexpected(std::move(r.error()));
    if (redis::is_error(**r)) return redis::bad_reply("HMGET", **r);
    return parse(**r);
  }

  std::shared_ptr<Router> router_;
  std::string p_;
  Script create_, replace_, flag_, take_code_, deny_, index_add_, rotate_, remember_, revoke_;
};

}  // namespace

std::unique_ptr<OAuthStore> make_redis_oauth_store_on(std::shared_ptr<redis::Router> router,
                                                      const RedisOptions& options) {
  return std::make_unique<RedisOAuthStore>(std::move(router), options);
}

Result<std::unique_ptr<OAuthStore>> make_redis_oauth_store(std::string host, int port, RedisOptions options) {
  auto router = make_redis_router(std::move(host), port, options);
  if (!router) return std::unexpected(std::move(router.error()));
  return make_redis_oauth_store_on(std::move(*router), options);
}

Result<std::unique_ptr<OAuthStore>> make_redis_cluster_oauth_store(std::vector<std::pair<std::string, int>> seeds,
                                                                   RedisOptions options) {
  auto router = make_redis_cluster_router(std::move(seeds), options);
  if (!router) return std::unexpected(std::move(router.error()));
  return make_redis_oauth_store_on(std::move(*router), options);
}

}  // namespace tessera::store
