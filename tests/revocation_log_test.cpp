// The RevocationLog contract (include/tessera/revocation_log.hpp) on every backend: memory,
// SQLite, one Redis server and a 3-master Redis Cluster (real redis-server, skipped when it is
// not installed). Each test gets fresh data: a new memory log, a new SQLite file, a new Redis
// key prefix; Backing::open() twice gives two writers over the same data (two processes on one
// file, two instances on one Redis). Plus the event's JSON form.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <random>
#include <set>
#include <thread>

#include "redis_test_server.hpp"
#include "store/revocation_logs.hpp"
#include "test_util.hpp"
#include "tessera/revocation_log.hpp"

namespace tessera {
namespace {

using namespace std::chrono_literals;

// Opens handles on one backend's fresh data.
using Opener = std::function<std::shared_ptr<RevocationLog>(std::int64_t retention)>;
// A fresh Opener per test; nullptr when the backend is not available (skipped).
using Backing = std::function<Opener()>;

std::shared_ptr<RevocationLog> must(Result<std::unique_ptr<RevocationLog>> r) {
  if (!r) {
    ADD_FAILURE() << r.error().name() << ": " << r.error().message;
    return nullptr;
  }
  return std::shared_ptr<RevocationLog>(std::move(*r));
}

std::string fresh_name(std::string_view tag) {
  static std::mt19937_64 rng(std::random_device{}());
  return std::string(tag) + std::to_string(rng());
}

Opener memory_backing() {
  auto one = std::make_shared<std::shared_ptr<RevocationLog>>();
  return [one](std::int64_t retention) {
    if (!*one) *one = std::shared_ptr<RevocationLog>(store::make_memory_revocation_log(retention));
    return *one;
  };
}
Opener sqlite_backing() {
  static test::TempDir dir;
  const std::string path = dir.path() + "/" + fresh_name("feed-") + ".db";
  return [path](std::int64_t retention) { return must(store::make_sqlite_revocation_log(path, retention)); };
}
store::RedisOptions fresh_prefix() {
  store::RedisOptions o;
  o.key_prefix = fresh_name("feedtest:") + ":";
  return o;
}
Opener redis_backing() {
  if (!test::redis_server_installed()) return nullptr;
  auto* s = test::shared_single();
  if (!s) {
    ADD_FAILURE() << "redis-server is installed but did not start";
    return nullptr;
  }
  const int port = s->server->port();
  return [port, o = fresh_prefix()](std::int64_t retention) {
    return must(store::make_redis_revocation_log("127.0.0.1", port, retention, o));
  };
}
Opener cluster_backing() {
  if (!test::redis_server_installed()) return nullptr;
  auto* c = test::shared_cluster();
  if (!c) {
    ADD_FAILURE() << "redis-server is installed but the cluster did not start";
    return nullptr;
  }
  return [seeds = c->seeds(), o = fresh_prefix()](std::int64_t retention) {
    return must(store::make_redis_cluster_revocation_log(seeds, retention, o));
  };
}

RevocationEvent jti_event(std::string jti) {
  return {.type = RevocationEvent::Type::jti, .jti = std::move(jti), .exp = 1900000000};
}
RevocationEvent subject_event(std::string sub) {
  return {.type = RevocationEvent::Type::subject, .sub = std::move(sub), .not_before = 1800000000};
}
RevocationEvent grant_event(std::string grant, std::string sub) {
  return {.type = RevocationEvent::Type::grant, .sub = std::move(sub), .grant = std::move(grant)};
}

class RevocationLogConformance : public ::testing::TestWithParam<std::pair<const char*, Backing>> {
 protected:
  void SetUp() override {
    open_ = GetParam().second();
    if (!open_) GTEST_SKIP() << "backend not available";
  }
  std::shared_ptr<RevocationLog> open(std::int64_t retention = 3600) {
    auto log = open_(retention);
    if (!log) throw std::runtime_error("open failed");
    return log;
  }
  static std::string end_of(RevocationLog& log) {
    auto r = log.read("", 100);
    EXPECT_TRUE(r) << r.error().message;
    EXPECT_TRUE(r->events.empty());
    EXPECT_FALSE(r->resync);
    return r->cursor;
  }
  Opener open_;
};

TEST_P(RevocationLogConformance, EmptySinceStartsAtTheEndWithoutHistory) {
  auto log = open();
  ASSERT_TRUE(log->append(jti_event("old")));
  auto r = log->read("", 100);
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->events.empty()) << "an empty since must not replay history";
  EXPECT_FALSE(r->resync);
  auto next = log->read(r->cursor, 100);
  ASSERT_TRUE(next);
  EXPECT_TRUE(next->events.empty());
  EXPECT_EQ(next->cursor, r->cursor);
}

TEST_P(RevocationLogConformance, EventsComeBackInOrderWithTheirCursors) {
  auto log = open();
  const std::string c0 = end_of(*log);
  const std::vector<RevocationEvent> sent{jti_event("j1"), subject_event("alice"), grant_event("fam1", "bob")};
  std::vector<std::string> cursors;
  for (const auto& e : sent) {
    auto c = log->append(e);
    ASSERT_TRUE(c) << c.error().message;
    cursors.push_back(*c);
  }
  auto r = log->read(c0, 100);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(r->resync);
  ASSERT_EQ(r->events.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r->events[i].event, sent[i]);
    EXPECT_EQ(r->events[i].cursor, cursors[i]);
  }
  EXPECT_EQ(r->cursor, cursors.back());
  // From the middle: only what follows.
  auto tail = log->read(cursors[0], 100);
  ASSERT_TRUE(tail);
  ASSERT_EQ(tail->events.size(), 2u);
  EXPECT_EQ(tail->events[0].event, sent[1]);
}

TEST_P(RevocationLogConformance, LimitPagesThroughTheEvents) {
  auto log = open();
  std::string c = end_of(*log);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(log->append(jti_event("j" + std::to_string(i))));
  std::vector<std::string> seen;
  for (int page = 0; page < 4; ++page) {
    auto r = log->read(c, 2);
    ASSERT_TRUE(r);
    EXPECT_LE(r->events.size(), 2u);
    for (const auto& e : r->events) seen.push_back(e.event.jti);
    c = r->cursor;
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"j0", "j1", "j2", "j3", "j4"}));
  EXPECT_EQ(log->read(c, 0).error().code, Errc::invalid_argument);
}

TEST_P(RevocationLogConformance, ACursorNotOfThisLogIsRefusedOrResyncs) {
  auto log = open();
  for (std::string_view bad : {"garbage", "-1", "01", "1-", "0x10", " 1"})
    EXPECT_EQ(log->read(bad, 10).error().code, Errc::invalid_argument) << bad;
  ASSERT_TRUE(log->append(jti_event("j")));
  const std::string end = end_of(*log);
  // A cursor past the end (another store's, or a store that lost its data): resync at the end.
  for (std::string_view ahead : {"999999", "99999999999999-0"}) {
    auto r = log->read(ahead, 10);
    if (!r) {
      EXPECT_EQ(r.error().code, Errc::invalid_argument) << ahead;  // the other backend family's syntax
      continue;
    }
    EXPECT_TRUE(r->resync) << ahead;
    EXPECT_TRUE(r->events.empty());
    EXPECT_EQ(r->cursor, end);
  }
}

TEST_P(RevocationLogConformance, ACursorOlderThanTheRetentionResyncs) {
  auto log = open(1);
  const std::string c0 = end_of(*log);
  auto c1 = log->append(jti_event("trimmed"));
  ASSERT_TRUE(c1);
  std::this_thread::sleep_for(1100ms);  // past the 1 s retention of the first event
  auto c2 = log->append(jti_event("kept"));
  ASSERT_TRUE(c2);
  auto r = log->read(c0, 10);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(r->resync) << "an event after the cursor was trimmed";
  EXPECT_TRUE(r->events.empty());
  EXPECT_EQ(r->cursor, *c2);
  // The cursor of the trimmed event itself lost nothing: what follows it is still there.
  auto after = log->read(*c1, 10);
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->resync);
  ASSERT_EQ(after->events.size(), 1u);
  EXPECT_EQ(after->events[0].event.jti, "kept");
}

TEST_P(RevocationLogConformance, TwoWritersOneOrder) {
  auto a = open();
  auto b = open();
  const std::string c0 = end_of(*a);
  constexpr int kEach = 50;
  auto write = [](RevocationLog& log, std::string tag) {
    for (int i = 0; i < kEach; ++i) ASSERT_TRUE(log.append(jti_event(tag + std::to_string(i))));
  };
  std::thread ta(write, std::ref(*a), "a");
  std::thread tb(write, std::ref(*b), "b");
  ta.join();
  tb.join();
  std::vector<RevocationEntry> all;
  for (std::string c = c0;;) {
    auto r = b->read(c, 7);
    ASSERT_TRUE(r);
    ASSERT_FALSE(r->resync);
    if (r->events.empty()) break;
    all.insert(all.end(), r->events.begin(), r->events.end());
    c = r->cursor;
  }
  ASSERT_EQ(all.size(), 2u * kEach);
  std::set<std::string> jtis, cursors;
  int next_a = 0, next_b = 0;
  for (const auto& e : all) {
    jtis.insert(e.event.jti);
    cursors.insert(e.cursor);
    // Each writer's events in the order it wrote them.
    if (e.event.jti[0] == 'a') EXPECT_EQ(e.event.jti, "a" + std::to_string(next_a++));
    else EXPECT_EQ(e.event.jti, "b" + std::to_string(next_b++));
  }
  EXPECT_EQ(jtis.size(), 2u * kEach);
  EXPECT_EQ(cursors.size(), 2u * kEach);
}

TEST_P(RevocationLogConformance, WaitReturnsWhenAnotherWriterAppends) {
  auto reader = open();
  auto writer = open();
  const std::string c0 = end_of(*reader);
  std::thread t([&] {
    std::this_thread::sleep_for(100ms);
    ASSERT_TRUE(writer->append(subject_event("carol")));
  });
  const auto start = std::chrono::steady_clock::now();
  auto w = reader->wait(c0, 20s);
  const auto took = std::chrono::steady_clock::now() - start;
  t.join();
  ASSERT_TRUE(w) << w.error().message;
  EXPECT_LT(took, 10s) << "wait must return on the append, not at its timeout";
  auto r = reader->read(c0, 10);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->events.size(), 1u);
  EXPECT_EQ(r->events[0].event.sub, "carol");
  // With nothing new, wait runs to its (short) timeout and says nothing.
  EXPECT_TRUE(reader->wait(r->cursor, 50ms));
}

INSTANTIATE_TEST_SUITE_P(Backends, RevocationLogConformance,
                         ::testing::Values(std::pair<const char*, Backing>{"memory", memory_backing},
                                           std::pair<const char*, Backing>{"sqlite", sqlite_backing},
                                           std::pair<const char*, Backing>{"redis", redis_backing},
                                           std::pair<const char*, Backing>{"redis_cluster", cluster_backing}),
                         [](const auto& p) { return std::string(p.param.first); });

TEST(RevocationEvent, JsonShapes) {
  EXPECT_EQ(to_json(jti_event("abc")), R"({"type":"jti","jti":"abc","exp":1900000000})");
  EXPECT_EQ(to_json(subject_event("alice")), R"({"type":"subject","sub":"alice","not_before":1800000000})");
  EXPECT_EQ(to_json(grant_event("fam", "bob")), R"({"type":"grant","grant":"fam","sub":"bob"})");
  for (const auto& e : {jti_event("abc"), subject_event("alice"), grant_event("fam", "bob")}) {
    auto back = parse_revocation_event(to_json(e));
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, e);
  }
}

TEST(RevocationEvent, MalformedEventsAreRefused) {
  for (std::string_view bad : {
           R"({"type":"jti","jti":"a"})",                          // missing exp
           R"({"type":"jti","jti":"","exp":1})",                   // empty id
           R"({"type":"jti","jti":"a","exp":1,"x":1})",            // extra member
           R"({"type":"session","sub":"a","not_before":1})",       // unknown type
           R"({"type":"subject","sub":"a","not_before":"soon"})",  // wrong type
           R"({"type":"grant","grant":"g"})",                      // missing sub
           R"([1])", R"(not json)"}) {
    EXPECT_FALSE(parse_revocation_event(bad)) << bad;
  }
}

TEST(RevocationLog, OpenChecksRetentionAndUri) {
  EXPECT_EQ(open_revocation_log("memory:", 0).error().code, Errc::invalid_argument);
  EXPECT_EQ(open_revocation_log("ftp://x", 60).error().code, Errc::invalid_argument);
  EXPECT_TRUE(open_revocation_log("memory:", 60));
}

TEST(RevocationLog, SqliteRowThatDoesNotParseFailsClosed) {
  test::TempDir dir;
  const std::string path = dir.path() + "/bad.db";
  auto log = must(store::make_sqlite_revocation_log(path, 60));
  ASSERT_TRUE(log);
  const std::string c0 = log->read("", 1)->cursor;
  ASSERT_TRUE(log->append(jti_event("j")));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE revocation_events SET json = '{\"type\":\"jti\"}'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  EXPECT_EQ(log->read(c0, 10).error().code, Errc::store_unavailable);
}

TEST(RevocationLog, RedisEntryThatDoesNotParseFailsClosed) {
  if (!test::redis_server_installed()) GTEST_SKIP() << "redis-server not installed";
  auto* s = test::shared_single();
  ASSERT_TRUE(s);
  const auto o = fresh_prefix();
  auto log = must(store::make_redis_revocation_log("127.0.0.1", s->server->port(), 60, o));
  ASSERT_TRUE(log);
  const std::string c0 = log->read("", 1)->cursor;
  ASSERT_TRUE(test::redis_call(s->server->port(), {"XADD", o.key_prefix + "revocations", "*", "e", "{}"}));
  EXPECT_EQ(log->read(c0, 10).error().code, Errc::store_unavailable);
  EXPECT_EQ(test::redis_text(s->server->port(), {"TYPE", o.key_prefix + "revocations"}), "stream");
}

}  // namespace
}  // namespace tessera
