// The AccountStore conformance suite (account_store_conformance.hpp) on every backend:
// memory, SQLite, one Redis server and a 3-master Redis Cluster (started on loopback by
// redis_test_server.hpp; skipped only when redis-server is not installed).
#include <atomic>
#include <memory>
#include <string>

#include "account_store_conformance.hpp"
#include "redis_test_server.hpp"
#include "store/stores.hpp"

namespace tessera {
namespace {

std::unique_ptr<AccountStore> must(Result<std::unique_ptr<AccountStore>> r, std::string_view what) {
  if (!r) {
    ADD_FAILURE() << what << ": " << r.error().name() << ": " << r.error().message;
    return nullptr;
  }
  return std::move(*r);
}

std::string fresh_db() {
  static test::TempDir dir;
  static std::atomic<int> n{0};
  return dir.path() + "/accounts-" + std::to_string(n++) + ".db";
}

std::unique_ptr<AccountStore> single() {
  if (!test::redis_server_installed()) return nullptr;
  auto* s = test::shared_single();
  if (!s) {
    ADD_FAILURE() << "redis-server is installed but did not start";
    return nullptr;
  }
  return must(open_account_store("redis://127.0.0.1:" + std::to_string(s->server->port())), "redis");
}

std::unique_ptr<AccountStore> cluster() {
  if (!test::redis_server_installed()) return nullptr;
  auto* c = test::shared_cluster();
  if (!c) return nullptr;
  auto h = store::make_redis_cluster_halves(c->seeds());
  if (!h) {
    ADD_FAILURE() << "redis cluster: " << h.error().message;
    return nullptr;
  }
  return store::combine(std::move(*h));
}

TESSERA_ACCOUNT_STORE_CONFORMANCE(memory, [] { return must(open_account_store("memory:"), "memory"); });
TESSERA_ACCOUNT_STORE_CONFORMANCE(sqlite, [] { return must(open_account_store("sqlite:" + fresh_db()), "sqlite"); });
TESSERA_ACCOUNT_STORE_CONFORMANCE(redis, single);
TESSERA_ACCOUNT_STORE_CONFORMANCE(redis_cluster, cluster);

}  // namespace
}  // namespace tessera
