// The SQLite OAuthStore ("sqlite:PATH"): the oauth_* tables (migrations 6, 7) in the same file as
// the session and user stores, on connections of its own (sqlite::open_database: WAL,
// synchronous=FULL, busy_timeout 5 s), so it may be opened before or after them. SQL and row
// readers: sqlite_oauth_sql.hpp.
//
//  - One writer connection for every write (and the reads inside a write's transaction), and
//    read connections (sqlite_readers.hpp) for the plain reads (clients, consents, grants,
//    access tokens, denials), so a read does not queue behind a write's fsync.
//  - Single-row writes are one statement each (INSERT ... ON CONFLICT DO NOTHING for the
//    operations that refuse an existing key, UPSERT for consents and denials).
//  - take_code, rotate_refresh, remember_access and revoke_grant read and write one row in a
//    BEGIN IMMEDIATE transaction and decide with the shared rules (oauth_rules.hpp).
//    create_grant's tombstone check is the primary key (a tombstone is a row).
//  - GrantRecord::access is JSON text (oauth_access_json.hpp); a row whose text does not parse
//    is store_unavailable. Every SQLite error is store_unavailable.
// Thread safety: each connection and its cached prepared statements are used under a mutex of
// their own (the writer's: mu_; the readers': sqlite_readers.hpp).
#include <string>
#include <utility>

#include "common/mutex.hpp"
#include "store/oauth_rules.hpp"
#include "store/oauth_stores.hpp"
#include "store/sqlite_oauth_sql.hpp"
#include "store/sqlite_readers.hpp"

namespace tessera::store {
namespace {

using namespace sqlite_oauth;

template <class V>
Result<V> as_result(V v) { return v; }
auto clients(const Call& q) { return as_result(client_of(q)); }
auto codes(const Call& q) { return as_result(code_of(q)); }
auto accesses(const Call& q) { return as_result(access_of(q)); }

class SqliteOAuthStore final : public OAuthStore {
 public:
  SqliteOAuthStore(sqlite::Db db, Statements st) : db_(std::move(db)), st_(std::move(st)) {}

  // Opens the read connections (none for a private in-memory database). Before any use.
  Result<void> open_readers() {
    std::string path;
    {
      MutexLock lock(mu_);
      if (const char* f = sqlite3_db_filename(db_.get(), "main")) path = f;
    }
    return readers_.open(path, prepare_all);
  }

  Result<bool> put_client(const ClientRecord& c, bool create) override {
    if (auto ok = oauth::check_client_id(c.client_id); !ok) return std::unexpected(std::move(ok.error()));
    MutexLock lock(mu_);
    Call q(db_.get(), create ? st_.client_insert : st_.client_replace, "oauth: put_client");
    q.text(1, c.client_id).text(2, c.name).text(3, c.secret_hash).text(4, c.settings_json);
    return changed(q.integer(5, c.created_at).integer(6, c.updated_at).run());
  }

  Result<std::optional<ClientRecord>> get_client(std::string_view client_id) override {
    return read([&](sqlite3* db, Statements& st) {
      Call q(db, st.client_get, "oauth: get_client");
      q.text(1, client_id);
      return read_one(q, clients);
    });
  }

  Result<std::vector<ClientRecord>> list_clients() override {
    return read([&](sqlite3* db, Statements& st) {
      Call q(db, st.client_list, "oauth: list_clients");
      return read_all(q, clients);
    });
  }

  Result<bool> remove_client(std::string_view client_id) override {
    MutexLock lock(mu_);
    Call q(db_.get(), st_.client_remove, "oauth: remove_client");
    return changed(q.text(1, client_id).run());
  }

  Result<void> create_code(const CodeRecord& c) override {
    if (auto ok = oauth::check_key(c.code_hash, "code hash"); !ok) return ok;
    MutexLock lock(mu_);
    Call q(db_.get(), st_.code_insert, "oauth: create_code");
    q.text(1, c.code_hash).text(2, c.client_id).text(3, c.user).text(4, c.redirect_uri).text(5, c.scope);
    q.text(6, c.audience).text(7, c.code_challenge).text(8, c.nonce).text(9, c.family_id).integer(10, c.auth_time);
    q.integer(11, c.created_at).integer(12, c.expires_at).integer(13, static_cast<std::int64_t>(c.generation));
    q.text(14, c.dpop_jkt);
    auto n = q.run();
    if (!n) return std::unexpected(std::move(n.error()));
    if (*n == 0) return fail(Errc::invalid_argument, "oauth store: code hash already present");
    return {};
  }

  Result<std::optional<CodeRecord>> take_code(std::string_view code_hash, std::int64_t now) override {
    MutexLock lock(mu_);
    auto txn = begin();
    if (!txn) return std::unexpected(std::move(txn.error()));
    std::optional<CodeRecord> c;
    {
      Call q(db_.get(), st_.code_get, "oauth: take_code");
      q.text(1, code_hash);
      auto r = read_one(q, codes);
      if (!r) return std::unexpected(std::move(r.error()));
      c = std::move(*r);
    }
    if (!c || !oauth::code_live(*c, now)) return std::optional<CodeRecord>{};
    if (!c->used) {
      Call u(db_.get(), st_.code_take, "oauth: take_code");
      if (auto n = u.text(1, code_hash).run(); !n) return std::unexpected(std::move(n.error()));
    }
    if (auto ok = txn->commit(); !ok) return std::unexpected(std::move(ok.error()));
    return c;
  }

  Result<void> put_consent(const ConsentRecord& c) override {
    MutexLock lock(mu_);
    Call q(db_.get(), st_.consent_put, "oauth: put_consent");
    auto n = q.text(1, c.user).text(2, c.client_id).text(3, c.scope).integer(4, c.granted_at).run();
    if (!n) return std::unexpected(std::move(n.error()));
    return {};
  }

  Result<std::optional<ConsentRecord>> get_consent(std::string_view user, std::string_view client_id) override {
    return read([&](sqlite3* db, Statements& st) {
      Call q(db, st.consent_get, "oauth: get_consent");
      q.text(1, user).text(2, client_id);
      return read_one(q, [](const Call& r) {
        return as_result(ConsentRecord{r.column_text(0), r.column_text(1), r.column_text(2), r.column_int(3)});
      });
    });
  }

  Result<bool> remove_consent(std::string_view user, std::string_view client_id) override {
    MutexLock lock(mu_);
    Call q(db_.get(), st_.consent_remove, "oauth: remove_consent");
    return changed(q.text(1, user).text(2, client_id).run());
  }

  Result<bool> create_grant(const GrantRecord& g) override {
    if (auto ok = oauth::check_new_grant(g); !ok) return std::unexpected(std::move(ok.error()));
    MutexLock lock(mu_);
    return insert_grant(g);
  }

  Result<std::optional<GrantRecord>> get_grant(std::string_view family_id) override {
    return read([&](sqlite3* db, Statements& st) { return read_grant(db, st, family_id); });
  }

  Result<RotateResult> rotate_refresh(const RotateRequest& r) override {
    if (auto ok = oauth::check_rotate(r); !ok) return std::unexpected(std::move(ok.error()));
    MutexLock lock(mu_);
    auto txn = begin();
    if (!txn) return std::unexpected(std::move(txn.error()));
    auto g = read_grant(db_.get(), st_, r.family_id);
    if (!g) return std::unexpected(std::move(g.error()));
    if (!*g) return RotateResult{};
    const auto outcome = oauth::rotate(**g, r);
    if (outcome == RotateOutcome::rotated || outcome == RotateOutcome::grace || outcome == RotateOutcome::reused) {
      if (auto ok = update_grant(**g); !ok) return std::unexpected(std::move(ok.error()));
      if (auto ok = txn->commit(); !ok) return std::unexpected(std::move(ok.error()));
    }
    return RotateResult{outcome, std::move(**g)};
  }

  Result<bool> remember_access(std::string_view family_id, const IssuedAccess& a, std::int64_t now) override {
    MutexLock lock(mu_);
    auto txn = begin();
    if (!txn) return std::unexpected(std::move(txn.error()));
    auto g = read_grant(db_.get(), st_, family_id);
    if (!g) return std::unexpected(std::move(g.error()));
    if (!*g || (*g)->revoked) return false;
    oauth::remember(**g, a, now);
    if (auto ok = update_grant(**g); !ok) return std::unexpected(std::move(ok.error()));
    if (auto ok = txn->commit(); !ok) return std::unexpected(std::move(ok.error()));
    return true;
  }

  Result<std::optional<GrantRecord>> revoke_grant(std::string_view family_id, std::int64_t now,
                                                  std::int64_t tombstone_ttl) override {
    if (auto ok = oauth::check_key(family_id, "family id"); !ok) return std::unexpected(std::move(ok.error()));
    MutexLock lock(mu_);
    auto txn = begin();
    if (!txn) return std::unexpected(std::move(txn.error()));
    auto g = read_grant(db_.get(), st_, family_id);
    if (!g) return std::unexpected(std::move(g.error()));
    if (!*g) {
      auto n = insert_grant(oauth::tombstone(family_id, now, tombstone_ttl));
      if (!n) return std::unexpected(std::move(n.error()));
    } else if (!(*g)->revoked) {
      auto after = **g;
      after.revoked = true;
      if (auto ok = update_grant(after); !ok) return std::unexpected(std::move(ok.error()));
    }
    if (auto ok = txn->commit(); !ok) return std::unexpected(std::move(ok.error()));
    return g;
  }

  Result<std::vector<GrantRecord>> list_grants(std::string_view user, std::int64_t now) override {
    return read([&](sqlite3* db, Statements& st) {
      Call q(db, st.grant_list, "oauth: list_grants");
      q.text(1, user).integer(2, now);
      return read_all(q, grant_of);  // swept families are gone from the index with their rows
    });
  }

  Result<void> put_access(const AccessRecord& a) override {
    if (auto ok = oauth::check_key(a.token_hash, "access token hash"); !ok) return ok;
    MutexLock lock(mu_);
    Call q(db_.get(), st_.access_insert, "oauth: put_access");
    q.text(1, a.token_hash).text(2, a.jti).text(3, a.family_id).text(4, a.client_id).text(5, a.user);
    q.text(6, a.scope).text(7, a.audience).integer(8, a.auth_time).integer(9, a.issued_at);
    q.integer(10, a.expires_at).integer(11, static_cast<std::int64_t>(a.generation)).text(12, a.jkt);
    auto n = q.run();
    if (!n) return std::unexpected(std::move(n.error()));
    if (*n == 0) return fail(Errc::invalid_argument, "oauth store: access token hash already present");
    return {};
  }

  Result<std::optional<AccessRecord>> get_access(std::string_view token_hash) override {
    return read([&](sqlite3* db, Statements& st) {
      Call q(db, st.access_get, "oauth: get_access");
      q.text(1, token_hash);
      return read_one(q, accesses);
    });
  }

  Result<bool> revoke_access(std::string_view token_hash) override {
    MutexLock lock(mu_);
    Call q(db_.get(), st_.access_revoke, "oauth: revoke_access");
    return changed(q.text(1, token_hash).run());
  }

  Result<void> deny_jti(std::string_view jti, std::int64_t expires_at) override {
    if (auto ok = oauth::check_key(jti, "jti"); !ok) return ok;
    MutexLock lock(mu_);
    Call q(db_.get(), st_.deny, "oauth: deny_jti");
    auto n = q.text(1, jti).integer(2, expires_at).run();
    if (!n) return std::unexpected(std::move(n.error()));
    return {};
  }

  Result<bool> is_denied(std::string_view jti, std::int64_t now) override {
    return read([&](sqlite3* db, Statements& st) -> Result<bool> {
      Call q(db, st.denied, "oauth: is_denied");
      q.text(1, jti);
      auto e = read_one(q, [](const Call& r) { return as_result(r.column_int(0)); });
      if (!e) return std::unexpected(std::move(e.error()));
      return e->has_value() && oauth::denial_holds(**e, now);
    });
  }

  // One batch per statement under the mutex, released between batches.
  Result<std::size_t> sweep(std::int64_t now) override {
    std::size_t total = 0;
    for (std::size_t table = 0; table < kSweepTables; ++table) {
      for (;;) {
        MutexLock lock(mu_);
        Call d(db_.get(), st_.sweep[table], "oauth: sweep");
        auto n = d.integer(1, now - kExpiredGrace).integer(2, kSweepBatch).run();
        if (!n) return std::unexpected(std::move(n.error()));
        total += static_cast<std::size_t>(*n);
        if (*n < kSweepBatch) break;
      }
    }
    return total;
  }

  Result<void> ping() override {
    MutexLock lock(mu_);
    return sqlite::check_schema(db_.get(), st_.ping);
  }

 private:
  static constexpr std::int64_t kSweepBatch = 512;  // rows per sweep statement

  // REQUIRES: mu_ held for the transaction's whole life.
  Result<sqlite::ImmediateTransaction> begin() REQUIRES(mu_) {
    return sqlite::ImmediateTransaction::begin(db_.get(), st_.begin, st_.commit, st_.rollback);
  }

  static Result<bool> changed(Result<std::int64_t> n) {
    if (!n) return std::unexpected(std::move(n.error()));
    return *n > 0;
  }

  static Result<std::optional<GrantRecord>> read_grant(sqlite3* db, Statements& st, std::string_view family_id) {
    Call q(db, st.grant_get, "oauth: get_grant");
    q.text(1, family_id);
    return read_one(q, grant_of);
  }

  // f(sqlite3*, Statements&) on a read connection, or on the writer's when there are none.
  template <class F>
  auto read(F&& f) -> decltype(f(std::declval<sqlite3*>(), std::declval<Statements&>())) {
    if (readers_.empty()) {
      MutexLock lock(mu_);
      return f(db_.get(), st_);
    }
    return readers_.with(std::forward<F>(f));
  }

  Result<bool> insert_grant(const GrantRecord& g) REQUIRES(mu_) {
    const auto access = oauth::encode_access(g.access);
    Call q(db_.get(), st_.grant_insert, "oauth: create_grant");
    q.text(1, g.family_id).text(2, g.user).text(3, g.client_id).text(4, g.scope).text(5, g.audience);
    q.integer(6, g.auth_time).integer(7, g.created_at).integer(8, g.last_used_at).integer(9, g.idle_expires_at);
    q.integer(10, g.absolute_expires_at).integer(11, static_cast<std::int64_t>(g.generation));
    q.text(12, g.current_hash).text(13, g.previous_hash).integer(14, g.rotated_at).integer(15, g.revoked ? 1 : 0);
    return changed(q.text(16, access).text(17, g.client_info_json).text(18, g.jkt).run());
  }

  Result<void> update_grant(const GrantRecord& g) REQUIRES(mu_) {
    const auto access = oauth::encode_access(g.access);
    Call q(db_.get(), st_.grant_update, "oauth: update grant");
    q.text(1, g.family_id).integer(2, g.last_used_at).integer(3, g.idle_expires_at).text(4, g.current_hash);
    q.text(5, g.previous_hash).integer(6, g.rotated_at).integer(7, g.revoked ? 1 : 0).text(8, access);
    auto n = q.run();
    if (!n) return std::unexpected(std::move(n.error()));
    return {};
  }

  sqlite::Readers<Statements> readers_;

  // Serialises every use of the writer connection (see sqlite_store.cpp).
  Mutex mu_;
  sqlite::Db db_ GUARDED_BY(mu_);  // declared before st_ so statements are finalised first
  Statements st_ GUARDED_BY(mu_);
};

}  // namespace


Result<std::unique_ptr<OAuthStore>> make_sqlite_oauth_store(const std::string& path) {
  auto s = sqlite::open_store<SqliteOAuthStore>(path, sqlite_oauth::prepare_all);
  if (!s) return std::unexpected(std::move(s.error()));
  if (auto r = (*s)->open_readers(); !r) return std::unexpected(std::move(r.error()));
  return std::unique_ptr<OAuthStore>(std::move(*s));
}

}  // namespace tessera::store
