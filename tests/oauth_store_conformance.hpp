// A GoogleTest conformance suite for any OAuthStore backend: the contract of
// include/tessera/oauth_store.hpp, written once, run against memory, SQLite, Redis and Redis
// Cluster (tests/oauth_store_test.cpp). In a backend's test file (a fresh store per test; a
// nullptr factory result skips the test):
//   TESSERA_OAUTH_STORE_CONFORMANCE(memory, {}, [] { return tessera::store::make_memory_oauth_store(); });
// registers "OauthStoreConformance/<backend>.<case>". Random ids and hashes make a shared Redis
// (or a reused SQLite file) fine. The fixture: oauth_store_fixture.hpp; the cases:
// oauth_store_record_cases.hpp (clients, codes, consents, access tokens, denylist, sweep) and
// oauth_store_grant_cases.hpp (grants).
// What the suite pins down beyond the header comments:
//  - revoke_access is false when absent or already revoked.
//  - A denial is never shortened by a second deny_jti with an earlier expiry.
//  - A grace use changes nothing but the access list (current, previous, rotated_at and the
//    idle window stay).
//  - Times are near the real clock (expiries in the future) so native TTLs keep the records;
//    with native_expiry, sweep() may return 0.
// Thread safety: registration runs during static initialisation; tests run one at a time.
#pragma once

#include <string>
#include <utility>

#include "oauth_store_grant_cases.hpp"
#include "oauth_store_record_cases.hpp"

namespace tessera::test {

// Registers every conformance case for one backend; returns true (for a static initialiser).
inline bool register_oauth_store_conformance(const char* backend, OAuthStoreFactory make,
                                             OAuthConformanceOptions options = {}, const char* file = __FILE__,
                                             int line = __LINE__) {
  using Body = OAuthStoreConformanceTest::Body;
  // clang-format off
#define TC(f) std::pair<const char*, Body>{#f, oauth_conformance::f}  // named as the function
  static constexpr std::pair<const char*, Body> kCases[] = {
      TC(clients_create_replace_list_remove), TC(client_id_must_be_well_formed),
      TC(code_is_taken_exactly_once), TC(expired_code_is_nullopt), TC(racing_takes_one_winner),
      TC(consent_put_replace_remove), TC(access_put_get_revoke), TC(denial_holds_until_expiry),
      TC(sweep_removes_long_expired), TC(ping_answers),
      TC(grant_round_trip), TC(create_grant_refuses_an_existing_id), TC(create_grant_refused_after_tombstone),
      TC(revoke_grant_returns_the_family_as_it_was), TC(rotate_replaces_current),
      TC(rotate_idle_window_capped_by_absolute), TC(grace_accepts_the_previous_token_once_rotated),
      TC(grace_refused_outside_the_window), TC(grace_refused_with_another_successor), TC(grace_zero_never),
      TC(grace_only_for_the_previous_token), TC(reuse_revokes_and_lists_the_access_tokens),
      TC(rotate_unknown_family_is_not_found), TC(rotate_revoked_family), TC(rotate_expired_family),
      TC(racing_rotations_never_leave_two_successors), TC(remember_access_appends_and_prunes),
      TC(list_grants_live_oldest_first),
  };
#undef TC
  // clang-format on
  const std::string suite = std::string("OauthStoreConformance/") + backend;
  for (const auto& [name, body] : kCases)
    ::testing::RegisterTest(suite.c_str(), name, nullptr, nullptr, file, line,
                            [make, options, b = body]() -> OAuthStoreConformanceTest* {
                              return new OAuthStoreConformanceTest(make, options, b);
                            });
  return true;
}

}  // namespace tessera::test

// One line per backend: `backend` an identifier, options an OAuthConformanceOptions (or {}),
// the factory last (variadic, so commas inside a lambda body are fine).
#define TESSERA_OAUTH_STORE_CONFORMANCE(backend, options, ...)                   \
  [[maybe_unused]] static const bool tessera_oauth_store_conformance_##backend = \
      ::tessera::test::register_oauth_store_conformance(#backend, __VA_ARGS__, options, __FILE__, __LINE__)
