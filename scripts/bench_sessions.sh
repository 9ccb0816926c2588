#!/usr/bin/env bash
# Session store benchmark (separate from the tests, bounded): starts a Redis server and a
# 3-master Redis Cluster on loopback, runs the session benchmarks against memory, SQLite,
# Redis and the cluster, runs redis-benchmark GET on the same server, prints the ratio, and
# stops everything it started.   usage: scripts/bench_sessions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target tessera_bench >/dev/null

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
start_redis() {  # start_redis PORT [extra args...]
  local port=$1; shift
  mkdir -p "$work/$port"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$work/$port" "$@" \
    >"$work/$port/log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && return 0; sleep 0.05; done
  echo "redis on $port did not start" >&2; exit 1
}

single=$(free_port)
start_redis "$single"
cluster=()
for _ in 1 2 3; do
  p=$(free_port); cluster+=("$p")
  start_redis "$p" --cluster-enabled yes --cluster-config-file "$work/$p/nodes.conf"
done
redis-cli --cluster create "127.0.0.1:${cluster[0]}" "127.0.0.1:${cluster[1]}" "127.0.0.1:${cluster[2]}" \
  --cluster-replicas 0 --cluster-yes >/dev/null
for _ in $(seq 100); do
  redis-cli -p "${cluster[0]}" cluster info | grep -q cluster_state:ok && break; sleep 0.1
done

export TESSERA_BENCH_REDIS="redis://127.0.0.1:$single"
export TESSERA_BENCH_REDIS_CLUSTER="redis-cluster://127.0.0.1:${cluster[0]},127.0.0.1:${cluster[1]},127.0.0.1:${cluster[2]}"
build/bench/tessera_bench --benchmark_filter='^session/' --benchmark_repetitions=3 \
  --benchmark_counters_tabular=true --benchmark_color=false | tee "$work/bench.txt"

redis-cli -p "$single" set tessera-bench-key 0123456789abcdef0123456789abcdef >/dev/null
echo
echo "redis-benchmark GET on the same server (1 client, then 2 clients; no pipelining):"
for c in 1 2; do
  rb=$(redis-benchmark -p "$single" -t get -n 100000 -c "$c" -P 1 -q 2>/dev/null | grep -oE '[0-9.]+ requests per second' | grep -oE '^[0-9.]+' || true)
  ours=$(grep -E "^session/validate/redis/real_time/threads:$c(_median)? " "$work/bench.txt" | awk '{print $(NF-2)}' | head -1 || true)
  echo "  clients=$c  redis GET: ${rb:-n/a} req/s   tessera validate (redis): ${ours:-n/a} (items/s)"
done
