// Internal: the OAuthStore records as Redis hashes (redis_oauth_store.cpp): each record's field
// names (written once, here; the Lua scripts get the grant and code lists as tables), a record
// as HSET field/value arguments, and an HMGET reply back into a record. A reply that is not a
// whole, well-formed record is store_unavailable (a record that does not parse fails closed).
// Thread safety: pure functions and constants.
#pragma once

#include <hiredis/hiredis.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/oauth_store.hpp"

namespace tessera::store::redis_oauth {

inline constexpr std::array<std::string_view, 6> kClientFields = {"client_id",     "name",       "secret_hash",
                                                                  "settings_json", "created_at", "updated_at"};
// The last field of the code, grant and access lists came with DPoP (RFC 9449): a record
// written before it lacks that field, which then reads as "" (unbound).
inline constexpr std::array<std::string_view, 15> kCodeFields = {
    "code_hash", "client_id", "user",      "redirect_uri", "scope",      "audience",   "code_challenge",
    "nonce",     "family_id", "auth_time", "created_at",   "expires_at", "gen",        "used",
    "dpop_jkt"};
inline constexpr std::array<std::string_view, 4> kConsentFields = {"user", "client_id", "scope", "granted_at"};
inline constexpr std::array<std::string_view, 18> kGrantFields = {
    "family_id",  "user",    "client_id", "scope",           "audience",           "auth_time",
    "created_at", "last_used_at", "idle_expires_at", "absolute_expires_at", "gen", "current",
    "previous",   "rotated_at", "revoked",   "access",          "client_info",        "jkt"};
inline constexpr std::array<std::string_view, 13> kAccessFields = {
    "token_hash", "jti",       "family_id", "client_id",  "user", "scope",
    "audience",   "auth_time", "issued_at", "expires_at", "gen",  "revoked", "jkt"};

// "local NAME = {'a', 'b', ...}\n": a field list as a Lua table, prepended to a script.
template <std::size_t N>
std::string lua_list(std::string_view name, const std::array<std::string_view, N>& fields) {
  std::string out = "local " + std::string(name) + " = {";
  for (std::size_t i = 0; i < N; ++i) out += (i ? ", '" : "'") + std::string(fields[i]) + "'";
  return out + "}\n";
}

// Expiry times and TTLs are kept below this (Redis refuses expiries that overflow its clock).
inline constexpr std::int64_t kMaxExpiry = std::int64_t{1} << 40;
// EXPIREAT of a record that may go at expires_at + kExpiredGrace, as its decimal text (at least
// "1": the create script reads "0" as "no expiry").
std::string expire_at(std::int64_t expires_at);

// The rotate script's outcome word ("rotated", "grace", "reused", "revoked", "expired").
std::optional<RotateOutcome> parse_outcome(std::string_view word);

// Field, value pairs for HSET (in the order of the field list).
std::vector<std::string> client_pairs(const ClientRecord& c);
std::vector<std::string> code_pairs(const CodeRecord& c);
std::vector<std::string> consent_pairs(const ConsentRecord& c);
std::vector<std::string> grant_pairs(const GrantRecord& g);
std::vector<std::string> access_pairs(const AccessRecord& a);

// A record from the HMGET of its field list: nullopt when every field is nil (no such key);
// store_unavailable for anything else than a whole well-formed record.
Result<std::optional<ClientRecord>> parse_client(const redisReply& r);
Result<std::optional<CodeRecord>> parse_code(const redisReply& r);
Result<std::optional<ConsentRecord>> parse_consent(const redisReply& r);
Result<std::optional<GrantRecord>> parse_grant(const redisReply& r);
Result<std::optional<AccessRecord>> parse_access(const redisReply& r);

}  // namespace tessera::store::redis_oauth
