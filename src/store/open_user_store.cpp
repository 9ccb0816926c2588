// open_user_store(): picks a UserStore backend from a URI, the same syntax as
// open_session_store() (store::parse_store_uri), so users and sessions live in one place.
// Thread safety: a pure function.
#include <string_view>

#include "store/stores.hpp"

namespace tessera {

Result<std::unique_ptr<UserStore>> open_user_store(std::string_view uri) {
  return store::open_by_uri<UserStore>(uri, {store::make_memory_user_store, store::make_sqlite_user_store,
                                             store::make_redis_user_store, store::make_redis_cluster_user_store});
}

}  // namespace tessera
