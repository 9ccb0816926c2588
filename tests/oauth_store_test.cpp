// The OAuthStore: the conformance suite (oauth_store_conformance.hpp) on memory, plus what only
// some backends have, and the URIs of open_oauth_store().
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "oauth_store_conformance.hpp"
#include "store/oauth_stores.hpp"

namespace tessera {
namespace {

TESSERA_OAUTH_STORE_CONFORMANCE(memory, {}, [] { return store::make_memory_oauth_store(); });

TEST(OauthStoreUri, MemoryOpensAndBadUrisAreInvalid) {
  auto m = open_oauth_store("memory:");
  ASSERT_TRUE(m.has_value());
  EXPECT_TRUE((*m)->ping().has_value());
  for (const char* bad : {"", "memory", "postgres://h:1", "redis://h", "sqlite:"}) {
    SCOPED_TRACE(bad);
    auto r = open_oauth_store(bad);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
  }
}

}  // namespace
}  // namespace tessera
