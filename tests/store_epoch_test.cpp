// The store epoch (tessera/store_epoch.hpp, src/store/epoch*.cpp, docs/redis.md "Persistence"):
// the decision table, the confirmation marker, the marker's text form, and every backend
// (memory, SQLite, Redis, Redis Cluster) running the same conformance checks: an absent marker,
// atomic create-if-absent, replace, and check_store_epoch's verdicts on real stores, including
// a Redis that lost its data (FLUSHALL) and a deleted SQLite file.
#include <gtest/gtest.h>

#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fmt/format.h>
#include <functional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "redis_test_server.hpp"
#include "store/epoch.hpp"
#include "store/sqlite_schema.hpp"
#include "tessera/store_epoch.hpp"

namespace tessera {
namespace {

const std::string kA = "AAAAAAAAAAAAAAAAAAAAAA";
const std::string kB = "BBBBBBBBBBBBBBBBBBBBBB";
const std::string kC = "CCCCCCCCCCCCCCCCCCCCCC";
constexpr std::int64_t kNow = 1767225600;  // when markers are written in these tests

std::optional<EpochMarker> marker(std::string id, std::vector<std::string> sup = {}) {
  return EpochMarker{std::move(id), std::move(sup)};
}

// ---- the decision table (pure) ----------------------------------------------------------------

TEST(StoreEpochDecide, EveryRowOfTheTable) {
  EXPECT_EQ(decide_epoch(std::nullopt, std::nullopt), EpochVerdict::create);     // brand-new deployment
  EXPECT_EQ(decide_epoch(marker(kA), std::nullopt), EpochVerdict::adopt);        // new instance
  EXPECT_EQ(decide_epoch(marker(kA), kA), EpochVerdict::ready);                  // same epoch
  EXPECT_EQ(decide_epoch(marker(kB, {kC, kA}), kA), EpochVerdict::adopt);        // a confirmed reset
  EXPECT_EQ(decide_epoch(std::nullopt, kA), EpochVerdict::store_lost);           // lost its data
  EXPECT_EQ(decide_epoch(marker(kB), kA), EpochVerdict::store_replaced);         // another store
  EXPECT_EQ(decide_epoch(marker(kB, {kC}), kA), EpochVerdict::store_replaced);   // supersedes others only
}

TEST(StoreEpochConfirm, SupersedesStoreAndLocalWithoutDuplicatesBounded) {
  auto m = confirm_epoch_marker(marker(kB, {kC, kA}), kA, "NEWNEWNEWNEWNEWNEWNEW1", kNow);
  EXPECT_EQ(m.id, "NEWNEWNEWNEWNEWNEWNEW1");
  EXPECT_EQ(m.created_at, kNow);  // the not-before of stateless tokens after the reset
  EXPECT_EQ(m.supersedes, (std::vector<std::string>{kA, kB, kC}));
  EXPECT_EQ(confirm_epoch_marker(std::nullopt, kA, kB, kNow).supersedes, std::vector<std::string>{kA});
  EXPECT_TRUE(confirm_epoch_marker(std::nullopt, std::nullopt, kB, kNow).supersedes.empty());
  // The fresh id never supersedes itself; the list stays bounded.
  std::vector<std::string> many;
  for (int i = 0; i < 50; ++i) many.push_back(fmt::format("old{:019d}", i));
  auto big = confirm_epoch_marker(marker(kB, many), kB, kA, kNow);
  EXPECT_EQ(big.supersedes.size(), kMaxSupersededEpochs);
  EXPECT_EQ(big.supersedes.front(), kB);
  // An instance remembering the store's epoch just before the confirmation adopts the new one.
  EXPECT_EQ(decide_epoch(confirm_epoch_marker(marker(kB), kA, kC, kNow), kB), EpochVerdict::adopt);
}

TEST(StoreEpochId, RandomBase64url128Bits) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto id = new_epoch_id();
    EXPECT_EQ(id.size(), 22u);
    EXPECT_TRUE(valid_epoch_id(id)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
  EXPECT_FALSE(valid_epoch_id(""));
  EXPECT_FALSE(valid_epoch_id("short"));
  EXPECT_FALSE(valid_epoch_id("AAAAAAAAAAAAAAAA AAAAA"));
  EXPECT_FALSE(valid_epoch_id("AAAAAAAAAAAAAAAA/AAAAA"));
  EXPECT_FALSE(valid_epoch_id(std::string(65, 'A')));
}

TEST(StoreEpochCodec, RoundTripAndStrictness) {
  const EpochMarker m{kA, {kB, kC}};
  EXPECT_EQ(store::encode_epoch_marker(m), kA + " " + kB + " " + kC);
  auto back = store::decode_epoch_marker(store::encode_epoch_marker(m));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, m);
  for (const std::string& bad : {std::string(), kA + " ", " " + kA, kA + "  " + kB, std::string("garbage"),
                                kA + "\n"}) {
    auto r = store::decode_epoch_marker(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::store_unavailable);
  }
  std::string too_many = kA;
  for (std::size_t i = 0; i <= kMaxSupersededEpochs; ++i) too_many += " " + kB;
  EXPECT_FALSE(store::decode_epoch_marker(too_many));
}

// created_at is the trailing " @SECONDS"; a marker from before it existed reads as 0.
TEST(StoreEpochCodec, CreatedAtRoundTripsAndOldMarkersReadAsZero) {
  const EpochMarker m{kA, {kB}, kNow};
  EXPECT_EQ(store::encode_epoch_marker(m), kA + " " + kB + " @" + std::to_string(kNow));
  auto back = store::decode_epoch_marker(store::encode_epoch_marker(m));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(*back, m);
  EXPECT_EQ(store::decode_epoch_marker(kA + " @" + std::to_string(kNow)).value_or(EpochMarker{}),
            (EpochMarker{kA, {}, kNow}));
  auto old = store::decode_epoch_marker(kA + " " + kB);
  ASSERT_TRUE(old);
  EXPECT_EQ(old->created_at, 0);
  for (const std::string& bad : {kA + " @", kA + " @-5", kA + " @0", kA + " @12x", "@" + std::to_string(kNow),
                                kA + " @1 @2", kA + " @1 " + kB}) {
    auto r = store::decode_epoch_marker(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::store_unavailable);
  }
}

// ---- every backend ------------------------------------------------------------------------------

// A way to open (again) the marker of one store, and to make that store lose its data.
struct Backend {
  std::function<std::unique_ptr<EpochStore>()> open;
  std::function<void()> lose_data;
};

void run_conformance(const Backend& b) {
  auto s = b.open();
  ASSERT_TRUE(s);
  // Absent at first.
  auto r = s->read();
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(*r);

  // A brand-new deployment creates it and remembers it.
  auto c = check_store_epoch(*s, std::nullopt, kNow);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->verdict, EpochVerdict::create);
  ASSERT_TRUE(c->store);
  EXPECT_EQ(c->store->created_at, kNow);
  EXPECT_EQ(b.open()->read().value_or(std::nullopt).value_or(EpochMarker{}).created_at, kNow) << "not persisted";
  EXPECT_TRUE(c->ready);
  ASSERT_TRUE(c->store && c->remember);
  const std::string m = c->store->id;
  EXPECT_EQ(*c->remember, m);
  EXPECT_TRUE(valid_epoch_id(m));

  // Seen by another connection to the same store; create_if_absent never overwrites.
  auto other = b.open();
  auto held = other->create_if_absent(EpochMarker{kC, {}});
  ASSERT_TRUE(held) << held.error().message;
  EXPECT_EQ(held->id, m);

  // Same epoch: ready, nothing to remember. A new instance: adopt.
  c = check_store_epoch(*other, m, kNow + 1);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->verdict, EpochVerdict::ready);
  EXPECT_TRUE(c->ready);
  EXPECT_FALSE(c->remember);
  c = check_store_epoch(*other, std::nullopt, kNow + 1);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->verdict, EpochVerdict::adopt);
  EXPECT_EQ(c->remember, m);

  // Another store's epoch: not ready, and the marker is left alone.
  c = check_store_epoch(*s, kA, kNow + 1);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->verdict, EpochVerdict::store_replaced);
  EXPECT_FALSE(c->ready);
  EXPECT_FALSE(c->remember);
  EXPECT_FALSE(c->reason.empty());
  EXPECT_EQ((*s->read())->id, m);

  // The store loses its data: an instance that has seen m is not ready, and the check does not
  // paper over it by creating a marker.
  b.lose_data();
  s = b.open();
  c = check_store_epoch(*s, m, kNow + 1);
  ASSERT_TRUE(c) << c.error().message;
  EXPECT_EQ(c->verdict, EpochVerdict::store_lost);
  EXPECT_FALSE(c->ready);
  EXPECT_FALSE(c->store);
  EXPECT_FALSE(*s->read());

  // The operator confirms: a new epoch superseding m; instances that saw m adopt it.
  const EpochMarker confirmed = confirm_epoch_marker(std::nullopt, m, new_epoch_id(), kNow + 50);
  ASSERT_TRUE(s->replace(confirmed));
  auto back = b.open()->read();
  ASSERT_TRUE(back && *back);
  EXPECT_EQ(**back, confirmed);
  EXPECT_EQ((*back)->created_at, kNow + 50);
  c = check_store_epoch(*b.open(), m, kNow + 51);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->verdict, EpochVerdict::adopt);
  EXPECT_TRUE(c->ready);
  EXPECT_EQ(c->remember, confirmed.id);
  // replace overwrites whatever is there.
  ASSERT_TRUE(s->replace(EpochMarker{kA, {}}));
  EXPECT_EQ((*s->read())->id, kA);
}

// Instances starting at once on an empty store agree on one epoch.
void run_create_race(const Backend& b) {
  b.lose_data();
  constexpr int kThreads = 8;
  std::vector<std::unique_ptr<EpochStore>> stores;
  for (int i = 0; i < kThreads; ++i) stores.push_back(b.open());
  std::vector<std::string> got(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      auto c = check_store_epoch(*stores[i], std::nullopt, kNow);
      if (c && c->remember) got[i] = *c->remember;
    });
  for (auto& t : threads) t.join();
  const std::set<std::string> distinct(got.begin(), got.end());
  ASSERT_EQ(distinct.size(), 1u);
  EXPECT_TRUE(valid_epoch_id(*distinct.begin()));
}

TEST(StoreEpochMemory, Conformance) {
  // One shared marker behind forwarding handles, so that "open again" sees the same store.
  struct Shared {
    std::unique_ptr<EpochStore> store = store::make_memory_epoch_store();
  };
  auto shared = std::make_shared<Shared>();
  struct Handle final : EpochStore {
    std::shared_ptr<Shared> s;
    explicit Handle(std::shared_ptr<Shared> p) : s(std::move(p)) {}
    Result<std::optional<EpochMarker>> read() override { return s->store->read(); }
    Result<EpochMarker> create_if_absent(const EpochMarker& f) override { return s->store->create_if_absent(f); }
    Result<void> replace(const EpochMarker& m) override { return s->store->replace(m); }
  };
  Backend b{[shared] { return std::unique_ptr<EpochStore>(new Handle(shared)); },
            [shared] { shared->store = store::make_memory_epoch_store(); }};
  run_conformance(b);
  run_create_race(b);
  // open_epoch_store("memory:") gives a private, empty marker.
  auto own = open_epoch_store("memory:");
  ASSERT_TRUE(own);
  EXPECT_FALSE(*(*own)->read());
}

class StoreEpochSqlite : public ::testing::Test {
 protected:
  void SetUp() override {
    char dir[] = "/tmp/tessera-epoch-test-XXXXXX";
    ASSERT_NE(::mkdtemp(dir), nullptr);
    root_ = dir;
    path_ = root_ + "/tessera.db";
  }
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
  }
  Backend backend() {
    return Backend{[this] {
                     auto s = open_epoch_store("sqlite:" + path_);
                     EXPECT_TRUE(s) << s.error().message;
                     return s ? std::move(*s) : nullptr;
                   },
                   [this] {
                     // The file deleted (with its WAL): a new, empty database.
                     for (const char* suffix : {"", "-wal", "-shm"}) ::unlink((path_ + suffix).c_str());
                   }};
  }
  std::string root_, path_;
};

TEST_F(StoreEpochSqlite, Conformance) { run_conformance(backend()); }

TEST_F(StoreEpochSqlite, CreateRace) { run_create_race(backend()); }

TEST_F(StoreEpochSqlite, OneRowTableInTheStoresFileSurvivesReopen) {
  const EpochMarker m{kA, {kB}};
  {
    auto s = open_epoch_store("sqlite:" + path_);
    ASSERT_TRUE(s);
    ASSERT_TRUE((*s)->replace(m));
    ASSERT_TRUE((*s)->replace(EpochMarker{kC, {kA, kB}}));
  }
  // The same file opened by the session store is the same database (same migrations).
  ASSERT_TRUE(store::make_sqlite_store(path_));
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open_v2(path_.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT count(*), max(marker) FROM store_epoch", -1, &st, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(st), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(st, 0), 1);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, 1))), kC + " " + kA + " " + kB);
  sqlite3_finalize(st);
  sqlite3_close(raw);
  auto s = open_epoch_store("sqlite:" + path_);
  ASSERT_TRUE(s);
  EXPECT_EQ(**(*s)->read(), (EpochMarker{kC, {kA, kB}}));
}

class StoreEpochRedis : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  }
};

TEST_F(StoreEpochRedis, Conformance) {
  auto* r = test::shared_single();
  ASSERT_NE(r, nullptr);
  const int port = r->server->port();
  store::RedisOptions o;
  o.key_prefix = "epoch-test:";
  Backend b{[port, o] {
              auto s = store::make_redis_epoch_store("127.0.0.1", port, o);
              EXPECT_TRUE(s);
              return s ? std::move(*s) : nullptr;
            },
            [port] { EXPECT_TRUE(test::redis_call(port, {"DEL", "epoch-test:epoch"})); }};
  b.lose_data();
  run_conformance(b);
  // One string key, the marker's text form.
  EXPECT_EQ(test::redis_text(port, {"GET", "epoch-test:epoch"}), kA);
  run_create_race(b);
  b.lose_data();
}

TEST_F(StoreEpochRedis, ServerRestartedWithoutPersistenceIsStoreLost) {
  test::TempDir dir;
  test::RedisServer server(0, {}, dir.path());
  ASSERT_TRUE(server.start());
  auto s = open_epoch_store("redis://127.0.0.1:" + std::to_string(server.port()));
  ASSERT_TRUE(s);
  auto first = check_store_epoch(**s, std::nullopt, kNow);
  ASSERT_TRUE(first && first->remember);
  EXPECT_EQ(test::redis_text(server.port(), {"GET", "tessera:epoch"}), *first->remember + " @" + std::to_string(kNow));
  server.kill9();
  auto down = check_store_epoch(**s, *first->remember, kNow);
  ASSERT_FALSE(down);
  EXPECT_EQ(down.error().code, Errc::store_unavailable);
  ASSERT_TRUE(server.start());  // --save "" --appendonly no: empty
  auto after = check_store_epoch(**s, *first->remember, kNow);
  ASSERT_TRUE(after) << after.error().message;
  EXPECT_EQ(after->verdict, EpochVerdict::store_lost);
  EXPECT_FALSE(after->ready);
}

TEST_F(StoreEpochRedis, MalformedMarkerIsStoreUnavailable) {
  auto* r = test::shared_single();
  ASSERT_NE(r, nullptr);
  store::RedisOptions o;
  o.key_prefix = "epoch-bad:";
  ASSERT_TRUE(test::redis_call(r->server->port(), {"SET", "epoch-bad:epoch", "not a marker"}));
  auto s = store::make_redis_epoch_store("127.0.0.1", r->server->port(), o);
  ASSERT_TRUE(s);
  auto m = (*s)->read();
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, Errc::store_unavailable);
  auto c = check_store_epoch(**s, std::nullopt, kNow);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Errc::store_unavailable);
  EXPECT_TRUE(test::redis_call(r->server->port(), {"DEL", "epoch-bad:epoch"}));
}

TEST_F(StoreEpochRedis, ClusterConformance) {
  auto* cluster = test::shared_cluster();
  ASSERT_NE(cluster, nullptr);
  const auto seeds = cluster->seeds();
  const auto ports = cluster->ports();
  store::RedisOptions o;
  o.key_prefix = "epoch-cluster:";
  Backend b{[seeds, o] {
              auto s = store::make_redis_cluster_epoch_store(seeds, o);
              EXPECT_TRUE(s);
              return s ? std::move(*s) : nullptr;
            },
            [ports] {
              // DEL on the node that owns the key (the others answer MOVED).
              // Ignored on purpose: only the owner deletes; the others answer MOVED, which is fine.
              for (int p : ports) (void)test::redis_call(p, {"DEL", "epoch-cluster:epoch"});
            }};
  b.lose_data();
  run_conformance(b);
  run_create_race(b);
  b.lose_data();
}

}  // namespace
}  // namespace tessera
