# The targets of scripts/bench_oauth.sh (sourced, not run): starting oidc-provider and
# `tessera serve` with equivalent clients, preparing refresh families and the token to
# introspect, and the three wrk workloads on each. Expects what scripts/bench_oauth.sh sets up
# (root, work, RESULTS, DUR, CONN, THREADS, FAMILIES, summary, bad, TESSERA_BIN) and
# scripts/bench_load_lib.sh's helpers (spawn, stop, free_port, wait_http, run_wrk, parse_wrk,
# cpu_ticks).

AUD=https://api.bench.test
REDIRECT=http://127.0.0.1:9/cb   # never listened on: the code is read from the redirect
SCOPE="openid offline_access"
HZ=$(getconf CLK_TCK)

basic() { printf '%s:%s' "$1" "$2" | base64 -w0; }
json_field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }

# The Redis the current target uses (empty: none). Each run resets its counters first (before)
# and snapshots them after (after NAME WORKLOAD); record() adds its commands per request to the note.
cur_redis_port=""
before() { if [ -n "$cur_redis_port" ]; then redis_reset "$cur_redis_port"; fi; }
after() { if [ -n "$cur_redis_port" ]; then redis_snapshot "$RESULTS/$1-$2-redis" "$cur_redis_port"; fi; }

# record TARGET WORKLOAD WRKFILE TICKS NOTE: one summary row (and a warning on errors).
record() {
  local r us note=$5
  read -r -a r < <(parse_wrk "$3")
  if [ -n "$cur_redis_port" ]; then
    note="$note; redis calls/req $(redis_calls_per_req "${r[5]}" "$RESULTS/$1-$2-redis-"*-commandstats.txt)"
  fi
  us=$(awk -v t="$4" -v n="${r[5]}" -v hz="$HZ" 'BEGIN { if (n > 0) printf "%.1f", t / hz * 1e6 / n; else print "n/a" }')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "${r[0]}" "${r[1]}" "${r[2]}" "${r[3]}" "${r[4]}" "${r[5]}" "$us" "$note" >>"$summary"
  if [ "${r[5]}" -eq 0 ] || [ "${r[3]}" -gt 0 ]; then
    log "WARNING: $1 $2: ${r[5]} requests, ${r[3]} non-2xx responses (see $3)"
    bad=1
  fi
  if [ "${r[4]}" -gt 0 ]; then log "note: $1 $2: ${r[4]} socket errors (timeouts count here)"; fi
}

# measure NAME URL PGID TOKEN_PATH INTROSPECT_PATH CC_BASIC APP_ID RS_BASIC OPAQUE_TOKEN NOTE:
# the three workloads on a running server.
measure() {
  local name=$1 url=$2 pg=$3 tpath=$4 ipath=$5 cc=$6 app=$7 rs=$8 opaque=$9 note=${10}
  local f t0 t1

  log "$name: client_credentials (-c$CONN, ${DUR}s)"
  f=$RESULTS/$name-client_credentials.txt
  before; t0=$(cpu_ticks "$pg")
  BENCH_PATH=$tpath BENCH_BASIC=$cc run_wrk "$f" ../oauth/client_credentials.lua "$CONN" "$url"
  t1=$(cpu_ticks "$pg"); after "$name" client_credentials
  record "$name" client_credentials "$f" "$((t1 - t0))" "ES256 JWT access token"

  log "$name: refresh (-c$CONN, ${DUR}s, $FAMILIES families)"
  f=$RESULTS/$name-refresh.txt
  before; t0=$(cpu_ticks "$pg")
  BENCH_PATH=$tpath BENCH_CLIENT_ID=$app BENCH_TOKENS_FILE=$work/$name-families.txt BENCH_THREADS=$THREADS \
    run_wrk "$f" ../oauth/refresh.lua "$CONN" "$url"
  t1=$(cpu_ticks "$pg"); after "$name" refresh
  record "$name" refresh "$f" "$((t1 - t0))" "rotation; $note; $(grep -m1 '^families lost' "$f" || echo 'families lost: ?')"

  log "$name: introspect (-c$CONN, ${DUR}s)"
  f=$RESULTS/$name-introspect.txt
  before; t0=$(cpu_ticks "$pg")
  BENCH_PATH=$ipath BENCH_BASIC=$rs BENCH_TOKEN=$opaque run_wrk "$f" ../oauth/introspect.lua "$CONN" "$url"
  t1=$(cpu_ticks "$pg"); after "$name" introspect
  record "$name" introspect "$f" "$((t1 - t0))" "opaque access token, active"
}

# families NAME KIND URL APP_ID [USER PASSWORD]: FAMILIES refresh tokens in $work/NAME-families.txt;
# prints families.mjs's JSON line.
families() {
  local name=$1 kind=$2 url=$3 app=$4 extra=()
  [ $# -ge 6 ] && extra=(--user "$5" --password "$6")
  log "$name: preparing $FAMILIES refresh families (code + PKCE flows)"
  node bench/oauth/families.mjs --kind "$kind" --issuer "$url" --client-id "$app" --redirect-uri "$REDIRECT" \
    --scope "$SCOPE" --count "$FAMILIES" --out "$work/$name-families.txt" "${extra[@]}" \
    || die "$name: preparing refresh families failed"
}

# check_introspect NAME URL PATH RS_BASIC TOKEN: the token must be active for the resource server.
check_introspect() {
  local out
  out=$(curl -s --max-time 10 -H "Authorization: Basic $4" -d "token=$5" "$2$3")
  [ "$(printf '%s' "$out" | json_field active 2>/dev/null)" = True ] || die "$1: introspection of the prepared token is not active: $out"
}

run_oidc_provider() {
  local name=oidc-provider port pid url svc_secret api_secret fam opaque
  port=$(free_port)
  url=http://127.0.0.1:$port
  svc_secret=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
  api_secret=$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
  spawn /dev/null "$work/$name.err" env PORT="$port" AUD="$AUD" BENCH_USER=benchuser SECRET_SERVICE="$svc_secret" \
    SECRET_API="$api_secret" REDIRECT_URI="$REDIRECT" node bench/oauth/oidc_provider_server.mjs
  pid=$spawned
  wait_http "$pid" "$url/.well-known/openid-configuration" "$work/$name.err" "$name"
  fam=$(families "$name" oidc-provider "$url" bench-app)
  opaque=$(curl -s --max-time 10 -u "bench-service-opaque:$svc_secret" -d grant_type=client_credentials "$url/token" | json_field access_token) \
    || die "$name: client_credentials for the opaque token failed"
  check_introspect "$name" "$url" /token/introspection "$(basic bench-api "$api_secret")" "$opaque"
  measure "$name" "$url" "$pid" /token /token/introspection "$(basic bench-service "$svc_secret")" bench-app \
    "$(basic bench-api "$api_secret")" "$opaque" "$(id_token_note "$fam")"
  stop "$pid"
  cp "$work/$name.err" "$RESULTS/$name.stderr.txt" 2>/dev/null || true
}

id_token_note() {
  if [ "$(printf '%s' "$1" | json_field id_token_on_refresh)" = True ]; then echo "ID token on each refresh"; else echo "no ID token on refresh"; fi
}

# add_client NAME FLAGS...: `tessera clients add NAME FLAGS --json`; prints "client_id secret".
tessera_store_args=()
add_client() {
  local name=$1 out; shift
  out=$("$TESSERA_BIN" clients add "$name" "$@" --json "${tessera_store_args[@]}" 2>"$work/clients-add.err") \
    || { cat "$work/clients-add.err" >&2; die "tessera clients add $name failed"; }
  printf '%s' "$out" | python3 -c 'import json, sys; j = json.load(sys.stdin); print(j["client_id"], j.get("client_secret") or "-")'
}

# run_tessera NAME STORE [PARENT]: the data directory is PARENT/NAME (default: in $work).
run_tessera() {
  local name=$1 store=$2 parent=${3:-$work} port pid url password fam opaque jwt app svc svc_secret svco svco_secret rs rs_secret
  tessera_store_args=(--data "$parent/$name" --store "$store")
  password="bench-oauth-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
  printf '%s\n' "$password" | "$TESSERA_BIN" users add benchuser --password-stdin "${tessera_store_args[@]}" \
    >"$work/$name-useradd.log" 2>&1 || { cat "$work/$name-useradd.log" >&2; die "$name: tessera users add failed"; }
  read -r app _ < <(add_client bench-app --redirect-uri "$REDIRECT" --public --first-party --token-format jwt --audience "$AUD")
  read -r svc svc_secret < <(add_client bench-service --grant client_credentials --scope api --token-format jwt --audience "$AUD")
  read -r svco svco_secret < <(add_client bench-service-opaque --grant client_credentials --scope api --token-format opaque --audience "$AUD")
  read -r rs rs_secret < <(add_client bench-api --grant client_credentials --resource "$AUD")
  port=$(free_port)
  url=http://127.0.0.1:$port
  # stdout is the request log (one JSON line per request): discarded, but still produced.
  spawn /dev/null "$work/$name.err" "$TESSERA_BIN" serve --listen "127.0.0.1:$port" --metrics-listen off "${tessera_store_args[@]}"
  pid=$spawned
  wait_http "$pid" "$url/healthz" "$work/$name.err" "$name"
  fam=$(families "$name" tessera "$url" "$app" benchuser "$password")
  opaque=$(curl -s --max-time 10 -u "$svco:$svco_secret" -d grant_type=client_credentials "$url/oauth2/token" | json_field access_token) \
    || die "$name: client_credentials for the opaque token failed"
  check_introspect "$name" "$url" /oauth2/introspect "$(basic "$rs" "$rs_secret")" "$opaque"
  measure "$name" "$url" "$pid" /oauth2/token /oauth2/introspect "$(basic "$svc" "$svc_secret")" "$app" \
    "$(basic "$rs" "$rs_secret")" "$opaque" "$(id_token_note "$fam")"

  # Extra row without an oidc-provider counterpart: introspecting a JWT access token (signature,
  # claims, jti denylist and credential generation checked).
  jwt=$(curl -s --max-time 10 -u "$svc:$svc_secret" -d grant_type=client_credentials "$url/oauth2/token" | json_field access_token) \
    || die "$name: client_credentials failed"
  check_introspect "$name" "$url" /oauth2/introspect "$(basic "$rs" "$rs_secret")" "$jwt"
  log "$name: introspect a JWT (-c$CONN, ${DUR}s)"
  local f=$RESULTS/$name-introspect-jwt.txt t0 t1
  before; t0=$(cpu_ticks "$pid")
  BENCH_PATH=/oauth2/introspect BENCH_BASIC=$(basic "$rs" "$rs_secret") BENCH_TOKEN=$jwt \
    run_wrk "$f" ../oauth/introspect.lua "$CONN" "$url"
  t1=$(cpu_ticks "$pid"); after "$name" introspect-jwt
  record "$name" introspect-jwt "$f" "$((t1 - t0))" "ES256 JWT access token, active (no oidc-provider counterpart)"
  stop "$pid"
  cp "$work/$name.err" "$RESULTS/$name.stderr.txt" 2>/dev/null || true
}
