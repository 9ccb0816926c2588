#!/usr/bin/env bash
# Gateway benchmark (separate from the tests, bounded): requests/s, p50 and p99 of one small GET
# with a bearer JWT (ES256, issued by a real `tessera serve`) through
#   (a) nothing: the upstream directly (no token check)
#   (b) `tessera gateway` (JWT verified against the issuer's cached JWKS, headers rewritten,
#       keep-alive pool to the upstream; no --client-id: no feed, no introspection)
#   (c) the node equivalent, bench/node_gateway/gateway.mjs (http-proxy + jose
#       createRemoteJWKSet, the same checks and header changes)
# all in one run against the same upstream (bench/node_gateway/upstream.mjs: a fixed body).
# Prints the table and the ratios; results.md and the raw wrk outputs go to the results
# directory. Stops everything it started.
#
# usage: scripts/bench_gateway.sh [--duration SECONDS] [--connections N] [--threads N] [--results DIR]
#   --duration     seconds per wrk run (default 10)
#   --connections  wrk connections (default 64; wrk uses 2 threads)
#   --threads      the tessera gateway's I/O threads (default 0: one per core)
#   --results      where the outputs go (default bench/gateway/results/<timestamp>)
# env: TESSERA_BIN  the tessera binary (default build/tessera)
#
# Takes about 3 x --duration + 15 s.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
DUR=10
CONN=64
GW_THREADS=0
RESULTS=""
usage_error() { echo "bench_gateway: $*" >&2; sed -n '13,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --duration|--connections|--threads|--results)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      case "$1" in
        --duration) DUR=$2 ;; --connections) CONN=$2 ;; --threads) GW_THREADS=$2 ;; --results) RESULTS=$2 ;;
      esac
      shift 2 ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage_error "unknown argument $1" ;;
  esac
done
[[ "$DUR" =~ ^[0-9]+$ && "$DUR" -ge 1 ]] || usage_error "--duration must be a positive integer"
[[ "$CONN" =~ ^[0-9]+$ && "$CONN" -ge 2 ]] || usage_error "--connections must be an integer >= 2"
[[ "$GW_THREADS" =~ ^[0-9]+$ ]] || usage_error "--threads must be an integer"

work=$(mktemp -d /tmp/tessera-bench-gateway.XXXXXX)
source "$root/scripts/bench_load_lib.sh"
die() { echo "bench_gateway: $*" >&2; exit 1; }
log() { echo "bench_gateway: $*" >&2; }
trap cleanup EXIT

TESSERA=${TESSERA_BIN:-$root/build/tessera}
[ -x "$TESSERA" ] || die "$TESSERA is not built (cmake --build build --target tessera_cli)"
command -v wrk >/dev/null || die "wrk is not installed"
command -v node >/dev/null || die "node is not installed"
node_dir=$root/bench/node_gateway
[ -d "$node_dir/node_modules/jose" ] && [ -d "$node_dir/node_modules/http-proxy" ] ||
  (cd "$node_dir" && npm ci --silent) || die "npm ci in bench/node_gateway failed"
RESULTS=${RESULTS:-$root/bench/gateway/results/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$RESULTS"

# The issuer: tessera serve with a client_credentials client for the API.
data=$work/data
issuer_port=$(free_port)
"$TESSERA" clients add bench --grant client_credentials --scope read --audience https://api.example \
  --access-ttl 3600 --json --data "$data" >"$work/client.json"
spawn "$work/serve.out" "$work/serve.err" "$TESSERA" serve --listen "127.0.0.1:$issuer_port" --data "$data" \
  --metrics-listen off --log-level warn
serve_pid=$spawned
issuer=http://127.0.0.1:$issuer_port
wait_http "$serve_pid" "$issuer/healthz" "$work/serve.err" "tessera serve"
token=$(python3 - "$work/client.json" "$issuer" <<'PY'
import base64, json, sys, urllib.request
c = json.load(open(sys.argv[1]))
basic = base64.b64encode(f"{c['client_id']}:{c['client_secret']}".encode()).decode()
req = urllib.request.Request(sys.argv[2] + "/oauth2/token", data=b"grant_type=client_credentials&scope=read",
                             headers={"Authorization": "Basic " + basic,
                                      "Content-Type": "application/x-www-form-urlencoded"})
print(json.load(urllib.request.urlopen(req))["access_token"])
PY
)

up_port=$(free_port)
spawn "$work/upstream.out" "$work/upstream.err" node "$node_dir/upstream.mjs" "$up_port"
wait_http "$spawned" "http://127.0.0.1:$up_port/" "$work/upstream.err" "upstream"

gw_port=$(free_port)
spawn "$work/gateway.out" "$work/gateway.err" "$TESSERA" gateway --listen "127.0.0.1:$gw_port" \
  --upstream "http://127.0.0.1:$up_port" --issuer "$issuer" --audience https://api.example --scope read \
  --threads "$GW_THREADS" --metrics-listen off --log-level warn
gw_pid=$spawned
node_port=$(free_port)
spawn "$work/node.out" "$work/node.err" node "$node_dir/gateway.mjs" --listen "$node_port" \
  --upstream "http://127.0.0.1:$up_port" --issuer "$issuer" --audience https://api.example --scope read
node_pid=$spawned
auth=(-H "Authorization: Bearer $token")
for target in "$gw_pid 127.0.0.1:$gw_port tessera-gateway" "$node_pid 127.0.0.1:$node_port node-gateway"; do
  set -- $target
  for _ in $(seq 150); do
    kill -0 "$1" 2>/dev/null || die "$3 exited during startup"
    [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "${auth[@]}" "http://$2/bench")" = 200 ] && break
    sleep 0.1
  done
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "${auth[@]}" "http://$2/bench")" = 200 ] ||
    die "$3 does not answer 200 with the token"
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "http://$2/bench")" = 401 ] ||
    die "$3 does not refuse a request without a token"
done

# One warm-up second each, then the measured runs.
row() {
  local name=$1 url=$2 out=$RESULTS/wrk-$1.txt
  timeout $((DUR + 60)) wrk -t2 -c"$CONN" -d1s "${auth[@]}" "$url" >/dev/null 2>&1 || true
  timeout $((DUR + 60)) wrk -t2 -c"$CONN" -d"${DUR}s" --latency "${auth[@]}" "$url" >"$out" 2>&1 ||
    die "wrk failed (see $out)"
  grep -q '^Requests/sec:' "$out" || die "wrk produced no result (see $out)"
  read -r rps p50 p99 non2xx errs reqs < <(parse_wrk "$out")
  [ "$non2xx" -eq 0 ] || die "$name: $non2xx non-2xx answers (see $out)"
  echo "$name $rps $p50 $p99 $errs $reqs"
}
log "upstream direct, ${DUR}s, $CONN connections"
a=$(row upstream "http://127.0.0.1:$up_port/bench")
log "tessera gateway"
b=$(row tessera-gateway "http://127.0.0.1:$gw_port/bench")
log "node gateway (http-proxy + jose)"
c=$(row node-gateway "http://127.0.0.1:$node_port/bench")

python3 - "$RESULTS/results.md" "$DUR" "$CONN" "$(nproc)" "$a" "$b" "$c" <<'PY'
import sys
out, dur, conn, cores = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
rows = [r.split() for r in sys.argv[5:]]
lines = [f"wrk -t2 -c{conn} -d{dur}s, one GET with a bearer ES256 JWT, {cores} cores shared by wrk, the "
         "upstream and the proxy", "",
         "| path | requests/s | p50 ms | p99 ms | socket errors |", "|---|---:|---:|---:|---:|"]
for name, rps, p50, p99, errs, _ in rows:
    lines.append(f"| {name} | {float(rps):.0f} | {float(p50):.2f} | {float(p99):.2f} | {errs} |")
up, gw, node = (float(r[1]) for r in rows)
lines += ["", f"tessera gateway / upstream direct: {gw / up:.2f} of the requests/s",
          f"tessera gateway / node gateway: {gw / node:.2f}x the requests/s, "
          f"p99 {float(rows[1][3]):.2f} ms vs {float(rows[2][3]):.2f} ms"]
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
log "results in $RESULTS"
