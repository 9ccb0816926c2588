// Internal: the SQL of the SQLite OAuthStore (sqlite_oauth_store.cpp) over the oauth_* tables
// (migrations 6 and 7, docs/sqlite.md), its prepared statements, and rows read back into records.
// Thread safety: as sqlite_schema.hpp (a connection's statements, used by one thread at a time).
#pragma once

#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "store/oauth_access_json.hpp"
#include "store/sqlite_schema.hpp"
#include "tessera/oauth_store.hpp"

namespace tessera::store::sqlite_oauth {

using sqlite::Call;
using sqlite::Stmt;

// The tables sweep() deletes from, one statement each.
inline constexpr std::size_t kSweepTables = 4;

struct Statements {
  Stmt begin, commit, rollback, ping;
  Stmt client_insert, client_replace, client_get, client_list, client_remove;
  Stmt code_insert, code_get, code_take;
  Stmt consent_put, consent_get, consent_remove;
  Stmt grant_insert, grant_get, grant_update, grant_list;
  Stmt access_insert, access_get, access_revoke;
  Stmt deny, denied;
  Stmt sweep[kSweepTables];  // codes, grants, access tokens, denials
};

inline std::uint64_t u64(std::int64_t v) { return static_cast<std::uint64_t>(v); }

inline ClientRecord client_of(const Call& q) {
  return {q.column_text(0), q.column_text(1), q.column_text(2), q.column_text(3), q.column_int(4), q.column_int(5)};
}
inline CodeRecord code_of(const Call& q) {
  return {q.column_text(0), q.column_text(1), q.column_text(2), q.column_text(3), q.column_text(4),
          q.column_text(5), q.column_text(6), q.column_text(7), q.column_text(8), q.column_int(9),
          q.column_int(10), q.column_int(11), u64(q.column_int(12)), q.column_int(13) != 0, q.column_text(14)};
}
inline Result<GrantRecord> grant_of(const Call& q) {
  auto access = oauth::decode_access(q.column_text(15));
  if (!access) return std::unexpected(std::move(access.error()));
  return GrantRecord{q.column_text(0),  q.column_text(1),  q.column_text(2),  q.column_text(3),
                     q.column_text(4),  q.column_int(5),   q.column_int(6),   q.column_int(7),
                     q.column_int(8),   q.column_int(9),   u64(q.column_int(10)), q.column_text(11),
                     q.column_text(12), q.column_int(13),  q.column_int(14) != 0, std::move(*access),
                     q.column_text(16), q.column_text(17)};
}
inline AccessRecord access_of(const Call& q) {
  return {q.column_text(0), q.column_text(1), q.column_text(2), q.column_text(3), q.column_text(4),
          q.column_text(5), q.column_text(6), q.column_int(7),  q.column_int(8),  q.column_int(9),
          u64(q.column_int(10)), q.column_int(11) != 0, q.column_text(12)};
}

// The row a one-row SELECT found (the first), read by `of`; nullopt for none.
template <class Of>
inline auto read_one(Call& q, Of of) -> Result<std::optional<std::remove_cvref_t<decltype(*of(q))>>> {
  using V = std::remove_cvref_t<decltype(*of(q))>;
  auto row = q.step();
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return std::optional<V>{};
  auto v = of(q);
  if (!v) return std::unexpected(std::move(v.error()));
  return std::optional<V>(std::move(*v));
}

// Every row a SELECT returns, read by `of`.
template <class Of>
inline auto read_all(Call& q, Of of) -> Result<std::vector<std::remove_cvref_t<decltype(*of(q))>>> {
  std::vector<std::remove_cvref_t<decltype(*of(q))>> out;
  for (;;) {
    auto row = q.step();
    if (!row) return std::unexpected(std::move(row.error()));
    if (!*row) return out;
    auto v = of(q);
    if (!v) return std::unexpected(std::move(v.error()));
    out.push_back(std::move(*v));
  }
}

// Prepares every statement of the store on db.
Result<Statements> prepare_all(sqlite3* db);

}  // namespace tessera::store::sqlite_oauth
