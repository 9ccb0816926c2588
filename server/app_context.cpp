// store_epoch (server/app_context.hpp).
#include "server/app_context.hpp"

namespace tessera::server {

asio::awaitable<EpochGuard::State> store_epoch(const AppContext& ctx, bool recheck) {
  if (!ctx.epoch) co_return EpochGuard::State::ready;
  EpochGuard& guard = *ctx.epoch;
  auto state = guard.state();
  if (recheck || state == EpochGuard::State::unknown) {
    auto checked = co_await run_store(ctx, [&guard]() -> Result<EpochGuard::State> { return guard.check(); });
    state = checked ? *checked : guard.state();
  }
  co_return state;
}

}  // namespace tessera::server
