#!/usr/bin/env node
// Interop peer backed by panva/paseto (v4.x).
//   node peer_paseto.mjs encrypt --version V --key-hex HEX [--footer STR] [--implicit STR] --claims JSON
//   node peer_paseto.mjs sign    --version V --key-hex HEX [--footer STR] [--implicit STR] --claims JSON
//       -> prints the token
//   node peer_paseto.mjs decrypt --version V --key-hex HEX [--footer STR] [--implicit STR] [--iss ISS] [--aud AUD] TOKEN
//   node peer_paseto.mjs verify  --version V --key-hex HEX [--footer STR] [--implicit STR] [--iss ISS] [--aud AUD] TOKEN
//       -> prints the verified claims as JSON, exit 0
//   node peer_paseto.mjs supports VERSION.PURPOSE   -> exit 0 if supported, else prints the reason, exit 3
// V is v2, v3 or v4. Keys are raw bytes in hex: local 32 bytes; v2/v4 secret 64 bytes (Ed25519
// seed || public key), public 32 bytes; v3 secret 48-byte P-384 scalar, public 49-byte compressed
// point. They are handed to the package as plaintext PASERK (kN.local./kN.secret./kN.public.).
// --footer on decrypt/verify requires exactly that footer; --implicit is the implicit assertion
// (v3/v4 only). Produced tokens get iat=now (the package default); exp comes from the claims, or
// defaults to now+1h.
// Exit codes: 0 ok, 1 token/key rejected or operation failed, 2 usage error, 3 unsupported.
import { LocalProtocol, PublicProtocol } from 'paseto';
import { makeCli } from './peer_cli.mjs';

// What the package builds in (README "Protocol Support"): v2.local and v4.local are marked
// "Extension API" -- the package ships no BLAKE2b/XChaCha20, so there is no built-in
// Encrypt/Decrypt for them (paseto/v2/local and paseto/v4/local export key handling only).
const UNSUPPORTED = {
  'v2.local': 'paseto 4.x has no built-in v2.local Encrypt/Decrypt (README: "Extension API" only)',
  'v4.local': 'paseto 4.x has no built-in v4.local Encrypt/Decrypt (README: "Extension API" only)',
};
const KNOWN = ['v2.local', 'v2.public', 'v3.local', 'v3.public', 'v4.local', 'v4.public'];

const { usage, parseCommand, hexToBytes } = makeCli('peer_paseto.mjs');

const utf8 = (s) => new TextEncoder().encode(s);

async function loadModule(version, purpose) {
  // Subpath modules: paseto/v3/local, paseto/v4/public, ...
  return import(`paseto/${version}/${purpose}`);
}

async function main() {
  const { cmd, opts, purpose, vp } = parseCommand(process.argv.slice(2), KNOWN, UNSUPPORTED);
  const n = opts.version.slice(1);
  const keyB64 = hexToBytes(opts['key-hex']).toString('base64url');
  const producing = cmd === 'encrypt' || cmd === 'sign';
  if (opts.implicit !== undefined && opts.version === 'v2') usage('v2 has no implicit assertions');

  const options = {};
  if (opts.footer !== undefined) options.footer = utf8(opts.footer);
  if (opts.implicit !== undefined) options.implicitAssertion = utf8(opts.implicit);

  const m = await loadModule(opts.version, purpose);
  let proto;
  if (purpose === 'local') {
    proto = new LocalProtocol(m.ImportKeyFactory, m.EncryptFactory, m.DecryptFactory);
  } else if (producing) {
    proto = new PublicProtocol(m.ImportSecretKeyFactory, m.SignFactory);
  } else {
    proto = new PublicProtocol(m.ImportPublicKeyFactory, m.VerifyFactory);
  }

  if (producing) {
    if (opts.claims === undefined) usage('--claims is required');
    if (opts.positional.length !== 0) usage(`${cmd} takes no TOKEN`);
    const claims = JSON.parse(opts.claims);
    let token;
    if (purpose === 'local') {
      const key = await proto.ImportKey(`k${n}.local.${keyB64}`);
      token = await proto.Encrypt(key, claims, options);
    } else {
      const key = await proto.ImportSecretKey(`k${n}.secret.${keyB64}`);
      token = await proto.Sign(key, claims, options);
    }
    process.stdout.write(token + '\n');
  } else {
    if (opts.positional.length !== 1) usage(`${cmd} needs exactly one TOKEN`);
    if (opts.iss !== undefined) options.issuer = opts.iss;
    if (opts.aud !== undefined) options.audience = opts.aud;
    const token = opts.positional[0].trim();
    let result;
    if (purpose === 'local') {
      const key = await proto.ImportKey(`k${n}.local.${keyB64}`);
      result = await proto.Decrypt(key, token, options);
    } else {
      const key = await proto.ImportPublicKey(`k${n}.public.${keyB64}`);
      result = await proto.Verify(key, token, options);
    }
    process.stdout.write(JSON.stringify(result.claims) + '\n');
  }
}

main().catch((e) => {
  const code = typeof e.code === 'string' ? e.code : e.name;
  process.stderr.write(`error: ${code}: ${e.message}\n`);
  process.exit(1);
});
