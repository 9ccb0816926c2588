#!/usr/bin/env bash
# Tessera signing-key rotation interop: the real `tessera serve` on SQLite issues JWT and
# PASETO access tokens and ID tokens continuously while its keys rotate (`tessera keys rotate`,
# `--key-rotation-interval`); npm jose createRemoteJWKSet and a verifier that caches the JWKS
# for its full Cache-Control max-age verify every token; a negative control (a rotated key
# rewritten to sign as soon as it is published) shows that the max-age verifier does fail then
# (key_rotation.mjs; README.md in this directory says more). About 100 s.
#
# usage: interop/key_rotation_run.sh PATH_TO_TESSERA_BINARY [--scenario cli|interval|tight|control]...
#
# Prints one line per check (`ok   <scenario> <check>` or `FAIL ...: why`), the counts per
# verifier and per token stream, then `N passed, M failed`. Exits 1 if any check failed, 2 on
# usage/setup errors. KEEP=1 keeps the scratch directories.
set -euo pipefail

if [ "$#" -lt 1 ]; then
  echo "usage: $0 PATH_TO_TESSERA_BINARY [--scenario cli|interval|tight|control]..." >&2
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
for pkg in jose paseto @stablelib/blake2b; do
  if [ ! -d "$HERE/node_modules/$pkg" ]; then
    echo "error: npm package $pkg is not installed; run 'npm ci' in $HERE (or scripts/setup.sh)" >&2
    exit 2
  fi
done
if ! grep -q -- '--publish-ahead' <<<"$("$TESSERA" serve --help 2>&1 || true)"; then
  echo "error: '$TESSERA serve --help' shows no --publish-ahead; this tessera build has no key rotation" >&2
  exit 2
fi

exec node "$HERE/key_rotation.mjs" --tessera "$TESSERA" "$@"
