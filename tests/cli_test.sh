#!/usr/bin/env bash
# End-to-end checks of the `tessera` command-line contract (exit codes, stderr error lines,
# output formats). Usage: tests/cli_test.sh path/to/tessera
# Registered with ctest as: add_test(NAME cli COMMAND bash tests/cli_test.sh $<TARGET_FILE:tessera_cli>)
set -euo pipefail

if [[ $# -ne 1 || ! -x "$1" ]]; then
  echo "usage: $0 path/to/tessera" >&2
  exit 2
fi
T=$1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

PASS=0
FAIL=0
OUT="" ERR="" RC=0

pass() { PASS=$((PASS + 1)); }
fail() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }

# run CMD...: runs with the caller's stdin; sets RC, OUT and ERR (also in $TMP/out, $TMP/err).
run() {
  set +e
  "$@" >"$TMP/out" 2>"$TMP/err"
  RC=$?
  set -e
  OUT=$(cat "$TMP/out")
  ERR=$(cat "$TMP/err")
}

# expect_ok NAME CMD...: exit 0.
expect_ok() {
  local name=$1; shift
  run "$@"
  if [[ $RC -eq 0 ]]; then pass; else fail "$name: rc=$RC stderr=$ERR"; fi
}

# expect_err NAME RC CODE CMD...: exit RC and stderr is exactly one line beginning `error: CODE`
# (then end of line or `: message`).
expect_err() {
  local name=$1 want_rc=$2 code=$3; shift 3
  run "$@"
  local lines
  lines=$(wc -l <"$TMP/err")
  if [[ $RC -ne $want_rc ]]; then
    fail "$name: rc=$RC (want $want_rc) stderr=$ERR"
  elif [[ $lines -ne 1 ]]; then
    fail "$name: stderr has $lines lines: $ERR"
  elif [[ $ERR != "error: $code" && $ERR != "error: $code: "* ]]; then
    fail "$name: stderr=$ERR (want error: $code)"
  else
    pass
  fi
}

# expect_rc NAME RC CMD...: exit RC only.
expect_rc() {
  local name=$1 want_rc=$2; shift 2
  run "$@"
  if [[ $RC -eq $want_rc ]]; then pass; else fail "$name: rc=$RC (want $want_rc) stderr=$ERR"; fi
}

gen() {  # gen FILE ARGS...: `tessera keys generate ARGS` into FILE
  local file=$1; shift
  expect_ok "generate $*" "$T" keys generate "$@"
  printf '%s\n' "$OUT" >"$file"
}

check() {  # check NAME CMD...: CMD succeeds
  local name=$1; shift
  if "$@"; then pass; else fail "$name"; fi
}

b64url() { base64 -w0 | tr '+/' '-_' | tr -d '='; }
b64url_decode() {
  local s
  s=$(tr -- '-_' '+/' <<<"$1")
  while (( ${#s} % 4 )); do s+='='; done
  base64 -d <<<"$s"
}
# true when the JSON text has none of the private JWK members
no_private_members() { ! grep -Eq '"(d|k|p|q|dp|dq|qi)":' <<<"$1"; }

NOW=$(date +%s)
CLAIMS='{"sub":"alice","iss":"https://issuer.example","n":42,"roles":["a","b"],"x":{"y":true}}'

# ---- version, help, usage -----------------------------------------------------------------
expect_ok "version" "$T" --version
check "version text" test "$OUT" = "tessera 0.1.0"
expect_ok "help" "$T" --help
check "help mentions exit codes" grep -q "Exit codes" "$TMP/out"
expect_ok "verify help" "$T" jwt verify --help
check "verify help explains aud default" grep -q "invalid_audience" "$TMP/out"
expect_err "no subcommand" 2 invalid_argument "$T"
expect_err "unknown option" 2 invalid_argument "$T" jwt verify --bogus x y
expect_err "unknown subcommand" 2 invalid_argument "$T" frobnicate
expect_err "unknown key type" 2 invalid_argument "$T" keys generate --type rsa1024
expect_err "missing key file" 2 io_error "$T" jwt verify --key "$TMP/nope.jwk" x.y.z
echo 'not a key' >"$TMP/garbage.key"
expect_rc "garbage key file" 2 "$T" jwt verify --key "$TMP/garbage.key" x.y.z
check "garbage key file: one error line" test "$(wc -l <"$TMP/err")" -eq 1
check "garbage key file: error prefix" grep -q '^error: [a-z_]*: ' "$TMP/err"

# ---- every key type: generate -> sign -> verify, public key, PEM --------------------------
for type in hs256 hs384 hs512 rsa2048 rsa3072 rsa4096 p256 p384 p521 ed25519; do
  key="$TMP/$type.jwk"
  expect_ok "$type generate" "$T" keys generate --type "$type" --out "$key"
  [[ -f $key ]] || : >"$key"  # keep going (and counting) if the binary is broken
  check "$type key file mode 0600" test "$(stat -c %a "$key")" = 600
  expect_ok "$type sign" "$T" jwt sign --key "$key" --claims "$CLAIMS" --expires-in 15m
  tok=$OUT
  check "$type token shape" grep -Eq '^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$' <<<"$tok"
  expect_ok "$type verify" "$T" jwt verify --key "$key" "$tok"
  for member in '"sub":"alice"' '"iss":"https://issuer.example"' '"n":42' '"roles":["a","b"]' '"x":{"y":true}'; do
    check "$type claims round trip $member" grep -qF "$member" <<<"$OUT"
  done
  iat=$(grep -o '"iat":[0-9]*' <<<"$OUT" | cut -d: -f2) || true
  exp=$(grep -o '"exp":[0-9]*' <<<"$OUT" | cut -d: -f2) || true
  check "$type exp = iat + 900" test "$((exp - iat))" -eq 900
  check "$type iat is now" test "$((iat - NOW))" -ge 0 -a "$((iat - $(date +%s)))" -le 0
  if [[ $type == hs* ]]; then
    expect_err "$type has no public form" 2 unsupported "$T" keys public "$key"
    expect_err "$type --format pem is a usage error" 2 invalid_argument "$T" keys generate --type "$type" --format pem
  else
    expect_ok "$type public" "$T" keys public "$key"
    pub=$OUT
    check "$type public has no private members" no_private_members "$pub"
    echo "$pub" >"$TMP/$type.pub.jwk"
    expect_ok "$type verify with public key" "$T" jwt verify --key "$TMP/$type.pub.jwk" "$tok"
    expect_err "$type public key cannot sign" 1 key_not_permitted \
      "$T" jwt sign --key "$TMP/$type.pub.jwk" --claims '{}'
    pem="$TMP/$type.pem"
    expect_ok "$type generate pem" "$T" keys generate --type "$type" --format pem --out "$pem"
    [[ -f $pem ]] || : >"$pem"
    check "$type pem is PKCS#8" grep -q -- '-----BEGIN PRIVATE KEY-----' "$pem"
    check "$type pem mode 0600" test "$(stat -c %a "$pem")" = 600
    expect_ok "$type sign with pem" "$T" jwt sign --key "$pem" --claims "$CLAIMS" --expires-in 1h
    tok=$OUT
    expect_ok "$type verify with pem" "$T" jwt verify --key "$pem" "$tok"
    expect_ok "$type public of pem" "$T" keys public "$pem"
    check "$type public of pem has no private members" no_private_members "$OUT"
    echo "$OUT" >"$TMP/$type.pem.pub.jwk"
    expect_ok "$type verify pem token with public JWK" "$T" jwt verify --key "$TMP/$type.pem.pub.jwk" "$tok"
  fi
done

# keys generate to stdout, with a kid
expect_ok "generate to stdout with kid" "$T" keys generate --type p256 --kid my-key
check "generated kid" grep -qF '"kid":"my-key"' <<<"$OUT"
check "generated private has d" grep -qF '"d":' <<<"$OUT"

# ---- failures -----------------------------------------------------------------------------
ED=$TMP/ed25519.jwk
RSA=$TMP/rsa2048.jwk
HS=$TMP/hs256.jwk

expect_ok "sign expired" "$T" jwt sign --key "$ED" --claims '{"sub":"a","exp":1000}'
expect_err "expired token" 1 token_expired "$T" jwt verify --key "$ED" "$OUT"
check "expired: stderr begins with error: token_expired" grep -q '^error: token_expired' "$TMP/err"
expect_ok "sign recently expired" "$T" jwt sign --key "$ED" --claims "{\"exp\":$(($(date +%s) - 30))}"  # now, not the start: a slow machine must not pass the leeway
tok=$OUT
expect_ok "within default leeway" "$T" jwt verify --key "$ED" "$tok"
expect_err "leeway 0" 1 token_expired "$T" jwt verify --key "$ED" --leeway 0 "$tok"
expect_ok "sign future nbf" "$T" jwt sign --key "$ED" --claims "{\"nbf\":$((NOW + 3600))}" --expires-in 2h
expect_err "not yet valid" 1 token_not_yet_valid "$T" jwt verify --key "$ED" "$OUT"
expect_ok "sign without exp" "$T" jwt sign --key "$ED" --claims '{"sub":"a"}'
tok=$OUT
expect_err "exp required" 1 missing_claim "$T" jwt verify --key "$ED" "$tok"
expect_ok "--allow-missing-exp" "$T" jwt verify --key "$ED" --allow-missing-exp "$tok"

# wrong key: same kid, different material
gen "$TMP/same1.jwk" --type ed25519 --kid same
gen "$TMP/same2.jwk" --type ed25519 --kid same
expect_ok "sign with key 1" "$T" jwt sign --key "$TMP/same1.jwk" --claims '{}' --expires-in 60
expect_err "wrong key" 1 bad_signature "$T" jwt verify --key "$TMP/same2.jwk" "$OUT"
gen "$TMP/hs1.jwk" --type hs256 --kid hs
gen "$TMP/hs2.jwk" --type hs256 --kid hs
expect_ok "sign with hs key 1" "$T" jwt sign --key "$TMP/hs1.jwk" --claims '{}' --expires-in 60
expect_err "wrong hs key" 1 bad_signature "$T" jwt verify --key "$TMP/hs2.jwk" "$OUT"
# tampered payload
expect_ok "sign for tamper" "$T" jwt sign --key "$ED" --claims '{"admin":false}' --expires-in 60
IFS=. read -r h _ s <<<"$OUT"
forged="$h.$(printf '{"admin":true,"exp":%d}' $((NOW + 60)) | b64url).$s"
expect_err "tampered payload" 1 bad_signature "$T" jwt verify --key "$ED" "$forged"

# algorithms
expect_err "sign: alg not allowed" 1 alg_not_allowed "$T" jwt sign --key "$RSA" --alg HS256 --claims '{}'
expect_ok "sign RS256" "$T" jwt sign --key "$RSA" --claims '{}' --expires-in 60
rs_tok=$OUT
expect_err "verify: --alg HS256 with RSA key" 1 alg_not_allowed "$T" jwt verify --key "$RSA" --alg HS256 "$rs_tok"
expect_ok "verify: --alg RS256 --alg PS256" "$T" jwt verify --key "$RSA" --alg RS256 --alg PS256 "$rs_tok"
expect_err "unknown --alg name" 2 invalid_argument "$T" jwt verify --key "$RSA" --alg none "$rs_tok"
expect_ok "sign PS256" "$T" jwt sign --key "$RSA" --alg PS256 --claims '{}' --expires-in 60
check "PS256 header" grep -q '"alg":"PS256"' <(b64url_decode "${OUT%%.*}")
expect_ok "verify PS256" "$T" jwt verify --key "$RSA" "$OUT"

# alg none, hand made
none_h=$(printf '{"alg":"none"}' | b64url)
none_p=$(printf '{"sub":"a","exp":%d}' $((NOW + 600)) | b64url)
expect_rc "alg none rejected" 1 "$T" jwt verify --key "$HS" "$none_h.$none_p."
check "alg none: one error line" grep -q '^error: [a-z_]*$' "$TMP/err"
kid=$(grep -o '"kid":"[^"]*"' "$HS" | cut -d'"' -f4) || true
none_h=$(printf '{"alg":"none","kid":"%s"}' "$kid" | b64url)
expect_rc "alg none with kid rejected" 1 "$T" jwt verify --key "$HS" "$none_h.$none_p."
expect_rc "alg none with fake signature rejected" 1 "$T" jwt verify --key "$HS" "$none_h.$none_p.AAAA"
expect_rc "jws verify: alg none rejected" 1 "$T" jws verify --key "$HS" "$none_h.$none_p."

# malformed tokens
expect_err "garbage token" 1 malformed "$T" jwt verify --key "$ED" not-a-token
expect_err "decode garbage" 1 malformed "$T" jwt decode a.b

# ---- stdin ----------------------------------------------------------------------------------
expect_ok "sign for stdin" "$T" jwt sign --key "$ED" --claims '{"sub":"stdin"}' --expires-in 60
tok=$OUT
expect_ok "verify token from stdin" "$T" jwt verify --key "$ED" - <<<"$tok"
check "stdin claims" grep -qF '"sub":"stdin"' <<<"$OUT"
expect_ok "verify token from stdin, CRLF" "$T" jwt verify --key "$ED" - < <(printf '%s\r\n\n' "$tok")
expect_ok "key from stdin" "$T" jwt verify --key - "$tok" <"$ED"
expect_ok "claims from stdin" "$T" jwt sign --key "$ED" --claims-file - --expires-in 60 <<<'{"sub":"file"}'
expect_ok "verify claims-file token" "$T" jwt verify --key "$ED" "$OUT"
check "claims-file round trip" grep -qF '"sub":"file"' <<<"$OUT"
expect_ok "decode from stdin" "$T" jwt decode - <<<"$tok"
expect_ok "keys public from stdin" "$T" keys public - <"$ED"

# ---- claims input validation --------------------------------------------------------------
expect_err "claims not an object" 2 wrong_type "$T" jwt sign --key "$ED" --claims '[1,2]'
expect_rc "claims not JSON" 2 "$T" jwt sign --key "$ED" --claims '{nope'
expect_rc "claims duplicate member" 2 "$T" jwt sign --key "$ED" --claims '{"a":1,"a":2}'
expect_rc "exp of wrong type" 2 "$T" jwt sign --key "$ED" --claims '{"exp":"soon"}'
expect_rc "no claims" 2 "$T" jwt sign --key "$ED"
expect_rc "both claims options" 2 "$T" jwt sign --key "$ED" --claims '{}' --claims-file "$TMP/x"
expect_rc "bad duration" 2 "$T" jwt sign --key "$ED" --claims '{}' --expires-in 5y
expect_rc "negative duration" 2 "$T" jwt sign --key "$ED" --claims '{}' --expires-in -5
for d in 90:90 90s:90 15m:900 1h:3600 7d:604800; do
  expect_ok "duration ${d%%:*}" "$T" jwt sign --key "$ED" --claims '{"exp":1}' --expires-in "${d%%:*}"
  expect_ok "duration ${d%%:*} verifies" "$T" jwt verify --key "$ED" "$OUT"
  iat=$(grep -o '"iat":[0-9]*' <<<"$OUT" | cut -d: -f2) || true
  exp=$(grep -o '"exp":[0-9]*' <<<"$OUT" | cut -d: -f2) || true
  check "duration ${d%%:*} = ${d##*:}s" test "$((exp - iat))" -eq "${d##*:}"
done

# ---- jws verify prints payload bytes exactly ----------------------------------------------
expect_ok "sign for jws" "$T" jwt sign --key "$ED" --claims '{"b":"x y"}'
tok=$OUT
payload_seg=${tok#*.}; payload_seg=${payload_seg%%.*}
b64url_decode "$payload_seg" >"$TMP/want_payload" || true
expect_ok "jws verify" "$T" jws verify --key "$ED" "$tok"
check "jws verify prints payload exactly" cmp -s "$TMP/out" "$TMP/want_payload"
expect_ok "jws verify from stdin" "$T" jws verify --key "$ED" - <<<"$tok"
check "jws verify (stdin) prints payload exactly" cmp -s "$TMP/out" "$TMP/want_payload"
expect_err "jws verify wrong key" 1 bad_signature "$T" jws verify --key "$TMP/same2.jwk" \
  "$("$T" jwt sign --key "$TMP/same1.jwk" --claims '{}')"
if command -v openssl >/dev/null 2>&1; then
  # A non-JSON, newline-terminated payload, HS256 signed by hand with the hs256 JWK's secret.
  k_b64=$(grep -o '"k":"[^"]*"' "$HS" | cut -d'"' -f4) || true
  hexkey=$(b64url_decode "$k_b64" | od -An -tx1 | tr -d ' \n') || true
  kid=$(grep -o '"kid":"[^"]*"' "$HS" | cut -d'"' -f4) || true
  printf 'raw \x01 bytes\n' >"$TMP/raw_payload"
  input="$(printf '{"alg":"HS256","kid":"%s"}' "$kid" | b64url).$(b64url <"$TMP/raw_payload")"
  sig=$(printf '%s' "$input" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$hexkey" -binary | b64url) || true
  expect_ok "jws verify raw payload" "$T" jws verify --key "$HS" "$input.$sig"
  check "jws verify raw payload bytes exactly" cmp -s "$TMP/out" "$TMP/raw_payload"
  expect_rc "jwt verify refuses a non-JSON payload" 1 "$T" jwt verify --key "$HS" "$input.$sig"
else
  echo "note: openssl not found, raw-payload jws check skipped" >&2
fi

# ---- jwt decode ------------------------------------------------------------------------------
expect_ok "decode" "$T" jwt decode "$tok"
check "decode marks UNVERIFIED on stderr" grep -q '^UNVERIFIED' "$TMP/err"
check "decode output has header and payload" grep -qF '"payload":{"b":"x y"}' "$TMP/out"
check "decode output header" grep -qF '"header":{"alg":"EdDSA"' "$TMP/out"
expect_ok "decode bad-signature token" "$T" jwt decode "$forged"
check "decode of forged token still UNVERIFIED" grep -q '^UNVERIFIED' "$TMP/err"

# ---- issuer, audience, required claims, typ, max-age ---------------------------------------
expect_ok "sign iss/aud" "$T" jwt sign --key "$ED" --claims '{"iss":"a","aud":"api","sub":"s"}' --expires-in 60
tok=$OUT
expect_err "aud present but no --aud" 1 invalid_audience "$T" jwt verify --key "$ED" "$tok"
expect_ok "right --aud" "$T" jwt verify --key "$ED" --aud api "$tok"
expect_err "wrong --aud" 1 invalid_audience "$T" jwt verify --key "$ED" --aud other "$tok"
expect_ok "right --iss" "$T" jwt verify --key "$ED" --aud api --iss a "$tok"
expect_ok "one of several --iss" "$T" jwt verify --key "$ED" --aud api --iss b --iss a "$tok"
expect_err "wrong --iss" 1 invalid_issuer "$T" jwt verify --key "$ED" --aud api --iss b "$tok"
expect_ok "--require present" "$T" jwt verify --key "$ED" --aud api --require sub "$tok"
expect_err "--require missing" 1 missing_claim "$T" jwt verify --key "$ED" --aud api --require jti "$tok"
expect_ok "sign no aud" "$T" jwt sign --key "$ED" --claims '{"sub":"s"}' --expires-in 60
expect_err "--aud but token has none" 1 missing_claim "$T" jwt verify --key "$ED" --aud api "$OUT"
expect_ok "sign with typ" "$T" jwt sign --key "$ED" --typ at+jwt --claims '{}' --expires-in 60
tok=$OUT
expect_ok "--typ matches" "$T" jwt verify --key "$ED" --typ application/AT+JWT "$tok"
expect_err "--typ mismatch" 1 invalid_type "$T" jwt verify --key "$ED" --typ JWT "$tok"
expect_ok "sign old iat" "$T" jwt sign --key "$ED" --claims "{\"iat\":$((NOW - 7200)),\"exp\":$((NOW + 600))}"
tok=$OUT
expect_ok "max-age ok" "$T" jwt verify --key "$ED" --max-age 10000 "$tok"
expect_err "max-age exceeded" 1 token_too_old "$T" jwt verify --key "$ED" --max-age 3600 "$tok"
expect_rc "negative leeway" 2 "$T" jwt verify --key "$ED" --leeway -1 "$tok"

# ---- JWKS: sign with primary or --kid, verify selects by kid ------------------------------
gen "$TMP/k1.jwk" --type ed25519 --kid k1
gen "$TMP/k2.jwk" --type p256 --kid k2
gen "$TMP/k3.jwk" --type ed25519 --kid k3
printf '{"keys":[%s,%s]}\n' "$(cat "$TMP/k1.jwk")" "$(cat "$TMP/k2.jwk")" >"$TMP/set.jwks"
expect_ok "jwks sign (primary)" "$T" jwt sign --key "$TMP/set.jwks" --claims '{}' --expires-in 60
tok=$OUT
check "primary is the first key" grep -q '"kid":"k1"' <(b64url_decode "${tok%%.*}")
expect_ok "jwks verify primary" "$T" jwt verify --key "$TMP/set.jwks" "$tok"
expect_ok "jwks sign --kid k2" "$T" jwt sign --key "$TMP/set.jwks" --kid k2 --claims '{}' --expires-in 60
tok=$OUT
check "--kid k2 header" grep -q '"kid":"k2"' <(b64url_decode "${tok%%.*}")
check "--kid k2 is ES256" grep -q '"alg":"ES256"' <(b64url_decode "${tok%%.*}")
expect_ok "jwks verify k2" "$T" jwt verify --key "$TMP/set.jwks" "$tok"
expect_ok "verify k2 with its own JWK" "$T" jwt verify --key "$TMP/k2.jwk" "$tok"
expect_err "jwks sign unknown --kid" 1 key_not_found "$T" jwt sign --key "$TMP/set.jwks" --kid nope --claims '{}'
expect_ok "sign with k3 (not in set)" "$T" jwt sign --key "$TMP/k3.jwk" --claims '{}' --expires-in 60
k3_tok=$OUT
expect_err "jwks verify unknown kid" 1 key_not_found "$T" jwt verify --key "$TMP/set.jwks" "$k3_tok"
expect_err "jws verify unknown kid" 1 key_not_found "$T" jws verify --key "$TMP/set.jwks" "$k3_tok"
expect_ok "public jwks" "$T" keys public "$TMP/set.jwks"
check "public jwks shape" grep -q '^{"keys":\[' "$TMP/out"
check "public jwks has both kids" grep -q '"kid":"k1".*"kid":"k2"' "$TMP/out"
check "public jwks has no private members" no_private_members "$OUT"
echo "$OUT" >"$TMP/set.pub.jwks"
expect_ok "verify with public jwks (k2)" "$T" jwt verify --key "$TMP/set.pub.jwks" "$tok"
# PEM: --kid names the key
expect_ok "pem sign --kid" "$T" jwt sign --key "$TMP/p256.pem" --kid pem-kid --claims '{}' --expires-in 60
check "pem --kid in header" grep -q '"kid":"pem-kid"' <(b64url_decode "${OUT%%.*}")

# ---- One unnamed key (PEM, JWK without kid) verifies whatever kid a token carries -----------
# (as node jose and PyJWT do with one key); a JWK with a kid and any JWKS select strictly.
strip_kid() { sed -E 's/"kid":"[^"]*",?//' "$1"; }
openssl pkey -in "$TMP/p256.pem" -pubout -out "$TMP/p256.pub.pem"
expect_ok "pem sign --kid k1" "$T" jwt sign --key "$TMP/p256.pem" --kid k1 --claims '{}' --expires-in 60
pem_k1=$OUT
expect_ok "public pem verifies a token with kid k1" "$T" jwt verify --key "$TMP/p256.pub.pem" "$pem_k1"
expect_ok "private pem verifies a token with kid k1" "$T" jwt verify --key "$TMP/p256.pem" "$pem_k1"
expect_ok "jws verify: pem, kid k1" "$T" jws verify --key "$TMP/p256.pub.pem" "$pem_k1"
strip_kid "$TMP/p256.pem.pub.jwk" >"$TMP/p256.pub.nokid.jwk"
check "kid stripped" bash -c '! grep -q "\"kid\"" "$1"' _ "$TMP/p256.pub.nokid.jwk"
expect_ok "kid-less public JWK verifies kid k1" "$T" jwt verify --key "$TMP/p256.pub.nokid.jwk" "$pem_k1"
# The JWK naming itself (kid = thumbprint) and a JWKS of that one key refuse kid k1.
expect_err "named JWK refuses kid k1" 1 key_not_found "$T" jwt verify --key "$TMP/p256.pem.pub.jwk" "$pem_k1"
printf '{"keys":[%s]}\n' "$(cat "$TMP/p256.pub.nokid.jwk")" >"$TMP/p256.one.jwks"
expect_err "one-key JWKS refuses kid k1" 1 key_not_found "$T" jwt verify --key "$TMP/p256.one.jwks" "$pem_k1"
expect_err "jws verify: one-key JWKS refuses kid k1" 1 key_not_found "$T" jws verify --key "$TMP/p256.one.jwks" "$pem_k1"
# A token without kid still verifies against all of them.
expect_ok "pem sign (thumbprint kid)" "$T" jwt sign --key "$TMP/p256.pem" --claims '{}' --expires-in 60
tp_tok=$OUT
expect_ok "named JWK verifies the thumbprint kid" "$T" jwt verify --key "$TMP/p256.pem.pub.jwk" "$tp_tok"
expect_ok "one-key JWKS verifies the thumbprint kid" "$T" jwt verify --key "$TMP/p256.one.jwks" "$tp_tok"
# jwt sign --kid with a kid-less JWK names the key (it used to be refused).
gen "$TMP/named.jwk" --type ed25519 --kid named
strip_kid "$TMP/named.jwk" >"$TMP/nokid.jwk"
expect_ok "kid-less JWK sign --kid k1" "$T" jwt sign --key "$TMP/nokid.jwk" --kid k1 --claims '{}' --expires-in 60
nokid_k1=$OUT
check "kid-less JWK --kid in header" grep -q '"kid":"k1"' <(b64url_decode "${nokid_k1%%.*}")
expect_ok "kid-less JWK verifies its own kid k1 token" "$T" jwt verify --key "$TMP/nokid.jwk" "$nokid_k1"
expect_ok "kid-less JWK sign without --kid" "$T" jwt sign --key "$TMP/nokid.jwk" --claims '{}' --expires-in 60
expect_ok "kid-less JWK verifies its own token" "$T" jwt verify --key "$TMP/nokid.jwk" "$OUT"
# A JWK with a kid: --kid selects (no relabelling), and verify requires the kid to match.
expect_ok "named JWK sign --kid named" "$T" jwt sign --key "$TMP/named.jwk" --kid named --claims '{}' --expires-in 60
check "named JWK keeps its kid" grep -q '"kid":"named"' <(b64url_decode "${OUT%%.*}")
expect_err "named JWK sign --kid k1" 1 key_not_found "$T" jwt sign --key "$TMP/named.jwk" --kid k1 --claims '{}'
expect_err "named JWK verify kid k1" 1 key_not_found "$T" jwt verify --key "$TMP/named.jwk" "$nokid_k1"
# The kid finds the one key, but the key still decides the algorithm: an EdDSA or HS256 token
# with kid k1 is not for a P-256 or RSA PEM, and a different key's signature does not verify.
expect_err "pem p256 vs EdDSA kid k1" 1 alg_not_allowed "$T" jwt verify --key "$TMP/p256.pub.pem" "$nokid_k1"
strip_kid "$HS" >"$TMP/hs.nokid.jwk"
expect_ok "hs kid-less sign --kid k1" "$T" jwt sign --key "$TMP/hs.nokid.jwk" --kid k1 --claims '{}' --expires-in 60
hs_k1=$OUT
expect_ok "hs kid-less verifies kid k1" "$T" jwt verify --key "$TMP/hs.nokid.jwk" "$hs_k1"
expect_err "rsa pem vs HS256 kid k1" 1 alg_not_allowed "$T" jwt verify --key "$TMP/rsa2048.pem" "$hs_k1"
expect_err "p256 pem vs HS256 kid k1" 1 alg_not_allowed "$T" jwt verify --key "$TMP/p256.pub.pem" "$hs_k1"
expect_err "--alg narrows the pem key" 1 alg_not_allowed "$T" jwt verify --key "$TMP/p256.pub.pem" --alg ES384 "$pem_k1"
expect_ok "other p256 pem" "$T" keys generate --type p256 --format pem --out "$TMP/p256b.pem"
expect_ok "other pem sign --kid k1" "$T" jwt sign --key "$TMP/p256b.pem" --kid k1 --claims '{}' --expires-in 60
expect_err "another key's kid k1 token" 1 bad_signature "$T" jwt verify --key "$TMP/p256.pub.pem" "$OUT"

# ---- PASETO: keys as PASERK, every version and purpose, failures ------------------------------
future=$(date -u -d '+1 hour' +%Y-%m-%dT%H:%M:%S+00:00)
past=$(date -u -d '-1 hour' +%Y-%m-%dT%H:%M:%S+00:00)
for v in v4 v3 v2; do
  k=${v#v}
  expect_ok "$v.local generate" "$T" keys generate --type "$v.local" --out "$TMP/$v.local"
  check "$v.local is a PASERK" grep -q "^k$k\.local\." "$TMP/$v.local"
  check "$v.local file mode 0600" test "$(stat -c %a "$TMP/$v.local")" = 600
  expect_ok "$v.public generate" "$T" keys generate --type "$v.public" --out "$TMP/$v.secret"
  check "$v.public writes kN.secret" grep -q "^k$k\.secret\." "$TMP/$v.secret"
  expect_ok "$v keys public" "$T" keys public "$TMP/$v.secret"
  check "$v public is kN.public" grep -q "^k$k\.public\." "$TMP/out"
  cp "$TMP/out" "$TMP/$v.public"
  expect_ok "$v keys id local" "$T" keys id "$TMP/$v.local"
  check "$v lid" grep -q "^k$k\.lid\." "$TMP/out"
  expect_ok "$v keys id secret" "$T" keys id "$TMP/$v.secret"
  check "$v sid" grep -q "^k$k\.sid\." "$TMP/out"
  expect_ok "$v keys id public" "$T" keys id "$TMP/$v.public"
  check "$v pid" grep -q "^k$k\.pid\." "$TMP/out"
  expect_err "$v local key has no public form" 2 unsupported "$T" keys public "$TMP/$v.local"

  expect_ok "$v encrypt" "$T" paseto encrypt --key "$TMP/$v.local" --footer '{"kid":"f"}' --expires-in 5m \
    --claims '{"iss":"me","sub":"alice"}'
  tok=$OUT
  check "$v.local header" test "${tok%%.local.*}" = "$v"
  expect_ok "$v decrypt" "$T" paseto decrypt --key "$TMP/$v.local" --iss me --footer-out - "$tok"
  check "$v decrypt claims" grep -q '"sub":"alice"' "$TMP/out"
  check "$v decrypt footer" grep -qx '{"kid":"f"}' "$TMP/out"
  expect_ok "$v decrypt from stdin" "$T" paseto decrypt --key "$TMP/$v.local" - <<<"$tok"
  expect_err "$v decrypt wrong issuer" 1 invalid_issuer "$T" paseto decrypt --key "$TMP/$v.local" --iss you "$tok"
  expect_err "$v decrypt aud required" 1 missing_claim "$T" paseto decrypt --key "$TMP/$v.local" --aud api "$tok"
  "$T" keys generate --type "$v.local" --out "$TMP/$v.other"
  expect_err "$v decrypt wrong key" 1 bad_signature "$T" paseto decrypt --key "$TMP/$v.other" "$tok"
  tampered_footer="${tok%.*}.$(printf '{"kid":"g"}' | base64 -w0 | tr '+/' '-_' | tr -d '=')"
  expect_err "$v tampered footer" 1 bad_signature "$T" paseto decrypt --key "$TMP/$v.local" "$tampered_footer"
  body=${tok%%.eyJ*}
  expect_rc "$v truncated" 1 "$T" paseto decrypt --key "$TMP/$v.local" "${body:0:$((${#body} - 8))}"
  expect_err "$v local token on verify" 2 wrong_key_type "$T" paseto verify --key "$TMP/$v.local" "$tok"
  expect_ok "$v encrypt expired" "$T" paseto encrypt --key "$TMP/$v.local" --claims "{\"exp\":\"$past\"}"
  expect_err "$v expired" 1 token_expired "$T" paseto decrypt --key "$TMP/$v.local" "$OUT"
  expect_ok "$v encrypt nbf" "$T" paseto encrypt --key "$TMP/$v.local" --claims "{\"exp\":\"$future\",\"nbf\":\"$future\"}"
  expect_err "$v not yet valid" 1 token_not_yet_valid "$T" paseto decrypt --key "$TMP/$v.local" "$OUT"
  expect_err "$v exp as number" 2 wrong_type "$T" paseto encrypt --key "$TMP/$v.local" --claims '{"exp":1}'

  expect_ok "$v sign" "$T" paseto sign --key "$TMP/$v.secret" --expires-in 5m --claims '{"sub":"bob"}'
  tok=$OUT
  expect_ok "$v verify with public" "$T" paseto verify --key "$TMP/$v.public" "$tok"
  check "$v verify claims" grep -q '"sub":"bob"' "$TMP/out"
  expect_ok "$v verify with secret" "$T" paseto verify --key "$TMP/$v.secret" "$tok"
  expect_err "$v public token on decrypt" 2 wrong_key_type "$T" paseto decrypt --key "$TMP/$v.public" "$tok"
  expect_err "$v sign with a public key" 2 wrong_key_type "$T" paseto sign --key "$TMP/$v.public" --claims '{}'
done
expect_err "v3 key on v4 token" 1 wrong_key_type "$T" paseto verify --key "$TMP/v3.public" \
  "$("$T" paseto sign --key "$TMP/v4.secret" --expires-in 5m --claims '{}')"
expect_err "v2 with implicit" 2 invalid_argument "$T" paseto sign --key "$TMP/v2.secret" --implicit x --claims '{}'
expect_ok "v4 implicit sign" "$T" paseto sign --key "$TMP/v4.secret" --implicit ctx --expires-in 5m --claims '{}'
tok=$OUT
expect_ok "v4 implicit verify" "$T" paseto verify --key "$TMP/v4.public" --implicit ctx "$tok"
expect_err "v4 wrong implicit" 1 bad_signature "$T" paseto verify --key "$TMP/v4.public" --implicit other "$tok"
expect_err "v4 missing implicit" 1 bad_signature "$T" paseto verify --key "$TMP/v4.public" "$tok"
expect_err "padded base64" 1 malformed "$T" paseto verify --key "$TMP/v4.public" "$tok=="
expect_err "not a PASERK file" 2 malformed "$T" paseto verify --key "$TMP/garbage.key" "$tok"

# ---- sessions --------------------------------------------------------------------------------
# The same --config / --data / --store as `tessera users` (the store of `tessera serve`).
expect_ok "sessions list (empty sqlite)" "$T" sessions list --data "$TMP/sdata" --user alice
check "sessions list prints nothing" test -z "$OUT"
expect_ok "sessions revoke --user" "$T" sessions revoke --data "$TMP/sdata" --user alice
check "revoked 0" test "$OUT" = "revoked 0"
expect_err "sessions revoke unknown id" 1 session_not_found "$T" sessions revoke --data "$TMP/sdata" --id nope
expect_err "sessions unreachable redis" 1 store_unavailable "$T" sessions list --store redis://127.0.0.1:1 --user a
expect_err "sessions bad store" 2 invalid_argument "$T" sessions list --store bogus --user a
expect_err "sessions --store memory refused" 2 invalid_argument "$T" sessions list --store memory --user a
expect_rc "sessions revoke needs --id or --user" 2 "$T" sessions revoke --data "$TMP/sdata"
# A user's sessions through the service layer: revoke --user advances the generation.
printf 'a long enough password\n' | "$T" users add carol --password-stdin --data "$TMP/sdata" >/dev/null
expect_ok "sessions revoke --user with an account" "$T" sessions revoke --data "$TMP/sdata" --user carol
check "revoked 0 (carol)" test "$OUT" = "revoked 0"

# ---- users ----------------------------------------------------------------------------------
U=(--data "$TMP/tdata" --argon2-ops 1 --argon2-mem-kib 8192)
expect_ok "users add (password from non-tty stdin)" "$T" users add alice "${U[@]}" <<<'correct horse battery'
check "users add output" test "$OUT" = "user alice added"
check "data dir mode 0700" test "$(stat -c %a "$TMP/tdata")" = 700
check "ed25519 key mode 0600" test "$(stat -c %a "$TMP/tdata/keys/ed25519.jwk")" = 600
check "es256 key mode 0600" test "$(stat -c %a "$TMP/tdata/keys/es256.jwk")" = 600
check "device cookie key mode 0600" test "$(stat -c %a "$TMP/tdata/keys/device-cookie.key")" = 600
check "sqlite file in the data dir" test -f "$TMP/tdata/tessera.db"
expect_err "users add duplicate" 1 user_exists "$T" users add alice --password-stdin "${U[@]}" <<<'another password'
expect_ok "users add --password-stdin, CRLF" "$T" users add bob --password-stdin "${U[@]}" < <(printf 'bob password 1\r\n')
check "users add bob output" test "$OUT" = "user bob added"
expect_ok "users list" "$T" users list "${U[@]}"
check "users list alice line" grep -Eqx $'alice\tactive\tcreated [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z' "$TMP/out"
check "users list bob line" grep -Eq $'^bob\tactive\tcreated ' "$TMP/out"
check "users list: two lines" test "$(wc -l <"$TMP/out")" -eq 2
expect_ok "users list --json" "$T" users list --json "${U[@]}"
check "users list --json shape" grep -Eqx '\[\{"username":"alice","disabled":false,"created_at":[0-9]+,"updated_at":[0-9]+\},\{"username":"bob",.*\}\]' "$TMP/out"
check "users list --json has no hash" test "$(grep -c argon2 "$TMP/out")" -eq 0
expect_ok "users passwd" "$T" users passwd alice --password-stdin "${U[@]}" <<<'a brand new password'
check "users passwd output" test "$OUT" = "password changed for alice; 0 sessions revoked"
expect_err "users passwd unknown user" 1 user_not_found "$T" users passwd nobody "${U[@]}" <<<'some password'
expect_err "users passwd weak" 1 weak_password "$T" users passwd alice "${U[@]}" <<<'short'
expect_ok "users disable" "$T" users disable bob "${U[@]}"
check "users disable output" test "$OUT" = "bob disabled; 0 sessions revoked"
expect_ok "users list after disable" "$T" users list "${U[@]}"
check "bob disabled in list" grep -Eq $'^bob\tdisabled\tcreated ' "$TMP/out"
check "alice still active" grep -Eq $'^alice\tactive\t' "$TMP/out"
expect_ok "users list --json after disable" "$T" users list --json "${U[@]}"
check "bob disabled in json" grep -q '"username":"bob","disabled":true' "$TMP/out"
expect_err "users disable unknown user" 1 user_not_found "$T" users disable nobody "${U[@]}"
expect_err "users add bad username" 1 invalid_argument "$T" users add 'a b' "${U[@]}" <<<'long enough pw'
expect_err "users add weak password" 1 weak_password "$T" users add carol "${U[@]}" <<<'short'
expect_err "users add empty stdin" 1 weak_password "$T" users add carol --password-stdin "${U[@]}" </dev/null
expect_err "users add password over 1024 bytes" 1 weak_password "$T" users add carol "${U[@]}" \
  < <(head -c 2000 /dev/zero | tr '\0' x; echo)
expect_rc "users add without USER" 2 "$T" users add "${U[@]}" <<<'long enough pw'
expect_err "users unreachable redis" 1 store_unavailable "$T" users list --store redis://127.0.0.1:1
expect_err "users --store memory refused" 2 invalid_argument "$T" users list --store memory
expect_err "users bad --store" 2 invalid_argument "$T" users list --store bogus
# the same settings from the environment and from a TOML file
expect_ok "users list, TESSERA_DATA" env TESSERA_DATA="$TMP/tdata" "$T" users list
check "TESSERA_DATA list" test "$(wc -l <"$TMP/out")" -eq 2
printf 'data = "%s"\nargon2_ops = 1\nargon2_mem_kib = 8192\n' "$TMP/tdata" >"$TMP/t.toml"
expect_ok "users add, --config" "$T" users add dave --config "$TMP/t.toml" <<<'dave password 1'
expect_ok "users list, TESSERA_CONFIG" env TESSERA_CONFIG="$TMP/t.toml" "$T" users list
check "TESSERA_CONFIG list" test "$(wc -l <"$TMP/out")" -eq 3

# ---- clients --------------------------------------------------------------------------------
# The same --config / --data / --store as `tessera users`; the rules are AuthorizationServer's.
C=(--data "$TMP/cdata")
jget() { python3 -c 'import json,sys; v=json.load(sys.stdin)
for k in sys.argv[1:]: v=v[int(k)] if isinstance(v,list) else v[k]
print(v if not isinstance(v,(list,dict,bool)) else json.dumps(v))' "$@" <"$TMP/out"; }
expect_ok "clients add (confidential, --json)" "$T" clients add "Photo App" --redirect-uri https://photos.example/cb \
  --scope openid profile --json "${C[@]}"
check "clients add --json: exactly client_id and client_secret" \
  test "$(python3 -c 'import json,sys; print(sorted(json.load(sys.stdin)))' <"$TMP/out")" = "['client_id', 'client_secret']"
CID=$(jget client_id)
SECRET=$(jget client_secret)
check "client_id from the name" grep -Eqx 'photo-app-[A-Za-z0-9_-]{8}' <<<"$CID"
check "client secret: 256 bits as base64url" grep -Eqx '[A-Za-z0-9_-]{43}' <<<"$SECRET"
check "keys/oauth.key made (0600)" test "$(stat -c %a "$TMP/cdata/keys/oauth.key")" = 600
expect_ok "clients add (public, human output)" "$T" clients add "Phone App" --public --redirect-uri \
  com.example.app:/cb http://127.0.0.1/cb --token-format paseto --refresh-reuse-grace 10 --require-dpop "${C[@]}"
check "public client: a client_id line and no secret" grep -Eqx 'client_id: phone-app-[A-Za-z0-9_-]{8}' "$TMP/out"
check "public client: one line" test "$(wc -l <"$TMP/out")" -eq 1
PID=$(sed -n 's/^client_id: //p' "$TMP/out")
expect_ok "clients add --public --json" "$T" clients add "SPA" --public --redirect-uri https://spa.example/cb --json "${C[@]}"
check "public --json has no client_secret" test "$(python3 -c 'import json,sys; print(sorted(json.load(sys.stdin)))' <"$TMP/out")" = "['client_id']"
expect_ok "clients add (service, client_credentials)" "$T" clients add "Billing" --grant client_credentials \
  --audience https://api.example --resource https://api.example --token-format opaque --json "${C[@]}"
SID=$(jget client_id)
expect_ok "clients show --json" "$T" clients show "$CID" --json "${C[@]}"
check "show: name" test "$(jget name)" = "Photo App"
check "show: confidential" test "$(jget public)" = "false"
check "show: scopes" test "$(jget scopes)" = '["openid", "profile"]'
check "show: default grants" test "$(jget grants)" = '["authorization_code", "refresh_token"]'
check "show: default format" test "$(jget token_format)" = "jwt"
check "show: has_secret" test "$(jget has_secret)" = "true"
check "show: require_dpop off by default" test "$(jget require_dpop)" = "false"
check "show never prints the secret" test "$(grep -c -- "$SECRET" "$TMP/out")" -eq 0
expect_ok "clients show (public)" "$T" clients show "$PID" "${C[@]}"
check "show: type public" grep -qx 'type: public' "$TMP/out"
check "show: both redirect URIs" grep -qx 'redirect_uris: com.example.app:/cb http://127.0.0.1/cb' "$TMP/out"
check "show: paseto" grep -qx 'token_format: paseto' "$TMP/out"
check "show: grace" grep -qx 'refresh_reuse_grace: 10' "$TMP/out"
check "show: --require-dpop" grep -qx 'require_dpop: yes' "$TMP/out"
expect_ok "clients show (service)" "$T" clients show "$SID" --json "${C[@]}"
check "show: client_credentials only" test "$(jget grants)" = '["client_credentials"]'
check "show: resources" test "$(jget resources)" = '["https://api.example"]'
expect_ok "clients list" "$T" clients list "${C[@]}"
check "list: four lines" test "$(wc -l <"$TMP/out")" -eq 4
check "list: photo line" grep -Eq "^$CID"$'\tPhoto App\tconfidential\tthird-party\tcreated [0-9]{4}-' "$TMP/out"
check "list: phone line" grep -Eq "^$PID"$'\tPhone App\tpublic\t' "$TMP/out"
expect_ok "clients list --json" "$T" clients list --json "${C[@]}"
check "list --json: four clients" test "$(python3 -c 'import json,sys; print(len(json.load(sys.stdin)))' <"$TMP/out")" = 4
check "list --json never prints a secret" test "$(grep -c -- "$SECRET" "$TMP/out")" -eq 0
expect_ok "clients rotate-secret --json" "$T" clients rotate-secret "$CID" --json "${C[@]}"
check "rotate: the client_id" test "$(jget client_id)" = "$CID"
SECRET2=$(jget client_secret)
check "rotate: a new secret" test "$SECRET2" != "$SECRET"
check "rotate: 43 base64url chars" grep -Eqx '[A-Za-z0-9_-]{43}' <<<"$SECRET2"
expect_ok "clients rotate-secret (human)" "$T" clients rotate-secret "$CID" "${C[@]}"
check "rotate human: client_secret line" grep -Eqx 'client_secret: [A-Za-z0-9_-]{43}' "$TMP/out"
expect_err "rotate-secret of a public client" 1 invalid_argument "$T" clients rotate-secret "$PID" "${C[@]}"
expect_err "rotate-secret unknown" 1 invalid_client "$T" clients rotate-secret nope "${C[@]}"
expect_err "show unknown" 1 invalid_client "$T" clients show nope "${C[@]}"
# The library's rules, with its messages (naming the setting).
expect_err "public + client_credentials" 1 invalid_argument "$T" clients add X --public --grant client_credentials "${C[@]}"
check "message names the setting" grep -q 'grants' "$TMP/err"
expect_err "authorization_code without a redirect URI" 1 invalid_argument "$T" clients add X "${C[@]}"
expect_err "unknown grant" 1 invalid_argument "$T" clients add X --redirect-uri https://x.example/cb --grant password "${C[@]}"
expect_err "grace over 60" 1 invalid_argument "$T" clients add X --redirect-uri https://x.example/cb --refresh-reuse-grace 61 "${C[@]}"
expect_err "access_ttl over the longest token lifetime" 1 invalid_argument "$T" clients add X \
  --redirect-uri https://x.example/cb --access-ttl 86401 "${C[@]}"
check "message names access_ttl" grep -q 'access_ttl' "$TMP/err"
expect_err "redirect URI with a fragment" 1 invalid_argument "$T" clients add X --redirect-uri 'https://x.example/cb#f' "${C[@]}"
expect_err "jwks_uri not https" 1 invalid_argument "$T" clients add X --redirect-uri https://x.example/cb --jwks-uri http://x.example/jwks "${C[@]}"
# The CLI's own parsing: exit 2.
expect_rc "--token-format bogus" 2 "$T" clients add X --redirect-uri https://x.example/cb --token-format bogus "${C[@]}"
expect_rc "--id-token-alg HS256" 2 "$T" clients add X --redirect-uri https://x.example/cb --id-token-alg HS256 "${C[@]}"
expect_rc "--jwks and --jwks-uri" 2 "$T" clients add X --redirect-uri https://x.example/cb --jwks "$TMP/none" --jwks-uri https://x.example/j "${C[@]}"
expect_rc "clients add without NAME" 2 "$T" clients add "${C[@]}"
expect_rc "--access-ttl not a number" 2 "$T" clients add X --redirect-uri https://x.example/cb --access-ttl ten "${C[@]}"
# private_key_jwt: a JWKS of public keys only.
gen "$TMP/client-es.jwk" --type p256
expect_ok "public half for the JWKS" "$T" keys public "$TMP/client-es.jwk"
printf '{"keys":[%s]}\n' "$OUT" >"$TMP/client.jwks"
expect_ok "clients add --jwks" "$T" clients add "Partner" --redirect-uri https://partner.example/cb --jwks "$TMP/client.jwks" \
  --id-token-alg RS256 --json "${C[@]}"
KID=$(jget client_id)
expect_ok "show the partner" "$T" clients show "$KID" --json "${C[@]}"
check "show: jwks registered" test "$(jget jwks keys 0 kty)" = "EC"
check "show: id_token_alg" test "$(jget id_token_alg)" = "RS256"
printf '{"keys":[%s]}\n' "$(cat "$TMP/client-es.jwk")" >"$TMP/private.jwks"
expect_err "--jwks with a private key" 1 invalid_argument "$T" clients add X --redirect-uri https://x.example/cb --jwks "$TMP/private.jwks" "${C[@]}"
expect_ok "clients remove" "$T" clients remove "$CID" "${C[@]}"
check "remove output" test "$OUT" = "client $CID removed"
expect_err "remove again" 1 invalid_client "$T" clients remove "$CID" "${C[@]}"
expect_ok "clients list after remove" "$T" clients list "${C[@]}"
check "list: four lines after remove" test "$(wc -l <"$TMP/out")" -eq 4
expect_err "clients unreachable redis" 1 store_unavailable "$T" clients list --data "$TMP/cdata" --store redis://127.0.0.1:1
expect_err "clients --store memory refused" 2 invalid_argument "$T" clients list --store memory

# ---- store epoch -----------------------------------------------------------------------------
E=(--data "$TMP/edata")
expect_ok "store status, new deployment" "$T" store status "${E[@]}"
check "status: no marker yet" grep -qx 'store epoch: none' "$TMP/out"
check "status: verdict create" grep -qx 'verdict:     create' "$TMP/out"
check "status writes no local epoch" test ! -e "$TMP/edata/store-epoch"
expect_ok "store confirm-reset, new deployment" "$T" store confirm-reset "${E[@]}"
EP1=$(cat "$TMP/edata/store-epoch")
check "confirm output" test "$OUT" = "store epoch reset to $EP1"
check "local epoch mode 0600" test "$(stat -c %a "$TMP/edata/store-epoch")" = 600
check "local epoch is 22 base64url chars" grep -Eqx '[A-Za-z0-9_-]{22}' "$TMP/edata/store-epoch"
expect_ok "store status --json, ready" "$T" store status --json "${E[@]}"
check "status --json" test "$OUT" = "{\"verdict\":\"ready\",\"ready\":true,\"store_epoch\":\"$EP1\",\"supersedes\":[],\"local_epoch\":\"$EP1\"}"
rm -f "$TMP/edata/tessera.db" "$TMP/edata/tessera.db-wal" "$TMP/edata/tessera.db-shm"
expect_err "store status, database deleted" 1 store_epoch_mismatch "$T" store status "${E[@]}"
check "status: verdict store_lost" grep -qx 'verdict:     store_lost' "$TMP/out"
expect_ok "store confirm-reset after the loss" "$T" store confirm-reset "${E[@]}"
EP2=$(cat "$TMP/edata/store-epoch")
check "confirm supersedes the lost epoch" test "$OUT" = "store epoch reset to $EP2; supersedes $EP1"
expect_ok "store status after confirm" "$T" store status "${E[@]}"
check "status: supersedes line" grep -qx "supersedes:  $EP1" "$TMP/out"
printf '%s\n' "$EP1" >"$TMP/edata/store-epoch"
expect_ok "store status, remembered epoch superseded" "$T" store status "${E[@]}"
check "status: verdict adopt" grep -qx 'verdict:     adopt' "$TMP/out"
printf 'AAAAAAAAAAAAAAAAAAAAAA\n' >"$TMP/edata/store-epoch"
expect_err "store status, another store" 1 store_epoch_mismatch "$T" store status "${E[@]}"
check "status: verdict store_replaced" grep -qx 'verdict:     store_replaced' "$TMP/out"
printf 'garbage\n' >"$TMP/edata/store-epoch"
expect_err "store status, unusable local file" 2 io_error "$T" store status "${E[@]}"
expect_err "store --store memory refused" 2 invalid_argument "$T" store status --store memory
expect_err "store unreachable redis" 1 store_unavailable "$T" store confirm-reset "${E[@]}" --store redis://127.0.0.1:1
expect_rc "store without subcommand" 2 "$T" store

# ---- serve (configuration only: nothing here starts a server) --------------------------------
expect_ok "serve --help" "$T" serve --help
for var in CONFIG LISTEN METRICS_LISTEN DATA STORE THREADS WORKER_THREADS TLS_CERT TLS_KEY PUBLIC_ORIGIN TRUST_PROXY \
  MAX_HEADER_BYTES MAX_BODY_BYTES REQUEST_TIMEOUT IDLE_TIMEOUT MAX_CONNECTIONS SESSION_IDLE_TIMEOUT \
  SESSION_ABSOLUTE_TIMEOUT MAX_SESSIONS_PER_USER ARGON2_OPS ARGON2_MEM_KIB LOGIN_ACCOUNT_FREE_FAILURES \
  LOGIN_IP_FREE_FAILURES LOGIN_BACKOFF_MAX LOG_LEVEL; do
  check "serve --help names TESSERA_$var" grep -q "TESSERA_$var\b" "$TMP/out"
done
expect_err "serve --listen nonsense" 2 invalid_argument "$T" serve --listen nonsense
expect_err "serve --store bogus" 2 invalid_argument "$T" serve --store bogus
expect_err "serve --threads 2000" 2 invalid_argument "$T" serve --threads 2000
expect_err "serve TESSERA_LISTEN nonsense" 2 invalid_argument env TESSERA_LISTEN=nonsense "$T" serve
expect_err "serve TESSERA_TRUST_PROXY=yes" 2 invalid_argument env TESSERA_TRUST_PROXY=yes "$T" serve
expect_err "serve tls cert without key" 2 invalid_argument "$T" serve --tls-cert "$TMP/c.pem"
expect_err "serve missing --config" 2 io_error "$T" serve --config "$TMP/nope.toml"
printf 'listen_port = 80\n' >"$TMP/bad.toml"
expect_err "serve unknown TOML key" 2 invalid_argument "$T" serve --config "$TMP/bad.toml"
check "unknown key named" grep -q listen_port "$TMP/err"
printf 'threads = "4"\n' >"$TMP/bad.toml"
expect_err "serve TOML wrong type" 2 invalid_argument "$T" serve --config "$TMP/bad.toml"

# ---- the server's signing keys on a schedule (docs/keys.md) ------------------------------------
K=(--data "$TMP/kdata")
expect_ok "keys rotate --alg ES256" "$T" keys rotate --alg ES256 "${K[@]}"
check "keys rotate says added" grep -q "^added ES256 " "$TMP/out"
expect_ok "keys rotate again (json)" "$T" keys rotate --json "${K[@]}"
check "ES256 kept, EdDSA and RS256 added" python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))
assert [(x["alg"], x["added"]) for x in r] == [("ES256", False), ("EdDSA", True), ("RS256", True)], r
assert r[1]["kid"].startswith("k4.pid.")' "$TMP/out"
expect_ok "keys list --json" "$T" keys list --json "${K[@]}"
check "keys list: one primary and one next per group" python3 -c 'import json,sys,collections; r=json.load(open(sys.argv[1]))
c=collections.Counter((x["alg"], x["state"]) for x in r)
assert all(c[(a, s)] == 1 for a in ("ES256", "EdDSA", "RS256") for s in ("primary", "next")) and len(r) == 6, c
assert all(x["activates_at"] == x["created_at"] + 600 for x in r if x["state"] == "next"), r' "$TMP/out"
expect_ok "keys list (text)" "$T" keys list "${K[@]}"
check "keys list header" grep -q "^KID .*ALG .*STATE .*CREATED .*ACTIVATES .*RETIRES" "$TMP/out"
check "key files private" test "$(stat -c %a "$TMP"/kdata/keys/es256-*.jwk)" = 600
expect_err "keys rotate: unknown alg" 2 invalid_argument "$T" keys rotate --alg HS256 "${K[@]}"
expect_err "keys rotate: publish_ahead below max-age + 1" 2 invalid_argument "$T" keys rotate --publish-ahead 300 "${K[@]}"
printf 'jwks_max_age = 10\npublish_ahead = 11\n' >"$TMP/k.toml"
expect_ok "keys list --config" "$T" keys list --json --config "$TMP/k.toml" "${K[@]}"
check "keys list --config: publish_ahead from the file" python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))
assert all(x["activates_at"] == x["created_at"] + 11 for x in r if x["created_at"] != x["activates_at"]), r' "$TMP/out"

# ---- advise and doctor ---------------------------------------------------------------------
expect_err "advise: no --client without a terminal" 2 invalid_argument "$T" advise </dev/null
expect_err "advise: unknown answer" 2 invalid_argument "$T" advise --client desktop </dev/null
expect_ok "advise --json" "$T" advise --client spa --browser-holds-token yes --immediate-revocation yes --json </dev/null
check "advise --json: the model, the tension and command lines" python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))
assert r["model"] == "opaque_introspection" and r["tensions"] and r["commands"], r
assert all(c["argv"][0] == "tessera" and c["line"].startswith("tessera ") for c in r["commands"]), r
g = [c["argv"] for c in r["commands"] if c["argv"][1] == "gateway"]
assert len(g) == 1 and "--require-dpop" in g[0] and "--client-id" in g[0], r' "$TMP/out"
expect_ok "advise text" "$T" advise --client browser-app </dev/null
check "advise text names the model and the serve line" grep -q "^Recommended: Server-side session cookie" "$TMP/out"
check "advise text lists what it assumed" grep -q "^Assumed (not answered):" "$TMP/out"
check "advise: no gateway for the session cookie" bash -c '! grep -q "tessera gateway" "$1"' _ "$TMP/out"
printf 'public_origin = "http://auth.example.com"\n' >"$TMP/doctor.toml"
expect_rc "doctor: an error finding is exit 1" 1 "$T" doctor --config "$TMP/doctor.toml" --data "$TMP/no-data" --json
check "doctor --json names the rule" python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))
assert r["errors"] >= 1 and any(f["rule"] == "public_origin" and f["severity"] == "error" and f["fix"] for f in r["findings"]), r' "$TMP/out"
expect_ok "doctor: defaults have no error" "$T" doctor --data "$TMP/no-data"
check "doctor summary line" grep -q "^0 error(s)" "$TMP/out"
expect_err "doctor: a setting serve refuses is exit 2" 2 invalid_argument "$T" doctor --publish-ahead 10 --jwks-max-age 300

# ---- secrets are not printed where they should not be ---------------------------------------
expect_ok "sign prints only the token" "$T" jwt sign --key "$HS" --claims '{}'
k_b64=$(grep -o '"k":"[^"]*"' "$HS" | cut -d'"' -f4) || true
check "sign output has no secret" test "$(grep -cF -- "$k_b64" "$TMP/out" "$TMP/err" | awk -F: '{s+=$2} END {print s}')" -eq 0

echo
if [[ $FAIL -eq 0 ]]; then
  echo "$PASS passed, 0 failed"
else
  echo "$PASS passed, $FAIL failed"
  exit 1
fi
