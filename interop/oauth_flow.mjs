#!/usr/bin/env node
// OAuth 2.1 / OpenID Connect interop: the real `tessera serve`, on SQLite and on Redis, driven
// by npm openid-client (over oauth4webapi) through discovery, authorization code + PKCE,
// refresh rotation and reuse detection, introspection, revocation, userinfo and
// client_credentials; access tokens verified with npm jose (createRemoteJWKSet) and npm paseto.
//
// usage: node oauth_flow.mjs --tessera BIN [--store sqlite|redis]...   (default: both)
// Prints `ok`/`FAIL`/`skip` lines and `N passed, M failed`; exits 1 if a check failed, 2 on
// usage or setup errors (a missing redis-server is a skip, not an error). KEEP=1 keeps the
// scratch directories (data directory, Redis dir).
import * as client from 'openid-client';

import { codeFlows } from './oauth/flows_code.mjs';
import { clientCredentials, discoveryChecks } from './oauth/flows_service.mjs';
import { forEachStore, parseStoreArgs, Tessera } from './oauth/procs.mjs';
import { describe, Report } from './oauth/report.mjs';
import { Verifier } from './oauth/tokens.mjs';

const AUD = 'https://api.interop.test';
const REDIRECT = 'http://127.0.0.1:53682/cb';  // never listened on: the code is read from the 302
const FORMATS = [  // one public first-party app per access-token format, each with its own ID token alg
  { format: 'jwt', idTokenAlg: 'ES256' },
  { format: 'paseto', idTokenAlg: 'EdDSA' },
  { format: 'opaque', idTokenAlg: 'RS256' },
];

// The clients of one run, created with `tessera clients add ... --json` on the server's store.
function addClients(t) {
  const apps = FORMATS.map(({ format, idTokenAlg }) => {
    const c = t.addClient(`interop-app-${format}`, ['--redirect-uri', REDIRECT, '--first-party', '--public',
      '--token-format', format, '--audience', AUD, '--id-token-alg', idTokenAlg]);
    return { clientId: c.client_id, format, idTokenAlg, redirectUri: REDIRECT };
  });
  const svc = t.addClient('interop-service', ['--grant', 'client_credentials', '--scope', 'api', '--audience', AUD, '--token-format', 'jwt']);
  const rs = t.addClient('interop-api', ['--resource', AUD, '--grant', 'client_credentials']);
  for (const [name, c] of [['interop-service', svc], ['interop-api', rs]]) {
    if (typeof c.client_secret !== 'string' || c.client_secret.length < 43) {
      throw new Error(`tessera clients add ${name} --json printed no client_secret of >= 256 bits for a confidential client`);
    }
  }
  return { apps, svc: { clientId: svc.client_id, secret: svc.client_secret }, rs: { clientId: rs.client_id, secret: rs.client_secret } };
}

async function runStore(bin, storeName, storeUri, report) {
  const t = new Tessera(bin, storeUri);
  const ctx = { report, store: storeName, aud: AUD, lastResponse: null };
  ctx.user = { name: 'alice', password: `interop-${client.randomState()}` };
  let setup;
  try {
    await t.start();
    t.addUser(ctx.user.name, ctx.user.password);
    setup = addClients(t);
    ctx.origin = t.origin;
    ctx.issuer = t.origin;  // the default issuer: http:// + the listen address
    // Every request openid-client makes goes through this, so checks can see the last response's headers.
    ctx.fetch = async (url, opts) => {
      const r = await fetch(url, opts);
      ctx.lastResponse = r;
      return r;
    };
    ctx.discover = (clientId, metadata, auth, algorithm = 'oidc') => client.discovery(new URL(ctx.issuer), clientId, metadata, auth,
      { algorithm, execute: [client.allowInsecureRequests], [client.customFetch]: ctx.fetch });
    const meta = await ctx.discover('probe', undefined, client.None());
    ctx.verifier = new Verifier(meta.serverMetadata());
    ctx.service = { ...setup.svc, config: await ctx.discover(setup.svc.clientId, setup.svc.secret, client.ClientSecretBasic(setup.svc.secret)) };
    ctx.rs = { ...setup.rs, config: await ctx.discover(setup.rs.clientId, setup.rs.secret, client.ClientSecretBasic(setup.rs.secret)) };
    for (const app of setup.apps) {
      app.config = await ctx.discover(app.clientId, { id_token_signed_response_alg: app.idTokenAlg }, client.None());
    }
    report.ok(storeName, 'setup (serve, users add, clients add, discovery)');
  } catch (e) {
    report.fail(storeName, 'setup (serve, users add, clients add, discovery)', describe(e));
    if (t.child) process.stdout.write(`--- tessera serve stderr (last lines) ---\n${t.lastWords()}\n---\n`);
    await t.stop();
    return;
  }
  await discoveryChecks(ctx);
  for (const app of setup.apps) await codeFlows(ctx, app);
  await clientCredentials(ctx);
  if (!t.alive()) report.fail(storeName, 'server still running at the end', `tessera serve exited:\n${t.lastWords()}`);
  else if (report.failed > 0) process.stdout.write(`--- tessera serve stderr (last lines) ---\n${t.lastWords()}\n---\n`);
  await t.stop();
}

async function main() {
  const opts = parseStoreArgs(process.argv.slice(2), 'oauth_flow.mjs');
  const report = new Report();
  await forEachStore(opts.stores, report, (name, uri) => runStore(opts.tessera, name, uri, report));
  process.exitCode = report.summary() ? 0 : 1;
}

main().catch((e) => {
  process.stderr.write(`error: ${describe(e)}\n${e.stack ?? ''}\n`);
  process.exit(2);
});
