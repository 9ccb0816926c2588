// OAuthStore records as Redis hashes (redis_oauth_records.hpp).
#include "store/redis_oauth_records.hpp"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "store/oauth_access_json.hpp"
#include "store/redis_conn.hpp"

namespace tessera::store::redis_oauth {
namespace {

std::string num(std::int64_t v) { return std::to_string(v); }
std::string num(std::uint64_t v) { return std::to_string(v); }
std::string flag(bool b) { return b ? "1" : "0"; }

template <std::size_t N>
std::vector<std::string> pairs(const std::array<std::string_view, N>& fields, std::array<std::string, N> values) {
  std::vector<std::string> out;
  out.reserve(2 * N);
  for (std::size_t i = 0; i < N; ++i) {
    out.emplace_back(fields[i]);
    out.push_back(std::move(values[i]));
  }
  return out;
}

std::unexpected<Error> corrupt(std::string_view what) {
  return std::unexpected(Error{Errc::store_unavailable, "redis: corrupt oauth " + std::string(what) + " record"});
}

// The fields of an HMGET reply, read strictly; any bad field sets ok to false.
class Row {
 public:
  // The last `optional` fields may be nil in a record that exists (fields added later).
  Row(const redisReply& r, std::size_t n, std::size_t optional = 0) : r_(r) {
    if (r.type != REDIS_REPLY_ARRAY || r.elements != n) {
      ok = false;
      return;
    }
    std::size_t nils = 0, required_nils = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (redis::is_nil(*r.element[i])) {
        ++nils;
        if (i + optional < n) ++required_nils;
      } else if (r.element[i]->type != REDIS_REPLY_STRING) {
        ok = false;
      }
    }
    absent = nils == n;
    if (!absent && required_nils != 0) ok = false;  // a partial record
  }
  // "" for a nil (optional) field.
  std::string text(std::size_t i) const { return std::string(redis::text(*r_.element[i])); }
  std::int64_t integer(std::size_t i) {
    auto v = redis::parse_int(redis::text(*r_.element[i]));
    if (!v) ok = false;
    return v.value_or(0);
  }
  std::uint64_t u64(std::size_t i) {
    const auto v = integer(i);
    if (v < 0) ok = false;
    return static_cast<std::uint64_t>(v);
  }
  bool flag(std::size_t i) {
    const auto t = redis::text(*r_.element[i]);
    if (t != "0" && t != "1") ok = false;
    return t == "1";
  }

  bool ok = true;
  bool absent = false;

 private:
  const redisReply& r_;
};

// The record `make(row)` builds, or nullopt / corrupt as the row says.
template <class R, class Make>
Result<std::optional<R>> parse(const redisReply& reply, std::size_t n, std::string_view what, Make make,
                               std::size_t optional = 0) {
  Row row(reply, n, optional);
  if (row.ok && row.absent) return std::optional<R>{};
  if (!row.ok) return corrupt(what);
  auto rec = make(row);
  if (!rec) return std::unexpected(std::move(rec.error()));
  if (!row.ok) return corrupt(what);
  return std::optional<R>(std::move(*rec));
}

}  // namespace

std::string expire_at(std::int64_t expires_at) {
  return num(std::clamp<std::int64_t>(expires_at, 1 - kExpiredGrace, kMaxExpiry) + kExpiredGrace);
}

std::optional<RotateOutcome> parse_outcome(std::string_view word) {
  if (word == "rotated") return RotateOutcome::rotated;
  if (word == "grace") return RotateOutcome::grace;
  if (word == "reused") return RotateOutcome::reused;
  if (word == "revoked") return RotateOutcome::revoked;
  if (word == "expired") return RotateOutcome::expired;
  return std::nullopt;
}

std::vector<std::string> client_pairs(const ClientRecord& c) {
  return pairs(kClientFields, {c.client_id, c.name, c.secret_hash, c.settings_json, num(c.created_at),
                               num(c.updated_at)});
}
std::vector<std::string> code_pairs(const CodeRecord& c) {
  return pairs(kCodeFields, {c.code_hash, c.client_id, c.user, c.redirect_uri, c.scope, c.audience, c.code_challenge,
                             c.nonce, c.family_id, num(c.auth_time), num(c.created_at), num(c.expires_at),
                             num(c.generation), flag(false), c.dpop_jkt});
}
std::vector<std::string> consent_pairs(const ConsentRecord& c) {
  return pairs(kConsentFields, {c.user, c.client_id, c.scope, num(c.granted_at)});
}
std::vector<std::string> grant_pairs(const GrantRecord& g) {
  return pairs(kGrantFields, {g.family_id, g.user, g.client_id, g.scope, g.audience, num(g.auth_time),
                              num(g.created_at), num(g.last_used_at), num(g.idle_expires_at),
                              num(g.absolute_expires_at), num(g.generation), g.current_hash, g.previous_hash,
                              num(g.rotated_at), flag(g.revoked), oauth::encode_access(g.access),
                              g.client_info_json, g.jkt});
}
std::vector<std::string> access_pairs(const AccessRecord& a) {
  return pairs(kAccessFields, {a.token_hash, a.jti, a.family_id, a.client_id, a.user, a.scope, a.audience,
                               num(a.auth_time), num(a.issued_at), num(a.expires_at), num(a.generation),
                               flag(a.revoked), a.jkt});
}

Result<std::optional<ClientRecord>> parse_client(const redisReply& r) {
  return parse<ClientRecord>(r, kClientFields.size(), "client", [](Row& f) -> Result<ClientRecord> {
    return ClientRecord{f.text(0), f.text(1), f.text(2), f.text(3), f.integer(4), f.integer(5)};
  });
}

Result<std::optional<CodeRecord>> parse_code(const redisReply& r) {
  return parse<CodeRecord>(r, kCodeFields.size(), "code", [](Row& f) -> Result<CodeRecord> {
    return CodeRecord{f.text(0),    f.text(1),     f.text(2),     f.text(3),  f.text(4),
                      f.text(5),    f.text(6),     f.text(7),     f.text(8),  f.integer(9),
                      f.integer(10), f.integer(11), f.u64(12),    f.flag(13), f.text(14)};
  }, 1);
}

Result<std::optional<ConsentRecord>> parse_consent(const redisReply& r) {
  return parse<ConsentRecord>(r, kConsentFields.size(), "consent", [](Row& f) -> Result<ConsentRecord> {
    return ConsentRecord{f.text(0), f.text(1), f.text(2), f.integer(3)};
  });
}

Result<std::optional<GrantRecord>> parse_grant(const redisReply& r) {
  return parse<GrantRecord>(r, kGrantFields.size(), "grant", [](Row& f) -> Result<GrantRecord> {
    auto access = oauth::decode_access(f.text(15));
    if (!access) return std::unexpected(std::move(access.error()));
    return GrantRecord{f.text(0),     f.text(1),     f.text(2),     f.text(3),     f.text(4),
                       f.integer(5),  f.integer(6),  f.integer(7),  f.integer(8),  f.integer(9),
                       f.u64(10),     f.text(11),    f.text(12),    f.integer(13), f.flag(14),
                       std::move(*access), f.text(16), f.text(17)};
  }, 1);
}

Result<std::optional<AccessRecord>> parse_access(const redisReply& r) {
  return parse<AccessRecord>(r, kAccessFields.size(), "access token", [](Row& f) -> Result<AccessRecord> {
    return AccessRecord{f.text(0), f.text(1), f.text(2),    f.text(3),    f.text(4),     f.text(5),
                        f.text(6), f.integer(7), f.integer(8), f.integer(9), f.u64(10), f.flag(11),
                        f.text(12)};
  }, 1);
}

}  // namespace tessera::store::redis_oauth
