#!/usr/bin/env bash
# Tessera's pages in a real browser: Debian's Chromium (headless) driven by npm playwright-core
# against `tessera serve` on loopback (browser/run.mjs; docs/pages.md lists the checks).
#
# usage: browser/run.sh PATH_TO_TESSERA_BINARY [--only SCENARIO,...]
#
# Prints one line per check (`ok   SCOPE CHECK` or `FAIL SCOPE CHECK: why`), then
# `N passed, M failed`. Exits 1 if any check failed, 2 on usage/setup errors. KEEP=1 keeps the
# scratch data directories. SCREENSHOTS=1 also writes docs/pages/*.png (browser/screenshots.mjs).
set -euo pipefail

if [ "$#" -lt 1 ] || [ ! -x "$1" ]; then
  echo "usage: $0 PATH_TO_TESSERA_BINARY" >&2
  exit 2
fi
TESSERA="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

if ! command -v node >/dev/null 2>&1; then
  echo "error: node is not installed (scripts/setup.sh installs it)" >&2
  exit 2
fi
if [ ! -d "$HERE/node_modules/playwright-core" ]; then
  echo "error: npm package playwright-core is not installed; run 'npm ci' in $HERE (or scripts/setup.sh)" >&2
  exit 2
fi
if [ ! -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ]; then
  echo "error: ${CHROMIUM_PATH:-/usr/bin/chromium} is missing; apt-get install chromium (scripts/setup.sh does)" >&2
  exit 2
fi

node "$HERE/run.mjs" --tessera "$TESSERA" "${@:2}"
if [ "${SCREENSHOTS:-0}" = 1 ]; then
  node "$HERE/screenshots.mjs" --tessera "$TESSERA"
fi
