#!/usr/bin/env bash
# HTTP load benchmark (separate from the tests, bounded): wrk against `tessera serve` on SQLite,
# on Redis, on a 3-master Redis Cluster (started here on loopback), and a reference express +
# express-session + connect-redis app on the single Redis (bench/load/reference). For each:
# GET /session at peak, GET /session paced at 50 % of that peak, POST /login; for Tessera also
# GET /healthz at peak (the same HTTP path without a store call). Prints the tables and the
# ratios; the raw outputs go to the results directory. Stops everything it started.
#
# usage: scripts/bench_load.sh [--duration SECONDS] [--connections N] [--users N] [--only LIST]
#                              [--results DIR]
#   --duration     seconds per wrk run (default 10)
#   --connections  wrk connections for every run (default 50)
#   --users        users, one session each, that GET /session goes round-robin over (default 1;
#                  the cluster keeps a user's sessions in one slot, so 1 user loads one node)
#   --only         comma-separated subset of: sqlite,redis,cluster,reference (default: all four)
#   --results      where the raw outputs go (default bench/load/results/<timestamp>)
# env: TESSERA_BIN  the tessera binary (default build/tessera, built with cmake if unset)
#
# Default run: at most 23 wrk runs of --duration seconds (Tessera targets: peak, healthz, up to
# 3 paced, login; reference: the same without healthz) plus about 30 s of startup: about
# 4-5 minutes with the defaults, about 2.5 minutes with --duration 5 (plus the build if stale;
# each extra --users adds about a second per target).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source "$root/scripts/bench_load_lib.sh"

usage_error() { echo "bench_load: $*" >&2; sed -n '9,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
DUR=10
CONN=50
USERS=1
ONLY="sqlite,redis,cluster,reference"
RESULTS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration|--connections|--users|--only|--results)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      case "$1" in
        --duration) DUR=$2 ;; --connections) CONN=$2 ;; --users) USERS=$2 ;; --only) ONLY=$2 ;; --results) RESULTS=$2 ;;
      esac
      shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage_error "unknown argument $1" ;;
  esac
done
[[ "$DUR" =~ ^[0-9]+$ && "$DUR" -ge 1 ]] || usage_error "--duration must be a positive integer"
[[ "$CONN" =~ ^[0-9]+$ && "$CONN" -ge 2 ]] || usage_error "--connections must be an integer >= 2"
[[ "$USERS" =~ ^[0-9]+$ && "$USERS" -ge 1 && "$USERS" -le 64 ]] || usage_error "--users must be an integer from 1 to 64"
IFS=, read -r -a only_list <<<"$ONLY"
[ "${#only_list[@]}" -gt 0 ] || usage_error "--only needs at least one target"
for t in "${only_list[@]}"; do
  case "$t" in sqlite|redis|cluster|reference) ;; *) usage_error "--only: unknown target '$t'" ;; esac
done
want() { [[ ",$ONLY," == *",$1,"* ]]; }
want_tessera() { want sqlite || want redis || want cluster; }

# ---------------------------------------------------------------- dependencies
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v redis-cli >/dev/null || missing+=(redis-tools)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
if want reference; then
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
if want reference && [ ! -d bench/load/reference/node_modules ]; then
  log "npm ci in bench/load/reference"
  (cd bench/load/reference && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi

if want_tessera; then
  if [ -n "${TESSERA_BIN:-}" ]; then
    [ -x "$TESSERA_BIN" ] || die "TESSERA_BIN=$TESSERA_BIN is not executable"
  else
    if [ ! -f build/CMakeCache.txt ]; then
      cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    fi
    log "building tessera (cmake --build build --target tessera_cli)"
    cmake --build build -j"$(nproc)" --target tessera_cli >/dev/null || die "build failed"
    TESSERA_BIN=build/tessera
  fi
  TESSERA_BIN=$(cd "$(dirname "$TESSERA_BIN")" && pwd)/$(basename "$TESSERA_BIN")
  "$TESSERA_BIN" serve --help 2>&1 | grep -q -- '--listen' || die "$TESSERA_BIN has no working 'serve' command"
fi

work=$(mktemp -d)
[ -n "$RESULTS" ] || RESULTS=bench/load/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$RESULTS"
RESULTS=$(cd "$RESULTS" && pwd)
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- measurements
USER_NAME=benchuser
# user_name I: the I-th user (1-based); the first is $USER_NAME, the one POST /login uses.
user_name() { if [ "$1" -eq 1 ]; then echo "$USER_NAME"; else echo "$USER_NAME-$1"; fi; }
PASSWORD="bench-load-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export BENCH_USER=$USER_NAME BENCH_PASSWORD=$PASSWORD

# login_cookie BASE_URL [USER]: one POST /login, prints "name=value" of the session cookie.
login_cookie() {
  local body
  body=$(printf '{"username":"%s","password":"%s"}' "${2:-$USER_NAME}" "$PASSWORD")
  curl -s --max-time 30 -o /dev/null -D - -H 'Content-Type: application/json' -d "$body" "$1/login" \
    | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: *\([^;]*\).*/\1/p' | head -1
}

summary=$RESULTS/summary.tsv
printf 'target\tendpoint\treq_s\tp50_ms\tp99_ms\tnon2xx\tsocket_errors\tnote\n' >"$summary"
bad=0
# record TARGET ENDPOINT WRKFILE NOTE
record() {
  local r
  read -r -a r < <(parse_wrk "$3")
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "${r[0]}" "${r[1]}" "${r[2]}" "${r[3]}" "${r[4]}" "$4" >>"$summary"
  if [ "${r[5]}" -eq 0 ] || [ "${r[3]}" -gt 0 ]; then
    log "WARNING: $1 $2: ${r[5]} requests, ${r[3]} non-2xx responses (see $3)"
    bad=1
  fi
  if [ "${r[4]}" -gt 0 ]; then log "note: $1 $2: ${r[4]} socket errors (timeouts count here)"; fi
}

HZ=$(getconf CLK_TCK)
cpu=$RESULTS/cpu.tsv
printf 'target\tserver_us_per_req\tserver_healthz_us_per_req\tredis_us_per_req\tredis_calls_per_req\tredis_cmds_per_read\tredis_reads_per_req\tredis_nodes\n' >"$cpu"
# us_per_req TICKS REQUESTS -> CPU µs per request, or n/a
us_per_req() { awk -v t="$1" -v n="$2" -v hz="$HZ" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "n/a" }'; }

# The Redis the current target uses: ports and process groups (empty for SQLite).
cur_redis_ports=()
cur_redis_pgids=()

# bench_target NAME BASE_URL SERVER_PGID HEALTHZ(0/1): the measurements on a running server:
# GET /session peak (with CPU per request of the server and of Redis, Redis calls per request
# and Redis commands per socket read), GET /healthz peak if HEALTHZ=1 (with server CPU per
# request), GET /session paced at 50 % of the peak, POST /login.
bench_target() {
  local name=$1 url=$2 spg=$3 healthz=$4 cookie i cookies
  cookies=$work/$name-cookies.txt
  : >"$cookies"
  for i in $(seq "$USERS"); do
    cookie=$(login_cookie "$url" "$(user_name "$i")")
    [ -n "$cookie" ] || die "$name: POST /login as $(user_name "$i") returned no cookie"
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Cookie: $cookie" "$url/session")" = 200 ] \
      || die "$name: GET /session with the login cookie of $(user_name "$i") is not 200"
    echo "$cookie" >>"$cookies"
  done
  export BENCH_COOKIE; BENCH_COOKIE=$(head -1 "$cookies")
  if [ "$USERS" -gt 1 ]; then export BENCH_COOKIE_FILE=$cookies; else unset BENCH_COOKIE_FILE; fi
  local nodes=${#cur_redis_ports[@]}

  log "$name: GET /session peak (-c$CONN, ${DUR}s)"
  local s0 r0 s1 r1 calls="-" cpr="-" rpr="-" rus="-" f=$RESULTS/$name-session-peak.txt
  [ "$nodes" -gt 0 ] && redis_reset "${cur_redis_ports[@]}"
  s0=$(cpu_ticks "$spg"); r0=$(cpu_ticks "${cur_redis_pgids[@]}")
  BENCH_DELAY_MS=0 run_wrk "$f" session.lua "$CONN" "$url"
  s1=$(cpu_ticks "$spg"); r1=$(cpu_ticks "${cur_redis_pgids[@]}")
  record "$name" "GET /session" "$f" "peak, -c$CONN"
  local peak nreq
  peak=$(parse_wrk "$f" | awk '{print $1}')
  nreq=$(parse_wrk "$f" | awk '{print $6}')
  if [ "$nodes" -gt 0 ]; then
    redis_snapshot "$RESULTS/$name-session-peak-redis" "${cur_redis_ports[@]}"
    calls=$(redis_calls_per_req "$nreq" "$RESULTS/$name-session-peak-redis-"*-commandstats.txt)
    cpr=$(redis_cmds_per_read "$RESULTS/$name-session-peak-redis-"*-stats.txt)
    rpr=$(redis_reads_per_req "$nreq" "$RESULTS/$name-session-peak-redis-"*-stats.txt)
    nodes="$nodes ($(redis_nodes_loaded "$nreq" "$RESULTS/$name-session-peak-redis-"*-commandstats.txt) loaded)"
    rus=$(us_per_req "$((r1 - r0))" "$nreq")
  fi
  local sus hus="-"
  sus=$(us_per_req "$((s1 - s0))" "$nreq")

  if [ "$healthz" -eq 1 ]; then
    log "$name: GET /healthz peak (-c$CONN, ${DUR}s)"
    f=$RESULTS/$name-healthz-peak.txt
    s0=$(cpu_ticks "$spg")
    run_wrk "$f" healthz.lua "$CONN" "$url"
    s1=$(cpu_ticks "$spg")
    record "$name" "GET /healthz" "$f" "peak, -c$CONN, no store call"
    hus=$(us_per_req "$((s1 - s0))" "$(parse_wrk "$f" | awk '{print $6}')")
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$sus" "$hus" "$rus" "$calls" "$cpr" "$rpr" "${nodes/#0/-}" >>"$cpu"

  # 50 % of peak. Debian's wrk 4.1 has no rate option (wrk2 is not packaged), so each of the
  # CONN connections waits BENCH_DELAY_MS between a response and its next request (wrk's
  # delay() hook). Per connection, cycle = latency + delay = CONN / rate, so after each run
  # the delay is corrected with the latency that run implies: d = CONN/target - (CONN/r - d).
  # Up to 3 runs; the one closest to the target is reported.
  local target d best="" besterr=""
  target=$(awk -v p="$peak" 'BEGIN { printf "%.1f", p / 2 }')
  d=$(awk -v c="$CONN" -v p="$peak" 'BEGIN { printf "%.3f", 1000 * c / p }')
  for step in 1 2 3; do
    local r err
    f=$RESULTS/$name-session-half-$step.txt
    log "$name: GET /session paced to ~$target req/s (step $step, delay ${d} ms per connection)"
    BENCH_DELAY_MS=$d run_wrk "$f" session.lua "$CONN" "$url"
    echo "# BENCH_DELAY_MS=$d target=$target peak=$peak" >>"$f"
    r=$(parse_wrk "$f" | awk '{print $1}')
    err=$(awk -v r="$r" -v t="$target" 'BEGIN { e = r / t - 1; if (e < 0) e = -e; printf "%.4f", e }')
    if [ -z "$best" ] || awk -v a="$err" -v b="$besterr" 'BEGIN { exit !(a < b) }'; then
      best=$f; besterr=$err
    fi
    awk -v e="$err" 'BEGIN { exit !(e <= 0.05) }' && break
    d=$(awk -v c="$CONN" -v t="$target" -v r="$r" -v d="$d" \
      'BEGIN { l = 1000 * c / r - d; if (l < 0) l = 0; n = 1000 * c / t - l; if (n < 0) n = 0; printf "%.3f", n }')
  done
  local achieved pct
  achieved=$(parse_wrk "$best" | awk '{print $1}')
  pct=$(awk -v a="$achieved" -v p="$peak" 'BEGIN { printf "%.0f", 100 * a / p }')
  record "$name" "GET /session @50%" "$best" "paced -c$CONN, ${pct}% of peak"

  log "$name: POST /login (-c$CONN, ${DUR}s)"
  run_wrk "$RESULTS/$name-login.txt" login.lua "$CONN" "$url" --timeout 30s
  record "$name" "POST /login" "$RESULTS/$name-login.txt" "-c$CONN"
}

# ---------------------------------------------------------------- run
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(nproc) cores, $(uname -sr), $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "wrk: $(wrk --version 2>&1 | head -1)"
  echo "redis: $(redis-server --version)"
  command -v node >/dev/null && echo "node: $(node --version)"
  echo "duration: ${DUR}s per run, connections: $CONN, wrk threads: 2, users: $USERS, targets: $ONLY"
  [ -n "${TESSERA_BIN:-}" ] && echo "tessera: $TESSERA_BIN"
  echo "git: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo n/a)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (dirty)')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RESULTS/env.txt"
load1=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load1" 'BEGIN { exit !(l > 1.0) }'; then
  log "WARNING: load average is $load1 before the run; other work on this machine will skew the numbers"
fi

# Cost of one password check on each side (same Argon2id parameters).
{
  if want_tessera && cc -O2 bench/load/hash_cost.c -lsodium -o "$work/hash_cost" 2>/dev/null; then
    "$work/hash_cost" 5
  fi
  if want reference; then (cd bench/load/reference && node hash_cost.js 5); fi
} >"$RESULTS/hash_cost.txt" 2>&1 || true
cat "$RESULTS/hash_cost.txt" >&2

if want redis || want reference; then
  redis_port=$(free_port)
  start_redis "$redis_port"
  redis_pgid=$spawned
fi

# run_tessera NAME [STORE_URI]
run_tessera() {
  local name=$1 store=${2:-} port data pid
  local store_args=()
  [ -n "$store" ] && store_args=(--store "$store")
  port=$(free_port)
  data=$work/$name
  local i
  for i in $(seq "$USERS"); do
    printf '%s\n' "$PASSWORD" | "$TESSERA_BIN" users add "$(user_name "$i")" --password-stdin --data "$data" \
      "${store_args[@]}" >"$work/$name-useradd.log" 2>&1 \
      || { cat "$work/$name-useradd.log" >&2; die "$name: tessera users add failed"; }
  done
  # stdout is the request log (one JSON line per request): discarded, but still produced.
  spawn /dev/null "$work/$name.err" "$TESSERA_BIN" serve --listen "127.0.0.1:$port" --metrics-listen off --data "$data" "${store_args[@]}"
  pid=$spawned
  wait_http "$pid" "http://127.0.0.1:$port/healthz" "$work/$name.err" "$name"
  bench_target "$name" "http://127.0.0.1:$port" "$pid" 1
  stop "$pid"
  cp "$work/$name.err" "$RESULTS/$name.stderr.txt" 2>/dev/null || true
}

if want sqlite; then
  cur_redis_ports=(); cur_redis_pgids=()
  run_tessera tessera-sqlite
fi
if want redis; then
  cur_redis_ports=("$redis_port"); cur_redis_pgids=("$redis_pgid")
  run_tessera tessera-redis "redis://127.0.0.1:$redis_port"
fi
if want cluster; then
  log "starting a 3-master Redis Cluster"
  start_cluster
  echo "cluster: 127.0.0.1:${cluster_ports[0]},${cluster_ports[1]},${cluster_ports[2]} (3 masters, no replicas)" >>"$RESULTS/env.txt"
  cur_redis_ports=("${cluster_ports[@]}"); cur_redis_pgids=("${cluster_pgids[@]}")
  run_tessera tessera-cluster \
    "redis-cluster://127.0.0.1:${cluster_ports[0]},127.0.0.1:${cluster_ports[1]},127.0.0.1:${cluster_ports[2]}"
  for p in "${cluster_pgids[@]}"; do stop "$p"; done
fi
if want reference; then
  cur_redis_ports=("$redis_port"); cur_redis_pgids=("$redis_pgid")
  ref_port=$(free_port)
  secret=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
  for i in $(seq "$USERS"); do
    printf '%s\n' "$PASSWORD" | (cd bench/load/reference && REDIS_URL="redis://127.0.0.1:$redis_port" node users.js add "$(user_name "$i")") \
      >"$work/ref-useradd.log" 2>&1 || { cat "$work/ref-useradd.log" >&2; die "reference: users.js add failed"; }
  done
  spawn "$work/reference.out" "$work/reference.err" env -C bench/load/reference PORT="$ref_port" \
    REDIS_URL="redis://127.0.0.1:$redis_port" SESSION_SECRET="$secret" node server.js
  ref_pid=$spawned
  wait_http "$ref_pid" "http://127.0.0.1:$ref_port/healthz" "$work/reference.err" reference
  for _ in $(seq 50); do grep -q 'listening on' "$work/reference.err" && break; sleep 0.1; done
  grep -m1 'listening on' "$work/reference.err" >>"$RESULTS/env.txt" || true
  bench_target reference "http://127.0.0.1:$ref_port" "$ref_pid" 0
  stop "$ref_pid"
  cp "$work/reference.err" "$RESULTS/reference.stderr.txt" 2>/dev/null || true
fi

# ---------------------------------------------------------------- report
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/env.txt"
python3 - "$RESULTS" <<'PY' | tee "$RESULTS/table.md"
import csv, os, sys
res = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(res, "summary.tsv")), delimiter="\t"))
crow = list(csv.DictReader(open(os.path.join(res, "cpu.tsv")), delimiter="\t"))
def num(x):
    try: return float(x)
    except (TypeError, ValueError): return None
def f(x, nd=2):
    v = num(x)
    return x if v is None else f"{v:,.{nd}f}"
print("| target | endpoint | req/s | p50 ms | p99 ms | note |")
print("|---|---|---:|---:|---:|---|")
for r in rows:
    flag = "" if r["non2xx"] == "0" else f" ({r['non2xx']} non-2xx!)"
    if r["socket_errors"] != "0": flag += f" ({r['socket_errors']} socket errors)"
    nd = 1 if r["endpoint"] == "POST /login" else 0
    print(f"| {r['target']} | {r['endpoint']} | {f(r['req_s'], nd)} | {f(r['p50_ms'])} | {f(r['p99_ms'])} | {r['note']}{flag} |")

by = {(r["target"], r["endpoint"]): r for r in rows}
rps = lambda t, e: num(by[(t, e)]["req_s"]) if (t, e) in by else None
tessera = [t for t in ("tessera-sqlite", "tessera-redis", "tessera-cluster") if any(k[0] == t for k in by)]
out = []
for t in tessera:
    for e in ("GET /session", "POST /login"):
        a, b = rps(t, e), rps("reference", e)
        if a is not None and b:
            out.append(f"| {t} ÷ reference | {e} req/s | {a / b:.2f}× |")
    e = "GET /session @50%"
    if (t, e) in by and ("reference", e) in by:
        out.append(f"| {t} vs reference | {e} p99 | {f(by[(t, e)]['p99_ms'])} ms vs {f(by[('reference', e)]['p99_ms'])} ms |")
for t in tessera:
    a, b = rps(t, "GET /session"), rps(t, "GET /healthz")
    if a is not None and b:
        out.append(f"| {t} GET /session ÷ GET /healthz | req/s | {a / b:.2f}× ({100 * a / b:.0f} %) |")
if out:
    print()
    print("| ratio | measure | value |")
    print("|---|---|---|")
    print("\n".join(out))
if crow:
    print()
    print("CPU per request (from /proc, 10 ms ticks) and Redis counters (INFO commandstats, INFO stats;")
    print("summed over the cluster's nodes), all during the peak GET /session run; healthz CPU during")
    print("the peak GET /healthz run. Commands per read above 1 means pipelined commands; reads per")
    print("request below 1 means the commands of several requests arrive together.")
    print()
    print("| target | server CPU µs/req (/session) | server CPU µs/req (/healthz) | redis CPU µs/req | redis calls/req | redis commands/read | redis reads/req | redis nodes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in crow:
        print(f"| {r['target']} | {r['server_us_per_req']} | {r['server_healthz_us_per_req']} | {r['redis_us_per_req']} | "
              f"{r['redis_calls_per_req']} | {r['redis_cmds_per_read']} | {r['redis_reads_per_req']} | {r['redis_nodes']} |")
print()
print(f"raw outputs: {res}")
PY

[ "$bad" -eq 0 ] || die "some runs had errors (see above)"
