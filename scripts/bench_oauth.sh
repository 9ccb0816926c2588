#!/usr/bin/env bash
# OAuth benchmark (separate from the tests, bounded): the token endpoint and introspection of
# `tessera serve` on SQLite and on Redis (the durable rows) and on SQLite in tmpfs (no
# durability: the like-for-like row) against npm oidc-provider configured for the same work
# (bench/oauth/oidc_provider_server.mjs: Map adapter, ES256 JWT access tokens, rotation on),
# all on this machine in one run. Three workloads per server, each a wrk run:
#   client_credentials  POST token, client_secret_basic, a new ES256 JWT access token each time
#   refresh             POST token, refresh_token grant of a public client; rotation: each
#                       request consumes its refresh token and the next request of that family
#                       uses the successor (bench/oauth/refresh.lua; families made beforehand
#                       through real code + PKCE flows, bench/oauth/families.mjs)
#   introspect          POST introspection as the resource server (Basic), an opaque access
#                       token (oidc-provider cannot introspect its JWT access tokens; Tessera's
#                       JWT introspection is measured too, as an extra row)
# Prints the table (req/s, p50, p99, server CPU per request) and the Tessera ÷ oidc-provider
# ratios; results.json, table.md and the raw wrk outputs go to the results directory. Stops
# everything it started.
#
# usage: scripts/bench_oauth.sh [--duration SECONDS] [--connections N] [--families N] [--only LIST]
#                               [--results DIR]
#   --duration     seconds per wrk run (default 10)
#   --connections  wrk connections for every run (default 32; wrk uses 2 threads)
#   --families     refresh families, each refreshed in turn (default 1000; at least connections + 4:
#                  with that minimum each family is refreshed hundreds of times a second)
#   --only         comma-separated subset of: sqlite,sqlite-tmpfs,redis,oidc-provider (default:
#                  all four; redis is skipped with a message when redis-server is not installed;
#                  sqlite-tmpfs keeps its data directory in /dev/shm, where fsync writes nothing)
#   --results      where the outputs go (default bench/oauth/results/<timestamp>)
# env: TESSERA_BIN  the tessera binary (default build/tessera, built with cmake if unset)
#
# Default run: 14 wrk runs of --duration seconds plus about 40 s of setup (server starts and
# the families' code flows): about 3 minutes; with --duration 3, about 1.5 minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
source "$root/scripts/bench_load_lib.sh"
die() { echo "bench_oauth: $*" >&2; exit 1; }
log() { echo "bench_oauth: $*" >&2; }

usage_error() { echo "bench_oauth: $*" >&2; sed -n '19,29p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
DUR=10
CONN=32
ONLY="sqlite,sqlite-tmpfs,redis,oidc-provider"
FAMILIES=1000
RESULTS=""
while [ $# -gt 0 ]; do
  case "$1" in
    --duration|--connections|--families|--only|--results)
      [ $# -ge 2 ] || usage_error "$1 needs a value"
      case "$1" in
        --duration) DUR=$2 ;; --connections) CONN=$2 ;; --families) FAMILIES=$2 ;; --only) ONLY=$2 ;;
        --results) RESULTS=$2 ;;
      esac
      shift 2 ;;
    -h|--help) sed -n '2,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) usage_error "unknown argument $1" ;;
  esac
done
[[ "$DUR" =~ ^[0-9]+$ && "$DUR" -ge 1 ]] || usage_error "--duration must be a positive integer"
[[ "$CONN" =~ ^[0-9]+$ && "$CONN" -ge 2 ]] || usage_error "--connections must be an integer >= 2"
IFS=, read -r -a only_list <<<"$ONLY"
[ "${#only_list[@]}" -gt 0 ] || usage_error "--only needs at least one target"
for t in "${only_list[@]}"; do
  case "$t" in sqlite|sqlite-tmpfs|redis|oidc-provider) ;; *) usage_error "--only: unknown target '$t'" ;; esac
done
want() { [[ ",$ONLY," == *",$1,"* ]]; }
THREADS=2  # wrk threads (run_wrk's -t2)
# Refresh families: at least one per connection in flight, and spares.
[[ "$FAMILIES" =~ ^[0-9]+$ && "$FAMILIES" -ge $((CONN + 2 * THREADS)) ]] \
  || usage_error "--families must be an integer >= connections + $((2 * THREADS))"

# ---------------------------------------------------------------- dependencies
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v curl >/dev/null || missing+=(curl)
command -v python3 >/dev/null || missing+=(python3)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]}"
  if ! DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi
if want redis && ! { command -v redis-server && command -v redis-cli; } >/dev/null; then
  log "redis-server or redis-cli is not installed: skipping tessera on Redis (apt-get install redis-server redis-tools)"
  ONLY=$(sed 's/\(^\|,\)redis\(,\|$\)/\1\2/' <<<"$ONLY")
fi
if ! (cd interop && npm ls --offline oidc-provider jose >/dev/null 2>&1); then
  log "npm ci in interop (oidc-provider, jose)"
  (cd interop && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
if want sqlite || want sqlite-tmpfs || want redis; then
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
  grep -q -- '--redirect-uri' <<<"$("$TESSERA_BIN" clients add --help 2>&1 || true)" || die "$TESSERA_BIN has no 'clients add' command"
fi

work=$(mktemp -d)
[ -n "$RESULTS" ] || RESULTS=bench/oauth/results/$(date +%Y%m%d-%H%M%S)
mkdir -p "$RESULTS"
RESULTS=$(cd "$RESULTS" && pwd)
trap cleanup EXIT
trap 'exit 130' INT TERM

source "$root/bench/oauth/targets.sh"

# ---------------------------------------------------------------- run
{
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "host: $(nproc) cores, $(uname -sr), $(. /etc/os-release && echo "$PRETTY_NAME")"
  echo "wrk: $(wrk --version 2>&1 | head -1)"
  command -v redis-server >/dev/null && echo "redis: $(redis-server --version)"
  echo "node: $(node --version), oidc-provider $(node -p "require('./interop/node_modules/oidc-provider/package.json').version")"
  echo "duration: ${DUR}s per run, connections: $CONN, wrk threads: $THREADS, refresh families: $FAMILIES, targets: $ONLY"
  [ -n "${TESSERA_BIN:-}" ] && echo "tessera: $TESSERA_BIN"
  echo "git: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo n/a)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (dirty)')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$RESULTS/env.txt"
load1=$(cut -d' ' -f1 /proc/loadavg)
if awk -v l="$load1" 'BEGIN { exit !(l > 1.0) }'; then
  log "WARNING: load average is $load1 before the run; other work on this machine will skew the numbers"
fi

summary=$RESULTS/summary.tsv
printf 'target\tworkload\treq_s\tp50_ms\tp99_ms\tnon2xx\tsocket_errors\trequests\tserver_us_per_req\tnote\n' >"$summary"
bad=0

want oidc-provider && run_oidc_provider
want sqlite && run_tessera tessera-sqlite sqlite
if want sqlite-tmpfs; then
  [ -d /dev/shm ] && [ -w /dev/shm ] || die "sqlite-tmpfs needs a writable /dev/shm"
  shm=$(mktemp -d -p /dev/shm bench-oauth.XXXXXX)
  run_tessera tessera-sqlite-tmpfs sqlite "$shm"
  rm -rf "$shm"
fi
if want redis; then
  redis_port=$(free_port)
  start_redis "$redis_port"
  cur_redis_port=$redis_port
  run_tessera tessera-redis "redis://127.0.0.1:$redis_port"
  cur_redis_port=
fi

echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$RESULTS/env.txt"
python3 "$root/bench/oauth/report.py" "$RESULTS" | tee "$RESULTS/table.md"
[ "$bad" -eq 0 ] || die "some runs had errors (see above)"
