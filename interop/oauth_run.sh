#!/usr/bin/env bash
# Tessera OAuth 2.1 / OpenID Connect interop: the real `tessera serve` on SQLite and on Redis
# (redis-server started on a free loopback port; skipped with a message when it is not
# installed), driven by npm openid-client and checked with npm jose and paseto
# (oauth_flow.mjs; README.md in this directory lists the checks).
#
# usage: interop/oauth_run.sh PATH_TO_TESSERA_BINARY [--store sqlite|redis]...
#
# Prints one line per check (`ok   <store> <scenario> <check>`, `FAIL ...: why` or `skip ...`),
# then `K skipped` (if any) and `N passed, M failed`. Exits 1 if any check failed, 2 on
# usage/setup errors. KEEP=1 keeps the scratch directories (data directory, Redis dir).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/run_common.sh"
interop_binary "PATH_TO_TESSERA_BINARY [--store sqlite|redis]..." "$@"
shift
interop_needs "$HERE" openid-client oauth4webapi jose paseto @stablelib/blake2b
interop_has_option "clients add" "--redirect-uri"

exec node "$HERE/oauth_flow.mjs" --tessera "$TESSERA" "$@"
