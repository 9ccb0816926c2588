#!/usr/bin/env bash
# HTTP load benchmark (separate from the tests, bounded): wrk against `tessera serve` on SQLite,
# `tessera serve` on Redis, and a reference express + express-session + connect-redis app on the
# same Redis (bench/load/reference). For each: GET /session at peak, GET /session paced at 50 %
# of that peak, POST /login. Prints a table and the Tessera ÷ reference ratios; the raw wrk
# outputs go to the results directory. Stops everything it started.
#
# usage: scripts/bench_load.sh [--duration SECONDS] [--connections N] [--only LIST] [--results DIR]
#   --duration     seconds per wrk run (default 10)
#   --connections  wrk connections for every run (default 50)
#   --only         comma-separated subset of: sqlite,redis,reference (default: all three)
#   --results      where the raw outputs go (default bench/load/results/<timestamp>)
# env: TESSERA_BIN  the tessera binary (default build/tessera, built with cmake if unset)
#
# Default run: 3 targets x (10 s peak + up to 3 x 10 s paced + 10 s login) + startup, about
# 3 minutes (plus the build if build/ is stale).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

DUR=10
CONN=50
ONLY="sqlite,redis,reference"
RESULTS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration) DUR=$2; shift 2 ;;
    --connections) CONN=$2; shift 2 ;;
    --only) ONLY=$2; shift 2 ;;
    --results) RESULTS=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench_load: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ "$DUR" =~ ^[0-9]+$ && "$DUR" -ge 1 ]] || { echo "bench_load: --duration must be a positive integer" >&2; exit 2; }
[[ "$CONN" =~ ^[0-9]+$ && "$CONN" -ge 2 ]] || { echo "bench_load: --connections must be an integer >= 2" >&2; exit 2; }
want() { [[ ",$ONLY," == *",$1,"* ]]; }

die() { echo "bench_load: $*" >&2; exit 1; }
log() { echo "bench_load: $*" >&2; }

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

if want sqlite || want redis; then
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

# ---------------------------------------------------------------- processes
work=$(mktemp -d)
[ -n "$RESULTS" ] || RESULTS=bench/load/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$RESULTS"
RESULTS=$(cd "$RESULTS" && pwd)
pgids=()
cleanup() {
  local p
  for p in "${pgids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done
  for _ in $(seq 50); do
    local alive=0
    for p in "${pgids[@]}"; do kill -0 -- "-$p" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for p in "${pgids[@]}"; do kill -KILL -- "-$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# spawn STDOUT STDERR CMD... : runs CMD in its own session and process group (pid = pgid);
# sets $spawned.
spawn() {
  local out=$1 err=$2; shift 2
  setsid "$@" >"$out" 2>"$err" </dev/null &
  spawned=$!
  pgids+=("$spawned")
}
# stop PGID: SIGTERM the group, wait up to 5 s, then SIGKILL.
stop() {
  local p=$1
  kill -TERM -- "-$p" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 -- "-$p" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || true
  local keep=() q
  for q in "${pgids[@]}"; do [ "$q" = "$p" ] || keep+=("$q"); done
  pgids=("${keep[@]}")
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# wait_http PID URL ERRFILE NAME: up to 15 s for URL to answer 200 while PID lives.
wait_http() {
  local pid=$1 url=$2 err=$3 name=$4
  for _ in $(seq 150); do
    kill -0 "$pid" 2>/dev/null || { cat "$err" >&2; die "$name exited during startup"; }
    if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$url" 2>/dev/null)" = 200 ]; then return 0; fi
    sleep 0.1
  done
  cat "$err" >&2
  die "$name did not answer $url within 15 s"
}

# ---------------------------------------------------------------- measurements
USER_NAME=benchuser
PASSWORD="bench-load-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
export BENCH_USER=$USER_NAME BENCH_PASSWORD=$PASSWORD

# login_cookie BASE_URL: one POST /login, prints "name=value" of the session cookie.
login_cookie() {
  local body
  body=$(printf '{"username":"%s","password":"%s"}' "$USER_NAME" "$PASSWORD")
  curl -s --max-time 30 -o /dev/null -D - -H 'Content-Type: application/json' -d "$body" "$1/login" \
    | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: *\([^;]*\).*/\1/p' | head -1
}

# parse_wrk FILE -> "req/s p50_ms p99_ms non2xx socket_errors requests"
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
      if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
      if (v ~ /m$/) return substr(v, 1, length(v) - 1) * 60000
      if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
      return v + 0
    }
    /^Requests\/sec:/ { rps = $2 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { gsub(",", ""); errs = $4 + $6 + $8 + $10 }
    / requests in / { reqs = $1 }
    END { printf "%s %s %s %d %d %d\n", (rps == "" ? 0 : rps), (p50 == "" ? "nan" : p50),
          (p99 == "" ? "nan" : p99), non2xx, errs, reqs }' "$1"
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

# run_wrk OUTFILE SCRIPT CONNECTIONS URL [extra wrk args...] : bounded wrk run.
run_wrk() {
  local out=$1 script=$2 conns=$3 url=$4; shift 4
  timeout $((DUR + 60)) wrk -t2 -c"$conns" -d"${DUR}s" --latency -s "$root/bench/load/$script" "$@" "$url" \
    >"$out" 2>&1 || die "wrk failed (see $out)"
  grep -q '^Requests/sec:' "$out" || die "wrk produced no result (see $out)"
  if grep -q 'session.lua:\|login.lua:' "$out"; then die "wrk script error (see $out)"; fi
}

# cpu_ticks PGID: user+system CPU clock ticks used so far by the live processes of a group.
cpu_ticks() {
  awk -v pg="$1" '{ s = $0; sub(/^.*\) /, "", s); split(s, a, " "); if (a[3] == pg) t += a[12] + a[13] }
    END { print t + 0 }' /proc/[0-9]*/stat 2>/dev/null || echo 0
}
HZ=$(getconf CLK_TCK)
cpu=$RESULTS/cpu.tsv
printf 'target\tserver_us_per_req\tredis_us_per_req\tredis_calls_per_req\n' >"$cpu"

# bench_target NAME BASE_URL SERVER_PGID USES_REDIS(0/1): the three measurements on a
# running server, plus CPU per request (server, redis) and Redis calls per request during the
# peak GET /session run.
bench_target() {
  local name=$1 url=$2 spg=$3 uses_redis=$4 cookie
  cookie=$(login_cookie "$url")
  [ -n "$cookie" ] || die "$name: POST /login returned no cookie"
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "Cookie: $cookie" "$url/session")" = 200 ] \
    || die "$name: GET /session with the login cookie is not 200"
  export BENCH_COOKIE=$cookie

  log "$name: GET /session peak (-c$CONN, ${DUR}s)"
  local s0 r0 s1 r1 calls="n/a"
  [ "$uses_redis" -eq 1 ] && redis-cli -p "$redis_port" config resetstat >/dev/null
  s0=$(cpu_ticks "$spg"); r0=0; [ -n "${redis_pid:-}" ] && r0=$(cpu_ticks "$redis_pid")
  BENCH_DELAY_MS=0 run_wrk "$RESULTS/$name-session-peak.txt" session.lua "$CONN" "$url"
  s1=$(cpu_ticks "$spg"); r1=0; [ -n "${redis_pid:-}" ] && r1=$(cpu_ticks "$redis_pid")
  record "$name" "GET /session" "$RESULTS/$name-session-peak.txt" "peak, -c$CONN"
  local peak nreq
  peak=$(parse_wrk "$RESULTS/$name-session-peak.txt" | awk '{print $1}')
  nreq=$(parse_wrk "$RESULTS/$name-session-peak.txt" | awk '{print $6}')
  if [ "$uses_redis" -eq 1 ]; then
    redis-cli -p "$redis_port" info commandstats >"$RESULTS/$name-session-peak-redis-commandstats.txt"
    calls=$(awk -F'[:=,]' -v n="$nreq" '/^cmdstat_/ && $1 != "cmdstat_info" && $1 != "cmdstat_config" { c += $3 }
      END { if (n > 0) printf "%.2f", c / n; else print "n/a" }' "$RESULTS/$name-session-peak-redis-commandstats.txt")
  fi
  awk -v n="$nreq" -v hz="$HZ" -v s="$((s1 - s0))" -v r="$((r1 - r0))" -v ur="$uses_redis" -v c="$calls" -v t="$name" \
    'BEGIN { if (n > 0) printf "%s\t%.1f\t%s\t%s\n", t, s / hz * 1e6 / n, (ur ? sprintf("%.1f", r / hz * 1e6 / n) : "-"), c }' >>"$cpu"

  # 50 % of peak. Debian's wrk 4.1 has no rate option (wrk2 is not packaged), so each of the
  # CONN connections waits BENCH_DELAY_MS between a response and its next request (wrk's
  # delay() hook). Per connection, cycle = latency + delay = CONN / rate, so after each run
  # the delay is corrected with the latency that run implies: d = CONN/target - (CONN/r - d).
  # Up to 3 runs; the one closest to the target is reported.
  local target d best="" besterr=""
  target=$(awk -v p="$peak" 'BEGIN { printf "%.1f", p / 2 }')
  d=$(awk -v c="$CONN" -v p="$peak" 'BEGIN { printf "%.3f", 1000 * c / p }')
  for step in 1 2 3; do
    local f="$RESULTS/$name-session-half-$step.txt" r err
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
  echo "duration: ${DUR}s per run, connections: $CONN, wrk threads: 2"
  [ -n "${TESSERA_BIN:-}" ] && echo "tessera: $TESSERA_BIN"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RESULTS/env.txt"
load1=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load1" 'BEGIN { exit !(l > 1.0) }'; then
  log "WARNING: load average is $load1 before the run; other work on this machine will skew the numbers"
fi

# Cost of one password check on each side (same Argon2id parameters).
{
  if (want sqlite || want redis) && cc -O2 bench/load/hash_cost.c -lsodium -o "$work/hash_cost" 2>/dev/null; then
    "$work/hash_cost" 5
  fi
  if want reference; then (cd bench/load/reference && node hash_cost.js 5); fi
} >"$RESULTS/hash_cost.txt" 2>&1 || true
cat "$RESULTS/hash_cost.txt" >&2

needs_redis=0
{ want redis || want reference; } && needs_redis=1
if [ "$needs_redis" -eq 1 ]; then
  redis_port=$(free_port)
  mkdir -p "$work/redis"
  spawn "$work/redis/log" "$work/redis/log.err" redis-server --port "$redis_port" --bind 127.0.0.1 --save "" \
    --appendonly no --dir "$work/redis"
  redis_pid=$spawned
  for _ in $(seq 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  redis-cli -p "$redis_port" ping >/dev/null 2>&1 || die "redis-server did not start"
fi

# run_tessera NAME [STORE_URI]
run_tessera() {
  local name=$1 store=${2:-} port data pid
  local store_args=()
  [ -n "$store" ] && store_args=(--store "$store")
  port=$(free_port)
  data=$work/$name
  printf '%s\n' "$PASSWORD" | "$TESSERA_BIN" users add "$USER_NAME" --password-stdin --data "$data" \
    "${store_args[@]}" >"$work/$name-useradd.log" 2>&1 \
    || { cat "$work/$name-useradd.log" >&2; die "$name: tessera users add failed"; }
  # stdout is the request log (one JSON line per request): discarded, but still produced.
  spawn /dev/null "$work/$name.err" "$TESSERA_BIN" serve --listen "127.0.0.1:$port" --metrics-listen off --data "$data" "${store_args[@]}"
  pid=$spawned
  wait_http "$pid" "http://127.0.0.1:$port/healthz" "$work/$name.err" "$name"
  bench_target "$name" "http://127.0.0.1:$port" "$pid" "$([ -n "$store" ] && echo 1 || echo 0)"
  stop "$pid"
  cp "$work/$name.err" "$RESULTS/$name.stderr.txt" 2>/dev/null || true
}

if want sqlite; then run_tessera tessera-sqlite; fi
if want redis; then run_tessera tessera-redis "redis://127.0.0.1:$redis_port"; fi
if want reference; then
  ref_port=$(free_port)
  secret=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
  printf '%s\n' "$PASSWORD" | (cd bench/load/reference && REDIS_URL="redis://127.0.0.1:$redis_port" node users.js add "$USER_NAME") \
    >"$work/ref-useradd.log" 2>&1 || { cat "$work/ref-useradd.log" >&2; die "reference: users.js add failed"; }
  spawn "$work/reference.out" "$work/reference.err" env -C bench/load/reference PORT="$ref_port" \
    REDIS_URL="redis://127.0.0.1:$redis_port" SESSION_SECRET="$secret" node server.js
  ref_pid=$spawned
  wait_http "$ref_pid" "http://127.0.0.1:$ref_port/healthz" "$work/reference.err" reference
  for _ in $(seq 50); do grep -q 'listening on' "$work/reference.err" && break; sleep 0.1; done
  grep -m1 'listening on' "$work/reference.err" >>"$RESULTS/env.txt" || true
  bench_target reference "http://127.0.0.1:$ref_port" "$ref_pid" 1
  stop "$ref_pid"
  cp "$work/reference.err" "$RESULTS/reference.stderr.txt" 2>/dev/null || true
fi

# ---------------------------------------------------------------- report
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/env.txt"
python3 - "$summary" "$RESULTS" <<'EOF' | tee "$RESULTS/table.md"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
def f(x, nd=2):
    try: return f"{float(x):.{nd}f}"
    except ValueError: return x
print("| target | endpoint | req/s | p50 ms | p99 ms | note |")
print("|---|---|---:|---:|---:|---|")
for r in rows:
    flag = "" if r["non2xx"] == "0" else f" ({r['non2xx']} non-2xx!)"
    if r["socket_errors"] != "0": flag += f" ({r['socket_errors']} socket errors)"
    print(f"| {r['target']} | {r['endpoint']} | {f(r['req_s'], 0)} | {f(r['p50_ms'])} | {f(r['p99_ms'])} | {r['note']}{flag} |")
by = {(r["target"], r["endpoint"]): r for r in rows}
ref = {e: r for (t, e), r in by.items() if t == "reference"}
out = []
for t in ("tessera-redis", "tessera-sqlite"):
    for e in ("GET /session", "POST /login"):
        if (t, e) in by and e in ref and float(ref[e]["req_s"]) > 0:
            out.append(f"| {t} ÷ reference | {e} | {float(by[(t, e)]['req_s']) / float(ref[e]['req_s']):.2f}× req/s |")
    e = "GET /session @50%"
    if (t, e) in by and e in ref:
        try:
            out.append(f"| {t} ÷ reference | {e} | p99 {float(by[(t, e)]['p99_ms']):.2f} ms vs {float(ref[e]['p99_ms']):.2f} ms |")
        except ValueError:
            pass
if out:
    print()
    print("| ratio | endpoint | value |")
    print("|---|---|---|")
    print("\n".join(out))
import os
cpu = os.path.join(sys.argv[2], "cpu.tsv")
crow = list(csv.DictReader(open(cpu), delimiter="\t")) if os.path.exists(cpu) else []
if crow:
    print()
    print("During the peak GET /session run (CPU from /proc, 10 ms ticks; Redis calls from INFO commandstats):")
    print()
    print("| target | server CPU µs/req | redis CPU µs/req | redis calls/req |")
    print("|---|---:|---:|---:|")
    for r in crow:
        print(f"| {r['target']} | {r['server_us_per_req']} | {r['redis_us_per_req']} | {r['redis_calls_per_req']} |")
print()
print(f"raw wrk outputs: {sys.argv[2]}")
EOF

[ "$bad" -eq 0 ] || die "some runs had errors (see above)"
