// open_dpop_replay_cache(): the DPoP replay cache a store URI names (parse_store_uri), and the
// stored form of a jti shared by the store-backed caches.
// Thread safety: pure functions (each call opens a new cache).
#include "codec/base64url.hpp"
#include "crypto/crypto.hpp"
#include "store/dpop_replay_caches.hpp"

namespace tessera {

namespace store {

std::string dpop_jti_key(std::string_view jti) {
  return codec::base64url_encode(crypto::sha256(crypto::as_bytes(jti)));
}

}  // namespace store

Result<std::unique_ptr<DpopReplayCache>> open_dpop_replay_cache(std::string_view uri) {
  auto u = store::parse_store_uri(uri);
  if (!u) return std::unexpected(std::move(u.error()));
  switch (u->kind) {
    case store::StoreUri::Kind::memory:
      return make_memory_dpop_replay_cache(store::kMemoryDpopReplayEntries, SystemClock::instance());
    case store::StoreUri::Kind::sqlite: return store::make_sqlite_dpop_replay_cache(u->path, SystemClock::instance());
    case store::StoreUri::Kind::redis:
      return store::make_redis_dpop_replay_cache(std::move(u->nodes[0].first), u->nodes[0].second);
    case store::StoreUri::Kind::redis_cluster: return store::make_redis_cluster_dpop_replay_cache(std::move(u->nodes));
  }
  return fail(Errc::internal, "store URI: unknown kind");
}

}  // namespace tessera
