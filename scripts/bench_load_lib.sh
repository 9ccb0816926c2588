# Helpers for scripts/bench_load.sh (sourced, not run): processes, wrk runs and their parsing,
# CPU accounting, Redis servers and the Redis Cluster. Expects `root`, `work`, `DUR` and a bash
# with `set -euo pipefail`.

die() { echo "bench_load: $*" >&2; exit 1; }
log() { echo "bench_load: $*" >&2; }

# ---------------------------------------------------------------- processes
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
# free_cluster_port: a free port P in 20000-45535 whose cluster bus port P+10000 is free too
# (the bus port must stay below 65536, and both must be outside the ephemeral range).
free_cluster_port() {
  python3 -c '
import random, socket
for _ in range(200):
    p = random.randint(20000, 45535)
    try:
        a = socket.socket(); a.bind(("127.0.0.1", p))
        b = socket.socket(); b.bind(("127.0.0.1", p + 10000))
        a.close(); b.close(); print(p); break
    except OSError:
        pass
else:
    raise SystemExit("no free port pair")'
}
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

# ---------------------------------------------------------------- wrk
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

# run_wrk OUTFILE SCRIPT CONNECTIONS URL [extra wrk args...] : bounded wrk run.
run_wrk() {
  local out=$1 script=$2 conns=$3 url=$4; shift 4
  timeout $((DUR + 60)) wrk -t2 -c"$conns" -d"${DUR}s" --latency -s "$root/bench/load/$script" "$@" "$url" \
    >"$out" 2>&1 || die "wrk failed (see $out)"
  grep -q '^Requests/sec:' "$out" || die "wrk produced no result (see $out)"
  if grep -q '\.lua:' "$out"; then die "wrk script error (see $out)"; fi
}

# ---------------------------------------------------------------- CPU
# cpu_ticks PGID...: user+system CPU clock ticks used so far by the live processes of the groups.
# The files go through cat, which skips a process that exits between the glob and the read:
# mawk given such a file name aborts before END, and the sum would read as 0.
cpu_ticks() {
  [ $# -gt 0 ] || { echo 0; return; }
  { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v pgs=" $* " '{ s = $0; sub(/^.*\) /, "", s); split(s, a, " "); if (index(pgs, " " a[3] " ")) t += a[12] + a[13] }
    END { print t + 0 }'
}

# ---------------------------------------------------------------- Redis
# start_redis PORT [extra redis-server args...]: one redis-server in its own process group
# (data in $work/redis-PORT, no persistence); sets $spawned.
start_redis() {
  local port=$1; shift
  mkdir -p "$work/redis-$port"
  spawn "$work/redis-$port/log" "$work/redis-$port/log.err" redis-server --port "$port" --bind 127.0.0.1 \
    --save "" --appendonly no --dir "$work/redis-$port" "$@"
  local pid=$spawned
  for _ in $(seq 100); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.05; done
  redis-cli -p "$port" ping >/dev/null 2>&1 || { cat "$work/redis-$port/log" >&2; die "redis-server on $port did not start"; }
  spawned=$pid
}

# start_cluster: 3 masters, no replicas, on loopback; sets cluster_ports and cluster_pgids.
start_cluster() {
  cluster_ports=(); cluster_pgids=()
  local p
  for _ in 1 2 3; do
    p=$(free_cluster_port)
    start_redis "$p" --cluster-enabled yes --cluster-config-file "$work/redis-$p/nodes.conf" \
      --cluster-node-timeout 5000
    cluster_ports+=("$p"); cluster_pgids+=("$spawned")
  done
  redis-cli --cluster create "127.0.0.1:${cluster_ports[0]}" "127.0.0.1:${cluster_ports[1]}" \
    "127.0.0.1:${cluster_ports[2]}" --cluster-replicas 0 --cluster-yes >"$work/cluster-create.log" 2>&1 \
    || { cat "$work/cluster-create.log" >&2; die "redis-cli --cluster create failed"; }
  local ok
  for _ in $(seq 100); do
    ok=0
    for p in "${cluster_ports[@]}"; do
      redis-cli -p "$p" cluster info 2>/dev/null | grep -q cluster_state:ok && ok=$((ok + 1))
    done
    [ "$ok" -eq 3 ] && return 0
    sleep 0.1
  done
  die "the Redis Cluster did not reach cluster_state:ok within 10 s"
}

# redis_reset PORT...: CONFIG RESETSTAT on each (zeroes commandstats and the INFO stats counters).
redis_reset() {
  local p
  for p in "$@"; do redis-cli -p "$p" config resetstat >/dev/null; done
}
# redis_snapshot OUTPREFIX PORT...: INFO stats and INFO commandstats of each node, to
# OUTPREFIX-PORT-{stats,commandstats}.txt.
redis_snapshot() {
  local pre=$1 p; shift
  rm -f "$pre"-*-stats.txt "$pre"-*-commandstats.txt  # a reused --results directory
  for p in "$@"; do
    redis-cli -p "$p" info stats | tr -d '\r' >"$pre-$p-stats.txt"
    redis-cli -p "$p" info commandstats | tr -d '\r' >"$pre-$p-commandstats.txt"
  done
}
# redis_calls_per_req REQUESTS FILE...: commands in the commandstats files (all nodes) except
# the script's own INFO and CONFIG, divided by REQUESTS.
redis_calls_per_req() {
  local n=$1; shift
  awk -F'[:=,]' -v n="$n" '/^cmdstat_/ && $1 != "cmdstat_info" && $1 != "cmdstat_config" { c += $3 }
    END { if (n > 0) printf "%.2f", c / n; else print "n/a" }' "$@"
}
# redis_cmds_per_read FILE...: sum of total_commands_processed ÷ sum of total_reads_processed
# over the INFO stats files (one per node), each taken after a CONFIG RESETSTAT. Each node's
# counters include the script's own CONFIG RESETSTAT (1 command; 1 read when its redis-cli
# connection closes) and INFO (1 read); those are taken off.
redis_cmds_per_read() {
  awk -F: '/^total_commands_processed:/ { c += $2 - 1 } /^total_reads_processed:/ { r += $2 - 2 }
    END { if (r > 0) printf "%.2f", c / r; else print "n/a" }' "$@"
}
# redis_reads_per_req REQUESTS FILE...: socket reads (all nodes, less the script's own) per request.
redis_reads_per_req() {
  local n=$1; shift
  awk -F: -v n="$n" '/^total_reads_processed:/ { r += $2 - 2 }
    END { if (n > 0) printf "%.2f", r / n; else print "n/a" }' "$@"
}
# redis_nodes_loaded REQUESTS FILE...: how many of the nodes' commandstats files show at least
# 0.05 commands per request (the others only saw the script's own calls or stray ones).
redis_nodes_loaded() {
  local n=$1 f k=0; shift
  for f in "$@"; do
    awk -F'[:=,]' -v n="$n" '/^cmdstat_/ && $1 != "cmdstat_info" && $1 != "cmdstat_config" { c += $3 }
      END { exit !(n > 0 && c / n >= 0.05) }' "$f" && k=$((k + 1))
  done
  echo "$k"
}
