// The token debugger's test signer (docs/pages.md "Token debugger"): an ES256 key pair generated
// in the page with WebCrypto (never leaves it), a JWT over edited claims, and the public JWK
// (kid: its RFC 7638 thumbprint) to verify it with. Pure functions over a SubtleCrypto.
import { b64urlEncode } from './decode.js';

const enc = (s) => new TextEncoder().encode(s);

// RFC 7638 thumbprint of an EC public JWK, base64url SHA-256.
export async function thumbprint(subtle, jwk) {
  const canon = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return b64urlEncode(new Uint8Array(await subtle.digest('SHA-256', enc(canon))));
}

// -> { privateKey, publicJwk } with publicJwk {kty, crv, x, y, kid, alg, use}.
export async function generateEs256(subtle) {
  const pair = await subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const full = await subtle.exportKey('jwk', pair.publicKey);
  const publicJwk = { kty: full.kty, crv: full.crv, x: full.x, y: full.y };
  publicJwk.kid = await thumbprint(subtle, publicJwk);
  publicJwk.alg = 'ES256';
  publicJwk.use = 'sig';
  return { privateKey: pair.privateKey, publicJwk };
}

// claimsText: a JSON object -> the ES256 JWT (WebCrypto's ECDSA signature is already r||s).
export async function signEs256(subtle, claimsText, privateKey, kid) {
  let claims;
  try {
    claims = JSON.parse(claimsText);
  } catch {
    throw new Error('the claims are not valid JSON');
  }
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) throw new Error('the claims must be a JSON object');
  const header = { alg: 'ES256', typ: 'JWT', kid };
  const input = `${b64urlEncode(enc(JSON.stringify(header)))}.${b64urlEncode(enc(JSON.stringify(claims)))}`;
  const sig = await subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, enc(input));
  return `${input}.${b64urlEncode(new Uint8Array(sig))}`;
}

// Example claims for the editor: now, an hour's lifetime.
export function exampleClaims(now = Math.floor(Date.now() / 1000)) {
  return { iss: 'https://debugger.example', sub: 'alice', aud: 'api', scope: 'read', iat: now, exp: now + 3600 };
}
