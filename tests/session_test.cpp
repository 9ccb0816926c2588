// SessionManager against the memory store with a clock the tests advance: ids, idle and
// absolute timeouts, coalesced sliding, rotation, revocation, bounds, CSRF tokens, and failing
// closed when the store is down (docs/design.md invariants 4, 5, 8, 9).
#include "tessera/session.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>

#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"
#include "store/stores.hpp"
#include "store_conformance.hpp"

namespace tessera {
namespace {

constexpr std::int64_t kT0 = 1'700'000'000;

class TestClock final : public Clock {
 public:
  std::int64_t now() const override { return t_.load(); }
  void advance(std::int64_t s) { t_ += s; }

 private:
  std::atomic<std::int64_t> t_{kT0};
};

// Wraps a store: counts calls (and touch() calls), and can fail like an unreachable backend.
class TestStore final : public SessionStore {
 public:
  enum class Down { never, always, on_touch };
  explicit TestStore(SessionStore& inner) : inner_(inner) {}
  Down down = Down::never;
  std::atomic<int> calls{0}, touches{0};

  Result<std::vector<std::string>> create(const SessionRecord& r, std::size_t max) override {
    return pass([&] { return inner_.create(r, max); });
  }
  Result<std::optional<SessionRecord>> get(std::string_view h) override {
    return pass([&] { return inner_.get(h); });
  }
  Result<bool> touch(std::string_view h, std::int64_t seen, std::int64_t idle) override {
    ++touches;
    if (down == Down::on_touch) return fail(Errc::store_unavailable, "test: store down");
    return pass([&] { return inner_.touch(h, seen, idle); });
  }
  Result<bool> rotate(std::string_view h, const SessionRecord& r) override {
    return pass([&] { return inner_.rotate(h, r); });
  }
  Result<bool> update_attributes(std::string_view h, std::string_view e, std::string_view r) override {
    return pass([&] { return inner_.update_attributes(h, e, r); });
  }
  Result<bool> revoke(std::string_view h) override {
    return pass([&] { return inner_.revoke(h); });
  }
  Result<std::size_t> revoke_all(std::string_view u, std::optional<std::string_view> except) override {
    return pass([&] { return inner_.revoke_all(u, except); });
  }
  Result<std::vector<SessionRecord>> list(std::string_view u, std::int64_t now) override {
    return pass([&] { return inner_.list(u, now); });
  }
  Result<std::size_t> sweep(std::int64_t now) override {
    return pass([&] { return inner_.sweep(now); });
  }
  Result<void> ping() override {
    return pass([&] { return inner_.ping(); });
  }

 private:
  template <class F>
  auto pass(F f) -> decltype(f()) {
    ++calls;
    if (down == Down::always) return fail(Errc::store_unavailable, "test: store down");
    return f();
  }
  SessionStore& inner_;
};

class SessionTest : public ::testing::Test {
 protected:
  SessionManager manager(SessionOptions o = {}) { return SessionManager::create(store_, o, &clock_).value(); }
  NewSession create(SessionManager& m, std::string_view user = "alice") {
    auto s = m.create(user, R"({"role":"user"})", client_);
    EXPECT_TRUE(s) << s.error().message;
    return s ? *s : NewSession{};
  }
  static void expect_error(const auto& r, Errc code) {
    ASSERT_FALSE(r) << "expected " << code_name(code);
    EXPECT_EQ(r.error().code, code) << r.error().message;
  }

  std::unique_ptr<SessionStore> memory_ = store::make_memory_store();
  TestStore store_{*memory_};
  TestClock clock_;
  ClientInfo client_{"198.51.100.4", "Mozilla/5.0 test", "phone"};
};

TEST_F(SessionTest, CreateThenValidate) {
  auto m = manager();
  auto s = create(m);
  EXPECT_EQ(s.id.size(), 43u);
  EXPECT_EQ(s.session.record.id_hash, SessionManager::hash_id(s.id));
  auto v = m.validate(s.id);
  ASSERT_TRUE(v) << v.error().message;
  const auto& r = v->record;
  EXPECT_EQ(r.user, "alice");
  EXPECT_EQ(r.attributes_json, R"({"role":"user"})");
  EXPECT_EQ(r.client.user_agent, client_.user_agent);
  EXPECT_EQ(r.created_at, kT0);
  EXPECT_EQ(r.idle_expires_at, kT0 + 30 * 60);
  EXPECT_EQ(r.absolute_expires_at, kT0 + 12 * 60 * 60);
  EXPECT_EQ(codec::base64url_decode(test::csrf_text(r))->size(), 32u);
  test::expect_same_record(r, s.session.record);
  test::expect_same_record(r, **memory_->get(r.id_hash));
}

TEST_F(SessionTest, HashIdIsBase64urlSha256) {
  EXPECT_EQ(SessionManager::hash_id("abc"), "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
}

TEST_F(SessionTest, CreateRejectsBadInput) {
  auto m = manager();
  for (std::string_view bad : {"[]", "\"x\"", "not json", "", R"({"a":1,"a":2})"})
    expect_error(m.create("alice", bad, client_), Errc::invalid_argument);
  expect_error(m.create("", "{}", client_), Errc::invalid_argument);
  // Options are checked once, when the manager is made.
  expect_error(SessionManager::create(store_, SessionOptions{.idle_timeout = 0}, &clock_), Errc::invalid_argument);
  expect_error(SessionManager::create(store_, SessionOptions{.absolute_timeout = -1}, &clock_), Errc::invalid_argument);
  expect_error(SessionManager::create(store_, SessionOptions{.touch_fraction = 1.5}, &clock_), Errc::invalid_argument);
  expect_error(SessionManager::create(store_, SessionOptions{.touch_fraction = -0.1}, &clock_), Errc::invalid_argument);
  EXPECT_EQ(store_.calls.load(), 0);
}

TEST_F(SessionTest, MalformedOrUnknownIdIsNotFoundWithoutTouchingTheStore) {
  auto m = manager();
  auto good = create(m).id;
  store_.calls = 0;
  const std::string_view alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string plus = good, noncanonical = good;
  plus[5] = '+';
  noncanonical.back() = alphabet[alphabet.find(good.back()) + 1];  // the last char's low 2 bits set
  for (const auto& bad : {std::string(), std::string("abc"), plus, noncanonical, good + "=", good.substr(1), good + "A",
                          std::string(43, '.'), std::string(43, '\0')})
    expect_error(m.validate(bad), Errc::session_not_found);
  EXPECT_EQ(store_.calls.load(), 0);
  std::string wrong = good;
  wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
  expect_error(m.validate(wrong), Errc::session_not_found);
  EXPECT_EQ(store_.calls.load(), 1);
}

TEST_F(SessionTest, IdleTimeoutSlides) {
  auto m = manager({.idle_timeout = 600, .absolute_timeout = 3600});
  auto s = create(m);
  clock_.advance(300);
  ASSERT_TRUE(m.validate(s.id));  // slides to now + 600
  clock_.advance(599);
  ASSERT_TRUE(m.validate(s.id));
  clock_.advance(600);
  expect_error(m.validate(s.id), Errc::session_idle_expired);

  auto idle = create(m);
  clock_.advance(600);
  expect_error(m.validate(idle.id), Errc::session_idle_expired);
}

TEST_F(SessionTest, AbsoluteTimeoutEndsEvenAnActiveSession) {
  auto m = manager({.idle_timeout = 600, .absolute_timeout = 1800});
  auto s = create(m);
  for (int i = 0; i < 5; ++i) {
    clock_.advance(300);
    auto v = m.validate(s.id);
    ASSERT_TRUE(v) << i;
    EXPECT_LE(v->record.idle_expires_at, kT0 + 1800);  // the idle window never passes the end
  }
  EXPECT_EQ(m.validate(s.id)->record.idle_expires_at, kT0 + 1800);
  clock_.advance(300);
  expect_error(m.validate(s.id), Errc::session_absolute_expired);
}

TEST_F(SessionTest, SlidingCoalescesStoreWrites) {
  auto m = manager({.idle_timeout = 1000, .absolute_timeout = 100000, .touch_fraction = 0.1});
  auto s = create(m);
  int writes = 0;
  for (int step : {0, 50, 49, 1, 50, 49, 1}) {  // at +0 +50 +99 +100 +150 +199 +200
    clock_.advance(step);
    auto v = m.validate(s.id);
    ASSERT_TRUE(v);
    if (v->record.last_seen_at == clock_.now() && clock_.now() != kT0) ++writes;
  }
  EXPECT_EQ(store_.touches.load(), 2);
  EXPECT_EQ(writes, 2);
  EXPECT_EQ((*memory_->get(s.session.record.id_hash))->idle_expires_at, kT0 + 200 + 1000);
}

TEST_F(SessionTest, RotateKillsTheOldIdAndKeepsTheSession) {
  auto m = manager({.idle_timeout = 600, .absolute_timeout = 3600});
  auto s = create(m);
  clock_.advance(100);
  auto n = m.rotate(s.id);
  ASSERT_TRUE(n) << n.error().message;
  EXPECT_NE(n->id, s.id);
  EXPECT_EQ(n->id.size(), 43u);
  expect_error(m.validate(s.id), Errc::session_revoked);
  expect_error(m.rotate(s.id), Errc::session_revoked);
  auto v = m.validate(n->id);
  ASSERT_TRUE(v);
  auto want = s.session.record;
  want.id_hash = SessionManager::hash_id(n->id);
  want.last_seen_at = kT0 + 100;
  want.idle_expires_at = kT0 + 700;
  test::expect_same_record(v->record, want);
  test::expect_same_record(n->session.record, want);
}

TEST_F(SessionTest, RevokeIsLogout) {
  auto m = manager();
  auto s = create(m);
  ASSERT_TRUE(m.revoke(s.id));
  expect_error(m.validate(s.id), Errc::session_revoked);
  expect_error(m.revoke(s.id), Errc::session_not_found);
  expect_error(m.revoke("not-an-id"), Errc::session_not_found);
  auto t = create(m);
  ASSERT_TRUE(m.revoke_by_hash(t.session.record.id_hash));
  expect_error(m.validate(t.id), Errc::session_revoked);
  expect_error(m.revoke_by_hash("short"), Errc::session_not_found);
}

TEST_F(SessionTest, RevokeAllWithExcept) {
  auto m = manager();
  auto a1 = create(m), a2 = create(m), a3 = create(m), b = create(m, "bob");
  auto n = m.revoke_all("alice", a2.id);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2u);
  expect_error(m.validate(a1.id), Errc::session_revoked);
  expect_error(m.validate(a3.id), Errc::session_revoked);
  EXPECT_TRUE(m.validate(a2.id));
  EXPECT_TRUE(m.validate(b.id));
  EXPECT_EQ(*m.revoke_all("alice"), 1u);
  expect_error(m.validate(a2.id), Errc::session_revoked);
  EXPECT_TRUE(m.validate(b.id));
}

TEST_F(SessionTest, ListShowsLiveSessionsOldestFirst) {
  auto m = manager({.idle_timeout = 600, .absolute_timeout = 3600});
  auto s1 = create(m);
  clock_.advance(10);
  auto s2 = create(m);
  clock_.advance(10);
  auto s3 = create(m);
  create(m, "bob");
  ASSERT_TRUE(m.revoke(s2.id));
  auto l = m.list("alice");
  ASSERT_TRUE(l);
  ASSERT_EQ(l->size(), 2u);
  EXPECT_EQ((*l)[0].record.id_hash, s1.session.record.id_hash);
  EXPECT_EQ((*l)[1].record.id_hash, s3.session.record.id_hash);
  clock_.advance(595);  // s1 idle-expired, s3 not yet
  l = m.list("alice");
  ASSERT_EQ(l->size(), 1u);
  EXPECT_EQ((*l)[0].record.id_hash, s3.session.record.id_hash);
}

TEST_F(SessionTest, SessionBoundRevokesTheOldest) {
  auto m = manager({.max_sessions_per_user = 2});
  auto s1 = create(m);
  clock_.advance(1);
  auto s2 = create(m);
  clock_.advance(1);
  auto s3 = create(m);
  expect_error(m.validate(s1.id), Errc::session_revoked);
  EXPECT_TRUE(m.validate(s2.id));
  EXPECT_TRUE(m.validate(s3.id));
  EXPECT_EQ(m.list("alice")->size(), 2u);
}

TEST_F(SessionTest, IdsAre43CharsOfCsprngOutputAndUnique) {
  auto m = manager({.max_sessions_per_user = 0});
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    auto s = create(m);
    ASSERT_EQ(s.id.size(), 43u);
    ASSERT_EQ(codec::base64url_decode(s.id)->size(), 32u);
    seen.insert(s.id);
  }
  EXPECT_EQ(seen.size(), 10000u);
}

TEST_F(SessionTest, TheStoreNeverHoldsTheId) {
  auto m = manager();
  auto s = create(m);
  auto rotated = m.rotate(s.id);
  ASSERT_TRUE(rotated);
  for (const auto& id : {s.id, rotated->id}) {
    auto r = memory_->get(SessionManager::hash_id(id));
    ASSERT_TRUE(r && *r);
    const auto& rec = **r;
    const std::string csrf = test::csrf_text(rec);
    for (const std::string* f : {&rec.id_hash, &rec.user, &csrf, &rec.client.ip, &rec.client.user_agent,
                                 &rec.client.device_label, &rec.attributes_json})
      EXPECT_EQ(f->find(id), std::string::npos);
    // Errors about the session do not carry the id either.
    auto v = m.validate(id);
    if (!v) {
      EXPECT_EQ(v.error().message.find(id), std::string::npos);
    }
  }
}

TEST_F(SessionTest, CsrfTokenBindsSecretAndSession) {
  auto m = manager();
  auto s = create(m), other = create(m);
  const auto token = m.csrf_token(s.session);
  EXPECT_EQ(token.size(), 43u);
  EXPECT_TRUE(m.check_csrf(s.session, token));
  // The documented construction, recomputed here.
  auto key = crypto::HmacKey::create(crypto::Hash::sha256,
                                     SecretBytes(*codec::base64url_decode(test::csrf_text(s.session.record))));
  ASSERT_TRUE(key);
  EXPECT_EQ(token,
            codec::base64url_encode(key->compute(crypto::as_bytes("tessera-csrf-v1" + s.session.record.id_hash))));

  expect_error(m.check_csrf(other.session, token), Errc::csrf_failed);
  std::string tampered = token;
  tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
  expect_error(m.check_csrf(s.session, tampered), Errc::csrf_failed);
  for (const auto& bad : {std::string(), token.substr(0, 42), token + "A"})
    expect_error(m.check_csrf(s.session, bad), Errc::csrf_failed);
  // Rotation keeps the secret but the token follows the id hash.
  auto n = m.rotate(s.id);
  ASSERT_TRUE(n);
  EXPECT_NE(m.csrf_token(n->session), token);
  EXPECT_TRUE(m.check_csrf(n->session, m.csrf_token(n->session)));
}

TEST_F(SessionTest, UnreachableStoreFailsClosed) {
  auto m = manager({.idle_timeout = 1000, .touch_fraction = 0.1});
  auto s = create(m);
  store_.down = TestStore::Down::always;
  expect_error(m.validate(s.id), Errc::store_unavailable);
  expect_error(m.create("alice", "{}", client_), Errc::store_unavailable);
  expect_error(m.rotate(s.id), Errc::store_unavailable);
  expect_error(m.revoke(s.id), Errc::store_unavailable);
  expect_error(m.revoke_by_hash(s.session.record.id_hash), Errc::store_unavailable);
  expect_error(m.revoke_all("alice"), Errc::store_unavailable);
  expect_error(m.list("alice"), Errc::store_unavailable);
  // A failed sliding write is a failure too, not a silent pass.
  store_.down = TestStore::Down::on_touch;
  EXPECT_TRUE(m.validate(s.id));  // no write due yet
  clock_.advance(100);
  expect_error(m.validate(s.id), Errc::store_unavailable);
  store_.down = TestStore::Down::never;
  EXPECT_TRUE(m.validate(s.id));
}

}  // namespace
}  // namespace tessera
