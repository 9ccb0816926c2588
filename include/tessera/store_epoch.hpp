// The store epoch (DESIGN.md invariant 11): a random id written into the store at first start,
// so that a store which lost its data (a Redis restarted without persistence, a deleted SQLite
// file) or was swapped for another one is noticed instead of served as if nothing happened.
//
// An instance remembers the epoch it has seen (the server keeps it in its data directory) and
// compares it with the store's marker: check_store_epoch() is the decision table. An operator
// accepts the store as it is with confirm_epoch_marker() (`tessera store confirm-reset`): a new
// epoch that names the epochs it supersedes, so that every instance still remembering one of
// them adopts the new one by itself.
//
// What it catches: an empty store, another deployment's store. What it does not: a store rolled
// back to an older snapshot of the same epoch (docs/redis.md, "Persistence").
// Thread safety: EpochStore implementations are safe for concurrent use; the rest are pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tessera/error.hpp"

namespace tessera {

// What a store holds: its epoch id, the earlier epochs an operator's confirmation replaced
// (most recent first, at most kMaxSupersededEpochs), and when the marker was written. Ids are
// 16-64 base64url characters (new_epoch_id() makes 22: 128 random bits).
struct EpochMarker {
  std::string id;
  std::vector<std::string> supersedes;
  // Unix seconds when the marker was written (by check_store_epoch's create or by an operator's
  // confirm); 0 for a marker written before markers carried it. After a data loss, stateless
  // tokens issued before it are not honoured (the server's not-before).
  std::int64_t created_at = 0;
  friend bool operator==(const EpochMarker&, const EpochMarker&) = default;
};

inline constexpr std::size_t kMaxSupersededEpochs = 32;

// The marker in one store. Every failure is store_unavailable (a marker that does not parse
// too: the store answered wrongly).
class EpochStore {
 public:
  virtual ~EpochStore() = default;
  // The marker, or nullopt when the store holds none.
  virtual Result<std::optional<EpochMarker>> read() = 0;
  // Writes fresh unless the store holds a marker already, atomically (two instances starting
  // at once agree on one); returns the marker the store holds afterwards.
  virtual Result<EpochMarker> create_if_absent(const EpochMarker& fresh) = 0;
  // Writes m whatever the store holds (the operator's confirmation).
  virtual Result<void> replace(const EpochMarker& m) = 0;
};

// The marker of the store a URI names (same syntax as open_session_store): "memory:" a private
// in-process marker (tests), "sqlite:PATH" a one-row table in that file, "redis://" and
// "redis-cluster://" the key `<prefix>epoch`. Connects lazily, like the stores.
Result<std::unique_ptr<EpochStore>> open_epoch_store(std::string_view uri);

// A new random epoch id: 128 bits from the CSPRNG, base64url without padding (22 characters).
std::string new_epoch_id();

// True for 16-64 characters of A-Z a-z 0-9 - _ (what a marker and a local file may hold).
bool valid_epoch_id(std::string_view id) noexcept;

// The decision table, given the store's marker and the epoch this instance remembers:
//   store none, local none                 -> create   (a brand-new deployment)
//   store M,    local none                 -> adopt M  (a new instance of a running deployment)
//   store M,    local M                    -> ready
//   store M,    local among M.supersedes   -> adopt M  (an operator confirmed a reset)
//   store none, local L                    -> store_lost     (not ready)
//   store M,    local L, none of the above -> store_replaced (not ready)
enum class EpochVerdict { ready, adopt, create, store_lost, store_replaced };
EpochVerdict decide_epoch(const std::optional<EpochMarker>& store, const std::optional<std::string>& local);
std::string_view verdict_name(EpochVerdict v) noexcept;

// The outcome of check_store_epoch().
struct EpochStatus {
  bool ready = false;
  EpochVerdict verdict = EpochVerdict::ready;  // as decided before acting (create, adopt, ...)
  std::optional<EpochMarker> store;            // the store's marker after the check
  std::optional<std::string> local;            // what the instance remembered
  // Set when the instance must remember a new epoch (adopt, create): write it locally.
  std::optional<std::string> remember;
  // One sentence for the log and the CLI: why it is (not) ready.
  std::string reason;
};

// Reads the marker, decides, and for a brand-new deployment creates it, created_at = now
// (create_if_absent: when another instance won the race, its marker is adopted). Never writes
// anything else; never replaces a marker. Errors: the store's (store_unavailable).
Result<EpochStatus> check_store_epoch(EpochStore& store, const std::optional<std::string>& local, std::int64_t now);

// The marker an operator's confirmation writes: the id fresh, superseding the store's current
// epoch, the epochs it superseded and the confirming instance's local one (no duplicates, most
// recent first, at most kMaxSupersededEpochs), written at now (created_at).
EpochMarker confirm_epoch_marker(const std::optional<EpochMarker>& current, const std::optional<std::string>& local,
                                 std::string fresh, std::int64_t now);

}  // namespace tessera
