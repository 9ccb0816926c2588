// The SessionStore conformance suite (store_conformance.hpp) against the in-memory backend,
// plus what only the memory store can promise (a fresh store is empty) and the URI dispatch of
// open_session_store() as far as it can be checked without a server.
#include <gtest/gtest.h>

#include "store/stores.hpp"
#include "store_conformance.hpp"

TESSERA_STORE_CONFORMANCE(memory, {}, [] { return tessera::store::make_memory_store(); });

namespace tessera::store {
namespace {

TEST(MemoryStore, FreshStoreIsEmptyAndSweepsNothing) {
  auto s = make_memory_store();
  auto n = s->sweep(1'000'000'000'000);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0u);
  auto l = s->list("anyone", 0);
  ASSERT_TRUE(l);
  EXPECT_TRUE(l->empty());
}

TEST(OpenSessionStore, MemoryUriOpensAWorkingStore) {
  auto s = open_session_store("memory:");
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_TRUE((*s)->ping());
}

TEST(OpenSessionStore, RejectsUnknownOrMalformedUris) {
  for (std::string_view bad : {"",
                               "memory",
                               "memory:x",
                               "MEMORY:",
                               "mysql://db:3306",
                               "sqlite:",
                               "redis://",
                               "redis://host",
                               "redis://host:",
                               "redis://:6379",
                               "redis://host:0",
                               "redis://host:65536",
                               "redis://host:12a",
                               "redis://host:-1",
                               "redis://us er:6379",
                               "redis://[::1:6379",
                               "redis-cluster://",
                               "redis-cluster://a:1,",
                               "redis-cluster://a:1,,b:2",
                               "redis-cluster://a:1,b"}) {
    auto s = open_session_store(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_EQ(s.error().code, Errc::invalid_argument) << bad;
  }
}

}  // namespace
}  // namespace tessera::store
