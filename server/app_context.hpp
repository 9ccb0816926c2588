// What the handlers of `tessera serve` work with (AppContext), and how they run blocking calls:
// run_store() for store calls, run_blocking() for password hashing, store_epoch() for the store
// epoch check (server/epoch_guard.hpp) that the routes and /readyz share.
//
// Password hashing never runs on an I/O thread: login and password change run on the password
// pool (one thread per core). The session check of every request goes through the lane's
// SessionReader (await_completion): inline for SQLite and memory, asynchronous on the lane's
// own pipelined connection for Redis. Other store calls run on the store pool
// (--worker-threads) and are awaited back on the connection's executor, or, when there is none,
// inline on the I/O thread (cheaper for SQLite and memory, whose reads take microseconds).
// Thread safety: an AppContext is read-only once built; what it refers to is thread-safe
// (AuthService, AuthorizationServer, Logger, Metrics, EpochGuard, the pools, Clock).
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "server/config.hpp"
#include "server/epoch_guard.hpp"
#include "server/http.hpp"
#include "server/log.hpp"
#include "server/metrics.hpp"
#include "tessera/auth_service.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/clock.hpp"
#include "tessera/error.hpp"
#include "tessera/session_store.hpp"

namespace tessera::server {

class RevocationFeed;  // server/revocation_feed.hpp
namespace bff {
class BffService;  // server/bff/bff_service.hpp
}

// Runs fn (a blocking call returning a Result: store access, password hashing) on the pool;
// the awaiting coroutine resumes on its own executor (the connection's lane or strand), so no I/O
// thread ever waits on a store. An exception from fn becomes Errc::internal.
template <class F>
asio::awaitable<std::invoke_result_t<F&>> run_blocking(asio::thread_pool& pool, F fn) {
  using R = std::invoke_result_t<F&>;
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(R)>(
      [&pool](auto handler, F f) {
        auto work = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
        asio::post(pool, [handler = std::move(handler), f = std::move(f), work = std::move(work)]() mutable {
          std::optional<R> result;
          try {
            result.emplace(f());
          } catch (const std::exception& e) {
            result.emplace(std::unexpect, Error(Errc::internal, e.what()));
          } catch (...) {
            result.emplace(std::unexpect, Error(Errc::internal, "unknown exception"));
          }
          auto target = work;
          asio::dispatch(target, [handler = std::move(handler), r = std::move(*result)]() mutable {
            std::move(handler)(std::move(r));
          });
        });
      },
      asio::use_awaitable, std::move(fn));
}

// Runs start(Completion<T>) (an asynchronous library call, e.g. AuthService::authenticate with
// a SessionReader) and resumes the awaiting coroutine on its own executor with the result,
// always through a post: a reader may answer inline, before the coroutine has suspended.
template <class T, class Start>
asio::awaitable<Result<T>> await_completion(Start start) {
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>, void(Result<T>)>(
      [](auto handler, Start st) {
        auto work = asio::prefer(asio::get_associated_executor(handler), asio::execution::outstanding_work.tracked);
        st(Completion<T>([handler = std::move(handler), work = std::move(work)](Result<T> r) mutable {
          auto target = work;
          asio::post(target, [handler = std::move(handler), r = std::move(r)]() mutable {
            std::move(handler)(std::move(r));
          });
        }));
      },
      asio::use_awaitable, std::move(start));
}

// What the application works with; everything referred to outlives the App and its handlers.
// Handlers reach the library through the service layer only: `auth` (logins, sessions) and
// `oauth` (the OAuth 2.1 / OpenID Connect endpoints, app grants).
struct AppContext {
  const ServerConfig& cfg;
  AuthService& auth;
  AuthorizationServer& oauth;
  Logger& log;
  Metrics& metrics;                    // made with route_patterns() (server/app.hpp)
  const Clock& clock;                  // "now" for cookie lifetimes
  asio::thread_pool& password_pool;    // login and password change (Argon2id)
  // May be absent: the store pool (nullptr: store calls run inline on the I/O thread) and the
  // store epoch check (nullptr: none, as on the memory store).
  asio::thread_pool* pool = nullptr;
  EpochGuard* epoch = nullptr;
  // The session check's reader per lane (Incoming::lane; SessionStore::reader() on that lane's
  // loop); empty: the check goes through run_store like other store calls.
  std::vector<SessionReader*> readers = {};
  // The revocation feed's fan-out (server/revocation_feed.hpp); null: GET /oauth2/revocations
  // answers 503.
  RevocationFeed* feed = nullptr;
  // The BFF (docs/bff.md) and the pool its blocking calls (issuer, upstreams, store) run on;
  // null: --bff-client is not set and the /bff/* routes are not registered.
  bff::BffService* bff = nullptr;
  asio::thread_pool* bff_pool = nullptr;
};

// Runs a store call on ctx.pool, or inline when there is none (exceptions become internal).
template <class F>
asio::awaitable<std::invoke_result_t<F&>> run_store(const AppContext& ctx, F fn) {
  using R = std::invoke_result_t<F&>;
  if (ctx.pool) co_return co_await run_blocking(*ctx.pool, std::move(fn));
  try {
    co_return fn();
  } catch (const std::exception& e) {
    co_return R(std::unexpect, Error(Errc::internal, e.what()));
  }
}

// The store epoch state (server/epoch_guard.hpp), the one way the routes and /readyz read it:
// ready when there is no guard; otherwise the guard's state, checked against the store first
// (a marker read, via run_store) when `recheck` or while the state is still unknown. A check
// that fails to run leaves the state as it was.
asio::awaitable<EpochGuard::State> store_epoch(const AppContext& ctx, bool recheck);

}  // namespace tessera::server
