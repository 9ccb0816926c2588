// tessera::server::run (server/server.hpp): opens keys and stores, wires AuthService, the
// AuthorizationServer (once the listener is bound: the default issuer names its address), App
// and HttpServer, runs the io_context on cfg.threads threads with a worker pool for blocking
// calls, sweeps expired sessions and OAuth records every minute, re-checks the store epoch
// every 5 s (epoch_guard.hpp; a ready epoch's created_at is the OAuth not-before), and drains on
// SIGINT/SIGTERM. Signing keys follow keys/ on a thread of their own (key_watcher.hpp).
#include "server/server.hpp"

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>
#include <vector>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>
#include <fmt/format.h>

#include "server/app.hpp"
#include "server/app_context.hpp"
#include "server/asio_event_loop.hpp"
#include "server/bff/open_bff.hpp"
#include "server/drain.hpp"
#include "server/epoch_guard.hpp"
#include "server/revocation_feed.hpp"
#include "server/fd_limit.hpp"
#include "server/first_start.hpp"
#include "server/http.hpp"
#include "server/key_watcher.hpp"
#include "server/keys_dir.hpp"
#include "server/lanes.hpp"
#include "server/log.hpp"
#include "server/metrics.hpp"
#include "server/metrics_app.hpp"
#include "server/oauth_observer.hpp"
#include "server/services.hpp"
#include "server/tls.hpp"
#include "tessera/auth_service.hpp"
#include "tessera/authorization_server.hpp"
#include "tessera/clock.hpp"
#include "tessera/device_cookie.hpp"
#include "tessera/session.hpp"
#include "tessera/session_store.hpp"
#include "tessera/store_epoch.hpp"
#include "tessera/user_store.hpp"

namespace tessera::server {
namespace {

namespace json = boost::json;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::seconds kSweepEvery{60};
constexpr std::size_t kMetricsConnections = 16;
// How often the store epoch is re-checked besides /readyz (one GET on Redis).
constexpr std::chrono::seconds kEpochCheckEvery{5};
// The BFF's pool (docs/bff.md): its issuer and upstream calls block a thread each, so this many
// run at once (at least; 4 per core on bigger machines) and more wait their turn.
constexpr unsigned kBffThreadsMin = 16;
// How late an info line of the request log may reach standard output (server/log.hpp).
constexpr std::chrono::milliseconds kLogFlushEvery{50};

int startup_failed(Logger& log, std::string_view what, const Error& e) {
  log.log(LogLevel::error, "startup failed", json::object{{"step", what}, {"error", e.name()}, {"detail", e.message}});
  std::fprintf(stderr, "tessera: %.*s: %s (%.*s)\n", static_cast<int>(what.size()), what.data(), e.message.c_str(),
               static_cast<int>(e.name().size()), e.name().data());
  return 1;
}

// One sweep of a store's expired records, logged.
template <class Store>
asio::awaitable<void> sweep_once(asio::thread_pool& pool, Store& store, Logger& log, std::string_view what) {
  auto swept = co_await run_blocking(pool, [&store] { return store.sweep(SystemClock::instance().now()); });
  if (!swept)
    log.log(LogLevel::error, "store error",
            json::object{{"op", "sweep"}, {"records", what}, {"error", swept.error().name()},
                         {"detail", swept.error().message}});
  else if (*swept > 0)
    log.log(LogLevel::debug, "records swept", json::object{{"records", what}, {"count", *swept}});
}

asio::awaitable<void> sweep_loop(asio::steady_timer& timer, const bool& stopping, asio::thread_pool& pool,
                                 SessionStore& sessions, OAuthStore& oauth, Logger& log) {
  while (!stopping) {
    timer.expires_after(kSweepEvery);
    auto [ec] = co_await timer.async_wait(kTuple);
    if (ec || stopping) co_return;
    co_await sweep_once(pool, sessions, log, "sessions");
    co_await sweep_once(pool, oauth, log, "oauth");
  }
}

// The transport's application, built once the listener is bound: the default issuer names the
// bound address (port 0 picks one), and the App's routes need the AuthorizationServer made with
// it. The transport calls it only after start(), which comes after the App exists.
class BoundApp final : public Application {
 public:
  std::optional<App> app;

  asio::awaitable<Response> handle(Incoming& in) override { return app->handle(in); }
  Response refuse(const Refused& r) override { return app->refuse(r); }
  void on_connection(int delta) noexcept override { app->on_connection(delta); }
  void on_accept_error(std::string_view error, std::uint64_t suppressed) noexcept override {
    app->on_accept_error(error, suppressed);
  }
};

asio::awaitable<void> epoch_loop(asio::steady_timer& timer, const bool& stopping, asio::thread_pool& pool,
                                 EpochGuard& guard) {
  while (!stopping) {
    timer.expires_after(kEpochCheckEvery);
    auto [ec] = co_await timer.async_wait(kTuple);
    if (ec || stopping) co_return;
    // The guard keeps and logs its own state; /readyz and the routes read it from there.
    (void)co_await run_blocking(pool, [&guard]() -> Result<EpochGuard::State> { return guard.check(); });
  }
}

}  // namespace

int run(const ServerConfig& cfg) {
  // Info lines in batches at most kLogFlushEvery late, warn/error at once. Declared first, so
  // it outlives everything that logs below; its destructor writes the last lines ("stopped").
  Logger log(parse_log_level(cfg.log_level).value_or(LogLevel::info), 1, kLogFlushEvery);
  std::signal(SIGPIPE, SIG_IGN);

  auto endpoint = resolve_listen_address(cfg.listen);
  if (!endpoint) return startup_failed(log, "listen", endpoint.error());
  std::optional<tcp::endpoint> metrics_endpoint;
  if (cfg.metrics_enabled()) {
    auto m = resolve_listen_address(cfg.metrics_listen);
    if (!m) return startup_failed(log, "metrics listen", m.error());
    metrics_endpoint = *m;
  }

  // Every descriptor the hard limit allows, and never more connections than descriptors to
  // spare for them (server/fd_limit.hpp keeps a reserve for stores, listeners and logs).
  auto fds = raise_fd_limit();
  if (!fds) return startup_failed(log, "file descriptors", fds.error());
  const std::size_t max_connections = connection_cap(cfg.http.max_connections, fds->soft);
  if (max_connections < cfg.http.max_connections)
    log.log(LogLevel::warn, "max_connections capped",
            json::object{{"configured", cfg.http.max_connections},
                         {"effective", max_connections},
                         {"nofile", fds->soft},
                         {"reserve", fd_reserve(fds->soft)}});
  if (cfg.tls_cert.empty() != cfg.tls_key.empty())
    return startup_failed(log, "tls", Error(Errc::invalid_argument, "give both --tls-cert and --tls-key, or neither"));

  auto data = open_data_dir(cfg.data);
  if (!data) return startup_failed(log, "data directory", data.error());
  const std::string uri = cfg.store_uri();
  // The store epoch (DESIGN.md invariant 11): checked now, then every few seconds and on each
  // /readyz. Not on the memory store, which starts empty by design.
  std::optional<EpochGuard> epoch;
  if (cfg.store != "memory") {
    auto epoch_store = open_epoch_store(uri);
    if (!epoch_store) return startup_failed(log, "store epoch", epoch_store.error());
    epoch.emplace(std::move(*epoch_store), cfg.data, log);
    epoch->check();
  }

  auto device_cookies = DeviceCookies::create(data->device_cookie_key);
  if (!device_cookies) return startup_failed(log, "device cookie key", device_cookies.error());
  // Redis stores connect lazily: a Redis that is down now gives 503 store_unavailable per
  // request until it comes back, not a failed start.
  auto services = open_services(cfg, std::make_shared<const DeviceCookies>(std::move(*device_cookies)));
  if (!services) return startup_failed(log, "store", services.error());
  AuthService& auth = *services->auth;
  AccountStore& accounts = *services->store;
  // Unknown users must cost what the stored hashes cost, also after an Argon2 parameter change.
  if (auto learned = auth.learn_password_params(); !learned)
    log.log(LogLevel::warn, "password parameters of the stored hashes unknown",
            json::object{{"error", learned.error().name()},
                         {"effect", "unknown users are verified with the configured parameters until a login"}});

  std::optional<asio::ssl::context> tls;
  if (!cfg.tls_cert.empty()) {
    tls.emplace(asio::ssl::context::tls_server);
    if (auto t = setup_tls(*tls, cfg.tls_cert, cfg.tls_key); !t) return startup_failed(log, "tls", t.error());
  }

  const unsigned threads = Lanes::default_count(cfg.threads);
  // One io_context per I/O thread (a lane): each connection lives on one lane, and each lane
  // checks sessions through its own store reader (for Redis: its own pipelined connection per
  // node), so the hot path never hands a request to another thread. Lane 0 also runs the
  // acceptors, signals and timers (server/lanes.hpp).
  Lanes lanes(threads);
  asio::io_context& ioc = lanes.main();
  const std::vector<asio::io_context*> lane_ptrs = lanes.pointers();
  // Store calls: a pool of cfg.worker_threads, or inline on the I/O threads when 0. Password
  // hashing (and the periodic sweep): its own pool, one thread per core, so a burst of logins
  // never queues session checks behind Argon2id.
  // 0 (auto): SQLite and memory answer in microseconds, so inline; Redis calls wait on the
  // network, so two threads per core (measured best of 0/4/16 on 2 cores: docs/benchmarks.md).
  unsigned cores = std::thread::hardware_concurrency();
  const bool networked = cfg.store.rfind("redis", 0) == 0;
  const unsigned store_threads = cfg.worker_threads != 0 ? cfg.worker_threads : networked ? 2 * std::max(cores, 1u) : 0;
  std::optional<asio::thread_pool> store_pool;
  if (store_threads != 0) store_pool.emplace(store_threads);
  asio::thread_pool password_pool(cores != 0 ? cores : 1);

  std::vector<std::unique_ptr<AsioEventLoop>> loops;
  std::vector<std::unique_ptr<SessionReader>> readers;
  std::vector<SessionReader*> reader_ptrs;
  for (asio::io_context* l : lane_ptrs) {
    loops.push_back(std::make_unique<AsioEventLoop>(*l, store_pool ? &*store_pool : nullptr));
    readers.push_back(accounts.sessions().reader(*loops.back()));
    reader_ptrs.push_back(readers.back().get());
  }

  Metrics metrics(route_patterns());
  BoundApp app;
  HttpLimits limits = cfg.http;
  limits.max_connections = max_connections;
  HttpServer http(ioc, app, limits, tls ? &*tls : nullptr, lane_ptrs);
  auto bound = http.listen(*endpoint);
  if (!bound) return startup_failed(log, "listen", bound.error());

  // The OAuth authorization server, named by its issuer (ServerConfig::issuer_for).
  const std::string issuer = cfg.issuer_for(local_url(*bound, http.tls()));
  auto fetcher = make_key_set_fetcher(cfg);
  if (!fetcher) return startup_failed(log, "oauth", fetcher.error());
  if (auto ok = open_oauth(*services, cfg, data->signing_keys, data->oauth_key, issuer,
                           &SystemClock::instance(), oauth_observer(log, metrics), std::move(*fetcher));
      !ok)
    return startup_failed(log, "oauth", ok.error());
  AuthorizationServer& oauth = *services->oauth;
  // The signing keys on their schedule (docs/keys.md), kept in step with keys/ (checked every
  // kKeyCheckEvery, 250 ms).
  KeyWatcher key_watcher((std::filesystem::path(cfg.data) / "keys").string(), cfg.keys, oauth, log);
  if (auto ok = key_watcher.start(); !ok) return startup_failed(log, "signing keys", ok.error());
  // Its own thread: key generation (RSA) and file I/O never wait behind Argon2id on a pool, nor
  // hold up an I/O lane. Declared after the AuthorizationServer, so it stops (and joins) first.
  std::jthread key_thread([&key_watcher](std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    while (!stop.stop_requested()) {
      cv.wait_for(lock, stop, kKeyCheckEvery, [] { return false; });
      if (!stop.stop_requested()) key_watcher.check();
    }
  });
  // A store that lost its data and was confirmed afresh (tessera store confirm-reset) revokes
  // every stateless token issued before: its marker's created_at is their not-before.
  if (epoch) epoch->on_ready([&oauth](const EpochMarker& m) { oauth.set_not_before(m.created_at); });
  // The BFF (docs/bff.md), when --bff-client is set: its routes, service and pool.
  std::optional<bff::BffParts> bff_parts;
  std::optional<asio::thread_pool> bff_pool;
  if (cfg.bff_enabled()) {
    const std::string origin = cfg.public_origin.empty() ? local_url(*bound, http.tls()) : cfg.public_origin;
    auto parts = bff::open_bff(cfg, *services->sessions, accounts.sessions(), data->bff_key, issuer, origin);
    if (!parts) return startup_failed(log, "bff", parts.error());
    bff_parts.emplace(std::move(*parts));
    bff_pool.emplace(std::max(kBffThreadsMin, 4 * std::max(cores, 1u)));
  }
  // The revocation feed: one pump thread reading the store's log for every subscriber.
  RevocationFeed feed(*services->revocations, log);
  feed.start();
  app.app.emplace(AppContext{.cfg = cfg,
                             .auth = auth,
                             .oauth = oauth,
                             .log = log,
                             .metrics = metrics,
                             .clock = SystemClock::instance(),
                             .password_pool = password_pool,
                             .pool = store_pool ? &*store_pool : nullptr,
                             .epoch = epoch ? &*epoch : nullptr,
                             .readers = reader_ptrs,
                             .feed = &feed,
                             .bff = bff_parts ? bff_parts->service.get() : nullptr,
                             .bff_pool = bff_pool ? &*bff_pool : nullptr});

  // /metrics on its own plain-HTTP listener, with a handful of connections (scrapers).
  MetricsApp metrics_app(metrics, log);
  HttpLimits metrics_limits = limits;
  metrics_limits.max_connections = std::min<std::size_t>(kMetricsConnections, max_connections);
  HttpServer metrics_http(ioc, metrics_app, metrics_limits);
  std::optional<tcp::endpoint> metrics_bound;
  if (metrics_endpoint) {
    auto b = metrics_http.listen(*metrics_endpoint);
    if (!b) return startup_failed(log, "metrics listen", b.error());
    metrics_bound = *b;
  }
  auto open_connections = [&] { return http.connections() + metrics_http.connections(); };

  // Signals, the sweep timer and the shutdown sequence share one strand.
  auto control = asio::make_strand(ioc);
  asio::signal_set signals(control, SIGINT, SIGTERM);
  asio::steady_timer sweep_timer(control);
  asio::steady_timer epoch_timer(control);
  bool stopping = false;  // on the control strand only

  asio::co_spawn(control, sweep_loop(sweep_timer, stopping, password_pool, accounts.sessions(), *services->oauth_store, log),
                 asio::detached);
  if (epoch) asio::co_spawn(control, epoch_loop(epoch_timer, stopping, password_pool, *epoch), asio::detached);
  asio::co_spawn(
      control,
      [&]() -> asio::awaitable<void> {
        auto [ec, signo] = co_await signals.async_wait(kTuple);
        if (ec) co_return;
        log.log(LogLevel::info, "shutdown", json::object{{"signal", signo == SIGINT ? "SIGINT" : "SIGTERM"},
                                                         {"connections", open_connections()}});
        stopping = true;
        sweep_timer.cancel();
        epoch_timer.cancel();
        feed.stop();  // event streams end, long-polls answer
        // In-flight requests finish (their responses say Connection: close); then whatever
        // is left is closed.
        HttpServer* const servers[] = {&http, &metrics_http};
        co_await drain(servers, log);
        // Each lane drops its reader on its own thread (a Redis reader's connections would
        // keep the lane running), then runs until its last connection is gone.
        for (std::size_t i = 0; i < lanes.size(); ++i)
          asio::post(lanes[i], [&readers, i] { readers[i].reset(); });
        lanes.release();
      },
      asio::detached);

  http.start();
  if (metrics_bound) metrics_http.start();
  json::object listening{{"url", endpoint_url(*bound, http.tls())},
                         {"issuer", issuer},
                         {"store", cfg.store},
                         {"threads", threads},
                         {"worker_threads", store_threads},
                         {"max_connections", max_connections},
                         {"nofile", fds->soft}};
  listening["metrics_url"] = metrics_bound ? json::value(endpoint_url(*metrics_bound, false) + "/metrics") : json::value(nullptr);
  log.log(LogLevel::info, "listening", listening);
  // The startup lines are on standard output before "listening on" is on standard error.
  log.flush();
  print_what_now(cfg, *bound, http.tls(), data->created, metrics_bound);

  // Each thread runs its lane until no work is left: the acceptor is closed, the connections
  // are gone, the timers cancelled, the reader dropped and the pools' calls have come back.
  lanes.run(log);
  if (store_pool) store_pool->join();
  if (bff_pool) bff_pool->join();
  password_pool.join();
  log.log(LogLevel::info, "stopped");
  return 0;
}

}  // namespace tessera::server
