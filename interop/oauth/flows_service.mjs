// Discovery metadata (both well-known documents) and the service-to-service flow
// (client_credentials with client_secret_basic and client_secret_post), its introspection by
// the resource server and its revocation. Runs on one server context (see oauth_flow.mjs).
import * as client from 'openid-client';

import { expect, expectEqual, expectOAuthError } from './report.mjs';

const PATHS = {
  authorization_endpoint: '/oauth2/authorize',
  token_endpoint: '/oauth2/token',
  introspection_endpoint: '/oauth2/introspect',
  revocation_endpoint: '/oauth2/revoke',
  userinfo_endpoint: '/userinfo',
  jwks_uri: '/.well-known/jwks.json',
};

function includesAll(list, want, what) {
  expect(Array.isArray(list), `${what} is not a list: ${JSON.stringify(list)}`);
  for (const w of want) expect(list.includes(w), `${what} ${JSON.stringify(list)} lacks ${w}`);
}

function checkMetadata(ctx, m) {
  expectEqual(m.issuer, ctx.issuer, 'issuer');
  for (const [k, p] of Object.entries(PATHS)) expectEqual(m[k], ctx.issuer + p, k);
  expectEqual(m.response_types_supported, ['code'], 'response_types_supported');
  expectEqual(m.code_challenge_methods_supported, ['S256'], 'code_challenge_methods_supported');
  includesAll(m.grant_types_supported, ['authorization_code', 'refresh_token', 'client_credentials'], 'grant_types_supported');
  includesAll(m.token_endpoint_auth_methods_supported,
    ['client_secret_basic', 'client_secret_post', 'none', 'private_key_jwt'], 'token_endpoint_auth_methods_supported');
  includesAll(m.id_token_signing_alg_values_supported, ['ES256', 'EdDSA', 'RS256'], 'id_token_signing_alg_values_supported');
  expectEqual(m.authorization_response_iss_parameter_supported, true, 'authorization_response_iss_parameter_supported');
  includesAll(m.scopes_supported, ['openid'], 'scopes_supported');
}

export async function discoveryChecks(ctx) {
  const scope = `${ctx.store} discovery`;
  await ctx.report.scenario(scope, async () => {
    for (const [algorithm, doc] of [['oidc', 'openid-configuration'], ['oauth2', 'oauth-authorization-server']]) {
      await ctx.report.check(scope, `/.well-known/${doc} (openid-client discovery, ${algorithm})`, async () => {
        const config = await ctx.discover('probe', undefined, client.None(), algorithm);
        checkMetadata(ctx, config.serverMetadata());
      });
    }
    await ctx.report.check(scope, 'JWKS: public keys only, ES256 + Ed25519 + RSA, every key with a kid', async () => {
      const keys = await ctx.verifier.jwks();
      const has = (f) => keys.some(f);
      expect(has((k) => k.kty === 'EC' && k.crv === 'P-256'), 'no P-256 key');
      expect(has((k) => k.kty === 'OKP' && k.crv === 'Ed25519' && k.kid.startsWith('k4.pid.')), 'no Ed25519 key with a k4.pid kid');
      expect(has((k) => k.kty === 'RSA'), 'no RSA key');
    });
  });
}

export async function clientCredentials(ctx) {
  const scope = `${ctx.store} service`;
  const { report, service } = ctx;
  const want = { audience: ctx.aud, clientId: service.clientId, sub: service.clientId };
  await report.scenario(scope, async () => {
    const tokens = await report.check(scope, 'client_credentials (client_secret_basic)', async () => {
      const t = await client.clientCredentialsGrant(service.config);
      expectEqual(ctx.lastResponse.headers.get('cache-control'), 'no-store', 'token response Cache-Control');
      expect(/^bearer$/i.test(t.token_type), `token_type is ${t.token_type}`);
      expect(t.refresh_token === undefined, 'client_credentials returned a refresh token');
      expect(t.id_token === undefined, 'client_credentials returned an ID token');
      return t;
    });
    await report.check(scope, 'access token verifies (jose, sub = client_id)', () => ctx.verifier.jwtAccessToken(tokens.access_token, want));
    await report.check(scope, 'client_credentials (client_secret_post)', async () => {
      const post = await ctx.discover(service.clientId, service.secret, client.ClientSecretPost(service.secret));
      const t = await client.clientCredentialsGrant(post);
      await ctx.verifier.jwtAccessToken(t.access_token, want);
    });
    await report.check(scope, 'wrong secret (Basic) -> 401 invalid_client', async () => {
      const bad = await ctx.discover(service.clientId, undefined, client.ClientSecretBasic(`${service.secret}x`));
      await expectOAuthError(client.clientCredentialsGrant(bad), 'invalid_client', 401);
      expect(/^Basic/i.test(ctx.lastResponse.headers.get('www-authenticate') ?? ''),
        `401 without WWW-Authenticate: Basic (got ${ctx.lastResponse.headers.get('www-authenticate')})`);
    });
    await report.check(scope, 'introspection by the resource server: active, sub = client_id', async () => {
      const r = await client.tokenIntrospection(ctx.rs.config, tokens.access_token);
      expectEqual(r.active, true, 'active');
      expectEqual(r.sub, service.clientId, 'sub');
      expectEqual(r.client_id, service.clientId, 'client_id');
    });
    await report.check(scope, 'introspection without client authentication -> 401 invalid_client', async () => {
      const anon = await ctx.discover(ctx.rs.clientId, undefined, client.None());
      await expectOAuthError(client.tokenIntrospection(anon, tokens.access_token), 'invalid_client', 401);
    });
    await report.check(scope, 'revoke (RFC 7009)', () => client.tokenRevocation(service.config, tokens.access_token));
    await report.check(scope, 'revoked: introspection inactive', async () => {
      const r = await client.tokenIntrospection(ctx.rs.config, tokens.access_token);
      expectEqual(r, { active: false }, 'introspection of a revoked token');
    });
  });
}
