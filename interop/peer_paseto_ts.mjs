#!/usr/bin/env node
// Interop peer backed by paseto-ts (auth70/paseto-ts, v4 only).
//   node peer_paseto_ts.mjs encrypt --version V --key-hex HEX [--footer STR] [--implicit STR] --claims JSON
//   node peer_paseto_ts.mjs sign    --version V --key-hex HEX [--footer STR] [--implicit STR] --claims JSON
//       -> prints the token
//   node peer_paseto_ts.mjs decrypt --version V --key-hex HEX [--footer STR] [--implicit STR] [--iss ISS] [--aud AUD] TOKEN
//   node peer_paseto_ts.mjs verify  --version V --key-hex HEX [--footer STR] [--implicit STR] [--iss ISS] [--aud AUD] TOKEN
//       -> prints the verified claims as JSON, exit 0
//   node peer_paseto_ts.mjs supports VERSION.PURPOSE   -> exit 0 if supported, else prints the reason, exit 3
// Same interface as peer_paseto.mjs. Only V=v4 is implemented by the package. Keys are raw bytes
// in hex (local 32 bytes, secret 64 bytes = Ed25519 seed || public key, public 32 bytes) and are
// handed to the package as the PASERK strings it requires (k4.local./k4.secret./k4.public.).
// paseto-ts checks exp/iat/nbf itself but has no footer/issuer/audience expectations, so
// --footer, --iss and --aud are checked here after decryption/verification.
// Exit codes: 0 ok, 1 token/key rejected or operation failed, 2 usage error, 3 unsupported.
import { encrypt, decrypt, sign, verify } from 'paseto-ts/v4';
import { makeCli } from './peer_cli.mjs';

// README "Supported PASETO versions": v4.public and v4.local only.
const UNSUPPORTED = {
  'v2.local': 'paseto-ts implements PASETO v4 only (README: v4.local, v4.public)',
  'v2.public': 'paseto-ts implements PASETO v4 only (README: v4.local, v4.public)',
  'v3.local': 'paseto-ts implements PASETO v4 only (README: v4.local, v4.public)',
  'v3.public': 'paseto-ts implements PASETO v4 only (README: v4.local, v4.public)',
};
const KNOWN = ['v2.local', 'v2.public', 'v3.local', 'v3.public', 'v4.local', 'v4.public'];

const { usage, parseCommand, hexToBytes } = makeCli('peer_paseto_ts.mjs');

const utf8 = (s) => new TextEncoder().encode(s);

function reject(code, message) {
  const e = new Error(message);
  e.code = code;
  throw e;
}

// The raw footer of a token (its 4th dot-separated part, base64url), as a string.
function rawFooter(token) {
  const parts = token.split('.');
  return parts.length === 4 ? Buffer.from(parts[3], 'base64url').toString('utf8') : '';
}

async function main() {
  const { cmd, opts, purpose, vp } = parseCommand(process.argv.slice(2), KNOWN, UNSUPPORTED);
  const keyB64 = hexToBytes(opts['key-hex']).toString('base64url');
  const producing = cmd === 'encrypt' || cmd === 'sign';

  // Footer and assertion go in as bytes so the package uses them verbatim.
  const options = {};
  if (opts.implicit !== undefined) options.assertion = utf8(opts.implicit);

  if (producing) {
    if (opts.claims === undefined) usage('--claims is required');
    if (opts.positional.length !== 0) usage(`${cmd} takes no TOKEN`);
    const claims = JSON.parse(opts.claims);
    if (opts.footer !== undefined) options.footer = utf8(opts.footer);
    const token = purpose === 'local'
      ? await encrypt(`k4.local.${keyB64}`, claims, options)
      : await sign(`k4.secret.${keyB64}`, claims, options);
    process.stdout.write(token + '\n');
  } else {
    if (opts.positional.length !== 1) usage(`${cmd} needs exactly one TOKEN`);
    const token = opts.positional[0].trim();
    const { payload } = purpose === 'local'
      ? await decrypt(`k4.local.${keyB64}`, token, options)
      : await verify(`k4.public.${keyB64}`, token, options);
    // The footer is authenticated by now; compare it with the expected one.
    if (opts.footer !== undefined && rawFooter(token) !== opts.footer) {
      reject('FOOTER_MISMATCH', `footer ${JSON.stringify(rawFooter(token))} != expected ${JSON.stringify(opts.footer)}`);
    }
    if (opts.iss !== undefined && payload.iss !== opts.iss) {
      reject('ISS_MISMATCH', `iss ${JSON.stringify(payload.iss)} != expected ${JSON.stringify(opts.iss)}`);
    }
    if (opts.aud !== undefined && payload.aud !== opts.aud) {
      reject('AUD_MISMATCH', `aud ${JSON.stringify(payload.aud)} != expected ${JSON.stringify(opts.aud)}`);
    }
    process.stdout.write(JSON.stringify(payload) + '\n');
  }
}

main().catch((e) => {
  const code = typeof e.code === 'string' ? e.code : e.name;
  process.stderr.write(`error: ${code}: ${e.message}\n`);
  process.exit(1);
});
