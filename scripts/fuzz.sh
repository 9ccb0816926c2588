#!/usr/bin/env bash
# Fuzzes every parser of untrusted input for a bounded time under AddressSanitizer and
# UndefinedBehaviorSanitizer. usage: scripts/fuzz.sh [SECONDS]   (default 120)
# Separate from the test suite; builds in build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTESSERA_FUZZ=ON -DTESSERA_BUILD_TESTS=OFF \
  -DTESSERA_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
cmake --build build-fuzz -j"$(nproc)" --target tessera_fuzz
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
  timeout $(( ${1:-120} + 120 )) build-fuzz/tessera_fuzz "${1:-120}"
