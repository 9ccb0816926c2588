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

if [ "$#" -lt 1 ]; then
  echo "usage: $0 PATH_TO_TESSERA_BINARY [--store sqlite|redis]..." >&2
  exit 2
fi
if [ ! -x "$1" ]; then
  echo "error: $1 is not an executable" >&2
  exit 2
fi
TESSERA="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
shift
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v node >/dev/null 2>&1; then
  echo "error: node is not installed (scripts/setup.sh installs it)" >&2
  exit 2
fi
for pkg in oauth4webapi jose; do
  if [ ! -d "$HERE/node_modules/$pkg" ]; then
    echo "error: npm package $pkg is not installed; run 'npm ci' in $HERE (or scripts/setup.sh)" >&2
    exit 2
  fi
done
# An unknown subcommand followed by --help may still print the top-level help and exit 0, so
# look for an option only `clients add` has.
add_help="$("$TESSERA" clients add --help 2>&1 || true)"
if ! grep -q -- '--redirect-uri' <<<"$add_help"; then
  echo "error: '$TESSERA clients add --help' shows no --redirect-uri; this tessera build has no OAuth clients" >&2
  exit 2
fi

exec node "$HERE/dpop_flow.mjs" --tessera "$TESSERA" "$@"
