#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Tessera and runs its main job: the auth server,
# `tessera serve`, on the embedded SQLite store in ./tessera-data, listening on 127.0.0.1:8080.
# Arguments are passed to `tessera serve` (see `build/tessera serve --help`). Ctrl-C stops it.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target tessera_cli
exec build/tessera serve "$@"
