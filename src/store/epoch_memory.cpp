// The in-memory EpochStore ("memory:"): a marker that lives as long as this object. For tests;
// the server does not check epochs on the memory store (nothing survives a restart by design).
// Thread safety: one mutex.

#include "common/mutex.hpp"
#include "store/epoch.hpp"

namespace tessera::store {
namespace {

class MemoryEpochStore final : public EpochStore {
 public:
  Result<std::optional<EpochMarker>> read() override {
    MutexLock lock(mu_);
    return marker_;
  }
  Result<EpochMarker> create_if_absent(const EpochMarker& fresh) override {
    MutexLock lock(mu_);
    if (!marker_) marker_ = fresh;
    return *marker_;
  }
  Result<void> replace(const EpochMarker& m) override {
    MutexLock lock(mu_);
    marker_ = m;
    return {};
  }

 private:
  Mutex mu_;
  std::optional<EpochMarker> marker_ GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<EpochStore> make_memory_epoch_store() { return std::make_unique<MemoryEpochStore>(); }

}  // namespace tessera::store
