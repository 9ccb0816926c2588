// Access and ID token checks done the way a resource server or relying party would: JWTs with
// npm `jose` (createRemoteJWKSet on the server's jwks_uri), PASETO v4.public with npm `paseto`
// using the JWKS key whose kid is the footer's k4.pid. Stateless; one Verifier per server.
import { createHash, createPublicKey } from 'node:crypto';
import { hash as blake2b } from '@stablelib/blake2b';
import * as jose from 'jose';
import { InspectFooter, PublicProtocol } from 'paseto';
import * as v4public from 'paseto/v4/public';

import { expect, expectEqual } from './report.mjs';

const B64URL_256 = /^[A-Za-z0-9_-]{43,}$/;  // >= 32 bytes, base64url without padding
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

// RFC 9068 §2.2 claims every JWT access token carries (auth_time only when a user logged in).
const AT_CLAIMS = ['iss', 'exp', 'aud', 'sub', 'client_id', 'iat', 'jti'];

function audList(aud) { return Array.isArray(aud) ? aud : [aud]; }

// PASERK pid of a v4 public key: "k4.pid." + base64url(BLAKE2b-264("k4.pid." + "k4.public." + b64url(pk))).
export function paserkPid(paserkPublic) {
  const h = 'k4.pid.';
  const d = blake2b(new TextEncoder().encode(h + paserkPublic), 33);
  return h + Buffer.from(d).toString('base64url');
}

// at_hash / c_hash (OIDC Core §3.1.3.6): left half of the hash of the ASCII token, base64url.
// The hash is the one of the signing algorithm (SHA-512 for EdDSA with Ed25519).
export function halfHash(alg, token) {
  const h = { ES256: 'sha256', RS256: 'sha256', PS256: 'sha256', ES384: 'sha384', ES512: 'sha512', EdDSA: 'sha512' }[alg];
  if (!h) throw new Error(`no at_hash rule for alg ${alg}`);
  const d = createHash(h).update(token, 'ascii').digest();
  return d.subarray(0, d.length / 2).toString('base64url');
}

export class Verifier {
  constructor(metadata) {
    this.issuer = metadata.issuer;
    this.jwksUri = new URL(metadata.jwks_uri);
    this.remote = jose.createRemoteJWKSet(this.jwksUri);
  }

  async jwks() {
    const r = await fetch(this.jwksUri);
    expectEqual(r.status, 200, `GET ${this.jwksUri} status`);
    const j = await r.json();
    expect(Array.isArray(j.keys) && j.keys.length > 0, 'the JWKS has no keys');
    for (const k of j.keys) {
      for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(!(m in k), `the JWKS publishes private member "${m}" of kid ${k.kid}`);
      expect(typeof k.kid === 'string' && k.kid, `a JWKS key has no kid: ${JSON.stringify(k).slice(0, 120)}`);
    }
    return j.keys;
  }

  // Checks that every access token carries, whatever its format. `want`: {audience, clientId,
  // sub (optional), user (true: auth_time required), scope (optional: each must be present)}.
  checkAccessClaims(c, want, times) {
    for (const k of AT_CLAIMS) expect(c[k] !== undefined, `access token lacks claim "${k}"`);
    expectEqual(c.iss, this.issuer, 'access token iss');
    expect(audList(c.aud).includes(want.audience), `access token aud ${JSON.stringify(c.aud)} lacks ${want.audience}`);
    expectEqual(c.client_id, want.clientId, 'access token client_id');
    if (want.sub !== undefined) expectEqual(c.sub, want.sub, 'access token sub');
    if (want.user) expect(c.auth_time !== undefined, 'access token of a user lacks auth_time');
    for (const s of want.scope ?? []) expect(String(c.scope ?? '').split(' ').includes(s), `access token scope "${c.scope}" lacks ${s}`);
    expect(typeof c.jti === 'string' && c.jti.length >= 16, `access token jti is not a unique id: ${JSON.stringify(c.jti)}`);
    const ttl = times.exp - times.iat;
    expect(ttl > 0 && ttl <= 3600, `access token lifetime exp - iat = ${ttl} s`);
  }

  // RFC 9068 JWT access token, verified against the remote JWKS.
  async jwtAccessToken(token, want) {
    const { payload, protectedHeader } = await jose.jwtVerify(token, this.remote, {
      issuer: this.issuer, audience: want.audience, typ: 'at+jwt', requiredClaims: AT_CLAIMS,
    });
    expectEqual(protectedHeader.typ, 'at+jwt', 'access token header typ');
    this.checkAccessClaims(payload, want, payload);
    return payload;
  }

  // OIDC Core §2 / §3.1.3.7 ID token, verified against the remote JWKS. nonce undefined: an ID
  // token from a refresh (§12.2), where the nonce is optional.
  async idToken(token, { clientId, nonce, accessToken, alg }) {
    const { payload, protectedHeader } = await jose.jwtVerify(token, this.remote, {
      issuer: this.issuer, audience: clientId, algorithms: [alg],
      requiredClaims: ['sub', 'exp', 'iat', 'auth_time', ...(nonce === undefined ? [] : ['nonce'])],
    });
    expect(protectedHeader.typ === undefined || protectedHeader.typ.toUpperCase() === 'JWT',
      `ID token header typ is ${protectedHeader.typ} (an access token type?)`);
    if (nonce !== undefined) expectEqual(payload.nonce, nonce, 'ID token nonce');
    if (payload.azp !== undefined) expectEqual(payload.azp, clientId, 'ID token azp');
    if (accessToken !== undefined) {
      expect(payload.at_hash !== undefined, 'ID token issued with an access token lacks at_hash');
      expectEqual(payload.at_hash, halfHash(protectedHeader.alg, accessToken), `ID token at_hash (${protectedHeader.alg})`);
    }
    return payload;
  }

  // PASETO v4.public access token: the footer names the key (k4.pid), the JWKS holds it as an
  // Ed25519 JWK with that kid; npm `paseto` verifies signature, iss, aud and times.
  async pasetoAccessToken(token, want) {
    expect(token.startsWith('v4.public.'), `not a v4.public token: ${token.slice(0, 12)}...`);
    const footerBytes = InspectFooter(token);
    let footer;
    try { footer = JSON.parse(new TextDecoder().decode(footerBytes)); } catch { throw new Error('PASETO footer is not JSON'); }
    expect(typeof footer.kid === 'string' && footer.kid.startsWith('k4.pid.'), `PASETO footer kid is not a k4.pid: ${JSON.stringify(footer)}`);
    const jwk = (await this.jwks()).find((k) => k.kid === footer.kid);
    expect(jwk, `no JWKS key has kid ${footer.kid}`);
    expect(jwk.kty === 'OKP' && jwk.crv === 'Ed25519', `JWKS key ${footer.kid} is not an Ed25519 JWK: ${jwk.kty}/${jwk.crv}`);
    const ko = createPublicKey({ key: jwk, format: 'jwk' });
    expectEqual(ko.asymmetricKeyType, 'ed25519', 'JWKS key type');
    const raw = ko.export({ format: 'der', type: 'spki' }).subarray(-32);
    const paserk = `k4.public.${raw.toString('base64url')}`;
    expectEqual(paserkPid(paserk), footer.kid, 'PASERK pid of the JWKS key (its kid)');
    const proto = new PublicProtocol(v4public.ImportPublicKeyFactory, v4public.VerifyFactory);
    const key = await proto.ImportPublicKey(paserk);
    const { claims } = await proto.Verify(key, token, { issuer: this.issuer, audience: want.audience, footer: footerBytes });
    for (const t of ['iat', 'exp']) expect(RFC3339.test(claims[t] ?? ''), `PASETO ${t} is not an RFC 3339 string: ${JSON.stringify(claims[t])}`);
    const times = { iat: Date.parse(claims.iat) / 1000, exp: Date.parse(claims.exp) / 1000 };
    expect(times.exp * 1000 > Date.now(), `PASETO access token already expired (exp ${claims.exp})`);
    this.checkAccessClaims(claims, want, times);
    return claims;
  }

  // An opaque access token: 256 bits of base64url, nothing readable in it.
  opaqueAccessToken(token) {
    expect(B64URL_256.test(token), `opaque access token is not >= 43 base64url chars (256 bits): length ${token.length}, ${token.includes('.') ? 'has dots' : 'no dots'}`);
    return {};
  }

  // The token checked by its client's format; returns its claims ({} for opaque).
  accessToken(format, token, want) {
    if (format === 'jwt') return this.jwtAccessToken(token, want);
    if (format === 'paseto') return this.pasetoAccessToken(token, want);
    return this.opaqueAccessToken(token);
  }
}

// A refresh token: opaque, with at least 256 bits of secret (the rule), unlike any
// access token. Tessera's are `<family id>.<secret>` (docs/oauth.md), so one dot is allowed.
export function checkRefreshToken(rt) {
  expect(typeof rt === 'string', 'the token response has no refresh_token');
  const parts = rt.split('.');
  expect(parts.length <= 2 && parts.every((p) => /^[A-Za-z0-9_-]+$/.test(p)) && parts[parts.length - 1].length >= 43,
    `refresh token is not opaque base64url with a >= 256-bit secret: ${parts.length} part(s), lengths ${parts.map((p) => p.length).join('.')}`);
}
