// The two verifiers of the key rotation interop (key_rotation.mjs), each checking JWTs (access
// and ID tokens) and PASETO v4.public access tokens against the server's JWKS the way a
// verifier in the wild would:
//  - JoseRemote: npm jose createRemoteJWKSet, which caches the set, refetches it when it is
//    older than cacheMaxAge, and on an unknown kid refetches once unless the last fetch is
//    younger than cooldownDuration (its "cooldown").
//  - MaxAgeCache: fetches the JWKS and keeps it for the full Cache-Control max-age of the
//    response (from the moment the response arrived), never earlier, not even on an unknown
//    kid: an unknown kid is a failed verification. This is the verifier that fails when a
//    server signs with a key it published less than max-age ago, or drops a key that still
//    has live tokens.
// PASETO tokens: the footer's kid (a k4.pid) names an Ed25519 JWK in the same set; the key is
// resolved through the verifier's own cache (as for JWTs) and npm paseto verifies the token.
// Single-threaded (one Node event loop); concurrent verifications share one pending fetch.
import { KeyObject } from 'node:crypto';
import * as jose from 'jose';
import { InspectFooter, PublicProtocol } from 'paseto';
import * as v4public from 'paseto/v4/public';

import { paserkPid } from '../oauth/tokens.mjs';

const paseto = new PublicProtocol(v4public.ImportPublicKeyFactory, v4public.VerifyFactory);

// The kid a token names: the JWT header's, or the PASETO footer's.
export function tokenKid(token) {
  if (token.startsWith('v4.public.')) return JSON.parse(new TextDecoder().decode(InspectFooter(token))).kid;
  return jose.decodeProtectedHeader(token).kid;
}

// Verification with a key resolver `(protectedHeader) => Promise<key>` as jose takes it.
class ResolverVerifier {
  constructor(name, issuer) {
    this.name = name;
    this.issuer = issuer;
  }

  // kind: 'at+jwt' (JWT access token), 'id' (ID token, audience = client id), 'paseto'.
  // Resolves to the claims; rejects with the reason.
  async verify(kind, token, audience) {
    if (kind === 'paseto') return this.paseto(token, audience);
    const opts = { issuer: this.issuer, audience };
    if (kind === 'at+jwt') opts.typ = 'at+jwt';
    const { payload } = await jose.jwtVerify(token, this.resolver, opts);
    return payload;
  }

  async paseto(token, audience) {
    const footerBytes = InspectFooter(token);
    const { kid } = JSON.parse(new TextDecoder().decode(footerBytes));
    const key = await this.resolver({ alg: 'EdDSA', kid });
    const ko = key instanceof KeyObject ? key : KeyObject.from(key);
    const paserk = `k4.public.${ko.export({ format: 'der', type: 'spki' }).subarray(-32).toString('base64url')}`;
    if (paserkPid(paserk) !== kid) throw new Error(`the JWKS key named ${kid} has another PASERK pid`);
    const { claims } = await paseto.Verify(await paseto.ImportPublicKey(paserk), token, { issuer: this.issuer, audience, footer: footerBytes });
    return { ...claims, iat: Date.parse(claims.iat) / 1000, exp: Date.parse(claims.exp) / 1000 };
  }
}

export class JoseRemote extends ResolverVerifier {
  constructor(jwksUri, issuer, { cacheMaxAge, cooldownDuration }) {
    super('jose createRemoteJWKSet', issuer);
    this.resolver = jose.createRemoteJWKSet(new URL(jwksUri), { cacheMaxAge, cooldownDuration });
  }
}

// max-age of a Cache-Control header value; throws when there is none (a cache could not keep
// the response at all, and the server promises one).
export function maxAgeOf(cacheControl) {
  const m = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)/i.exec(cacheControl ?? '');
  if (!m) throw new Error(`JWKS response has no Cache-Control max-age: ${JSON.stringify(cacheControl)}`);
  return Number(m[1]);
}

export class MaxAgeCache extends ResolverVerifier {
  constructor(jwksUri, issuer) {
    super('max-age cache', issuer);
    this.jwksUri = jwksUri;
    this.cache = null;     // {local, keys: [kid], expires (ms), maxAge (s)}
    this.pending = null;
    this.fetches = 0;
    this.waiters = [];     // resolved after the next fetch (nextFetch)
    this.resolver = async (header, token) => (await this.current()).local(header, token);
  }

  async current() {
    if (this.cache && Date.now() < this.cache.expires) return this.cache;
    if (!this.pending) this.pending = this.fetch().finally(() => { this.pending = null; });
    return this.pending;
  }

  async fetch() {
    const r = await fetch(this.jwksUri);
    if (r.status !== 200) throw new Error(`GET ${this.jwksUri} answered ${r.status}`);
    const maxAge = maxAgeOf(r.headers.get('cache-control'));
    const jwks = await r.json();
    const arrived = Date.now();
    this.cache = { local: jose.createLocalJWKSet(jwks), keys: jwks.keys.map((k) => k.kid), expires: arrived + maxAge * 1000, maxAge };
    this.fetches++;
    for (const w of this.waiters.splice(0)) w(arrived);
    return this.cache;
  }

  // Resolves when this cache next fetches the JWKS (to line an event up with the start of a
  // cache period: the worst moment for this verifier).
  nextFetch() { return new Promise((r) => this.waiters.push(r)); }
}

// Several MaxAgeCache verifiers whose caches start at different moments (`phases` of them,
// spread evenly over one max-age), as the resource servers in the wild each fetched the JWKS at
// their own time: one of them always holds the set that was current just before a new key was
// published, the worst case for that key. A verification passes when every cache verifies.
export class MaxAgeFleet {
  constructor(jwksUri, issuer, phases) {
    this.name = `max-age caches (${phases} phases)`;
    this.caches = Array.from({ length: phases }, () => new MaxAgeCache(jwksUri, issuer));
  }

  get first() { return this.caches[0]; }

  get fetches() { return this.caches.reduce((n, c) => n + c.fetches, 0); }

  // Fills the caches one after the other, maxAgeS / phases apart (call before tokens flow).
  async prime(maxAgeS) {
    for (const [i, c] of this.caches.entries()) {
      if (i > 0) await new Promise((r) => setTimeout(r, (maxAgeS * 1000) / this.caches.length));
      await c.current();
    }
  }

  async verify(kind, token, audience) {
    const results = await Promise.allSettled(this.caches.map((c) => c.verify(kind, token, audience)));
    const bad = results.findIndex((r) => r.status === 'rejected');
    if (bad >= 0) {
      const e = results[bad].reason;
      e.message = `cache ${bad + 1}/${this.caches.length}: ${e.message}`;
      throw e;
    }
    return results[0].value;
  }
}
