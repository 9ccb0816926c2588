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

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$HERE/run_common.sh"
interop_binary "PATH_TO_TESSERA_BINARY [--scenario cli|interval|tight|control]..." "$@"
shift
interop_needs "$HERE" jose paseto @stablelib/blake2b
interop_has_option "serve" "--publish-ahead"

exec node "$HERE/key_rotation.mjs" --tessera "$TESSERA" "$@"
