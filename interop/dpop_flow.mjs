#!/usr/bin/env node
// DPoP (RFC 9449) interop: the real `tessera serve` (nonces on, its default), on SQLite and on
// Redis, driven by npm oauth4webapi's DPoP support (DPoP(client, keyPair), isDPoPNonceError):
// code + PKCE with a dpop_jkt-bound authorization and a DPoP-bound exchange (the first proof
// answered with use_dpop_nonce, retried with the server's nonce), cnf.jkt checked with npm
// jose, /userinfo with the DPoP scheme, the bound token refused as Bearer, refresh with the
// same key (and refused with another key or none), dpop_jkt enforced at the exchange, and a
// --require-dpop client refused without a proof.
//
// usage: node dpop_flow.mjs --tessera BIN [--store sqlite|redis]...   (default: both)
// Prints `ok`/`FAIL`/`skip` lines and `N passed, M failed`; exits 1 if a check failed, 2 on
// usage or setup errors (a missing redis-server is a skip).
import * as jose from 'jose';
import * as oauth from 'oauth4webapi';

import { authorize, login } from './oauth/browser.mjs';
import { forEachStore, parseStoreArgs, Tessera } from './oauth/procs.mjs';
import { describe, expect, expectEqual, expectOAuthError, Report } from './oauth/report.mjs';

const REDIRECT = 'http://127.0.0.1:53682/cb';  // never listened on: the code is read from the 302
const SCOPE = 'openid profile offline_access';
const INSECURE = { [oauth.allowInsecureRequests]: true };

// oauth4webapi's documented nonce handling: a request whose answer is use_dpop_nonce (400 at the
// token endpoint, 401 with a DPoP challenge at /userinfo) is sent once more; the DPoP handle has
// kept the DPoP-Nonce by then. Counts the retries in ctx.
async function withNonceRetry(ctx, send, read) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read(await send());
    } catch (e) {
      if (attempt > 0 || !oauth.isDPoPNonceError(e)) throw e;
      ctx.nonceRetries++;
    }
  }
}

// An authorization on the app with a session: the callback parameters and the PKCE verifier.
async function authorization(ctx, app, extra = {}) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const url = new URL(ctx.as.authorization_endpoint);
  const params = { client_id: app.client.client_id, redirect_uri: REDIRECT, response_type: 'code', scope: SCOPE,
    state, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  const location = await authorize(url, ctx.cookie, REDIRECT);
  return { params: oauth.validateAuthResponse(ctx.as, app.client, location, state), verifier };
}

async function exchange(ctx, app, auth, dpop) {
  return withNonceRetry(ctx,
    () => oauth.authorizationCodeGrantRequest(ctx.as, app.client, oauth.None(), auth.params, REDIRECT, auth.verifier,
      { ...INSECURE, ...(dpop ? { DPoP: dpop } : {}) }),
    (r) => oauth.processAuthorizationCodeResponse(ctx.as, app.client, r));
}

async function refresh(ctx, app, token, dpop) {
  return withNonceRetry(ctx,
    () => oauth.refreshTokenGrantRequest(ctx.as, app.client, oauth.None(), token, { ...INSECURE, ...(dpop ? { DPoP: dpop } : {}) }),
    (r) => oauth.processRefreshTokenResponse(ctx.as, app.client, r));
}

async function userinfo(ctx, app, accessToken, dpop, sub) {
  return withNonceRetry(ctx,
    () => oauth.userInfoRequest(ctx.as, app.client, accessToken, { ...INSECURE, ...(dpop ? { DPoP: dpop } : {}) }),
    (r) => oauth.processUserInfoResponse(ctx.as, app.client, sub, r));
}

function checkBound(tokens, jkt) {
  expect(/^dpop$/i.test(tokens.token_type), `token_type is ${tokens.token_type}, not DPoP`);
  expectEqual(jose.decodeJwt(tokens.access_token).cnf, { jkt }, 'access token cnf');
}

async function flows(ctx, scope) {
  const { report } = ctx;
  const app = ctx.app;
  const keyPair = await oauth.generateKeyPair('ES256');
  const dpop = oauth.DPoP(app.client, keyPair);
  const jkt = await dpop.calculateThumbprint();
  let tokens;
  let sub;
  await report.scenario(scope, async () => {
    await report.check(scope, 'metadata advertises dpop_signing_alg_values_supported', () => {
      expect(ctx.as.dpop_signing_alg_values_supported?.includes('ES256'), `got ${JSON.stringify(ctx.as.dpop_signing_alg_values_supported)}`);
    });
    const auth = await report.check(scope, 'authorize with dpop_jkt (code + PKCE S256)', () => authorization(ctx, app, { dpop_jkt: jkt }));
    tokens = await report.check(scope, 'DPoP code exchange after use_dpop_nonce (isDPoPNonceError retry)', async () => {
      const before = ctx.nonceRetries;
      const t = await exchange(ctx, app, auth, dpop);
      expectEqual(ctx.nonceRetries - before, 1, 'use_dpop_nonce retries of the first proof');
      return t;
    });
    await report.check(scope, 'token_type DPoP, access token cnf.jkt = the key thumbprint (jose)', () => checkBound(tokens, jkt));
    sub = jose.decodeJwt(tokens.access_token).sub;
    await report.check(scope, 'userinfo with the DPoP scheme and a proof (ath)', async () => {
      const u = await userinfo(ctx, app, tokens.access_token, dpop, sub);
      expectEqual(u.preferred_username, ctx.user.name, 'userinfo preferred_username');
    });
    await report.check(scope, 'the bound token as Bearer at userinfo: invalid_token (401)', () =>
      expectOAuthError(userinfo(ctx, app, tokens.access_token, undefined, sub), 'invalid_token', 401));
    const other = oauth.DPoP(app.client, await oauth.generateKeyPair('ES256'));
    await report.check(scope, 'refresh with another key: invalid_grant', () =>
      expectOAuthError(refresh(ctx, app, tokens.refresh_token, other), 'invalid_grant', 400));
    await report.check(scope, 'refresh without a proof: invalid_grant', () =>
      expectOAuthError(refresh(ctx, app, tokens.refresh_token, undefined), 'invalid_grant', 400));
    const next = await report.check(scope, 'refresh with the same key: rotated, still bound', async () => {
      const t = await refresh(ctx, app, tokens.refresh_token, dpop);
      checkBound(t, jkt);
      expect(t.refresh_token && t.refresh_token !== tokens.refresh_token, 'the refresh token was not rotated');
      return t;
    });
    await report.check(scope, 'userinfo with the refreshed token', async () => {
      const u = await userinfo(ctx, app, next.access_token, dpop, sub);
      expectEqual(u.sub, sub, 'userinfo sub');
    });
    const auth2 = await report.check(scope, 'authorize with dpop_jkt of one key', () => authorization(ctx, app, { dpop_jkt: jkt }));
    await report.check(scope, 'exchange with another key: invalid_grant (dpop_jkt, RFC 9449 section 10)', () =>
      expectOAuthError(exchange(ctx, app, auth2, other), 'invalid_grant', 400));
    const auth3 = await report.check(scope, 'authorize (require-dpop client)', () => authorization(ctx, ctx.strict));
    await report.check(scope, 'require-dpop client without a proof: invalid_dpop_proof', () =>
      expectOAuthError(exchange(ctx, ctx.strict, auth3, undefined), 'invalid_dpop_proof', 400));
  });
}

async function runStore(bin, storeName, storeUri, report) {
  const t = new Tessera(bin, storeUri);
  const ctx = { report, nonceRetries: 0, user: { name: 'alice', password: `interop-${oauth.generateRandomState()}` } };
  try {
    await t.start();
    t.addUser(ctx.user.name, ctx.user.password);
    const flags = ['--redirect-uri', REDIRECT, '--first-party', '--public', '--token-format', 'jwt'];
    ctx.app = { client: { client_id: t.addClient('dpop-app', flags).client_id, token_endpoint_auth_method: 'none' } };
    ctx.strict = { client: { client_id: t.addClient('dpop-strict', [...flags, '--require-dpop']).client_id, token_endpoint_auth_method: 'none' } };
    const issuer = new URL(t.origin);
    ctx.as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...INSECURE }));
    ctx.cookie = await login(t.origin, ctx.user.name, ctx.user.password);
    report.ok(storeName, 'setup (serve, users add, clients add, discovery, login)');
  } catch (e) {
    report.fail(storeName, 'setup (serve, users add, clients add, discovery, login)', describe(e));
    if (t.child) process.stdout.write(`--- tessera serve stderr (last lines) ---\n${t.lastWords()}\n---\n`);
    await t.stop();
    return;
  }
  await flows(ctx, storeName);
  if (!t.alive()) report.fail(storeName, 'server still running at the end', `tessera serve exited:\n${t.lastWords()}`);
  else if (report.failed > 0) process.stdout.write(`--- tessera serve stderr (last lines) ---\n${t.lastWords()}\n---\n`);
  await t.stop();
}

async function main() {
  const opts = parseStoreArgs(process.argv.slice(2), 'dpop_flow.mjs');
  const report = new Report();
  await forEachStore(opts.stores, report, (name, uri) => runStore(opts.tessera, name, uri, report));
  process.exitCode = report.summary() ? 0 : 1;
}

main().catch((e) => {
  process.stderr.write(`error: ${describe(e)}\n${e.stack ?? ''}\n`);
  process.exit(2);
});
