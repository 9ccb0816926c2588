// The token debugger's decoding (docs/pages.md "Token debugger"): JWT (JWS compact, JWE header
// only) and PASETO v1-v4 (public: the claims are the message before the signature; local: only
// version, purpose and footer), the times in human form, and the warnings. Pure functions, no
// DOM and no network, so node --test runs them (tests/js/debugger.test.mjs).

const B64URL = /^[A-Za-z0-9_-]*$/;

// base64url (no padding) -> Uint8Array; throws on any other character or an impossible length.
export function b64urlDecode(s) {
  if (!B64URL.test(s) || s.length % 4 === 1) throw new Error('not base64url');
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function b64urlEncode(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const utf8 = (bytes) => new TextDecoder('utf-8', { fatal: true }).decode(bytes);

function jsonObject(bytes, what) {
  let v;
  try {
    v = JSON.parse(utf8(bytes));
  } catch {
    throw new Error(`${what} is not JSON`);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`${what} is not a JSON object`);
  return v;
}

// PASETO public signature sizes: v1 RSA-2048 PSS, v2/v4 Ed25519, v3 ECDSA P-384 (r||s).
const PASETO_SIG = { v1: 256, v2: 64, v3: 96, v4: 64 };

function decodePaseto(parts) {
  const [version, purpose, body, footerPart] = parts;
  if (!(version in PASETO_SIG)) throw new Error(`unknown PASETO version ${version}`);
  if (purpose !== 'local' && purpose !== 'public') throw new Error(`unknown PASETO purpose ${purpose}`);
  if (parts.length > 4) throw new Error('a PASETO has 3 or 4 dot-separated parts');
  const out = { kind: 'paseto', version, purpose, header: { version, purpose }, claims: null, footer: null };
  if (footerPart !== undefined) {
    const raw = utf8(b64urlDecode(footerPart));
    try {
      out.footer = JSON.parse(raw);
    } catch {
      out.footer = raw;
    }
  }
  const payload = b64urlDecode(body);
  if (purpose === 'public') {
    const sig = PASETO_SIG[version];
    if (payload.length < sig) throw new Error('PASETO payload shorter than its signature');
    out.claims = jsonObject(payload.subarray(0, payload.length - sig), 'PASETO message');
  }
  return out;
}

function decodeJwt(parts) {
  const header = jsonObject(b64urlDecode(parts[0]), 'JWT header');
  if (parts.length === 5) return { kind: 'jwe', header, claims: null };
  if (typeof header.alg !== 'string') throw new Error('JWT header has no alg');
  const payload = b64urlDecode(parts[1]);
  b64urlDecode(parts[2]);
  return { kind: 'jwt', header, claims: jsonObject(payload, 'JWT payload') };
}

// A pasted token -> { kind: 'jwt'|'jwe'|'paseto', header, claims (null when encrypted), ... };
// throws Error with a readable message on malformed input.
export function decodeToken(text) {
  const t = String(text).trim();
  if (t === '') throw new Error('no token');
  const parts = t.split('.');
  if (/^v\d$/.test(parts[0])) return decodePaseto(parts);
  if (parts.length !== 3 && parts.length !== 5) throw new Error('a JWT has 3 (JWS) or 5 (JWE) dot-separated parts');
  return decodeJwt(parts);
}

// PASETO times are RFC 3339 strings, JWT times NumericDate seconds: both -> seconds or null.
function seconds(v) {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string') {
    const ms = Date.parse(v);
    if (!Number.isNaN(ms)) return ms / 1000;
  }
  return null;
}

export function formatDuration(s) {
  const neg = s < 0;
  let rest = Math.round(Math.abs(s));
  const units = [['d', 86400], ['h', 3600], ['min', 60], ['s', 1]];
  const out = [];
  for (const [name, size] of units) {
    const n = Math.floor(rest / size);
    rest -= n * size;
    if (n) out.push(`${n} ${name}`);
  }
  return (neg ? '-' : '') + (out.slice(0, 2).join(' ') || '0 s');
}

// { iat, nbf, exp: ISO strings or null, expired, notYetValid, lifetime (seconds or null) }.
export function timeInfo(claims, now = Date.now() / 1000) {
  const c = claims || {};
  const [iat, nbf, exp] = [seconds(c.iat), seconds(c.nbf), seconds(c.exp)];
  const iso = (s) => (s === null ? null : new Date(s * 1000).toISOString());
  const start = iat ?? nbf;
  return {
    iat: iso(iat), nbf: iso(nbf), exp: iso(exp),
    expired: exp !== null && now >= exp,
    notYetValid: nbf !== null && now < nbf,
    lifetime: exp !== null && start !== null ? exp - start : null,
  };
}

export const LONG_LIFETIME = 86400;
const SENSITIVE = /pass(word|wd)?$|secret|^ssn$|social_?security|card|^cvv|^cvc|^pin$|credit|private_?key|api_?key/i;

function sensitiveNames(v, path, out) {
  if (v === null || typeof v !== 'object') return out;
  for (const [k, child] of Object.entries(v)) {
    const p = path ? `${path}.${k}` : k;
    if (SENSITIVE.test(k)) out.push(p);
    sensitiveNames(child, p, out);
  }
  return out;
}

const audiences = (c) => (Array.isArray(c?.aud) ? c.aud.length : c?.aud ? 1 : 0);

// Access-like: meant for resource servers (typ at+jwt, or scope / client_id claims).
export function accessLike(d) {
  const c = d.claims || {};
  return /at\+jwt/i.test(String(d.header?.typ ?? '')) || 'scope' in c || 'scp' in c || 'client_id' in c;
}

// The warnings the guides name: [{ code, message }].
export function warnings(d, now = Date.now() / 1000) {
  const w = [];
  const add = (code, message) => w.push({ code, message });
  if (d.kind === 'jwt') {
    const alg = String(d.header.alg);
    if (alg.toLowerCase() === 'none') add('alg_none', 'alg is "none": the token is not signed; never accept it.');
    else if (/^HS/i.test(alg))
      add('alg_symmetric', `alg ${alg} is symmetric: every verifier holds the key that can also mint tokens.`);
    if (/^HS/i.test(alg) && audiences(d.claims) > 1)
      add('symmetric_several_audiences', 'A symmetric token for several audiences: each can forge tokens for the others; use an asymmetric alg.');
  }
  if (d.kind === 'paseto' && d.purpose === 'local') {
    const fp = d.footer && typeof d.footer === 'object' ? d.footer : {};
    const several = audiences(fp) > 1 || 'kid' in fp;
    add('local_where_public_fits',
      `${d.version}.local is encrypted with a shared key: if services other than the issuer must verify it${several ? ' (the footer suggests so)' : ''} (an access token for several services), use ${d.version}.public.`);
  }
  if (d.claims) {
    const t = timeInfo(d.claims, now);
    if (d.claims.exp === undefined) add('no_exp', 'No exp: the token never expires.');
    else if (t.exp === null) add('bad_exp', 'exp is not a time.');
    if (t.lifetime !== null && t.lifetime > LONG_LIFETIME && accessLike(d))
      add('long_lifetime', `Lifetime ${formatDuration(t.lifetime)} is longer than a day for an access-like token.`);
    if (t.expired) add('expired', `Expired ${formatDuration(now - seconds(d.claims.exp))} ago.`);
    if (t.notYetValid) add('not_yet_valid', `Not valid for another ${formatDuration(seconds(d.claims.nbf) - now)}.`);
    for (const p of sensitiveNames(d.claims, '', []))
      add('sensitive_claim', `Claim "${p}" looks sensitive: JWT and PASETO public payloads are readable by anyone.`);
  }
  return w;
}
