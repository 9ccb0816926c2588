#!/usr/bin/env bash
# Installs every Debian package Tessera's build, tests and benchmarks need, and the npm
# interop peers. Idempotent: packages already present are skipped; `apt-get update` runs
# at most once per invocation, and only when something is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
  build-essential cmake pkg-config git ca-certificates
  libssl-dev libsodium-dev
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev curl openssl
  libcli11-dev libfmt-dev libtomlplusplus-dev libmstch-dev
  libsqlite3-dev sqlite3
  libhiredis-dev redis-server redis-tools
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-16 libclang-rt-16-dev
  python3 python3-jwt python3-jwcrypto
  chromium fonts-liberation
)

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# node and npm: any install that provides both commands will do (some images ship a
# nodejs build that bundles npm and conflicts with Debian's npm package).
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# Debian 12's libmstch-dev (page templates) depends on libboost-dev, i.e. Boost 1.74, which
# conflicts with the libboost1.81-dev Tessera builds with. mstch needs only Boost headers, which
# 1.81 has: a local package that depends on libboost1.81-dev and provides libboost-dev lets apt
# install libmstch-dev beside 1.81.
boost_dev_shim() {
  if dpkg-query -W -f='${Status}' tessera-boost-dev-shim 2>/dev/null | grep -q "install ok installed"; then return; fi
  local dir
  dir="$(mktemp -d)"
  mkdir -p "$dir/pkg/DEBIAN"
  cat >"$dir/pkg/DEBIAN/control" <<'CONTROL'
Package: tessera-boost-dev-shim
Version: 1.81.0
Architecture: all
Maintainer: Tessera <tessera@localhost>
Depends: libboost1.81-dev
Provides: libboost-dev (= 1.81.0)
Conflicts: libboost-dev
Section: libdevel
Priority: optional
Description: libboost-dev satisfied by libboost1.81-dev
 Lets Debian 12's libmstch-dev install beside libboost1.81-dev (mstch needs only headers).
CONTROL
  dpkg-deb --build --root-owner-group "$dir/pkg" "$dir/shim.deb" >/dev/null
  $SUDO dpkg -i "$dir/shim.deb" >/dev/null
  rm -rf "$dir"
}

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  if printf '%s\n' "${missing[@]}" | grep -qx libmstch-dev; then
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends libboost1.81-dev
    boost_dev_shim
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm interop peers and the OAuth benchmark's oidc-provider (versions pinned by
# interop/package-lock.json). Also reinstalled when node_modules lacks a package the lock names
# (a checkout that predates a new dependency): `npm ls` fails then.
if [ -f interop/package-lock.json ]; then
  if [ ! -d interop/node_modules ] || ! (cd interop && npm ls --offline >/dev/null 2>&1); then
    (cd interop && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
# The browser tests' driver, playwright-core (browser/package-lock.json); it drives Debian's
# chromium above and downloads no browser of its own.
if [ -f browser/package-lock.json ]; then
  if [ ! -d browser/node_modules ] || ! (cd browser && npm ls --offline >/dev/null 2>&1); then
    (cd browser && npm ci --no-audit --no-fund --loglevel=error)
  fi
fi
echo "setup: ok"
