// open_account_store() and combine(): a backend's session half and user half as one
// AccountStore. The halves share their data (one SQLite file, one Redis router, one memory
// state); the rules live in the backends, this file only puts them together.
// Thread safety: as thread-safe as the halves (every backend's are).
#include <chrono>
#include <utility>

#include "store/stores.hpp"

namespace tessera {
namespace store {
namespace {

class Combined final : public AccountStore {
 public:
  explicit Combined(Halves h) : h_(std::move(h)) {}

  SessionStore& sessions() override { return *h_.sessions; }
  UserStore& users() override { return *h_.users; }

  Result<CredentialChangeResult> change_credentials(const CredentialChange& change) override {
    if (auto ok = check_change(change); !ok) return std::unexpected(std::move(ok.error()));
    return h_.sessions->change_credentials(change);
  }

  Result<void> ping() override {
    if (auto p = h_.sessions->ping(); !p) return p;
    return h_.users->ping();
  }

 private:
  Halves h_;
};

}  // namespace

std::unique_ptr<AccountStore> combine(Halves halves) { return std::make_unique<Combined>(std::move(halves)); }

Result<void> check_change(const CredentialChange& c) {
  if (c.replacement.has_value() != c.keep_id_hash.has_value())
    return fail(Errc::invalid_argument, "change_credentials: a replacement session goes with keep_id_hash");
  if (c.replacement && c.replacement->user != c.user)
    return fail(Errc::invalid_argument, "change_credentials: the replacement belongs to another user");
  return {};
}

std::int64_t unix_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Result<Halves> open_halves(std::string_view uri) {
  auto u = parse_store_uri(uri);
  if (!u) return std::unexpected(std::move(u.error()));
  switch (u->kind) {
    case StoreUri::Kind::memory: return make_memory_halves();
    case StoreUri::Kind::sqlite: return make_sqlite_halves(u->path);
    case StoreUri::Kind::redis: return make_redis_halves(std::move(u->nodes[0].first), u->nodes[0].second);
    case StoreUri::Kind::redis_cluster: return make_redis_cluster_halves(std::move(u->nodes));
  }
  return fail(Errc::internal, "store URI: unknown kind");
}

}  // namespace store

Result<std::unique_ptr<AccountStore>> open_account_store(std::string_view uri) {
  auto h = store::open_halves(uri);
  if (!h) return std::unexpected(std::move(h.error()));
  return store::combine(std::move(*h));
}

Result<std::unique_ptr<SessionStore>> open_session_store(std::string_view uri) {
  return store::half<SessionStore>(store::open_halves(uri));
}

Result<std::unique_ptr<UserStore>> open_user_store(std::string_view uri) {
  return store::half<UserStore>(store::open_halves(uri));
}

}  // namespace tessera
