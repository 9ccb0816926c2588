#!/usr/bin/env bash
# Revocation feed latency (separate from the tests, bounded): from POST /logout-everywhere on
# one `tessera serve` instance (A) to the `subject` event at a subscriber of
# GET /oauth2/revocations on another instance (B), both on one Redis (or a 3-master Redis
# Cluster). The subscriber listens with Server-Sent Events, then with long-poll; COUNT
# revocations each, one at a time (bench/feed/latency.mjs: each a fresh login of a user from a
# pool of 10, then logout-everywhere). Prints p50 / p99 / max per mode; results.json goes to the
# results directory. Stops everything it started.
#
# usage: scripts/bench_feed.sh [--count N] [--store redis|redis-cluster] [--modes sse,longpoll]
#                              [--results DIR]
#   --count    revocations per mode, after 20 unmeasured warm-up ones (default 1000)
#   --store    redis (one redis-server, default) or redis-cluster (3 masters, no replicas)
#   --modes    sse, longpoll or both (default sse,longpoll)
#   --results  where results.json and the servers' stderr go (default bench/feed/results/<timestamp>)
# env: TESSERA_BIN  the tessera binary (default build/tessera, built with cmake if unset)
#
# Takes about (COUNT x 2 modes) x (login + revocation + delivery) plus ~5 s of setup: with the
# default 1000, typically one to a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source "$root/scripts/bench_load_lib.sh"
die() { echo "bench_feed: $*" >&2; exit 1; }
log() { echo "bench_feed: $*" >&2; }
usage_error() { echo "bench_feed: $*" >&2; sed -n '10,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

COUNT=1000
STORE=redis
MODES=sse,longpoll
RESULTS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --count|--store|--modes|--results)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      case "$1" in --count) COUNT=$2 ;; --store) STORE=$2 ;; --modes) MODES=$2 ;; --results) RESULTS=$2 ;; esac
      shift 2 ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage_error "unknown argument $1" ;;
  esac
done
[[ "$COUNT" =~ ^[0-9]+$ && "$COUNT" -ge 1 ]] || usage_error "--count must be a positive integer"
case "$STORE" in redis|redis-cluster) ;; *) usage_error "--store must be redis or redis-cluster" ;; esac
[[ "$MODES" =~ ^(sse|longpoll)(,(sse|longpoll))?$ ]] || usage_error "--modes: sse, longpoll or sse,longpoll"

for c in redis-server redis-cli node python3 curl; do
  command -v "$c" >/dev/null || die "$c is not installed (scripts/setup.sh installs it)"
done
if [ -n "${TESSERA_BIN:-}" ]; then
  [ -x "$TESSERA_BIN" ] || die "TESSERA_BIN=$TESSERA_BIN is not executable"
else
  if [ ! -f build/CMakeCache.txt ]; then cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null; fi
  log "building tessera (cmake --build build --target tessera_cli)"
  cmake --build build -j"$(nproc)" --target tessera_cli >/dev/null || die "build failed"
  TESSERA_BIN=build/tessera
fi
TESSERA_BIN=$(cd "$(dirname "$TESSERA_BIN")" && pwd)/$(basename "$TESSERA_BIN")

work=$(mktemp -d)
[ -n "$RESULTS" ] || RESULTS=bench/feed/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$RESULTS"
RESULTS=$(cd "$RESULTS" && pwd)
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- store
if [ "$STORE" = redis ]; then
  port=$(free_port)
  start_redis "$port"
  uri=redis://127.0.0.1:$port
else
  start_cluster
  uri=redis-cluster://127.0.0.1:${cluster_ports[0]},127.0.0.1:${cluster_ports[1]},127.0.0.1:${cluster_ports[2]}
fi
log "store: $uri"

# ---------------------------------------------------------------- users, client, servers
# Fast password hashing (the measured path is the revocation, not the login).
ARGON2=(--argon2-ops 1 --argon2-mem-kib 8192)
store_args=(--data "$work/data" --store "$uri")
password="bench-feed-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
users=()
for i in $(seq 1 10); do
  printf '%s\n' "$password" | "$TESSERA_BIN" users add "feeduser$i" --password-stdin "${ARGON2[@]}" "${store_args[@]}" \
    >"$work/useradd.log" 2>&1 || { cat "$work/useradd.log" >&2; die "tessera users add failed"; }
  users+=("feeduser$i")
done
out=$("$TESSERA_BIN" clients add feed-subscriber --grant client_credentials --resource https://api.feed.test --json \
  "${store_args[@]}" 2>"$work/clients-add.err") || { cat "$work/clients-add.err" >&2; die "tessera clients add failed"; }
read -r client_id client_secret < <(printf '%s' "$out" | python3 -c 'import json, sys; j = json.load(sys.stdin); print(j["client_id"], j["client_secret"])')

start_instance() {  # NAME -> sets inst_url
  local name=$1 p
  p=$(free_port)
  # stdout is the request log: discarded.
  spawn /dev/null "$RESULTS/$name.stderr.txt" "$TESSERA_BIN" serve --listen "127.0.0.1:$p" --metrics-listen off \
    "${store_args[@]}" "${ARGON2[@]}"
  wait_http "$spawned" "http://127.0.0.1:$p/readyz" "$RESULTS/$name.stderr.txt" "tessera serve ($name)"
  inst_url=http://127.0.0.1:$p
}
start_instance a; url_a=$inst_url
start_instance b; url_b=$inst_url
log "instance A $url_a (logout-everywhere), instance B $url_b (subscriber)"

# ---------------------------------------------------------------- measure
log "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //'); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
log "$COUNT revocations per mode ($MODES) on $STORE"
node bench/feed/latency.mjs --a "$url_a" --b "$url_b" --client-id "$client_id" --secret "$client_secret" \
  --users "$(IFS=,; echo "${users[*]}")" --password "$password" --count "$COUNT" --modes "$MODES" \
  --json "$RESULTS/results.json"
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg); results in $RESULTS"
