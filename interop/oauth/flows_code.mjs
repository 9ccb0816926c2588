// Authorization code + PKCE flows of a public first-party app (one app per access-token
// format), driven with openid-client: the exchange, the tokens' checks, userinfo, introspection
// by the resource server, refresh with rotation and reuse detection, revocation (RFC 7009),
// code reuse, and PKCE refusals. Runs on one server context (see oauth_flow.mjs).
import * as client from 'openid-client';

import { authorize, login } from './browser.mjs';
import { expect, expectEqual, expectOAuthError } from './report.mjs';
import { checkRefreshToken } from './tokens.mjs';

const SCOPE = 'openid profile offline_access';

// One authorization: a fresh PKCE pair, state and nonce; the redirect's code exchanged.
// `tamper(params)` may change the authorization request before it is sent.
async function authorization(ctx, app, tamper) {
  const pkceCodeVerifier = client.randomPKCECodeVerifier();
  const params = {
    redirect_uri: app.redirectUri,
    scope: SCOPE,
    code_challenge: await client.calculatePKCECodeChallenge(pkceCodeVerifier),
    code_challenge_method: 'S256',
    state: client.randomState(),
    nonce: client.randomNonce(),
  };
  if (tamper) tamper(params);
  const url = client.buildAuthorizationUrl(app.config, params);
  const location = await authorize(url, ctx.cookie, app.redirectUri);
  const checks = { pkceCodeVerifier, expectedState: params.state, expectedNonce: params.nonce, idTokenExpected: true };
  return { location, checks, nonce: params.nonce };
}

async function exchange(ctx, app, auth) {
  const tokens = await client.authorizationCodeGrant(app.config, auth.location, auth.checks);
  expectEqual(ctx.lastResponse.headers.get('cache-control'), 'no-store', 'token response Cache-Control');
  return tokens;
}

function want(ctx, app, sub) {
  return { audience: ctx.aud, clientId: app.clientId, sub, user: true, scope: ['openid'] };
}

// The checks every fresh token response of the app gets; returns the subject. nonce undefined:
// a refresh's answer, whose ID token (optional, OIDC Core §12.2) must name the same subject.
async function checkTokens(ctx, app, tokens, nonce, sub) {
  expect(/^bearer$/i.test(tokens.token_type), `token_type is ${tokens.token_type}`);
  expect(Number.isInteger(tokens.expires_in) && tokens.expires_in > 0, `expires_in is ${tokens.expires_in}`);
  checkRefreshToken(tokens.refresh_token);
  const claims = await ctx.verifier.accessToken(app.format, tokens.access_token, want(ctx, app, sub));
  if (nonce === undefined) {
    if (tokens.id_token !== undefined) {
      const id = await ctx.verifier.idToken(tokens.id_token, { clientId: app.clientId, accessToken: tokens.access_token, alg: app.idTokenAlg });
      expectEqual(id.sub, sub, 'refreshed ID token sub');
    }
    return sub ?? claims.sub;
  }
  expect(typeof tokens.id_token === 'string', 'the code exchange returned no id_token for scope openid');
  const id = await ctx.verifier.idToken(tokens.id_token, { clientId: app.clientId, nonce, accessToken: tokens.access_token, alg: app.idTokenAlg });
  if (claims.sub !== undefined) expectEqual(claims.sub, id.sub, 'access token sub vs ID token sub');
  return id.sub;
}

async function introspect(ctx, token, active, by = ctx.rs) {
  const r = await client.tokenIntrospection(by.config, token);
  expectEqual(r.active, active, `introspection by ${by.clientId}: active`);
  return r;
}

// Code + PKCE, tokens, userinfo, introspection, then refresh rotation and reuse detection.
async function codeAndRefresh(ctx, app, scope) {
  const { report } = ctx;
  const auth = await report.check(scope, 'authorize (code + PKCE S256, session cookie)', () => authorization(ctx, app));
  await report.check(scope, 'authorization response carries iss (RFC 9207)', () => {
    expectEqual(auth.location.searchParams.get('iss'), ctx.issuer, 'iss parameter');
  });
  const tokens = await report.check(scope, 'token exchange (openid-client authorizationCodeGrant)', () => exchange(ctx, app, auth));
  const sub = await report.check(scope, `access token (${app.format}) and ID token (${app.idTokenAlg}) verify`,
    () => checkTokens(ctx, app, tokens, auth.nonce));
  await report.check(scope, 'userinfo', async () => {
    const u = await client.fetchUserInfo(app.config, tokens.access_token, sub);
    expectEqual(u.preferred_username, ctx.user.name, 'userinfo preferred_username');
  });
  await report.check(scope, 'introspection by the resource server: active', async () => {
    const r = await introspect(ctx, tokens.access_token, true);
    expectEqual(r.client_id, app.clientId, 'introspection client_id');
    expectEqual(r.sub, sub, 'introspection sub');
    expect(Number.isInteger(r.exp), `introspection exp is ${r.exp}`);
  });
  await report.check(scope, 'introspection by a client that is not the audience: inactive',
    () => introspect(ctx, tokens.access_token, false, ctx.service));
  const next = await report.check(scope, 'refresh (rotation)', async () => {
    const t = await client.refreshTokenGrant(app.config, tokens.refresh_token);
    expect(t.refresh_token !== tokens.refresh_token, 'the refresh returned the same refresh token (no rotation)');
    expect(t.access_token !== tokens.access_token, 'the refresh returned the same access token');
    await checkTokens(ctx, app, t, undefined, sub);
    return t;
  });
  await report.check(scope, 'new access token active', () => introspect(ctx, next.access_token, true));
  await report.check(scope, 'rotated refresh token reused -> invalid_grant',
    () => expectOAuthError(client.refreshTokenGrant(app.config, tokens.refresh_token), 'invalid_grant', 400));
  await report.check(scope, 'after reuse the family is revoked: successor -> invalid_grant',
    () => expectOAuthError(client.refreshTokenGrant(app.config, next.refresh_token), 'invalid_grant', 400));
  await report.check(scope, 'after reuse the family\'s access token is inactive',
    () => introspect(ctx, next.access_token, false));
  await report.check(scope, 'after reuse userinfo refuses the family\'s access token',
    () => expectOAuthError(client.fetchUserInfo(app.config, next.access_token, sub), 'invalid_token'));
}

// RFC 7009 revocation of the access token, then of the refresh token.
async function revocation(ctx, app, scope) {
  const { report } = ctx;
  const tokens = await report.check(scope, 'second authorization', async () => exchange(ctx, app, await authorization(ctx, app)));
  await report.check(scope, 'revoke access token (RFC 7009)', () => client.tokenRevocation(app.config, tokens.access_token, { token_type_hint: 'access_token' }));
  await report.check(scope, 'revoked access token: introspection inactive', () => introspect(ctx, tokens.access_token, false));
  await report.check(scope, 'revoked access token: userinfo invalid_token',
    () => expectOAuthError(client.fetchUserInfo(app.config, tokens.access_token, client.skipSubjectCheck), 'invalid_token'));
  await report.check(scope, 'revoke refresh token (RFC 7009)', () => client.tokenRevocation(app.config, tokens.refresh_token, { token_type_hint: 'refresh_token' }));
  await report.check(scope, 'revoked refresh token -> invalid_grant',
    () => expectOAuthError(client.refreshTokenGrant(app.config, tokens.refresh_token), 'invalid_grant', 400));
  await report.check(scope, 'revoking an unknown token succeeds (RFC 7009 §2.2)',
    () => client.tokenRevocation(app.config, client.randomState() + client.randomState()));
}

// A code used twice: invalid_grant, and what the first use issued is revoked.
async function codeReuse(ctx, app, scope) {
  const { report } = ctx;
  const auth = await report.check(scope, 'third authorization', () => authorization(ctx, app));
  const tokens = await report.check(scope, 'code exchanged once', () => exchange(ctx, app, auth));
  await report.check(scope, 'code exchanged twice -> invalid_grant',
    () => expectOAuthError(client.authorizationCodeGrant(app.config, auth.location, auth.checks), 'invalid_grant', 400));
  await report.check(scope, 'after code reuse its access token is inactive', () => introspect(ctx, tokens.access_token, false));
  await report.check(scope, 'after code reuse its refresh token -> invalid_grant',
    () => expectOAuthError(client.refreshTokenGrant(app.config, tokens.refresh_token), 'invalid_grant', 400));
}

// PKCE is required, S256 only; a wrong verifier fails the exchange.
async function pkce(ctx, app, scope) {
  const { report } = ctx;
  for (const [name, tamper] of [
    ['no code_challenge', (p) => { delete p.code_challenge; delete p.code_challenge_method; }],
    ['code_challenge_method=plain', (p) => { p.code_challenge_method = 'plain'; }],
  ]) {
    await report.check(scope, `authorize with ${name} -> invalid_request at the redirect URI`, async () => {
      const auth = await authorization(ctx, app, tamper);
      await expectOAuthError(client.authorizationCodeGrant(app.config, auth.location, auth.checks), 'invalid_request');
    });
  }
  await report.check(scope, 'exchange with a wrong code_verifier -> invalid_grant', async () => {
    const auth = await authorization(ctx, app);
    auth.checks.pkceCodeVerifier = client.randomPKCECodeVerifier();
    await expectOAuthError(client.authorizationCodeGrant(app.config, auth.location, auth.checks), 'invalid_grant', 400);
  });
}

export async function codeFlows(ctx, app) {
  const scope = `${ctx.store} app-${app.format}`;
  await ctx.report.scenario(scope, async () => {
    ctx.cookie ??= await ctx.report.check(`${ctx.store}`, 'POST /login (JSON) sets the session cookie',
      () => login(ctx.origin, ctx.user.name, ctx.user.password));
    await codeAndRefresh(ctx, app, scope);
  });
  await ctx.report.scenario(scope, () => revocation(ctx, app, scope));
  await ctx.report.scenario(scope, () => codeReuse(ctx, app, scope));
  if (app.format === 'jwt') await ctx.report.scenario(scope, () => pkce(ctx, app, scope));
}
