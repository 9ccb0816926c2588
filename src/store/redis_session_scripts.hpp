// Internal: the Lua scripts of the Redis session store (redis_store.cpp) and the record field
// order they share with its parser. Each script reads everything before its first write, so a
// script Redis aborts (a key it no longer holds during a slot migration) has changed nothing;
// docs/redis.md ("Scripts") describes each one.
// Thread safety: constants.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace tessera::store::redis_scripts {

// Record hash fields, in the order every script and parser uses. "g" is the generation the
// session was created under (absent in records written before generations: 0).
constexpr std::array<std::string_view, 12> kFields = {"user", "c", "l", "i", "a", "r",
                                                      "csrf", "ip", "ua", "dev", "attrs", "g"};

// Shared Lua prologue: field names, put(key, base) = HSET key from ARGV[base+1..base+12], and
// gen_of(user key) = the account's generation ("0" without an account).
constexpr std::string_view kLuaPrologue = R"lua(
local F = {'user','c','l','i','a','r','csrf','ip','ua','dev','attrs','g'}
local function put(key, base)
  local t = {}
  for j = 1, 12 do t[2*j-1] = F[j]; t[2*j] = ARGV[base+j] end
  redis.call('HSET', key, unpack(t))
end
local function gen_of(ukey)
  return redis.call('HGET', ukey, 'gen') or '0'
end
-- Reads the index: the user's live members other than `except` (todo), and members whose
-- record is gone (prune); nil when a member's record is neither there nor declared.
local function live_members(idx, prefix, user, declared, except)
  local todo, prune = {}, {}
  for _, mid in ipairs(redis.call('ZRANGE', idx, 0, -1)) do
    local k = prefix .. mid
    local v = redis.call('HMGET', k, 'r', 'user')
    if not v[1] then
      if not declared[k] then return nil end
      prune[#prune+1] = mid
    elseif v[1] == '0' and v[2] == user and mid ~= except then
      todo[#todo+1] = mid
    end
  end
  return todo, prune
end
-- Writes: revokes the todo members, drops them and the pruned ones from the index.
local function revoke_members(idx, prefix, todo, prune)
  for _, mid in ipairs(todo) do
    redis.call('HSET', prefix .. mid, 'r', '1')
    redis.call('ZREM', idx, mid)
  end
  for _, mid in ipairs(prune) do redis.call('ZREM', idx, mid) end
end
local function declared_set(from)
  local d = {}
  for j = from, #KEYS do d[KEYS[j]] = true end
  return d
end
)lua";

// create. KEYS: idx, new record, user, snapshot member records...
// ARGV: rec prefix, id, ttl, max, 12 fields (user=5 c=6 l=7 i=8 a=9 r=10 g=16).
constexpr std::string_view kCreateLua = R"lua(
local idx, rec = KEYS[1], KEYS[2]
local prefix, id, ttl, max = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
if gen_of(KEYS[3]) ~= ARGV[16] then return redis.error_reply('TESSERA_GENERATION') end
local c = tonumber(ARGV[6])
local live, prune = {}, {}
if max > 0 then
  local declared = declared_set(4)
  local m = redis.call('ZRANGE', idx, 0, -1, 'WITHSCORES')
  for j = 1, #m, 2 do
    local mid = m[j]
    if mid ~= id then
      local k = prefix .. mid
      local v = redis.call('HMGET', k, 'r', 'i', 'a')
      if not v[1] then
        if not declared[k] then return redis.error_reply('TESSERA_STALE') end
        prune[#prune+1] = mid
      elseif v[1] == '0' and tonumber(v[2]) > c and tonumber(v[3]) > c then
        live[#live+1] = {tonumber(m[j+1]), mid}
      end
    end
  end
  if ARGV[10] == '0' and tonumber(ARGV[8]) > c and tonumber(ARGV[9]) > c then live[#live+1] = {c, id} end
end
local cur = redis.call('TTL', idx)
-- writes from here on
put(rec, 4)
redis.call('EXPIRE', rec, ttl)
if ARGV[10] == '0' then redis.call('ZADD', idx, c, id) end
for _, mid in ipairs(prune) do redis.call('ZREM', idx, mid) end
local evicted = {}
if max > 0 and #live > max then
  -- oldest first; on equal created_at the new session counts as the newest, so it survives
  table.sort(live, function(x, y)
    if x[1] ~= y[1] then return x[1] < y[1] end
    if x[2] == id then return false end
    if y[2] == id then return true end
    return x[2] < y[2]
  end)
  for j = 1, #live - max do
    local mid = live[j][2]
    redis.call('HSET', prefix .. mid, 'r', '1')
    redis.call('ZREM', idx, mid)
    evicted[#evicted+1] = mid
  end
end
if cur < ttl then redis.call('EXPIRE', idx, ttl) end
return evicted
)lua";

// rotate. KEYS: idx, old record, new record. ARGV: old id, new id, ttl, 12 fields (user=4 c=5 r=9).
constexpr std::string_view kRotateLua = R"lua(
local v = redis.call('HMGET', KEYS[2], 'r', 'user')
if v[1] ~= '0' then return 0 end
if v[2] ~= ARGV[4] then return -1 end
local ttl = tonumber(ARGV[3])
local cur = redis.call('TTL', KEYS[1])
redis.call('HSET', KEYS[2], 'r', '1')
redis.call('ZREM', KEYS[1], ARGV[1])
put(KEYS[3], 3)
redis.call('EXPIRE', KEYS[3], ttl)
if ARGV[9] == '0' then redis.call('ZADD', KEYS[1], tonumber(ARGV[5]), ARGV[2]) end
if cur < ttl then redis.call('EXPIRE', KEYS[1], ttl) end
return 1
)lua";

// touch. KEYS: record. ARGV: last_seen_at, idle_expires_at.
constexpr std::string_view kTouchLua = R"lua(
if redis.call('HGET', KEYS[1], 'r') ~= '0' then return 0 end
redis.call('HSET', KEYS[1], 'l', ARGV[1], 'i', ARGV[2])
return 1
)lua";

// update_attributes (compare-and-set). KEYS: record. ARGV: expected, replacement.
constexpr std::string_view kUpdateAttributesLua = R"lua(
if redis.call('HGET', KEYS[1], 'r') ~= '0' then return 0 end
if redis.call('HGET', KEYS[1], 'attrs') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'attrs', ARGV[2])
return 1
)lua";

// revoke. KEYS: idx, record. ARGV: id.
constexpr std::string_view kRevokeLua = R"lua(
if redis.call('HGET', KEYS[2], 'r') ~= '0' then return 0 end
redis.call('HSET', KEYS[2], 'r', '1')
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
)lua";

// revoke_all. KEYS: idx, snapshot member records... ARGV: rec prefix, user, except, has_except.
constexpr std::string_view kRevokeAllLua = R"lua(
local todo, prune = live_members(KEYS[1], ARGV[1], ARGV[2], declared_set(2), ARGV[4] == '1' and ARGV[3] or nil)
if not todo then return redis.error_reply('TESSERA_STALE') end
revoke_members(KEYS[1], ARGV[1], todo, prune)
return #todo
)lua";

// list (read-only). KEYS: idx, user, snapshot member records... ARGV: rec prefix, user, now.
// Returns the user's generation, then id followed by the 12 fields per live record, oldest
// first (a missing "g" comes back as nil).
constexpr std::string_view kListLua = R"lua(
local declared = declared_set(3)
local now = tonumber(ARGV[3])
local m = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {gen_of(KEYS[2])}
for _, mid in ipairs(m) do
  local k = ARGV[1] .. mid
  local v = redis.call('HMGET', k, unpack(F))
  if not v[1] then
    if not declared[k] then return redis.error_reply('TESSERA_STALE') end
  elseif v[1] == ARGV[2] and v[6] == '0' and tonumber(v[4]) > now and tonumber(v[5]) > now then
    out[#out+1] = mid
    for j = 1, 12 do out[#out+1] = v[j] end
  end
end
return out
)lua";

// get (read-only). KEYS: record, user. The 12 fields (nil when absent), then the user's
// generation: one round trip for a session and the generation it must match.
constexpr std::string_view kGetLua = R"lua(
local v = redis.call('HMGET', KEYS[1], unpack(F))
local out = {}
for j = 1, 12 do out[j] = v[j] end
out[13] = gen_of(KEYS[2])
return out
)lua";

// change_credentials. KEYS: idx, user, [old record, new record,] snapshot member records...
// ARGV: 1 rec prefix, 2 user, 3 expected generation ('' = any), 4 deadline ms ('0' = none),
// 5 new password hash ('' = unchanged), 6 disabled ('' = unchanged, '0', '1'), 7 updated_at,
// 8 kept id ('' = none), 9 new id, 10 ttl, 11.. the replacement's 12 fields (c = 12).
// Returns {new generation, revoked}; errors TESSERA_DEADLINE / NO_USER / GENERATION / KEEP /
// STALE before any write.
constexpr std::string_view kChangeLua = R"lua(
local idx, ukey = KEYS[1], KEYS[2]
local keep = ARGV[8]
local declared = declared_set(keep ~= '' and 5 or 3)
if tonumber(ARGV[4]) > 0 then
  local t = redis.call('TIME')
  if tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) > tonumber(ARGV[4]) then
    return redis.error_reply('TESSERA_DEADLINE')
  end
end
if redis.call('EXISTS', ukey) == 0 then return redis.error_reply('TESSERA_NO_USER') end
if ARGV[3] ~= '' and gen_of(ukey) ~= ARGV[3] then return redis.error_reply('TESSERA_GENERATION') end
if keep ~= '' then
  local k = redis.call('HMGET', KEYS[3], 'r', 'user')
  if k[1] ~= '0' or k[2] ~= ARGV[2] then return redis.error_reply('TESSERA_KEEP') end
end
local todo, prune = live_members(idx, ARGV[1], ARGV[2], declared, keep ~= '' and keep or nil)
if not todo then return redis.error_reply('TESSERA_STALE') end
-- writes from here on
local gen = redis.call('HINCRBY', ukey, 'gen', 1)
if ARGV[5] ~= '' then redis.call('HSET', ukey, 'password_hash', ARGV[5]) end
if ARGV[6] ~= '' then redis.call('HSET', ukey, 'disabled', ARGV[6]) end
redis.call('HSET', ukey, 'updated_at', ARGV[7])
revoke_members(idx, ARGV[1], todo, prune)
if keep ~= '' then
  -- the kept session becomes a tombstone and its replacement goes in under the new gen
  redis.call('HSET', KEYS[3], 'r', '1')
  redis.call('ZREM', idx, keep)
  local ttl = tonumber(ARGV[10])
  local cur = redis.call('TTL', idx)
  put(KEYS[4], 10)
  redis.call('HSET', KEYS[4], 'g', gen, 'r', '0')
  redis.call('EXPIRE', KEYS[4], ttl)
  redis.call('ZADD', idx, tonumber(ARGV[12]), ARGV[9])
  if cur < ttl then redis.call('EXPIRE', idx, ttl) end
end
return {gen, #todo}
)lua";

inline std::string lua(std::string_view body) { return std::string(kLuaPrologue) + std::string(body); }

}  // namespace tessera::store::redis_scripts
