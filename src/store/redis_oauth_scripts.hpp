// Internal: the Lua scripts of the Redis OAuthStore (redis_oauth_store.cpp). Each touches one
// key (KEYS[1]), so each is single-slot on a cluster, and each validates everything it reads
// before its first write, so an error reply (a record that does not parse: "TESSERA_CORRUPT")
// never leaves a half-written record. The rotation rule is oauth_rules.cpp's, in Lua; the
// conformance suite pins the two to each other.
//
// Scripts that return a record do so as HMGET of a field list the store prepends as a Lua
// table (GF: grant fields, CF: code fields; redis_oauth_records.hpp names them once).
// Numbers are written with string.format('%d'), never as Lua floats.
// Thread safety: constants.
#pragma once

#include <string_view>

namespace tessera::store::redis_oauth_scripts {

// Creates the hash if it does not exist. KEYS: the hash. ARGV: expire-at (Unix seconds, "0":
// none), then field, value pairs. 1 if created, 0 if the key existed (nothing written).
inline constexpr std::string_view kCreateLua = R"lua(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
if ARGV[1] ~= '0' then redis.call('EXPIREAT', KEYS[1], ARGV[1]) end
return 1
)lua";

// Overwrites fields of an existing hash. KEYS: the hash. ARGV: field, value pairs. 1 if it
// existed, else 0 (nothing written).
inline constexpr std::string_view kReplaceLua = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
)lua";

// Sets a 0/1 field to 1. KEYS: the hash. ARGV: the field. 1 if it was 0; 0 if absent or 1.
inline constexpr std::string_view kFlagLua = R"lua(
local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v or v == '1' then return 0 end
if v ~= '0' then return redis.error_reply('TESSERA_CORRUPT flag') end
redis.call('HSET', KEYS[1], ARGV[1], '1')
return 1
)lua";

// take_code. KEYS: the code. ARGV: now. 0 when absent or expired; else the code's CF fields
// as they were (its "used" included), and the code is now used.
inline constexpr std::string_view kTakeCodeLua = R"lua(
local e = redis.call('HGET', KEYS[1], 'expires_at')
if not e then return 0 end
local t = tonumber(e)
if not t then return redis.error_reply('TESSERA_CORRUPT code') end
if tonumber(ARGV[1]) >= t then return 0 end
local rec = redis.call('HMGET', KEYS[1], unpack(CF))
redis.call('HSET', KEYS[1], 'used', '1')
return rec
)lua";

// deny_jti. KEYS: the denial (a string: expires_at). ARGV: expires_at, expire-at (+ grace).
// A denial is never shortened.
inline constexpr std::string_view kDenyLua = R"lua(
local e = redis.call('GET', KEYS[1])
if e then
  local t = tonumber(e)
  if not t then return redis.error_reply('TESSERA_CORRUPT denial') end
  if t >= tonumber(ARGV[1]) then return 1 end
end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('EXPIREAT', KEYS[1], ARGV[2])
return 1
)lua";

// Adds a family to the user's grant index (a sorted set scored by created_at) and keeps the
// index alive as long as its longest-lived member. KEYS: the index. ARGV: created_at,
// family_id, ttl (seconds).
inline constexpr std::string_view kIndexAddLua = R"lua(
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
if redis.call('TTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('EXPIRE', KEYS[1], ARGV[3]) end
return 1
)lua";

// Shared by the grant scripts: the family's access list, decoded, checked and pruned of entries
// expired at now (nil, message when it does not parse); and its JSON text.
inline constexpr std::string_view kAccessLua = R"lua(
local function live_access(text, now)
  if type(text) ~= 'string' or string.sub(text, 1, 1) ~= '[' then return nil end
  local ok, list = pcall(cjson.decode, text)
  if not ok or type(list) ~= 'table' then return nil end
  local kept = {}
  for _, e in ipairs(list) do
    if type(e) ~= 'table' or type(e.jti) ~= 'string' or type(e.exp) ~= 'number' then return nil end
    if e.exp > now then kept[#kept + 1] = {jti = e.jti, exp = e.exp} end
  end
  return kept
end
local function access_text(list)
  if #list == 0 then return '[]' end
  return cjson.encode(list)
end
)lua";

// rotate_refresh. KEYS: the family. ARGV: presented, successor, now, grace, idle_ttl, jti (""
// for none), jti's expires_at. {outcome, GF fields after}; {"not_found"} when absent.
inline constexpr std::string_view kRotateLua = R"lua(
local k = KEYS[1]
if redis.call('EXISTS', k) == 0 then return {'not_found'} end
local g = redis.call('HMGET', k, 'idle_expires_at', 'absolute_expires_at', 'revoked', 'current', 'previous',
                     'rotated_at', 'access')
local idle, abs, rot, now = tonumber(g[1]), tonumber(g[2]), tonumber(g[6]), tonumber(ARGV[3])
if not idle or not abs or not rot or (g[3] ~= '0' and g[3] ~= '1') or not g[4] or not g[5] then
  return redis.error_reply('TESSERA_CORRUPT grant')
end
local function out(o) return {o, redis.call('HMGET', k, unpack(GF))} end
if now >= idle or now >= abs then return out('expired') end
if g[3] == '1' then return out('revoked') end
local kept = live_access(g[7], now)
if not kept then return redis.error_reply('TESSERA_CORRUPT access') end
if ARGV[6] ~= '' then kept[#kept + 1] = {jti = ARGV[6], exp = tonumber(ARGV[7])} end
if ARGV[1] == g[4] then
  local n = string.format('%d', now)
  redis.call('HSET', k, 'previous', g[4], 'current', ARGV[2], 'rotated_at', n, 'last_used_at', n,
             'idle_expires_at', string.format('%d', math.min(now + tonumber(ARGV[5]), abs)),
             'access', access_text(kept))
  return out('rotated')
end
local grace = tonumber(ARGV[4])
if g[5] ~= '' and ARGV[1] == g[5] and grace > 0 and now - rot <= grace and ARGV[2] == g[4] then
  redis.call('HSET', k, 'access', access_text(kept))
  return out('grace')
end
redis.call('HSET', k, 'revoked', '1')
return out('reused')
)lua";

// remember_access. KEYS: the family. ARGV: now, jti, expires_at. 1 if remembered; 0 when
// absent or revoked.
inline constexpr std::string_view kRememberLua = R"lua(
local g = redis.call('HMGET', KEYS[1], 'revoked', 'access')
if not g[1] or g[1] == '1' then return 0 end
if g[1] ~= '0' then return redis.error_reply('TESSERA_CORRUPT grant') end
local kept = live_access(g[2], tonumber(ARGV[1]))
if not kept then return redis.error_reply('TESSERA_CORRUPT access') end
if ARGV[2] ~= '' then kept[#kept + 1] = {jti = ARGV[2], exp = tonumber(ARGV[3])} end
redis.call('HSET', KEYS[1], 'access', access_text(kept))
return 1
)lua";

// revoke_grant. KEYS: the family. ARGV: the tombstone's expire-at, then its field, value
// pairs. {0} when there was no family (the tombstone is written); else {1, GF fields before}.
inline constexpr std::string_view kRevokeLua = R"lua(
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 2))
  redis.call('EXPIREAT', KEYS[1], ARGV[1])
  return {0}
end
local before = redis.call('HMGET', KEYS[1], unpack(GF))
redis.call('HSET', KEYS[1], 'revoked', '1')
return {1, before}
)lua";

}  // namespace tessera::store::redis_oauth_scripts
