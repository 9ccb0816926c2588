#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Tessera and runs the whole test suite
# (unit tests, official vectors, CLI contract, interop with node jose / PyJWT / jwcrypto and
# npm paseto / paseto-ts), then the clang lane (scripts/clang_lane.sh: clang 16 with
# -Werror=thread-safety, and a deliberately unlocked access that must not compile).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$(nproc)"
(cd build && ctest --output-on-failure -j"$(nproc)" --timeout 900)
bash scripts/clang_lane.sh
