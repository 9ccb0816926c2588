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
  libcli11-dev libfmt-dev libtomlplusplus-dev
  libsqlite3-dev sqlite3
  libhiredis-dev redis-server redis-tools
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-16 libclang-rt-16-dev
  python3 python3-jwt python3-jwcrypto
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

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
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
echo "setup: ok"
