// open_oauth_store(): the OAuthStore backend a store URI names (parse_store_uri).
// Thread safety: a pure function (each call opens a new store).
#include "store/oauth_stores.hpp"

namespace tessera {

Result<std::unique_ptr<OAuthStore>> open_oauth_store(std::string_view uri) {
  auto u = store::parse_store_uri(uri);
  if (!u) return std::unexpected(std::move(u.error()));
  switch (u->kind) {
    case store::StoreUri::Kind::memory: return store::make_memory_oauth_store();
    case store::StoreUri::Kind::sqlite: return store::make_sqlite_oauth_store(u->path);
    case store::StoreUri::Kind::redis: return store::make_redis_oauth_store(std::move(u->nodes[0].first), u->nodes[0].second);
    case store::StoreUri::Kind::redis_cluster: return store::make_redis_cluster_oauth_store(std::move(u->nodes));
  }
  return fail(Errc::internal, "store URI: unknown kind");
}

}  // namespace tessera
