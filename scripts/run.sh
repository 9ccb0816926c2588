#!/usr/bin/env bash
# Sets up a fresh Debian 12 machine, builds Tessera and runs its main job. Until `tessera serve`
# exists (a later issue), the main job is a short walk-through of the CLI: generate a key,
# sign a token, verify it, and watch a tampered token fail.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target tessera_cli
T=build/tessera
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== tessera keys generate --type ed25519 --out key.jwk"
"$T" keys generate --type ed25519 --out "$work/key.jwk"
echo "== tessera keys public key.jwk"
"$T" keys public "$work/key.jwk" | tee "$work/pub.jwk"
echo "== tessera jwt sign --key key.jwk --expires-in 15m --claims '{\"iss\":\"demo\",\"sub\":\"alice\",\"aud\":\"api\"}'"
token=$("$T" jwt sign --key "$work/key.jwk" --expires-in 15m --claims '{"iss":"demo","sub":"alice","aud":"api"}')
echo "$token"
echo "== tessera jwt verify --key pub.jwk --iss demo --aud api TOKEN"
"$T" jwt verify --key "$work/pub.jwk" --iss demo --aud api "$token"
echo "== the same token with its last character changed"
tampered="${token%?}$([ "${token: -1}" = A ] && echo B || echo A)"
if "$T" jwt verify --key "$work/pub.jwk" --iss demo --aud api "$tampered"; then
  echo "unexpected: tampered token verified"; exit 1
else
  echo "(exit code $?: rejected, as it must be)"
fi
