// DPoP nonces (shared secret + time step), the nonce check in DpopVerifier, dpop_htu() and the
// in-memory replay cache (tessera/dpop.hpp).
#include "dpop_fixture.hpp"

namespace tessera::test {
namespace {

SecretBytes secret(char fill) { return SecretBytes(std::string(32, fill)); }
std::shared_ptr<const DpopNonces> nonces(char fill, std::int64_t step = 300) {
  return std::make_shared<const DpopNonces>(DpopNonces::create(secret(fill), step).value());
}

TEST(DpopNonces, SecretOfAtLeast32BytesAndAPositiveStep) {
  auto short_secret = DpopNonces::create(SecretBytes(std::string(31, 'k')));
  ASSERT_FALSE(short_secret.has_value());
  EXPECT_EQ(short_secret.error().code, Errc::key_too_short);
  auto zero_step = DpopNonces::create(secret('k'), 0);
  ASSERT_FALSE(zero_step.has_value());
  EXPECT_EQ(zero_step.error().code, Errc::invalid_argument);
}

TEST(DpopNonces, InstancesSharingTheSecretAcceptEachOthersNonces) {
  auto a = nonces('k'), b = nonces('k');
  const auto n = a->current(kDpopNow);
  EXPECT_EQ(n.size(), 22u);
  EXPECT_EQ(n, b->current(kDpopNow));
  EXPECT_TRUE(b->accepts(n, kDpopNow));
  EXPECT_TRUE(a->accepts(b->current(kDpopNow), kDpopNow));
}

TEST(DpopNonces, AnotherSecretsNonceRefused) {
  auto a = nonces('k'), other = nonces('x');
  EXPECT_NE(a->current(kDpopNow), other->current(kDpopNow));
  EXPECT_FALSE(a->accepts(other->current(kDpopNow), kDpopNow));
  EXPECT_FALSE(a->accepts("", kDpopNow));
}

// derive(): instances sharing a server key share nonces; the key is not used as the nonce
// secret itself (HMAC(key, label) is); another key's nonces are refused; short keys refused.
TEST(DpopNonces, DerivedFromAServerKey) {
  auto a = DpopNonces::derive(secret('s')).value();
  auto b = DpopNonces::derive(secret('s')).value();
  auto other = DpopNonces::derive(secret('t')).value();
  auto raw = DpopNonces::create(secret('s')).value();
  EXPECT_EQ(a.step_seconds(), 300);
  EXPECT_EQ(a.current(kDpopNow), b.current(kDpopNow));
  EXPECT_TRUE(b.accepts(a.current(kDpopNow), kDpopNow));
  EXPECT_FALSE(other.accepts(a.current(kDpopNow), kDpopNow));
  EXPECT_NE(raw.current(kDpopNow), a.current(kDpopNow));
  auto short_key = DpopNonces::derive(SecretBytes(std::string(31, 's')));
  ASSERT_FALSE(short_key.has_value());
  EXPECT_EQ(short_key.error().code, Errc::key_too_short);
}

TEST(DpopNonces, PreviousStepAcceptedOlderStale) {
  auto a = nonces('k', 300);
  const auto n = a->current(kDpopNow);
  EXPECT_NE(n, a->current(kDpopNow + 300));  // a new step, a new nonce
  EXPECT_TRUE(a->accepts(n, kDpopNow + 300));
  EXPECT_FALSE(a->accepts(n, kDpopNow + 600));
  EXPECT_FALSE(a->accepts(n, kDpopNow - 300));  // a nonce from a step not yet reached
}

using DpopNonceCheck = DpopTestBase;

DpopOptions requiring(std::shared_ptr<const DpopNonces> n) {
  DpopOptions o;
  o.require_nonce = true;
  o.nonces = std::move(n);
  return o;
}

TEST_F(DpopNonceCheck, RequiredNonceMissingAsksForOne) {
  expect_refused(verifier(requiring(nonces('k'))).verify(request(proof())), Errc::use_dpop_nonce, "nonce required");
}

TEST_F(DpopNonceCheck, CurrentAndPreviousNoncesAccepted) {
  auto n = nonces('k');
  auto c = claims();
  c["nonce"] = n->current(kDpopNow);
  EXPECT_TRUE(verifier(requiring(n)).verify(request(proof(c))).has_value());
  c = claims();
  c["nonce"] = n->current(kDpopNow - 300);
  EXPECT_TRUE(verifier(requiring(n)).verify(request(proof(c))).has_value());
}

TEST_F(DpopNonceCheck, StaleOrForeignNonceAsksForAFreshOne) {
  auto n = nonces('k');
  auto c = claims();
  c["nonce"] = n->current(kDpopNow - 600);
  expect_refused(verifier(requiring(n)).verify(request(proof(c))), Errc::use_dpop_nonce, "stale");
  c = claims();
  c["nonce"] = nonces('x')->current(kDpopNow);
  expect_refused(verifier(requiring(n)).verify(request(proof(c))), Errc::use_dpop_nonce, "stale");
}

TEST_F(DpopNonceCheck, AnOfferedNonceIsCheckedEvenWhenNotRequired) {
  DpopOptions o;
  o.nonces = nonces('k');
  auto c = claims();
  c["nonce"] = "made-up";
  expect_refused(verifier(o).verify(request(proof(c))), Errc::use_dpop_nonce, "stale");
  EXPECT_TRUE(verifier(o).verify(request(proof())).has_value());  // none offered, none required
}

TEST_F(DpopNonceCheck, RequireNonceNeedsNonces) {
  DpopOptions o;
  o.require_nonce = true;
  o.clock = &clock;
  EXPECT_FALSE(DpopVerifier::create(o, cache).has_value());
}

TEST(DpopHtu, Normalisation) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"HTTPS://Server.Example.COM/Path", "https://server.example.com/Path"},
      {"https://a.example:443/x", "https://a.example/x"},
      {"http://a.example:80/x", "http://a.example/x"},
      {"https://a.example:80/x", "https://a.example:80/x"},
      {"https://a.example:8443/x?q=1#f", "https://a.example:8443/x"},
      {"https://a.example", "https://a.example/"},
      {"https://a.example?q", "https://a.example/"},
      {"https://a.example/%7e%2f", "https://a.example/~%2F"},
      {"http://[::1]:8080/t", "http://[::1]:8080/t"},
  };
  for (const auto& [in, want] : cases) {
    auto got = dpop_htu(in);
    ASSERT_TRUE(got.has_value()) << in << ": " << got.error().message;
    EXPECT_EQ(*got, want) << in;
  }
  for (std::string_view bad : {"/token", "ftp://a.example/", "https://user@a.example/", "https:///x",
                               "https://a.example:x/", "https://a.example/%zz", "https://a.example/%4",
                               "https://a.example/a b"}) {
    auto got = dpop_htu(bad);
    ASSERT_FALSE(got.has_value()) << bad;
    EXPECT_EQ(got.error().code, Errc::malformed);
  }
}

TEST(DpopReplayCache, FirstUseThenReplay) {
  SettableClock clock(kDpopNow);
  auto c = make_memory_dpop_replay_cache(10, clock);
  EXPECT_TRUE(c->first_use("a", kDpopNow + 70).value());
  EXPECT_FALSE(c->first_use("a", kDpopNow + 70).value());
  EXPECT_TRUE(c->first_use("b", kDpopNow + 70).value());
}

TEST(DpopReplayCache, BoundedAndExpiredEntriesDropped) {
  SettableClock clock(kDpopNow);
  auto c = make_memory_dpop_replay_cache(2, clock);
  ASSERT_TRUE(c->first_use("a", kDpopNow + 10).value());
  ASSERT_TRUE(c->first_use("b", kDpopNow + 100).value());
  auto full = c->first_use("c", kDpopNow + 100);
  ASSERT_FALSE(full.has_value());  // full of live entries: fail closed, forget nothing
  EXPECT_EQ(full.error().code, Errc::store_unavailable);
  clock.set(kDpopNow + 11);  // "a" expired: dropped to make room
  EXPECT_TRUE(c->first_use("c", kDpopNow + 100).value());
  EXPECT_FALSE(c->first_use("b", kDpopNow + 100).value());
}

}  // namespace
}  // namespace tessera::test
