// Redis Cluster routing on top of hiredis: key → hash slot (CRC16/XMODEM of the hash tag, mod
// 16384), slot → master from CLUSTER SLOTS, MOVED (update the map, retry on the new owner),
// ASK (ASKING then retry on the importing node, map unchanged), TRYAGAIN (short back-off),
// all bounded. One connection pool per node; a connection error marks the map stale so the
// next call re-learns it (at most one refresh per kRefreshInterval when nodes keep failing).
// Thread safety: ClusterRouter is safe for concurrent use; the map sits behind a shared_mutex.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/mutex.hpp"
#include "store/redis_conn.hpp"

namespace tessera::store::redis {

// In the message of the store_unavailable a call gets when its slot kept moving (MOVED, ASK,
// TRYAGAIN) beyond the attempts: a caller with a fallback for migrations looks for it.
inline constexpr std::string_view kSlotNotSettled = "not settled";

inline constexpr std::size_t kSlots = 16384;

// CRC16-CCITT (XMODEM): poly 0x1021, init 0, no reflection; "123456789" → 0x31C3.
std::uint16_t crc16_xmodem(std::string_view data) noexcept;
// Redis Cluster key slot: the hash tag (between the first '{' and the next '}', if non-empty)
// or else the whole key, CRC16 mod 16384.
std::uint16_t key_slot(std::string_view key) noexcept;

class ClusterRouter final : public Router {
 public:
  static constexpr int kMaxAttempts = 8;  // redirects + TRYAGAIN back-offs per call
  static constexpr std::chrono::milliseconds kRefreshInterval{100};

  ClusterRouter(std::vector<Endpoint> seeds, RedisOptions options);

  Result<Reply> run(std::string_view key, const Op& op) override;
  // PING every master in the map (learning it first if needed).
  Result<void> ping() override;
  // nullopt while the map is stale: run() re-learns it first.
  std::optional<Endpoint> endpoint_for(std::string_view key) const override;
  void connection_failed() noexcept override { mark_stale(); }

  // Re-learns the slot map from the first node (known masters, then seeds) that answers.
  Result<void> refresh();

  // Observability and tests.
  struct Stats {
    std::uint64_t moved = 0, ask = 0, tryagain = 0, refreshes = 0;
  };
  Stats stats() const noexcept;
  // The master the map currently names for slot (empty host if unknown).
  Endpoint owner(std::uint16_t slot) const;
  // Test hook: pretend the map says node `at` serves slot (to provoke a MOVED).
  void set_owner_for_test(std::uint16_t slot, const Endpoint& at);

 private:
  struct Node {
    Node(Endpoint e, const RedisOptions& o) : pool(std::move(e), o) {}
    Pool pool;
  };
  std::shared_ptr<Node> node_for(const Endpoint& at);  // creates on first sight
  std::shared_ptr<Node> owner_node(std::uint16_t slot) const;
  Result<void> refresh_if_due(bool force);
  void mark_stale() noexcept { stale_.store(true); }

  std::vector<Endpoint> seeds_;
  RedisOptions options_;

  mutable SharedMutex map_mu_;
  std::array<std::shared_ptr<Node>, kSlots> slots_ GUARDED_BY(map_mu_);
  std::map<std::string, std::shared_ptr<Node>> nodes_ GUARDED_BY(map_mu_);  // "host:port" → node

  Mutex refresh_mu_;  // one refresh at a time
  std::chrono::steady_clock::time_point last_refresh_ GUARDED_BY(refresh_mu_){};
  std::atomic<bool> stale_{true};
  std::atomic<std::uint64_t> moved_{0}, ask_{0}, tryagain_{0}, refreshes_{0};
};

}  // namespace tessera::store::redis

namespace tessera::store {
// The Redis session half and user half over any router (redis_store.cpp,
// redis_user_store.cpp); make_redis_halves and make_redis_cluster_halves use them, tests use
// them to keep a handle on the router.
std::unique_ptr<AccountSessions> make_redis_store_on(std::shared_ptr<redis::Router> router, RedisOptions options);
std::unique_ptr<UserStore> make_redis_user_store_on(std::shared_ptr<redis::Router> router, const RedisOptions& options);
Halves make_redis_halves_on(std::shared_ptr<redis::Router> router, RedisOptions options);
// "P{u:<32 hex>}": the hash-tagged key base every key of user shares (P = key_prefix).
std::string redis_user_base(std::string_view key_prefix, std::string_view user);
}  // namespace tessera::store
