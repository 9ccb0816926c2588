// The token debugger's JWT verification (docs/pages.md "Token debugger"): a JWS compact token
// against a pasted JWK, JWKS (the key picked by kid), PEM SPKI public key or HMAC secret, through
// WebCrypto only: HS256/384/512, RS*, PS*, ES* (JWS signatures are raw r||s, as WebCrypto's
// ECDSA expects), EdDSA (Ed25519) where the browser has it. Pure functions over a SubtleCrypto
// passed in (the browser's or node's), no DOM and no network.
import { b64urlDecode } from './decode.js';

const HASH = { 256: 'SHA-256', 384: 'SHA-384', 512: 'SHA-512' };
const CURVE = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

// alg -> { kty, importAlg, verifyAlg } as WebCrypto names them; throws for an unsupported alg.
export function algParams(alg) {
  const m = /^(HS|RS|PS|ES)(256|384|512)$/.exec(alg);
  if (m) {
    const hash = HASH[m[2]];
    switch (m[1]) {
      case 'HS': return { kty: 'oct', importAlg: { name: 'HMAC', hash }, verifyAlg: { name: 'HMAC' } };
      case 'RS': return { kty: 'RSA', importAlg: { name: 'RSASSA-PKCS1-v1_5', hash }, verifyAlg: { name: 'RSASSA-PKCS1-v1_5' } };
      case 'PS': return { kty: 'RSA', importAlg: { name: 'RSA-PSS', hash }, verifyAlg: { name: 'RSA-PSS', saltLength: Number(m[2]) / 8 } };
      case 'ES': return { kty: 'EC', importAlg: { name: 'ECDSA', namedCurve: CURVE[alg] }, verifyAlg: { name: 'ECDSA', hash } };
    }
  }
  if (alg === 'EdDSA' || alg === 'Ed25519')
    return { kty: 'OKP', importAlg: { name: 'Ed25519' }, verifyAlg: { name: 'Ed25519' } };
  if (String(alg).toLowerCase() === 'none') throw new Error('alg "none": nothing to verify; the token is unsigned');
  throw new Error(`unsupported alg ${alg}`);
}

function pemBody(text) {
  const m = /-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/.exec(text);
  if (!m) throw new Error('a PEM key must be "BEGIN PUBLIC KEY" (SPKI)');
  const b64 = m[1].replace(/\s+/g, '');
  return b64urlDecode(b64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));
}

// The JWK from a pasted JWK or JWKS, for this alg and kid; throws when none fits.
export function pickJwk(parsed, alg, kid) {
  const { kty } = algParams(alg);
  const keys = Array.isArray(parsed.keys) ? parsed.keys : [parsed];
  const sameAlg = (a) => !a || a === alg || (kty === 'OKP' && (a === 'EdDSA' || a === 'Ed25519'));
  const fits = keys.filter((k) => k && k.kty === kty && sameAlg(k.alg) && (!k.use || k.use === 'sig'));
  const byKid = kid === undefined ? fits : fits.filter((k) => k.kid === kid);
  if (byKid.length === 1) return byKid[0];
  if (byKid.length === 0)
    throw new Error(kid === undefined ? `no ${kty} key for ${alg}` : `no ${kty} key with kid "${kid}" for ${alg}`);
  throw new Error(`several keys fit ${alg}; the token names no kid to pick one`);
}

function isUnsupported(e) {
  return e && (e.name === 'NotSupportedError' || /not supported|unrecognized|unknown algorithm/i.test(String(e.message)));
}

// keyText: JWK / JWKS JSON, PEM SPKI, or (HS*) the secret as text -> CryptoKey for alg.
export async function importVerifyKey(subtle, keyText, alg, kid) {
  const p = algParams(alg);
  const text = String(keyText).trim();
  if (text === '') throw new Error('no key');
  try {
    if (text.startsWith('{')) {
      let parsed;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw new Error('the key is not valid JSON');
      }
      const jwk = { ...pickJwk(parsed, alg, kid) };
      delete jwk.alg; delete jwk.use; delete jwk.key_ops;
      // A pasted private JWK verifies as its public half.
      if (p.kty !== 'oct') for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth']) delete jwk[m];
      return await subtle.importKey('jwk', jwk, p.importAlg, false, ['verify']);
    }
    if (text.startsWith('-----BEGIN')) {
      if (p.kty === 'oct') throw new Error(`${alg} needs a secret, not a PEM key`);
      return await subtle.importKey('spki', pemBody(text), p.importAlg, false, ['verify']);
    }
    if (p.kty !== 'oct') throw new Error(`${alg} needs a JWK, JWKS or PEM public key`);
    return await subtle.importKey('raw', new TextEncoder().encode(text), p.importAlg, false, ['verify']);
  } catch (e) {
    if (p.kty === 'OKP' && isUnsupported(e)) throw new Error('this browser has no Ed25519 in WebCrypto; EdDSA cannot be verified here');
    throw e;
  }
}

const EC_SIG = { ES256: 64, ES384: 96, ES512: 132 };

// -> { ok: boolean, alg, kid, reason }. Never throws: every failure is a reason.
export async function verifyJwt(subtle, token, keyText) {
  let alg, kid;
  try {
    const parts = String(token).trim().split('.');
    if (parts.length !== 3) throw new Error('only a JWS compact token (3 parts) can be verified');
    let header;
    try {
      header = JSON.parse(new TextDecoder().decode(b64urlDecode(parts[0])));
    } catch {
      throw new Error('the header is not base64url JSON');
    }
    ({ alg, kid } = header);
    const p = algParams(alg);
    const sig = b64urlDecode(parts[2]);
    if (EC_SIG[alg] && sig.length !== EC_SIG[alg]) throw new Error(`${alg} signature must be ${EC_SIG[alg]} bytes (r||s)`);
    const key = await importVerifyKey(subtle, keyText, alg, kid);
    const data = new TextEncoder().encode(`${parts[0]}.${parts[1]}`);
    const ok = await subtle.verify(p.verifyAlg, key, sig, data);
    return { ok, alg, kid, reason: ok ? 'signature valid' : 'signature does not match this key' };
  } catch (e) {
    return { ok: false, alg, kid, reason: e.message || String(e) };
  }
}

// Whether this WebCrypto has Ed25519 (importing a fixed public key).
export async function hasEd25519(subtle) {
  try {
    await subtle.importKey('raw', new Uint8Array(32).fill(1), { name: 'Ed25519' }, false, ['verify']);
    return true;
  } catch {
    return false;
  }
}
