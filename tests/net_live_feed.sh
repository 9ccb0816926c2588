#!/usr/bin/env bash
# ctest net_live_feed: a real `tessera serve` (SQLite, loopback) and tests/net_live/net_live_probe
# against it: discovery, remote keys, introspection, the revocation-feed subscriber (revoke ->
# deny list), and the feed going down (the probe stops the server) -> deny list not fresh.
#   usage: tests/net_live_feed.sh TESSERA_BIN PROBE_BIN
set -euo pipefail
TESSERA=${1:?usage: net_live_feed.sh TESSERA_BIN PROBE_BIN}
PROBE=${2:?usage: net_live_feed.sh TESSERA_BIN PROBE_BIN}
D=$(mktemp -d)
PID=
cleanup() { if [ -n "$PID" ]; then kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; fi; rm -rf "$D"; }
trap cleanup EXIT

field() { python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
api=$("$TESSERA" clients add api --grant client_credentials --resource https://api.example --json --data "$D" --store sqlite)
batch=$("$TESSERA" clients add batch --grant client_credentials --audience https://api.example --scope reports --json \
        --data "$D" --store sqlite)

"$TESSERA" serve --listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 --data "$D" --store sqlite \
  --argon2-ops 1 --argon2-mem-kib 8192 >"$D/serve.out" 2>"$D/serve.err" &
PID=$!
issuer=
for _ in $(seq 200); do
  issuer=$(sed -n 's/^tessera: listening on \(http:\/\/127\.0\.0\.1:[0-9]*\)$/\1/p' "$D/serve.err")
  [ -n "$issuer" ] && break
  kill -0 "$PID" 2>/dev/null || { cat "$D/serve.err" >&2; echo "net_live_feed: serve exited" >&2; exit 1; }
  sleep 0.1
done
[ -n "$issuer" ] || { cat "$D/serve.err" >&2; echo "net_live_feed: serve did not listen" >&2; exit 1; }

"$PROBE" "$issuer" "$(field client_id <<<"$api")" "$(field client_secret <<<"$api")" \
  "$(field client_id <<<"$batch")" "$(field client_secret <<<"$batch")" "$PID"
