#!/usr/bin/env bash
# The clang lane: builds the library, the server and the CLI with clang 16 and
# -Wthread-safety -Werror=thread-safety (every GUARDED_BY / REQUIRES is checked), then checks
# that a deliberately unlocked access is refused. Run by scripts/test.sh; builds in build-clang/.
# -O0 without debug info: the lane is for the compiler's analysis, not for running.
set -euo pipefail
cd "$(dirname "$0")/.."
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
start=$(date +%s)
cmake -S . -B build-clang -DCMAKE_CXX_COMPILER=clang++-16 -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-O0 \
  -DTESSERA_BUILD_TESTS=OFF -DTESSERA_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
cmake --build build-clang -j"$(nproc)" --target tessera_server tessera_cli  # the CLI links every layer
(cd build-clang && ctest --output-on-failure -R '^thread_safety_')
echo "clang lane: ok in $(( $(date +%s) - start )) s"
