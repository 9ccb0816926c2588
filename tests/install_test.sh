#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then a tiny consumer project
# (tests/install/consumer) configured with find_package(tessera) against that prefix only,
# built and run. Checks the installed layout: bin/tessera, lib/libtessera_<layer>.a,
# include/tessera/*.hpp and lib/cmake/tessera/tesseraConfig.cmake.
#   usage: tests/install_test.sh BUILD_DIR
set -euo pipefail
BUILD=$(cd "${1:?usage: install_test.sh BUILD_DIR}" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

cmake --install "$BUILD" --prefix "$TMP/prefix" >"$TMP/install.log" 2>&1 \
  || { cat "$TMP/install.log" >&2; echo "install_test: cmake --install failed" >&2; exit 1; }

fail=0
# check PATTERN: a file whose path under the prefix matches (lib may be lib/<multiarch>).
check() {
  local hit
  hit=$(cd "$TMP/prefix" && find . -type f -path "./$1" | head -1)
  if [ -n "$hit" ]; then echo "ok: installed ${hit#./}"; else echo "FAIL: $1 not installed" >&2; fail=1; fi
}
check bin/tessera
for layer in base codec crypto keys token jose paseto session store service resource bff net; do check "lib*/libtessera_$layer.a"; done
check include/tessera/jwt.hpp
check include/tessera/keys.hpp
check "lib*/cmake/tessera/tesseraConfig.cmake"
check "lib*/cmake/tessera/tesseraConfigVersion.cmake"
check "lib*/cmake/tessera/tesseraTargets.cmake"
# Only public headers: nothing from src/.
if find "$TMP/prefix/include" -type f ! -path "*/include/tessera/*.hpp" | grep -q .; then
  echo "FAIL: files other than include/tessera/*.hpp under include/" >&2; fail=1
fi
"$TMP/prefix/bin/tessera" --help >/dev/null 2>&1 || { echo "FAIL: installed bin/tessera --help" >&2; fail=1; }
[ "$fail" -eq 0 ] || exit 1

# The consumer sees the installed package only (not the build tree, not the sources).
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake -S "$HERE/install/consumer" -B "$TMP/consumer" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$TMP/prefix" -DCMAKE_FIND_PACKAGE_NO_PACKAGE_REGISTRY=ON "${launcher[@]}" \
  >"$TMP/configure.log" 2>&1 || { cat "$TMP/configure.log" >&2; echo "FAIL: consumer configure (find_package(tessera))" >&2; exit 1; }
found=$(sed -n 's/^tessera_DIR:PATH=//p' "$TMP/consumer/CMakeCache.txt")
case "$found" in
  "$TMP/prefix/"*) echo "ok: find_package(tessera) found ${found#"$TMP/"}" ;;
  *) echo "FAIL: tessera found at '$found', not under the prefix" >&2; exit 1 ;;
esac
cmake --build "$TMP/consumer" >"$TMP/build.log" 2>&1 \
  || { cat "$TMP/build.log" >&2; echo "FAIL: consumer build" >&2; exit 1; }
echo "ok: consumer built against tessera::tessera"
"$TMP/consumer/consumer" "$TMP/sessions.db"
