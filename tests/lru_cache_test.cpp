// The Redis store's pointer cache (src/store/lru_cache.hpp): bounded, least recently used goes
// first, a hit refreshes, an update replaces.
#include "store/lru_cache.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace tessera::store {
namespace {

TEST(LruCache, EvictsTheLeastRecentlyUsed) {
  LruCache c(3);
  c.put("a", "1");
  c.put("b", "2");
  c.put("c", "3");
  EXPECT_EQ(c.get("a"), "1");  // a is now the most recent; b the least
  c.put("d", "4");
  EXPECT_EQ(c.size(), 3u);
  EXPECT_FALSE(c.get("b"));
  EXPECT_EQ(c.get("a"), "1");
  EXPECT_EQ(c.get("c"), "3");
  EXPECT_EQ(c.get("d"), "4");
}

TEST(LruCache, UpdateReplacesAndRefreshes) {
  LruCache c(2);
  c.put("a", "1");
  c.put("b", "2");
  c.put("a", "one");  // refreshes a
  c.put("c", "3");    // b goes
  EXPECT_EQ(c.get("a"), "one");
  EXPECT_FALSE(c.get("b"));
  EXPECT_EQ(c.size(), 2u);
}

TEST(LruCache, AWorkingSetOverTheBoundKeepsItsHotEntries) {
  LruCache c(100);
  for (int i = 0; i < 100; ++i) c.put("hot" + std::to_string(i), "h");
  for (int round = 0; round < 5; ++round) {
    for (int i = 0; i < 50; ++i) ASSERT_TRUE(c.get("hot" + std::to_string(i)));  // keep half of them hot
    for (int i = 0; i < 50; ++i) c.put("cold" + std::to_string(round * 50 + i), "c");
  }
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(c.get("hot" + std::to_string(i))) << i;  // never all cleared
  EXPECT_EQ(c.size(), 100u);
}

TEST(LruCache, ConcurrentUseStaysBounded) {
  LruCache c(64);
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t)
    ts.emplace_back([&c, t] {
      for (int i = 0; i < 5000; ++i) {
        c.put(std::to_string(t) + ":" + std::to_string(i % 200), "v");
        (void)c.get(std::to_string((t + 1) % 4) + ":" + std::to_string(i % 200));
      }
    });
  for (auto& th : ts) th.join();
  EXPECT_LE(c.size(), 64u);
}

}  // namespace
}  // namespace tessera::store
