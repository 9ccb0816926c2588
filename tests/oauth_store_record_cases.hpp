// The OAuthStore conformance cases for clients, codes, consents, opaque access tokens, the
// denylist and sweep (registered by oauth_store_conformance.hpp).
// Thread safety: as oauth_store_fixture.hpp.
#pragma once

#include "oauth_store_fixture.hpp"

namespace tessera::test {
namespace oauth_conformance {

// ---- clients ---------------------------------------------------------------------------------

inline void clients_create_replace_list_remove(T& t) {
  auto a = t.client(T::unique("b")), b = t.client(T::unique("a"));
  EXPECT_FALSE(T::ok(t.store().put_client(a, false))) << "replace of an unknown id must write nothing";
  EXPECT_FALSE(T::ok(t.store().get_client(a.client_id)).has_value());
  EXPECT_TRUE(T::ok(t.store().put_client(a, true)));
  auto again = a;
  again.name = "other";
  EXPECT_FALSE(T::ok(t.store().put_client(again, true))) << "create of an existing id must write nothing";
  EXPECT_EQ(client_fields(T::ok(t.store().get_client(a.client_id)).value_or(ClientRecord{})), client_fields(a));
  again.secret_hash.clear();  // a public client
  again.updated_at += 10;
  EXPECT_TRUE(T::ok(t.store().put_client(again, false)));
  EXPECT_EQ(client_fields(T::ok(t.store().get_client(a.client_id)).value_or(ClientRecord{})), client_fields(again));
  EXPECT_TRUE(T::ok(t.store().put_client(b, true)));
  std::vector<std::string> ids;
  for (const auto& c : T::ok(t.store().list_clients()))
    if (c.client_id == a.client_id || c.client_id == b.client_id) ids.push_back(c.client_id);
  EXPECT_EQ(ids, (std::vector<std::string>{std::min(a.client_id, b.client_id), std::max(a.client_id, b.client_id)}));
  auto all = T::ok(t.store().list_clients());
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(),
                             [](const ClientRecord& x, const ClientRecord& y) { return x.client_id < y.client_id; }));
  EXPECT_TRUE(T::ok(t.store().remove_client(a.client_id)));
  EXPECT_FALSE(T::ok(t.store().remove_client(a.client_id)));
  EXPECT_FALSE(T::ok(t.store().get_client(a.client_id)).has_value());
  for (const auto& c : T::ok(t.store().list_clients())) EXPECT_NE(c.client_id, a.client_id);
}

inline void client_id_must_be_well_formed(T& t) {
  for (std::string bad : {std::string(), std::string("a b"), std::string("a{b}"), std::string(129, 'x'),
                          std::string("caf\xc3\xa9")}) {
    SCOPED_TRACE(bad);
    T::invalid(t.store().put_client(t.client(bad), true));
  }
  EXPECT_TRUE(T::ok(t.store().put_client(t.client(std::string(100, 'x') + T::unique("") + "._~-"), true)));
}

// ---- codes -----------------------------------------------------------------------------------

inline void code_is_taken_exactly_once(T& t) {
  auto c = t.code();
  T::ok(t.store().create_code(c));
  T::invalid(t.store().create_code(c));  // an existing hash is refused
  auto first = T::ok(t.store().take_code(c.code_hash, t.base() + 1));
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(first->used);
  EXPECT_EQ(code_fields(*first), code_fields(c));
  auto second = T::ok(t.store().take_code(c.code_hash, t.base() + 2));
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(second->used) << "a second exchange must be told the code was used";
  EXPECT_EQ(second->family_id, c.family_id);
  EXPECT_EQ(second->dpop_jkt, c.dpop_jkt);
  EXPECT_FALSE(T::ok(t.store().take_code(T::hash(), t.base())).has_value());
  auto unbound = t.code();  // no dpop_jkt on the authorization request
  unbound.dpop_jkt.clear();
  T::ok(t.store().create_code(unbound));
  auto taken = T::ok(t.store().take_code(unbound.code_hash, t.base() + 1));
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(code_fields(*taken), code_fields(unbound));
}

inline void expired_code_is_nullopt(T& t) {
  auto c = t.code(30);
  T::ok(t.store().create_code(c));
  EXPECT_FALSE(T::ok(t.store().take_code(c.code_hash, c.expires_at)).has_value());
  EXPECT_FALSE(T::ok(t.store().take_code(c.code_hash, c.expires_at + 1)).has_value());
  auto live = T::ok(t.store().take_code(c.code_hash, c.expires_at - 1));  // the record was not consumed
  ASSERT_TRUE(live.has_value());
  EXPECT_FALSE(live->used);
}

inline void racing_takes_one_winner(T& t) {
  for (int round = 0; round < 5; ++round) {
    auto c = t.code();
    T::ok(t.store().create_code(c));
    std::atomic<int> winners{0}, losers{0}, errors{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; ++i)
      threads.emplace_back([&] {
        auto r = t.store().take_code(c.code_hash, t.base() + 1);
        if (!r || !*r) ++errors;
        else if ((*r)->used) ++losers;
        else ++winners;
      });
    for (auto& th : threads) th.join();
    EXPECT_EQ(winners.load(), 1);
    EXPECT_EQ(losers.load(), 7);
    EXPECT_EQ(errors.load(), 0);
  }
}

// ---- consents --------------------------------------------------------------------------------

inline void consent_put_replace_remove(T& t) {
  const auto user = T::unique("user"), client = T::unique("client");
  EXPECT_FALSE(T::ok(t.store().get_consent(user, client)).has_value());
  T::ok(t.store().put_consent({user, client, "openid", t.base()}));
  T::ok(t.store().put_consent({user, T::unique("other"), "email", t.base()}));
  T::ok(t.store().put_consent({user, client, "email openid profile", t.base() + 5}));
  auto c = T::ok(t.store().get_consent(user, client));
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->user, user);
  EXPECT_EQ(c->client_id, client);
  EXPECT_EQ(c->scope, "email openid profile");
  EXPECT_EQ(c->granted_at, t.base() + 5);
  EXPECT_FALSE(T::ok(t.store().get_consent(T::unique("user"), client)).has_value());
  EXPECT_TRUE(T::ok(t.store().remove_consent(user, client)));
  EXPECT_FALSE(T::ok(t.store().remove_consent(user, client)));
  EXPECT_FALSE(T::ok(t.store().get_consent(user, client)).has_value());
}

// ---- opaque access tokens and the denylist ---------------------------------------------------

inline void access_put_get_revoke(T& t) {
  auto a = t.access(T::family_id());
  T::ok(t.store().put_access(a));
  T::invalid(t.store().put_access(a));
  EXPECT_EQ(access_fields(T::ok(t.store().get_access(a.token_hash)).value_or(AccessRecord{})), access_fields(a));
  auto cc = t.access();  // client_credentials: no family; a bearer token (no cnf.jkt)
  cc.jkt.clear();
  T::ok(t.store().put_access(cc));
  EXPECT_EQ(access_fields(T::ok(t.store().get_access(cc.token_hash)).value_or(AccessRecord{})), access_fields(cc));
  EXPECT_TRUE(T::ok(t.store().revoke_access(a.token_hash)));
  EXPECT_FALSE(T::ok(t.store().revoke_access(a.token_hash)));
  EXPECT_FALSE(T::ok(t.store().revoke_access(T::hash())));
  a.revoked = true;
  EXPECT_EQ(access_fields(T::ok(t.store().get_access(a.token_hash)).value_or(AccessRecord{})), access_fields(a));
  EXPECT_FALSE(T::ok(t.store().get_access(T::hash())).has_value());
}

inline void denial_holds_until_expiry(T& t) {
  const auto jti = T::unique("jti");
  EXPECT_FALSE(T::ok(t.store().is_denied(jti, t.base())));
  T::ok(t.store().deny_jti(jti, t.base() + 300));
  EXPECT_TRUE(T::ok(t.store().is_denied(jti, t.base())));
  EXPECT_TRUE(T::ok(t.store().is_denied(jti, t.base() + 300)));
  T::ok(t.store().deny_jti(jti, t.base() + 10));  // never shortened
  EXPECT_TRUE(T::ok(t.store().is_denied(jti, t.base() + 10 + kExpiredGrace + 1)));  // past the shorter one
  if (!t.options().native_expiry) {
    EXPECT_FALSE(T::ok(t.store().is_denied(jti, t.base() + 300 + kExpiredGrace)));
  }
  // A denial whose token expired long ago is not kept.
  const auto old = T::unique("jti");
  T::ok(t.store().deny_jti(old, t.base() - kExpiredGrace - 10));
  EXPECT_FALSE(T::ok(t.store().is_denied(old, t.base())));
  EXPECT_FALSE(T::ok(t.store().is_denied(T::unique("jti"), t.base())));
}

inline void sweep_removes_long_expired(T& t) {
  const std::int64_t gone = t.base() - kExpiredGrace - 10;
  auto old_code = t.code(), live_code = t.code();
  old_code.created_at = gone - 60;
  old_code.expires_at = gone;
  auto old_grant = t.grant(T::unique("user"), -7200), live_grant = t.grant(old_grant.user);
  old_grant.idle_expires_at = old_grant.absolute_expires_at = gone;
  auto old_access = t.access(), live_access = t.access();
  old_access.expires_at = gone;
  const auto old_jti = T::unique("jti"), live_jti = T::unique("jti");
  T::ok(t.store().create_code(old_code));
  T::ok(t.store().create_code(live_code));
  t.must_create(old_grant);
  t.must_create(live_grant);
  const auto tomb = T::family_id();
  EXPECT_FALSE(T::ok(t.store().revoke_grant(tomb, gone - 100, 100)).has_value());
  T::ok(t.store().put_access(old_access));
  T::ok(t.store().put_access(live_access));
  T::ok(t.store().deny_jti(old_jti, gone));
  T::ok(t.store().deny_jti(live_jti, t.base() + 60));
  const auto n = T::ok(t.store().sweep(t.base()));
  if (!t.options().native_expiry) {
    EXPECT_GE(n, 5u);
  }
  EXPECT_FALSE(T::ok(t.store().get_grant(old_grant.family_id)).has_value());
  EXPECT_FALSE(T::ok(t.store().get_grant(tomb)).has_value());
  EXPECT_FALSE(T::ok(t.store().get_access(old_access.token_hash)).has_value());
  EXPECT_FALSE(T::ok(t.store().is_denied(old_jti, gone - 1)));
  // The swept family's index entry is dropped: only the live family is listed.
  EXPECT_EQ(t.listed(old_grant.user, t.base()), std::vector<std::string>{live_grant.family_id});
  // Live records stay.
  EXPECT_TRUE(T::ok(t.store().take_code(live_code.code_hash, t.base())).has_value());
  EXPECT_TRUE(T::ok(t.store().get_grant(live_grant.family_id)).has_value());
  EXPECT_TRUE(T::ok(t.store().get_access(live_access.token_hash)).has_value());
  EXPECT_TRUE(T::ok(t.store().is_denied(live_jti, t.base())));
}

inline void ping_answers(T& t) { T::ok(t.store().ping()); }

}  // namespace oauth_conformance
}  // namespace tessera::test
