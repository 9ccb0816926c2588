#!/usr/bin/env bash
# Tessera DPoP (RFC 9449) interop: the real `tessera serve` (DPoP nonces on, its default) on
# SQLite and on Redis (skipped with a message when redis-server is not installed), driven by npm
# oauth4webapi's DPoP support and checked with npm jose (dpop_flow.mjs lists the checks).
#
# usage: interop/dpop_run.sh PATH_TO_TESSERA_BINARY [--store sqlite|redis]...
#
# Prints one line per check (`ok   <store> <check>`, `FAIL ...: why` or `skip ...`), then
# `K skipped` (if any) and `N passed, M failed`. Exits 1 if any check failed, 2 on usage/setup
# errors.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/run_common.sh"
interop_binary "PATH_TO_TESSERA_BINARY [--store sqlite|redis]..." "$@"
shift
interop_needs "$HERE" oauth4webapi jose
interop_has_option "clients add" "--redirect-uri"

exec node "$HERE/dpop_flow.mjs" --tessera "$TESSERA" "$@"
