// authenticate and optional_session (server/routes/authenticate.hpp).
#include "server/routes/authenticate.hpp"

#include <optional>
#include <utility>

#include "server/request.hpp"
#include "server/response.hpp"
#include "tessera/cookie.hpp"

namespace tessera::server {
namespace {

// The hot path: the lane's reader (no thread hand-off), else the store pool. Not a coroutine
// itself: it hands back the awaitable to wait for. id must outlive the wait.
asio::awaitable<Result<Session>> check_session(const AppContext& ctx, const std::string& id, std::size_t lane) {
  if (ctx.readers.empty()) return run_store(ctx, [&ctx, &id] { return ctx.auth.authenticate(id); });
  SessionReader& reader = *ctx.readers.at(lane);
  return await_completion<Session>(
      [&ctx, &id, &reader](Completion<Session> done) { ctx.auth.authenticate(id, reader, std::move(done)); });
}

}  // namespace

asio::awaitable<std::expected<Authed, Response>> authenticate(const AppContext& ctx, Exchange& x, bool state_changing) {
  std::optional<std::string> id = request_cookie(x.in.msg, CookieOptions{}.name);
  if (!id || id->empty()) co_return std::unexpected(error_response(x, "unauthenticated"));

  auto s = co_await check_session(ctx, *id, x.in.lane);
  if (!s) co_return std::unexpected(error_response(ctx, x, s.error()));
  ctx.metrics.add(Counter::sessions_validated);
  x.session_hash = s->record.id_hash;

  if (state_changing) {
    const bool same = same_origin(x.in.msg, ctx.cfg.public_origin);
    if (!ctx.auth.check_csrf(*s, header(x.in.msg, "X-CSRF-Token"), same))
      co_return std::unexpected(error_response(x, "csrf_failed"));
  }
  co_return Authed{std::move(*id), std::move(*s)};
}

asio::awaitable<Result<std::optional<Authed>>> optional_session(const AppContext& ctx, Exchange& x) {
  std::optional<std::string> id = request_cookie(x.in.msg, CookieOptions{}.name);
  if (!id || id->empty()) co_return std::optional<Authed>();
  auto s = co_await check_session(ctx, *id, x.in.lane);
  if (!s) {
    switch (s.error().code) {
      case Errc::session_not_found:
      case Errc::session_idle_expired:
      case Errc::session_absolute_expired:
      case Errc::session_revoked:
      case Errc::user_not_found:
      case Errc::invalid_credentials:
        co_return std::optional<Authed>();
      default:
        co_return std::unexpected(std::move(s.error()));
    }
  }
  ctx.metrics.add(Counter::sessions_validated);
  x.session_hash = s->record.id_hash;
  co_return std::optional<Authed>(Authed{std::move(*id), std::move(*s)});
}

}  // namespace tessera::server
