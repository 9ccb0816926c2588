// Session create and validate per backend, 1 and 2 threads, with p50/p99 latency counters.
// Backends: memory and SQLite always; Redis and Redis Cluster when their URIs are given in
// TESSERA_BENCH_REDIS / TESSERA_BENCH_REDIS_CLUSTER (scripts/bench_sessions.sh starts the
// servers, sets them, and runs redis-benchmark beside this for the ratio).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <unistd.h>

#include "tessera/session.hpp"

namespace {
using namespace tessera;

struct Backend {
  std::unique_ptr<SessionStore> store;
  std::unique_ptr<SessionManager> manager;
  std::vector<std::string> ids;  // sessions to validate, created up front
};

std::string sqlite_uri() {
  static const std::string path = [] {
    auto p = std::filesystem::temp_directory_path() / ("tessera-bench-" + std::to_string(::getpid()) + ".db");
    std::filesystem::remove(p);
    return p.string();
  }();
  return "sqlite:" + path;
}

Backend* backend(const std::string& uri) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<Backend>> all;
  std::lock_guard lock(mu);
  auto& slot = all[uri];
  if (slot) return slot.get();
  auto store = open_session_store(uri);
  if (!store) return nullptr;
  auto b = std::make_unique<Backend>();
  b->store = std::move(*store);
  SessionOptions opt;
  opt.max_sessions_per_user = 0;
  b->manager = std::make_unique<SessionManager>(SessionManager::create(*b->store, opt).value());
  for (int i = 0; i < 1000; ++i) {
    auto s = b->manager->create("bench-user-" + std::to_string(i % 50), "{}", {"127.0.0.1", "bench", "bench"});
    if (!s) return nullptr;
    b->ids.push_back(s->id);
  }
  slot = std::move(b);
  return slot.get();
}

void report(benchmark::State& state, std::vector<double>& us) {
  if (us.empty()) return;
  std::sort(us.begin(), us.end());
  state.counters["p50_us"] = benchmark::Counter(us[us.size() / 2], benchmark::Counter::kAvgThreads);
  state.counters["p99_us"] = benchmark::Counter(us[us.size() * 99 / 100], benchmark::Counter::kAvgThreads);
}

template <class Op>
void timed(benchmark::State& state, Op op) {
  std::vector<double> us;
  us.reserve(1 << 16);
  for (auto _ : state) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!op()) {
      state.SkipWithError("operation failed");
      break;
    }
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - t0).count());
  }
  state.SetItemsProcessed(state.iterations());
  report(state, us);
}

void BM_validate(benchmark::State& state, std::string uri) {
  Backend* b = backend(uri);
  if (!b) {
    state.SkipWithError("store unavailable");
    return;
  }
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 7919;
  timed(state, [&] { return b->manager->validate(b->ids[i++ % b->ids.size()]).has_value(); });
}

void BM_create(benchmark::State& state, std::string uri) {
  Backend* b = backend(uri);
  if (!b) {
    state.SkipWithError("store unavailable");
    return;
  }
  std::size_t i = 0;
  const std::string user = "bench-create-" + std::to_string(state.thread_index());
  timed(state, [&] { return b->manager->create(user + std::to_string(i++ % 100), "{}", {}).has_value(); });
}

int register_all() {
  std::vector<std::pair<std::string, std::string>> uris = {{"memory", "memory:"}, {"sqlite", sqlite_uri()}};
  if (const char* r = std::getenv("TESSERA_BENCH_REDIS")) uris.emplace_back("redis", r);
  if (const char* c = std::getenv("TESSERA_BENCH_REDIS_CLUSTER")) uris.emplace_back("redis_cluster", c);
  for (const auto& [name, uri] : uris) {
    benchmark::RegisterBenchmark(("session/validate/" + name).c_str(), BM_validate, uri)->Threads(1)->Threads(2)->UseRealTime();
    benchmark::RegisterBenchmark(("session/create/" + name).c_str(), BM_create, uri)->Threads(1)->Threads(2)->UseRealTime();
  }
  return 0;
}
const int registered = register_all();

}  // namespace
