#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer, clang 16) of every parser of untrusted input under
# AddressSanitizer and UndefinedBehaviorSanitizer, one target after the other, each for SECONDS.
# usage: scripts/fuzz.sh [SECONDS]   (default 120 per target)
# Separate from the test suite; builds in build-fuzz/, keeps the growing corpora in
# build-fuzz/corpus/TARGET/ and any crashing input in build-fuzz/artifacts/. See docs/fuzzing.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
secs="${1:-120}"
san="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
launcher=()
if command -v ccache >/dev/null 2>&1; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
cmake -S . -B build-fuzz -DCMAKE_CXX_COMPILER=clang++-16 -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTESSERA_FUZZ=ON \
  -DTESSERA_BUILD_TESTS=OFF -DTESSERA_BUILD_BENCH=OFF "${launcher[@]}" \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link $san" -DCMAKE_EXE_LINKER_FLAGS="$san" >/dev/null
targets=(tokens cookie oauth body_json body_form oauth_request)
cmake --build build-fuzz -j"$(nproc)" --target tessera_fuzz_seeds "${targets[@]/#/tessera_fuzz_}"
build-fuzz/tessera_fuzz_seeds build-fuzz/seeds
mkdir -p build-fuzz/artifacts
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Stack traces with file:line (addr2line when LLVM's symbolizer is not installed).
ASAN_SYMBOLIZER_PATH="$(command -v llvm-symbolizer-16 || command -v llvm-symbolizer || command -v addr2line || true)"
export ASAN_SYMBOLIZER_PATH
status=0
summary=()
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t"
  log="build-fuzz/$t.log"
  echo "fuzz: $t for $secs s"
  if ! timeout $(( secs + 120 )) "build-fuzz/tessera_fuzz_$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
       -print_final_stats=1 -artifact_prefix="build-fuzz/artifacts/$t-" "build-fuzz/corpus/$t" "build-fuzz/seeds/$t" \
       >"$log" 2>&1; then
    status=1
    echo "fuzz: $t FAILED (see $log and build-fuzz/artifacts/)"
    tail -40 "$log"
  fi
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9a-zA-Z]+' || true)
  summary+=("$t: ${execs:-?} executions in ${secs} s, ${last:-no stats}")
done
printf 'fuzz: %s\n' "${summary[@]}"
exit $status
