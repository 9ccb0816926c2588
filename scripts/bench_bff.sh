#!/bin/sh
# The BFF proxy's overhead (docs/bff.md "Overhead"): wrk against an upstream directly, then the
# same upstream through `tessera serve --bff-client ...` (/bff/api/up/healthz with a signed-in
# BFF session). The upstream is a second `tessera serve` (memory store), whose GET /healthz
# answers in microseconds, so the difference is the BFF's: session check, token unsealing, the
# new upstream connection, header filtering and the hop through the BFF pool.
#   scripts/bench_bff.sh [path/to/tessera] [seconds] [connections]
# Prints p50/p99 latency and requests/s of both runs and their ratios. Needs wrk, curl, python3.
set -eu
TESSERA=${1:-build/tessera}
SECONDS_=${2:-10}
CONNS=${3:-16}
TESSERA=$(cd "$(dirname "$TESSERA")" && pwd)/$(basename "$TESSERA")
TMP=$(mktemp -d)
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT INT TERM

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 300); do curl -fs "http://127.0.0.1:$1/healthz" >/dev/null && return 0; sleep 0.1; done; echo "bench: port $1 did not come up" >&2; exit 1; }
ARGON="--argon2-ops 1 --argon2-mem-kib 8192"

UP=$(free_port)
"$TESSERA" serve --listen "127.0.0.1:$UP" --data "$TMP/up" --store memory --metrics-listen 127.0.0.1:0 --log-level warn >/dev/null 2>&1 &
PIDS="$PIDS $!"

BFF=$(free_port)
ORIGIN="http://127.0.0.1:$BFF"
echo "pw-bench-0123456789" | "$TESSERA" users add bench --password-stdin --data "$TMP/bff" $ARGON >/dev/null
"$TESSERA" clients add "bench spa" --first-party --redirect-uri "$ORIGIN/bff/callback" --json --data "$TMP/bff" >"$TMP/client.json"
CLIENT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["client_id"])' "$TMP/client.json")
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["client_secret"])' "$TMP/client.json" >"$TMP/secret"
"$TESSERA" serve --listen "127.0.0.1:$BFF" --data "$TMP/bff" $ARGON --metrics-listen 127.0.0.1:0 --log-level warn --bff-client "$CLIENT" \
  --bff-client-secret-file "$TMP/secret" --bff-upstream "up=http://127.0.0.1:$UP" >/dev/null 2>&1 &
PIDS="$PIDS $!"
wait_up "$UP"
wait_up "$BFF"

# Sign in as a browser would: Tessera login, /bff/login, the authorization, the callback.
cookie_of() { sed -n "s/^[Ss]et-[Cc]ookie: $1=\([^;]*\).*/\1/p" "$2" | head -n1; }
location_of() { sed -n 's/^[Ll]ocation: \(.*\)\r$/\1/p' "$1" | head -n1; }
curl -s -D "$TMP/h1" -o /dev/null -H 'Content-Type: application/json' \
  -d '{"username":"bench","password":"pw-bench-0123456789"}' "$ORIGIN/login"
SESSION=$(cookie_of __Host-tessera "$TMP/h1")
curl -s -D "$TMP/h2" -o /dev/null "$ORIGIN/bff/login"
LOGIN=$(cookie_of __Host-tessera-bff-login "$TMP/h2")
curl -s -D "$TMP/h3" -o /dev/null -H "Cookie: __Host-tessera=$SESSION" "$(location_of "$TMP/h2")"
curl -s -D "$TMP/h4" -o /dev/null -H "Cookie: __Host-tessera-bff-login=$LOGIN" "$(location_of "$TMP/h3")"
BFFCOOKIE=$(cookie_of __Host-tessera-bff "$TMP/h4")
[ -n "$BFFCOOKIE" ] || { echo "bench: the BFF sign-in failed" >&2; cat "$TMP/h4" >&2; exit 1; }
curl -fs -H "Cookie: __Host-tessera-bff=$BFFCOOKIE" -H 'X-CSRF: 1' "$ORIGIN/bff/api/up/healthz" >/dev/null

run() {  # label url [headers...]
  label=$1; url=$2; shift 2
  wrk -t2 -c"$CONNS" -d"${SECONDS_}s" --latency "$@" "$url" >"$TMP/$label.txt"
  python3 - "$TMP/$label.txt" "$label" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v):
    n, unit = re.match(r"([\d.]+)(us|ms|s)", v).groups()
    return float(n) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
p50 = ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
p99 = ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
bad = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{sys.argv[2]} {p50:.3f} {p99:.3f} {rps:.0f} {bad.group(1) if bad else 0}")
PY
}
DIRECT=$(run direct "http://127.0.0.1:$UP/healthz")
PROXY=$(run bff "$ORIGIN/bff/api/up/healthz" -H "Cookie: __Host-tessera-bff=$BFFCOOKIE" -H 'X-CSRF: 1')
echo "$DIRECT
$PROXY" | python3 -c '
import sys
rows = {l.split()[0]: l.split()[1:] for l in sys.stdin if l.strip()}
print("%-8s %8s %8s %8s %8s" % ("run", "p50 ms", "p99 ms", "req/s", "non-2xx"))
for k, (p50, p99, rps, bad) in rows.items():
    print("%-8s %8s %8s %8s %8s" % (k, p50, p99, rps, bad))
d, b = rows["direct"], rows["bff"]
print("ratio bff/direct: p50 %.1fx, p99 %.1fx, req/s %.2fx" % (float(b[0]) / float(d[0]), float(b[1]) / float(d[1]), float(b[2]) / float(d[2])))
'
echo "($SECONDS_ s each, $CONNS connections, wrk -t2)"
