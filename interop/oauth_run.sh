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
for pkg in openid-client oauth4webapi jose paseto @stablelib/blake2b; do
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

exec node "$HERE/oauth_flow.mjs" --tessera "$TESSERA" "$@"
