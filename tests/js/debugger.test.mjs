// The token debugger's pure functions (web/static/debugger/{decode,verify,sign}.js) under node's
// WebCrypto: decoding JWT / JWE / PASETO (v4.public vector, local), malformed input, times, every
// warning, verification of RFC 7520 JWS vectors (RS256, PS384, ES512, HS256) and of EdDSA, a
// wrong key, kid picking, and a round trip through the test signer. ctest: debugger_js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { webcrypto } from 'node:crypto';
import { decodeToken, timeInfo, warnings, b64urlEncode, b64urlDecode } from '../../web/static/debugger/decode.js';
import { verifyJwt, pickJwk, algParams } from '../../web/static/debugger/verify.js';
import { generateEs256, signEs256 } from '../../web/static/debugger/sign.js';

const subtle = webcrypto.subtle;
const vectors = new URL('../vectors/', import.meta.url);
const json = (path) => JSON.parse(readFileSync(new URL(path, vectors), 'utf8'));
const enc = (o) => b64urlEncode(new TextEncoder().encode(JSON.stringify(o)));
const jwt = (header, claims, sig = 'c2ln') => `${enc(header)}.${enc(claims)}.${sig}`;
const codes = (d, now) => warnings(d, now).map((w) => w.code);
const NOW = 1_800_000_000;

test('base64url round trip and strictness', () => {
  const bytes = new Uint8Array([0, 251, 255, 62, 63]);
  assert.deepEqual(b64urlDecode(b64urlEncode(bytes)), bytes);
  assert.throws(() => b64urlDecode('ab+c'), /base64url/);
  assert.throws(() => b64urlDecode('abcde'), /base64url/);
});

test('decodes a JWT header and claims', () => {
  const d = decodeToken(jwt({ alg: 'ES256', kid: 'k1' }, { sub: 'alice', exp: NOW + 60 }));
  assert.equal(d.kind, 'jwt');
  assert.equal(d.header.kid, 'k1');
  assert.equal(d.claims.sub, 'alice');
});

test('a JWE shows its header only', () => {
  const d = decodeToken(`${enc({ alg: 'dir', enc: 'A256GCM' })}..aXY.Y3Q.dGFn`);
  assert.equal(d.kind, 'jwe');
  assert.equal(d.claims, null);
});

test('malformed input is a readable error', () => {
  assert.throws(() => decodeToken(''), /no token/);
  assert.throws(() => decodeToken('abc'), /3 \(JWS\) or 5/);
  assert.throws(() => decodeToken('a.b'), /3 \(JWS\) or 5/);
  assert.throws(() => decodeToken('%%%.e30.c2ln'), /base64url/);
  assert.throws(() => decodeToken(`${b64urlEncode(new TextEncoder().encode('nope'))}.e30.c2ln`), /header is not JSON/);
  assert.throws(() => decodeToken(`${enc([1])}.e30.c2ln`), /not a JSON object/);
  assert.throws(() => decodeToken(`${enc({ typ: 'JWT' })}.e30.c2ln`), /no alg/);
  assert.throws(() => decodeToken(`${enc({ alg: 'HS256' })}.${enc('x')}.c2ln`), /payload is not a JSON object/);
  assert.throws(() => decodeToken('v9.public.e30'), /unknown PASETO version/);
  assert.throws(() => decodeToken('v4.secret.e30'), /unknown PASETO purpose/);
  assert.throws(() => decodeToken('v4.public.e30'), /shorter than its signature/);
  assert.throws(() => decodeToken('v4.public.e30.e30.e30'), /3 or 4/);
});

test('PASETO v4.public: the claims are the message before the signature (test vector 4-S-1)', () => {
  const v = json('paseto/v4.json').tests.find((t) => t.name === '4-S-1');
  const d = decodeToken(v.token);
  assert.equal(d.kind, 'paseto');
  assert.equal(d.version, 'v4');
  assert.equal(d.purpose, 'public');
  assert.deepEqual(d.claims, JSON.parse(v.payload));
  assert.ok(codes(d, NOW).includes('expired'));  // exp 2022-01-01 is an RFC 3339 string
});

test('PASETO local: version, purpose, footer; no claims; local_where_public_fits', () => {
  const v = json('paseto/v4.json').tests.find((t) => t.token.startsWith('v4.local.') && t.footer.startsWith('{'));
  const d = decodeToken(v.token);
  assert.equal(d.purpose, 'local');
  assert.equal(d.claims, null);
  assert.deepEqual(d.footer, JSON.parse(v.footer));
  assert.deepEqual(codes(d, NOW), ['local_where_public_fits']);
});

test('times in human form: expired, not yet valid, lifetime', () => {
  const t = timeInfo({ iat: NOW - 7200, nbf: NOW + 10, exp: NOW - 3600 }, NOW);
  assert.equal(t.iat, new Date((NOW - 7200) * 1000).toISOString());
  assert.equal(t.expired, true);
  assert.equal(t.notYetValid, true);
  assert.equal(t.lifetime, 3600);
  const fresh = timeInfo({ iat: NOW, exp: NOW + 60 }, NOW);
  assert.equal(fresh.expired, false);
  assert.equal(fresh.notYetValid, false);
  assert.equal(timeInfo({ sub: 'x' }, NOW).lifetime, null);
});

test('warnings: none for a sound access token', () => {
  const d = decodeToken(jwt({ alg: 'ES256', typ: 'at+jwt' }, { sub: 'a', scope: 'read', iat: NOW, exp: NOW + 300 }));
  assert.deepEqual(codes(d, NOW), []);
});

test('warnings: no exp, alg none, symmetric, several audiences', () => {
  assert.deepEqual(codes(decodeToken(jwt({ alg: 'none' }, { sub: 'a' }, '')), NOW), ['alg_none', 'no_exp']);
  assert.deepEqual(codes(decodeToken(jwt({ alg: 'HS256' }, { exp: NOW + 60 })), NOW), ['alg_symmetric']);
  assert.deepEqual(codes(decodeToken(jwt({ alg: 'HS512' }, { aud: ['a', 'b'], exp: NOW + 60 })), NOW),
    ['alg_symmetric', 'symmetric_several_audiences']);
  assert.deepEqual(codes(decodeToken(jwt({ alg: 'RS256' }, { exp: 'soon' })), NOW), ['bad_exp']);
});

test('warnings: long lifetime only for access-like tokens', () => {
  const long = { iat: NOW, exp: NOW + 2 * 86400 };
  assert.deepEqual(codes(decodeToken(jwt({ alg: 'ES256' }, { ...long, scope: 'read' })), NOW), ['long_lifetime']);
  assert.deepEqual(codes(decodeToken(jwt({ alg: 'ES256', typ: 'at+jwt' }, long)), NOW), ['long_lifetime']);
  assert.deepEqual(codes(decodeToken(jwt({ alg: 'ES256' }, long)), NOW), []);
  assert.deepEqual(codes(decodeToken(jwt({ alg: 'ES256' }, { iat: NOW, exp: NOW + 86400, scope: 'r' })), NOW), []);
});

test('warnings: expired, not yet valid, sensitive claim names (nested too)', () => {
  const d = decodeToken(jwt({ alg: 'ES256' }, {
    exp: NOW - 1, nbf: NOW + 100, password: 'x', user: { ssn: '1', credit_card: '4', name: 'n' }, client_secret: 's',
  }));
  const w = warnings(d, NOW);
  assert.deepEqual(w.map((x) => x.code), ['expired', 'not_yet_valid', 'sensitive_claim', 'sensitive_claim', 'sensitive_claim', 'sensitive_claim']);
  assert.deepEqual(w.filter((x) => x.code === 'sensitive_claim').map((x) => x.message.split('"')[1]),
    ['password', 'user.ssn', 'user.credit_card', 'client_secret']);
  assert.deepEqual(codes(decodeToken(jwt({ alg: 'ES256' }, { exp: NOW + 1, shipping: 1, spin: 2, passport_country: 'x' })), NOW), []);
});

const publicPart = (key) => Object.fromEntries(Object.entries(key).filter(([k]) => !['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(k)));

for (const [file, alg] of [['4_1.rsa_v15_signature', 'RS256'], ['4_2.rsa-pss_signature', 'PS384'],
  ['4_3.ecdsa_signature', 'ES512'], ['4_4.hmac-sha2_integrity_protection', 'HS256']]) {
  test(`verifies RFC 7520 ${file} (${alg})`, async () => {
    const v = json(`jose/jws/${file}.json`);
    assert.equal(v.input.alg, alg);
    const token = v.output.compact;
    const key = v.input.key.kty === 'oct' ? v.input.key : publicPart(v.input.key);
    const ok = await verifyJwt(subtle, token, JSON.stringify(key));
    assert.equal(ok.ok, true, ok.reason);
    assert.equal(ok.alg, alg);
    // A JWKS picks the key by kid; the private JWK verifies as its public half.
    const jwks = { keys: [{ ...key, kid: 'other' }, v.input.key] };
    assert.equal((await verifyJwt(subtle, token, JSON.stringify(jwks))).ok, true);
    // One flipped payload character: not valid.
    const [h, p, s] = token.split('.');
    const bad = `${h}.${p.slice(0, 5)}${p[5] === 'A' ? 'B' : 'A'}${p.slice(6)}.${s}`;
    const r = await verifyJwt(subtle, bad, JSON.stringify(key));
    assert.equal(r.ok, false);
    assert.match(r.reason, /does not match/);
  });
}

test('verifies with a PEM SPKI key and an HMAC secret as text', async () => {
  const pair = await subtle.generateKey({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' }, true, ['sign', 'verify']);
  const spki = Buffer.from(await subtle.exportKey('spki', pair.publicKey)).toString('base64');
  const pem = `-----BEGIN PUBLIC KEY-----\n${spki.match(/.{1,64}/g).join('\n')}\n-----END PUBLIC KEY-----\n`;
  const input = `${enc({ alg: 'RS256' })}.${enc({ sub: 'a' })}`;
  const sig = new Uint8Array(await subtle.sign('RSASSA-PKCS1-v1_5', pair.privateKey, new TextEncoder().encode(input)));
  assert.equal((await verifyJwt(subtle, `${input}.${b64urlEncode(sig)}`, pem)).ok, true);

  const hkey = await subtle.importKey('raw', new TextEncoder().encode('s3cret'), { name: 'HMAC', hash: 'SHA-384' }, false, ['sign']);
  const hin = `${enc({ alg: 'HS384' })}.${enc({ sub: 'a' })}`;
  const hsig = new Uint8Array(await subtle.sign('HMAC', hkey, new TextEncoder().encode(hin)));
  assert.equal((await verifyJwt(subtle, `${hin}.${b64urlEncode(hsig)}`, 's3cret')).ok, true);
  assert.equal((await verifyJwt(subtle, `${hin}.${b64urlEncode(hsig)}`, 'wrong')).ok, false);
  assert.match((await verifyJwt(subtle, `${hin}.${b64urlEncode(hsig)}`, pem)).reason, /needs a secret/);
});

test('verifies EdDSA (Ed25519) where WebCrypto has it', async () => {
  const pair = await subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const jwk = await subtle.exportKey('jwk', pair.publicKey);
  const input = `${enc({ alg: 'EdDSA' })}.${enc({ sub: 'a' })}`;
  const sig = new Uint8Array(await subtle.sign('Ed25519', pair.privateKey, new TextEncoder().encode(input)));
  const r = await verifyJwt(subtle, `${input}.${b64urlEncode(sig)}`, JSON.stringify(jwk));
  assert.equal(r.ok, true, r.reason);
});

test('verification failures are reasons, never exceptions', async () => {
  const t = jwt({ alg: 'ES256', kid: 'a' }, { sub: 'x' }, b64urlEncode(new Uint8Array(64)));
  const { publicJwk } = await generateEs256(subtle);
  assert.match((await verifyJwt(subtle, t, JSON.stringify({ keys: [publicJwk] }))).reason, /kid "a"/);
  assert.match((await verifyJwt(subtle, t, '{not json')).reason, /not valid JSON/);
  assert.match((await verifyJwt(subtle, t, '')).reason, /no key/);
  assert.match((await verifyJwt(subtle, t, 'secret')).reason, /needs a JWK/);
  assert.match((await verifyJwt(subtle, jwt({ alg: 'ES256' }, {}, 'AAAA'), JSON.stringify(publicJwk))).reason, /64 bytes/);
  assert.match((await verifyJwt(subtle, jwt({ alg: 'none' }, {}, ''), 'x')).reason, /unsigned/);
  assert.match((await verifyJwt(subtle, jwt({ alg: 'XX1' }, {}), 'x')).reason, /unsupported alg/);
  assert.match((await verifyJwt(subtle, 'a.b.c.d.e', 'x')).reason, /3 parts/);
  assert.throws(() => pickJwk({ keys: [{ kty: 'EC' }, { kty: 'EC' }] }, 'ES256', undefined), /several keys/);
  assert.equal(algParams('PS512').verifyAlg.saltLength, 64);
});

test('the test signer: an ES256 JWT that verifies with the shown public JWK', async () => {
  const { privateKey, publicJwk } = await generateEs256(subtle);
  assert.equal(publicJwk.d, undefined);
  assert.equal(publicJwk.kid.length, 43);
  const token = await signEs256(subtle, JSON.stringify({ sub: 'alice', exp: NOW }), privateKey, publicJwk.kid);
  const d = decodeToken(token);
  assert.deepEqual(d.header, { alg: 'ES256', typ: 'JWT', kid: publicJwk.kid });
  assert.equal(d.claims.sub, 'alice');
  assert.equal((await verifyJwt(subtle, token, JSON.stringify({ keys: [publicJwk] }))).ok, true);
  await assert.rejects(signEs256(subtle, '[1]', privateKey, 'k'), /JSON object/);
  await assert.rejects(signEs256(subtle, '{', privateKey, 'k'), /not valid JSON/);
});
