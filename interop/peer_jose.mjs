#!/usr/bin/env node
// Interop peer backed by panva/jose.
//   node peer_jose.mjs sign   --jwk PRIVATE.jwk --alg ALG --claims JSON [--kid KID] -> prints a JWT
//   (--kid sets the header's kid instead of the JWK's)
//   node peer_jose.mjs verify --jwk PUBLIC.jwk  --alg ALG [--aud AUD] TOKEN -> prints claims JSON, exit 0
// Exit codes: 0 ok, 1 verification/signing failure, 2 usage error.
// If the claims carry no iat/exp, iat=now and exp=now+300 are added.
import { readFileSync } from 'node:fs';
import { importJWK, SignJWT, jwtVerify } from 'jose';

function usage(msg) {
  if (msg) process.stderr.write(`error: ${msg}\n`);
  process.stderr.write('usage: peer_jose.mjs sign --jwk FILE --alg ALG --claims JSON\n' +
                       '       peer_jose.mjs verify --jwk FILE --alg ALG [--aud AUD] TOKEN\n');
  process.exit(2);
}

function parseArgs(argv) {
  const [cmd, ...rest] = argv;
  const opts = { positional: [] };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (a === '--jwk' || a === '--alg' || a === '--claims' || a === '--aud' || a === '--kid') {
      if (i + 1 >= rest.length) usage(`${a} needs a value`);
      opts[a.slice(2)] = rest[++i];
    } else if (a.startsWith('--')) {
      usage(`unknown option ${a}`);
    } else {
      opts.positional.push(a);
    }
  }
  return { cmd, opts };
}

async function loadKey(file, alg) {
  const jwk = JSON.parse(readFileSync(file, 'utf8'));
  // Pass alg explicitly: Tessera's RSA/HMAC JWKs may carry no "alg", or a different one
  // (one rsa2048 key is reused for RS*/PS*). Drop the JWK's own alg so it cannot conflict.
  const { alg: _ignored, ...rest } = jwk;
  return { key: await importJWK(rest, alg), kid: jwk.kid };
}

async function main() {
  const { cmd, opts } = parseArgs(process.argv.slice(2));
  if (!opts.jwk || !opts.alg) usage('--jwk and --alg are required');
  if (cmd === 'sign') {
    if (opts.claims === undefined) usage('--claims is required');
    const claims = JSON.parse(opts.claims);
    const now = Math.floor(Date.now() / 1000);
    if (claims.iat === undefined) claims.iat = now;
    if (claims.exp === undefined) claims.exp = now + 300;
    const { key, kid } = await loadKey(opts.jwk, opts.alg);
    const header = { alg: opts.alg, typ: 'JWT' };
    if (opts.kid !== undefined) header.kid = opts.kid;
    else if (kid) header.kid = kid;
    const token = await new SignJWT(claims).setProtectedHeader(header).sign(key);
    process.stdout.write(token + '\n');
  } else if (cmd === 'verify') {
    if (opts.positional.length !== 1) usage('verify needs exactly one TOKEN');
    const { key } = await loadKey(opts.jwk, opts.alg);
    const options = { algorithms: [opts.alg] };
    if (opts.aud !== undefined) options.audience = opts.aud;
    const { payload } = await jwtVerify(opts.positional[0].trim(), key, options);
    process.stdout.write(JSON.stringify(payload) + '\n');
  } else {
    usage(`unknown command ${cmd ?? '(none)'}`);
  }
}

main().catch((e) => {
  const code = typeof e.code === 'string' ? e.code : e.name;
  process.stderr.write(`error: ${code}: ${e.message}\n`);
  process.exit(1);
});
