// The SQL of the SQLite OAuthStore over the oauth_* tables (migrations 6, 7), prepared once per
// connection (sqlite_oauth_sql.hpp).
#include "store/sqlite_oauth_sql.hpp"

#include <iterator>

namespace tessera::store::sqlite_oauth {
namespace {

#define TESSERA_CODE_COLUMNS                                                                              \
  "code_hash, client_id, user, redirect_uri, scope, audience, code_challenge, nonce, family_id, auth_time, " \
  "created_at, expires_at, generation, used, dpop_jkt"
#define TESSERA_GRANT_COLUMNS                                                                           \
  "family_id, user, client_id, scope, audience, auth_time, created_at, last_used_at, idle_expires_at, "   \
  "absolute_expires_at, generation, current_hash, previous_hash, rotated_at, revoked, access_json, "      \
  "client_info_json, jkt"
#define TESSERA_ACCESS_COLUMNS \
  "token_hash, jti, family_id, client_id, user, scope, audience, auth_time, issued_at, expires_at, generation, revoked, jkt"

#define TESSERA_CLIENT_COLUMNS "client_id, name, secret_hash, settings_json, created_at, updated_at"
constexpr const char* kClientInsertSql = "INSERT INTO oauth_clients (" TESSERA_CLIENT_COLUMNS
                                         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (client_id) DO NOTHING";
constexpr const char* kClientReplaceSql =
    "UPDATE oauth_clients SET name = ?2, secret_hash = ?3, settings_json = ?4, created_at = ?5, updated_at = ?6"
    " WHERE client_id = ?1";
constexpr const char* kClientGetSql = "SELECT " TESSERA_CLIENT_COLUMNS " FROM oauth_clients WHERE client_id = ?1";
constexpr const char* kClientListSql = "SELECT " TESSERA_CLIENT_COLUMNS " FROM oauth_clients ORDER BY client_id";
constexpr const char* kCodeInsertSql =
    "INSERT INTO oauth_codes (" TESSERA_CODE_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
    " ?13, 0, ?14) ON CONFLICT (code_hash) DO NOTHING";
constexpr const char* kCodeGetSql = "SELECT " TESSERA_CODE_COLUMNS " FROM oauth_codes WHERE code_hash = ?1";
constexpr const char* kGrantInsertSql =
    "INSERT INTO oauth_grants (" TESSERA_GRANT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
    " ?12, ?13, ?14, ?15, ?16, ?17, ?18) ON CONFLICT (family_id) DO NOTHING";
constexpr const char* kGrantGetSql = "SELECT " TESSERA_GRANT_COLUMNS " FROM oauth_grants WHERE family_id = ?1";
// What rotate_refresh, remember_access and revoke_grant change.
constexpr const char* kGrantUpdateSql =
    "UPDATE oauth_grants SET last_used_at = ?2, idle_expires_at = ?3, current_hash = ?4, previous_hash = ?5,"
    " rotated_at = ?6, revoked = ?7, access_json = ?8 WHERE family_id = ?1";
constexpr const char* kGrantListSql =
    "SELECT " TESSERA_GRANT_COLUMNS " FROM oauth_grants WHERE user = ?1 AND revoked = 0 AND idle_expires_at > ?2"
    " AND absolute_expires_at > ?2 ORDER BY created_at, family_id";
constexpr const char* kAccessInsertSql =
    "INSERT INTO oauth_access (" TESSERA_ACCESS_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 0,"
    " ?12) ON CONFLICT (token_hash) DO NOTHING";
constexpr const char* kAccessGetSql = "SELECT " TESSERA_ACCESS_COLUMNS " FROM oauth_access WHERE token_hash = ?1";
#undef TESSERA_CLIENT_COLUMNS
#undef TESSERA_CODE_COLUMNS
#undef TESSERA_GRANT_COLUMNS
#undef TESSERA_ACCESS_COLUMNS

// Deletes a batch of rows of `table` whose `column` + kExpiredGrace <= ?1 (oauth_rules::sweepable).
#define TESSERA_SWEEP(table, column)                                                                    \
  "DELETE FROM " table " WHERE rowid IN (SELECT rowid FROM " table " WHERE " column " <= ?1 LIMIT ?2)"
constexpr const char* kSweepSql[] = {
    TESSERA_SWEEP("oauth_codes", "expires_at"), TESSERA_SWEEP("oauth_grants", "absolute_expires_at"),
    TESSERA_SWEEP("oauth_access", "expires_at"), TESSERA_SWEEP("oauth_denied_jti", "expires_at")};
#undef TESSERA_SWEEP

}  // namespace

Result<Statements> prepare_all(sqlite3* db) {
  Statements st;
  const std::pair<Stmt*, const char*> all[] = {
      {&st.begin, "BEGIN IMMEDIATE"},
      {&st.commit, "COMMIT"},
      {&st.rollback, "ROLLBACK"},
      {&st.ping, "PRAGMA user_version"},
      {&st.client_insert, kClientInsertSql},
      {&st.client_replace, kClientReplaceSql},
      {&st.client_get, kClientGetSql},
      {&st.client_list, kClientListSql},
      {&st.client_remove, "DELETE FROM oauth_clients WHERE client_id = ?1"},
      {&st.code_insert, kCodeInsertSql},
      {&st.code_get, kCodeGetSql},
      {&st.code_take, "UPDATE oauth_codes SET used = 1 WHERE code_hash = ?1"},
      {&st.consent_put, "INSERT INTO oauth_consents (user, client_id, scope, granted_at) VALUES (?1, ?2, ?3, ?4)"
                        " ON CONFLICT (user, client_id) DO UPDATE SET scope = ?3, granted_at = ?4"},
      {&st.consent_get, "SELECT user, client_id, scope, granted_at FROM oauth_consents"
                        " WHERE user = ?1 AND client_id = ?2"},
      {&st.consent_remove, "DELETE FROM oauth_consents WHERE user = ?1 AND client_id = ?2"},
      {&st.grant_insert, kGrantInsertSql},
      {&st.grant_get, kGrantGetSql},
      {&st.grant_update, kGrantUpdateSql},
      {&st.grant_list, kGrantListSql},
      {&st.access_insert, kAccessInsertSql},
      {&st.access_get, kAccessGetSql},
      {&st.access_revoke, "UPDATE oauth_access SET revoked = 1 WHERE token_hash = ?1 AND revoked = 0"},
      // A denial is never shortened.
      {&st.deny, "INSERT INTO oauth_denied_jti (jti, expires_at) VALUES (?1, ?2)"
                 " ON CONFLICT (jti) DO UPDATE SET expires_at = max(expires_at, ?2)"},
      {&st.denied, "SELECT expires_at FROM oauth_denied_jti WHERE jti = ?1"},
      {&st.sweep[0], kSweepSql[0]},
      {&st.sweep[1], kSweepSql[1]},
      {&st.sweep[2], kSweepSql[2]},
      {&st.sweep[3], kSweepSql[3]},
  };
  if (auto ok = sqlite::prepare_into(db, all); !ok) return std::unexpected(std::move(ok.error()));
  return st;
}


}  // namespace tessera::store::sqlite_oauth
