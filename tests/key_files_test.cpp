// The signing key files (server/key_files.hpp) and the KeyWatcher (server/key_watcher.hpp):
// timestamps round-trip, files of an older version load as active since 0, bad timestamps are
// invalid_key, rotation adds one next key per group (also when run concurrently) and keeps an
// existing one, automatic rotation adds only what is due, retired files are pruned after the
// margin, a pruned first-start file is not regenerated, and a running watcher picks up a new
// key (and keeps its keys when a file is broken).
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include <boost/json.hpp>

#include "server/key_files.hpp"
#include "server/key_watcher.hpp"
#include "server/keys_dir.hpp"
#include "tessera/account_store.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/clock.hpp"
#include "tessera/oauth_store.hpp"
#include "test_util.hpp"

namespace tessera::server {
namespace {

constexpr std::int64_t T0 = 1'700'000'000;

class SettableClock final : public Clock {
 public:
  explicit SettableClock(std::int64_t t) : t_(t) {}
  std::int64_t now() const override { return t_.load(); }
  void set(std::int64_t t) { t_ = t; }

 private:
  std::atomic<std::int64_t> t_;
};

KeyRingPolicy policy() {
  KeyRingPolicy p;
  p.jwks_max_age = 10;
  p.publish_ahead = 30;
  p.max_token_ttl = 100;
  p.retire_leeway = 0;
  return p;
}

class KeyFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/tessera-keyfiles-test-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    root_ = dir;
    auto d = open_data_dir(root_ + "/data");
    ASSERT_TRUE(d) << d.error().message;
    keys_ = root_ + "/data/keys";
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  std::vector<KeyFile> files() {
    auto f = load_key_files(keys_);
    EXPECT_TRUE(f) << f.error().message;
    return f ? *f : std::vector<KeyFile>{};
  }
  std::size_t count(Algorithm g) {
    std::size_t n = 0;
    for (const auto& f : files()) n += key_ring_group(f.entry.key) == g;
    return n;
  }
  void write(const std::string& name, const std::string& text) { std::ofstream(keys_ + "/" + name) << text; }

  std::string root_, keys_;
};

TEST_F(KeyFilesTest, TimestampsRoundTripAndFirstStartKeysAreActiveAtOnce) {
  const auto first = files();
  ASSERT_EQ(first.size(), 3u);
  for (const auto& f : first) {
    EXPECT_GT(f.entry.created_at, 0);
    EXPECT_EQ(f.entry.activates_at, f.entry.created_at);  // nobody cached anything before the first start
  }
  auto text = new_key_file_text(Algorithm::ES256, T0);
  ASSERT_TRUE(text);
  const auto key = load_key_set(*text)->keys().front();
  write(rotated_key_file_name(Algorithm::ES256, key.kid()), *text);
  auto with = new_key_file_text(Algorithm::RS256, T0, T0 + 7);
  write(rotated_key_file_name(Algorithm::RS256, load_key_set(*with)->keys().front().kid()), *with);
  bool es = false, rs = false;
  for (const auto& f : files()) {
    if (f.entry.key.kid() == key.kid()) {
      es = true;
      EXPECT_EQ(f.name, "es256-" + key.kid() + ".jwk");
      EXPECT_EQ(f.entry.created_at, T0);
      EXPECT_EQ(f.entry.activates_at, std::nullopt);  // created_at + publish_ahead, by each reader
    } else if (f.name.starts_with("rs256-")) {
      rs = true;
      EXPECT_EQ(f.entry.activates_at, T0 + 7);
    }
  }
  EXPECT_TRUE(es && rs);
}

TEST_F(KeyFilesTest, AKeyFileOfAnOlderVersionCountsAsCreatedAndActiveAtZero) {
  auto es = Key::generate(KeySpec::p256);
  auto jwk = es->to_jwk(true);
  (*jwk)["alg"] = "ES256";
  write("es256.jwk", boost::json::serialize(*jwk));
  for (const auto& f : files()) {
    if (f.name != "es256.jwk") continue;
    EXPECT_EQ(f.entry.created_at, 0);
    EXPECT_EQ(f.entry.activates_at, 0);
  }
}

TEST_F(KeyFilesTest, ABadTimestampOrAKeyOfAnotherGroupIsInvalidKey) {
  auto text = new_key_file_text(Algorithm::ES256, T0);
  auto o = boost::json::parse(*text).as_object();
  o["tessera_created_at"] = "yesterday";
  write("es256-x.jwk", boost::json::serialize(o));
  auto bad = load_key_files(keys_);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_key);
  o["tessera_created_at"] = -5;
  write("es256-x.jwk", boost::json::serialize(o));
  ASSERT_FALSE(load_key_files(keys_));
  o["tessera_created_at"] = T0;
  write("rs256-x.jwk", boost::json::serialize(o));  // an ES256 key named as RS256
  ::unlink((keys_ + "/es256-x.jwk").c_str());
  bad = load_key_files(keys_);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::invalid_key);
}

TEST_F(KeyFilesTest, RotateAddsANextKeyPerGroupPrivatelyAndKeepsAnExistingOne) {
  auto r = rotate_keys(keys_, std::vector<Algorithm>{Algorithm::ES256, Algorithm::EdDSA, Algorithm::RS256}, policy(),
                       SystemClock::instance());
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 3u);
  for (const auto& x : *r) {
    EXPECT_TRUE(x.added);
    struct stat st {};
    ASSERT_EQ(::stat((keys_ + "/" + rotated_key_file_name(x.group, x.kid)).c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
  }
  EXPECT_EQ(r->at(1).kid.rfind("k4.pid.", 0), 0u);  // Ed25519: named by its PASERK pid
  auto again = rotate_keys(keys_, std::vector<Algorithm>{Algorithm::ES256}, policy(), SystemClock::instance());
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->front().added);
  EXPECT_EQ(again->front().kid, r->front().kid);
  EXPECT_EQ(count(Algorithm::ES256), 2u);
}

TEST_F(KeyFilesTest, ConcurrentRotationsAddOneKey) {
  std::vector<std::thread> threads;
  std::atomic<int> added{0}, failed{0};
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&] {
      auto r = rotate_keys(keys_, std::vector<Algorithm>{Algorithm::ES256}, policy(), SystemClock::instance());
      if (!r) ++failed;
      else added += r->front().added ? 1 : 0;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(added.load(), 1);
  EXPECT_EQ(count(Algorithm::ES256), 2u);
}

TEST_F(KeyFilesTest, AutomaticRotationAddsOnlyTheDueGroups) {
  KeyRingPolicy p = policy();
  p.rotation_interval = 100;
  const auto created = files().front().entry.created_at;  // first-start keys: active at once
  SettableClock clock(created + 69);
  auto early = rotate_keys(keys_, std::nullopt, p, clock);
  ASSERT_TRUE(early);
  EXPECT_TRUE(early->empty());
  clock.set(created + 70);
  auto due = rotate_keys(keys_, std::nullopt, p, clock);
  ASSERT_TRUE(due);
  EXPECT_EQ(due->size(), 3u);
  for (const auto& f : files()) {  // written at created + 70: created_at is the next whole second
    if (f.name.find('-') != std::string::npos) {
      EXPECT_EQ(f.entry.created_at, created + 71) << f.name;
    }
  }
  clock.set(created + 71);
  auto after = rotate_keys(keys_, std::nullopt, p, clock);
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->empty());  // the new keys are next: nothing due until their own turn
}

TEST_F(KeyFilesTest, RetiredKeyFilesArePrunedAfterTheMarginAndNotRegenerated) {
  const auto t = files().front().entry.created_at;
  ASSERT_TRUE(rotate_keys(keys_, std::vector<Algorithm>{Algorithm::ES256}, policy(), FixedClock(t)));
  // The new key (created_at t + 1) activates at t + 31; the old one retires at t + 31 + 100.
  auto kept = prune_retired_keys(keys_, policy(), t + 131 + 49, 50);
  ASSERT_TRUE(kept);
  EXPECT_TRUE(kept->empty());
  auto pruned = prune_retired_keys(keys_, policy(), t + 131 + 50, 50);
  ASSERT_TRUE(pruned);
  EXPECT_EQ(*pruned, std::vector<std::string>{"es256.jwk"});
  EXPECT_EQ(count(Algorithm::ES256), 1u);
  // The group still has a key, so a restart does not make a new first-start es256.jwk.
  ASSERT_TRUE(open_data_dir(root_ + "/data"));
  EXPECT_FALSE(std::filesystem::exists(keys_ + "/es256.jwk"));
  EXPECT_EQ(count(Algorithm::ES256), 1u);
}

class KeyWatcherTest : public KeyFilesTest {
 protected:
  void SetUp() override {
    KeyFilesTest::SetUp();
    store_ = std::move(*open_oauth_store("memory:"));
    accounts_ = std::move(*open_account_store("memory:"));
    auto d = open_data_dir(root_ + "/data");
    OAuthOptions o;
    o.issuer = "https://as.example";
    o.max_token_ttl = 100;
    auto s = AuthorizationServer::create(*store_, accounts_->users(), d->signing_keys, d->oauth_key, o);
    ASSERT_TRUE(s) << s.error().message;
    server_ = std::make_unique<AuthorizationServer>(std::move(*s));
  }
  std::size_t published() { return KeySet::from_jwks(server_->jwks_json())->size(); }

  std::unique_ptr<OAuthStore> store_;
  std::unique_ptr<AccountStore> accounts_;
  std::unique_ptr<AuthorizationServer> server_;
  Logger log_{LogLevel::off};
};

TEST_F(KeyWatcherTest, ARunningWatcherPublishesAKeyAddedByAnotherProcessAtItsNextCheck) {
  KeyWatcher w(keys_, policy(), *server_, log_);
  ASSERT_TRUE(w.start());
  EXPECT_EQ(server_->jwks_max_age(), 10);
  EXPECT_EQ(published(), 3u);
  EXPECT_FALSE(w.check());  // nothing changed
  ASSERT_TRUE(rotate_keys(keys_, std::vector<Algorithm>{Algorithm::ES256}, policy(), SystemClock::instance()));
  EXPECT_TRUE(w.check());
  EXPECT_EQ(published(), 4u);
  // A broken file: the keys in use stay.
  write("es256-broken.jwk", "{");
  EXPECT_FALSE(w.check());
  EXPECT_EQ(published(), 4u);
}

TEST_F(KeyWatcherTest, TheWatcherRotatesWhenDue) {
  KeyRingPolicy p = policy();
  p.rotation_interval = 100;
  const auto created = files().front().entry.created_at;
  SettableClock clock(created);
  KeyWatcher w(keys_, p, *server_, log_, clock);
  ASSERT_TRUE(w.start());
  clock.set(created + 69);
  EXPECT_FALSE(w.check());
  clock.set(created + 70);
  EXPECT_TRUE(w.check());
  EXPECT_EQ(published(), 6u);
}

}  // namespace
}  // namespace tessera::server
