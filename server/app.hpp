// The application behind `tessera serve` (docs/server.md "HTTP API"): a router from (method,
// path pattern) to handler coroutines, and the handlers for login, sessions, JWKS, health and
// metrics (served on the metrics listener, server/metrics_app.hpp). New endpoints (/token,
// /introspect, /revoke) are new Router::add() calls in App::routes().
//
// Password hashing never runs on an I/O thread: login and password change run on the password
// pool (one thread per core). Other store calls run on the store pool (--worker-threads) and
// are awaited back on the connection's strand, or, with --worker-threads 0, inline on the I/O
// thread (cheaper for SQLite and memory, whose reads take microseconds).
// Thread safety: Router is immutable once built; App may serve many connections at once.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <exception>
#include <optional>
#include <type_traits>
#include <utility>

#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json/value.hpp>

#include "server/config.hpp"
#include "server/epoch_guard.hpp"
#include "server/http.hpp"
#include "server/log.hpp"
#include "server/metrics.hpp"
#include "tessera/auth_service.hpp"
#include "tessera/session.hpp"
#include "tessera/session_store.hpp"
#include "tessera/user_store.hpp"

namespace tessera::server {

// Runs fn (a blocking call returning a Result: store access, password hashing) on the pool;
// the awaiting coroutine resumes on its own executor (the connection's strand), so no I/O
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

// One request being served, as handlers see it.
struct Exchange {
  Incoming& in;
  std::vector<std::string> params;  // path parameters, in pattern order
  ClientInfo client;                // ip (after --trust-proxy), user agent (<= 256 bytes)
  std::string session_hash;         // id hash of the session that authenticated it (for the log)
  std::string error;                // error code of the response, if any (for the log)
};

using Handler = std::function<asio::awaitable<Response>(Exchange&)>;

class Router {
 public:
  // pattern: an absolute path whose segments are literals or "{name}" (one non-empty
  // segment). Where a path matches several patterns, the one with more literal segments
  // (earlier segments weigh more) wins.
  void add(http::verb method, std::string pattern, Handler handler);

  struct Match {
    enum class Kind { found, not_found, method_not_allowed };
    Kind kind = Kind::not_found;
    const Handler* handler = nullptr;  // when found
    std::string pattern;               // found or method_not_allowed: the best matching pattern
    std::vector<std::string> params;   // when found
    std::string allow;                 // method_not_allowed: "DELETE, POST"
  };
  // target: the request target; a query string is ignored.
  Match match(http::verb method, std::string_view target) const;

  // Distinct patterns, in registration order (the metrics' route labels).
  std::vector<std::string> patterns() const;

 private:
  struct Route {
    http::verb method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  std::vector<Route> routes_;
};

// What the application works with; everything here outlives the App.
struct AppContext {
  const ServerConfig* cfg = nullptr;
  AuthService* auth = nullptr;
  SessionManager* sessions = nullptr;
  SessionStore* session_store = nullptr;
  UserStore* user_store = nullptr;
  std::string jwks_json;
  asio::thread_pool* pool = nullptr;           // store calls; nullptr: inline on the I/O thread
  // The session check's reader per lane (Incoming::lane; SessionStore::reader() on that lane's
  // loop); empty: the check goes through pool like other store calls.
  std::vector<SessionReader*> readers;
  asio::thread_pool* password_pool = nullptr;  // login and password change (Argon2id)
  Logger* log = nullptr;
  // The store epoch check (epoch_guard.hpp); nullptr: none (the memory store).
  EpochGuard* epoch = nullptr;
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

class App final : public Application {
 public:
  explicit App(AppContext ctx);

  asio::awaitable<Response> handle(Incoming& in) override;
  Response refuse(const Refused& r) override;
  void on_connection(int delta) noexcept override;
  void on_accept_error(std::string_view error, std::uint64_t suppressed) noexcept override;

  Metrics& metrics() noexcept { return metrics_; }
  const Router& router() const noexcept { return router_; }

 private:
  Router routes();
  // Handlers.
  asio::awaitable<Response> login(Exchange& x);
  asio::awaitable<Response> get_session(Exchange& x);
  asio::awaitable<Response> logout(Exchange& x);
  asio::awaitable<Response> list_sessions(Exchange& x);
  asio::awaitable<Response> revoke_session(Exchange& x);
  asio::awaitable<Response> revoke_others(Exchange& x);
  asio::awaitable<Response> logout_everywhere(Exchange& x);
  asio::awaitable<Response> change_password(Exchange& x);
  asio::awaitable<Response> jwks(Exchange& x);
  asio::awaitable<Response> healthz(Exchange& x);
  asio::awaitable<Response> readyz(Exchange& x);

  // 503 for a route that uses the store while the store epoch is not ready (store_unavailable
  // while it could not be checked yet, store_epoch_mismatch when the store lost its data or was
  // replaced); nullopt: go ahead.
  asio::awaitable<std::optional<Response>> epoch_gate(Exchange& x, std::string_view pattern);

  struct Authed {
    std::string id;  // the cookie value
    Session session;
  };
  // The session behind the cookie; for state-changing requests also the CSRF checks.
  // On failure, the response to send.
  asio::awaitable<std::expected<Authed, Response>> authenticate(Exchange& x, bool state_changing);
  // The same-origin headers (Sec-Fetch-Site, Origin), when the client sent them.
  bool same_origin(const Exchange& x) const;
  // The named string members of the body (JSON; form too when allow_form), or the 400/415.
  std::expected<std::vector<std::string>, Response> read_fields(Exchange& x, std::vector<std::string_view> names,
                                                                bool allow_form);

  Response error(Exchange& x, http::status status, std::string_view code, std::string_view message);
  // The response for a library error (and its metrics and log line).
  Response error(Exchange& x, const Error& e);
  // The answer error_table.hpp gives for a public code; message replaces the fixed text when
  // given (a reason the client may see, e.g. which field is missing).
  Response error(Exchange& x, std::string_view code, std::string_view message = {});
  // {user, csrf_token, expires_at} + Set-Cookie, after login or password change.
  // The response to /login and /password: counts failures and throttling, or sets the cookie.
  Response login_outcome(Exchange& x, const Result<LoginResult>& r);
  Response logged_in(Exchange& x, const LoginResult& r);
  std::string cookie_for(const Session& s, std::string_view id) const;
  std::string deletion_cookie_value() const;
  ClientInfo client_info(const Incoming& in) const;
  // Security headers, Cache-Control default, HSTS over TLS.
  static void finalize(Response& res, bool tls);
  void record(std::size_t route, std::string_view method, const Response& res, double seconds, const Exchange* x,
              std::string_view ip, std::string_view error_code);

  AppContext ctx_;
  Router router_;
  Metrics metrics_;
};

// A JSON response with Content-Type application/json.
Response json_response(http::status status, const boost::json::value& body);
// The headers every response carries (docs/server.md "HTTP API"): nosniff, no referrer, CSP,
// no framing, Cache-Control: no-store unless set; HSTS over TLS.
void add_security_headers(Response& res, bool tls);

}  // namespace tessera::server
