// The shared password login (server/routes/login_call.hpp).
#include "server/routes/login_call.hpp"

#include "server/request.hpp"
#include "server/response.hpp"
#include "tessera/device_cookie.hpp"

namespace tessera::server {

asio::awaitable<Result<LoginResult>> password_login(const AppContext& ctx, Exchange& x, const std::string& user,
                                                   const std::string& password) {
  // The device cookie picks the throttle key (its own, or the account's when absent or invalid).
  const std::string device = request_cookie(x.in.msg, kDeviceCookieName).value_or(std::string());
  auto r = co_await run_blocking(ctx.password_pool, [&ctx, &user, &password, &x, &device] {
    return ctx.auth.login(user, password, x.client, device);
  });
  count_login(ctx, r);
  co_return r;
}

void count_login(const AppContext& ctx, const Result<LoginResult>& r) {
  if (r) {
    ctx.metrics.add(Counter::sessions_created);
    return;
  }
  if (r.error().code == Errc::invalid_credentials) ctx.metrics.add(Counter::logins_failed);
  if (r.error().code == Errc::throttled) ctx.metrics.add(Counter::logins_throttled);
}

void set_login_cookies(const AppContext& ctx, Exchange& x, Response& res, const LoginResult& r) {
  x.session_hash = r.session.session.record.id_hash;
  res.set(http::field::set_cookie, session_cookie(r.session.session, r.session.id, ctx.clock.now()));
  if (!r.device_cookie.empty()) res.insert(http::field::set_cookie, device_set_cookie(r.device_cookie));
}

}  // namespace tessera::server
