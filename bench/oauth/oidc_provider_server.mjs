#!/usr/bin/env node
// The reference for scripts/bench_oauth.sh: npm oidc-provider (pinned by interop/package-lock.json)
// configured for the work `tessera serve` does in the benchmark:
//  - a plain Map adapter (below): nothing is evicted, unlike oidc-provider's default LRU of
//    1000 entries, so every token, grant and consumed refresh token stays findable;
//  - JWT access tokens signed ES256 (RFC 9068 at+jwt) through resource indicators for AUD,
//    opaque access tokens for the client whose tokens are introspected (oidc-provider does not
//    store its JWT access tokens, so it cannot introspect them);
//  - refresh token rotation on every use; client_credentials, introspection and revocation on;
//    PKCE required;
//  - logins and consents answered by /interaction/:uid without a page (the benchmark's user
//    logs in and consents at once), so that families are made through the real code flow.
//
// usage: node oidc_provider_server.mjs  (environment: PORT, AUD, BENCH_USER, SECRET_SERVICE,
//        SECRET_API, REDIRECT_URI). Prints "listening on http://127.0.0.1:PORT" on stderr.
// Single process, single thread (one Node event loop), as oidc-provider runs per process.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

// The packages live in interop/node_modules (one package-lock for every npm peer).
const interop = createRequire(new URL('../../interop/package.json', import.meta.url));
const load = (name) => import(pathToFileURL(interop.resolve(name)).href);
const jose = await load('jose');
const { default: Provider } = await load('oidc-provider');

const env = (k) => {
  if (!process.env[k]) throw new Error(`${k} is not set`);
  return process.env[k];
};
const PORT = Number(env('PORT'));
const AUD = env('AUD');
const USER = env('BENCH_USER');
const ISSUER = `http://127.0.0.1:${PORT}`;

// ---------------------------------------------------------------- the Map adapter
// One Map per model name, a Map grantId -> Set of keys for revokeByGrantId, and a uid index for
// sessions. Expired entries are answered as absent; nothing is evicted.
const models = new Map();
const grants = new Map();
const sessionUids = new Map();
const now = () => Math.floor(Date.now() / 1000);

class MapAdapter {
  constructor(name) {
    this.name = name;
    if (!models.has(name)) models.set(name, new Map());
    this.map = models.get(name);
  }

  async upsert(id, payload, expiresIn) {
    const expiresAt = typeof expiresIn === 'number' ? now() + expiresIn : Infinity;
    this.map.set(id, { payload, expiresAt });
    if (payload.grantId) {
      if (!grants.has(payload.grantId)) grants.set(payload.grantId, new Set());
      grants.get(payload.grantId).add(`${this.name}\0${id}`);
    }
    if (this.name === 'Session' && payload.uid) sessionUids.set(payload.uid, id);
  }

  async find(id) {
    const e = this.map.get(id);
    if (!e) return undefined;
    if (e.expiresAt <= now()) {
      this.map.delete(id);
      return undefined;
    }
    return e.payload;
  }

  async findByUid(uid) {
    const id = sessionUids.get(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode() { return undefined; }  // no device flow here

  async consume(id) {
    const e = this.map.get(id);
    if (e) e.payload.consumed = now();
  }

  async destroy(id) {
    const e = this.map.get(id);
    this.map.delete(id);
    if (e?.payload.uid && sessionUids.get(e.payload.uid) === id) sessionUids.delete(e.payload.uid);
  }

  async revokeByGrantId(grantId) {
    for (const key of grants.get(grantId) ?? []) {
      const [name, id] = key.split('\0');
      models.get(name)?.delete(id);
    }
    grants.delete(grantId);
  }
}

// ---------------------------------------------------------------- the provider
const { privateKey } = await jose.generateKeyPair('ES256', { extractable: true });
const signingJwk = { ...(await jose.exportJWK(privateKey)), use: 'sig', alg: 'ES256' };
signingJwk.kid = await jose.calculateJwkThumbprint(signingJwk);

const accessTokenFormat = (client) => (client?.clientId === 'bench-service-opaque' ? 'opaque' : 'jwt');

const provider = new Provider(ISSUER, {
  adapter: MapAdapter,
  jwks: { keys: [signingJwk] },
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  clients: [
    { // the app: public, code + PKCE, rotating refresh tokens
      client_id: 'bench-app', token_endpoint_auth_method: 'none', application_type: 'native',
      grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
      redirect_uris: [env('REDIRECT_URI')], id_token_signed_response_alg: 'ES256',
    },
    { // the service: client_credentials, JWT access tokens
      client_id: 'bench-service', client_secret: env('SECRET_SERVICE'), token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'], response_types: [], redirect_uris: [], id_token_signed_response_alg: 'ES256',
    },
    { // a service whose (opaque) tokens the resource server introspects
      client_id: 'bench-service-opaque', client_secret: env('SECRET_SERVICE'), token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'], response_types: [], redirect_uris: [], id_token_signed_response_alg: 'ES256',
    },
    { // the resource server: introspects
      client_id: 'bench-api', client_secret: env('SECRET_API'), token_endpoint_auth_method: 'client_secret_basic',
      grant_types: [], response_types: [], redirect_uris: [], id_token_signed_response_alg: 'ES256',
    },
  ],
  findAccount: async (_ctx, sub) => (sub === USER ? { accountId: sub, claims: async () => ({ sub, preferred_username: sub }) } : undefined),
  claims: { openid: ['sub'], profile: ['preferred_username'] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    // Tessera's rule: a resource server may introspect tokens for its audience, a client its own.
    introspection: { enabled: true, allowedPolicy: async (_ctx, client, token) => client.clientId === 'bench-api' || token.clientId === client.clientId },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => AUD,
      useGrantedResource: async () => true,
      getResourceServerInfo: async (_ctx, indicator, client) => {
        if (indicator !== AUD) throw new Provider.errors.InvalidTarget();
        return { scope: 'api', audience: AUD, accessTokenFormat: accessTokenFormat(client), jwt: { sign: { alg: 'ES256' } } };
      },
    },
  },
  pkce: { required: () => true },
  rotateRefreshToken: true,
  ttl: { AccessToken: 600, ClientCredentials: 600, IdToken: 600, AuthorizationCode: 60, Grant: 90 * 86400,
    RefreshToken: 90 * 86400, Interaction: 600, Session: 86400 },
  interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
});
provider.on('server_error', (_ctx, err) => process.stderr.write(`server_error: ${err?.stack ?? err}\n`));

// /interaction/:uid: log the benchmark user in, consent to what the client asked, resume.
async function interaction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  let result;
  if (prompt.name === 'login') {
    result = { login: { accountId: USER } };
  } else if (prompt.name === 'consent') {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const d = prompt.details;
    if (d.missingOIDCScope) grant.addOIDCScope(d.missingOIDCScope.join(' '));
    if (d.missingOIDCClaims) grant.addOIDCClaims(d.missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(d.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
    result = { consent: { grantId: await grant.save() } };
  } else {
    throw new Error(`unexpected prompt ${prompt.name}`);
  }
  await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: true });
}

const handle = provider.callback();
const server = createServer((req, res) => {
  if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((e) => {
      process.stderr.write(`interaction failed: ${e.stack ?? e}\n`);
      res.statusCode = 500;
      res.end('interaction failed');
    });
  } else {
    handle(req, res);
  }
});
server.keepAliveTimeout = 65000;
server.listen(PORT, '127.0.0.1', () => process.stderr.write(`listening on ${ISSUER}\n`));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
