// Token sources of the key rotation interop (key_rotation.mjs): each `next()` asks the token
// endpoint for fresh tokens and returns them as [{stream, kind, token, audience}], where
// `stream` names the (format, algorithm) whose kid sequence is followed across rotations and
// `kind` says how to verify the token (see verifiers.mjs). Plain fetch, no client library:
// the verifiers are what this test is about.
//  - ClientCredentials: a confidential client (client_secret_basic), JWT or PASETO access tokens;
//  - RefreshingApp: a public first-party app that logs in once (code + PKCE) and then refreshes
//    on every call: a new access token and a new ID token (OIDC Core §12.2) each time.
// Single-threaded; one call of next() at a time per source (refresh tokens rotate).
import { createHash, randomBytes } from 'node:crypto';

import { authorize, login } from '../oauth/browser.mjs';

async function tokenRequest(origin, form, headers = {}) {
  const r = await fetch(new URL('/oauth2/token', origin), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form),
  });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`token endpoint answered ${r.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

export class ClientCredentials {
  constructor(origin, { clientId, secret, format, audience }) {
    this.origin = origin;
    this.auth = `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
    this.format = format;
    this.audience = audience;
  }

  async next() {
    const t = await tokenRequest(this.origin, { grant_type: 'client_credentials' }, { authorization: this.auth });
    const stream = this.format === 'paseto' ? 'client_credentials PASETO v4.public' : 'client_credentials JWT ES256';
    return [{ stream, kind: this.format === 'paseto' ? 'paseto' : 'at+jwt', token: t.access_token, audience: this.audience }];
  }
}

export class RefreshingApp {
  constructor(origin, { clientId, format, idTokenAlg, audience, redirectUri }) {
    Object.assign(this, { origin, clientId, format, idTokenAlg, audience, redirectUri });
    this.refreshToken = null;
  }

  // Login as the user, authorize (first-party: no consent), exchange the code.
  async start(user) {
    const cookie = await login(this.origin, user.name, user.password);
    const verifier = randomBytes(32).toString('base64url');
    const url = new URL('/oauth2/authorize', this.origin);
    for (const [k, v] of Object.entries({
      response_type: 'code', client_id: this.clientId, redirect_uri: this.redirectUri,
      scope: 'openid offline_access', state: randomBytes(16).toString('base64url'),
      nonce: randomBytes(16).toString('base64url'),
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    })) url.searchParams.set(k, v);
    const to = await authorize(url, cookie, this.redirectUri);
    const code = to.searchParams.get('code');
    if (!code) throw new Error(`the authorization response has no code: ${to.search}`);
    const t = await tokenRequest(this.origin, {
      grant_type: 'authorization_code', code, redirect_uri: this.redirectUri, client_id: this.clientId, code_verifier: verifier,
    });
    if (!t.refresh_token) throw new Error('the code exchange returned no refresh token (scope offline_access)');
    this.refreshToken = t.refresh_token;
    return this.tokens(t);
  }

  async next() {
    const t = await tokenRequest(this.origin, { grant_type: 'refresh_token', refresh_token: this.refreshToken, client_id: this.clientId });
    this.refreshToken = t.refresh_token;
    return this.tokens(t);
  }

  tokens(t) {
    if (!t.id_token) throw new Error(`the token response of ${this.clientId} has no id_token`);
    const at = this.format === 'paseto'
      ? { stream: 'app PASETO v4.public', kind: 'paseto' }
      : { stream: 'app JWT ES256', kind: 'at+jwt' };
    return [
      { ...at, token: t.access_token, audience: this.audience },
      { stream: `ID token ${this.idTokenAlg}`, kind: 'id', token: t.id_token, audience: this.clientId },
    ];
  }
}
