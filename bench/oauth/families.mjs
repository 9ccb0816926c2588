#!/usr/bin/env node
// Prepares refresh-token families for the refresh workload of scripts/bench_oauth.sh: COUNT
// real authorization code + PKCE flows of the public app, each ending in its own grant (one
// refresh token family), and writes one refresh token per line to OUT.
//  - tessera: POST /login once (JSON), then per family GET /oauth2/authorize with the session
//    cookie (first-party: no consent) and POST /oauth2/token; every code exchange is a new family.
//  - oidc-provider: per family a fresh cookie jar (so each family is its own Grant): GET /auth,
//    the server's /interaction/:uid login and consent (oidc_provider_server.mjs), the resumes,
//    then POST /token.
//
// usage: node families.mjs --kind tessera|oidc-provider --issuer URL --client-id ID
//          --redirect-uri URI --scope "openid offline_access" --count N --out FILE
//          [--user NAME --password PW (tessera)]
// Also prints on stdout one JSON line: {"families": N, "id_token_on_refresh": bool}.
import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
for (const k of ['kind', 'issuer', 'client-id', 'redirect-uri', 'scope', 'count', 'out']) {
  if (!args[k]) { process.stderr.write(`families.mjs: --${k} is required\n`); process.exit(2); }
}
const paths = args.kind === 'tessera'
  ? { authorize: '/oauth2/authorize', token: '/oauth2/token' }
  : { authorize: '/auth', token: '/token' };

const b64url = (b) => Buffer.from(b).toString('base64url');

// A minimal cookie jar: name -> value, sent on every request to the one origin.
class Jar {
  constructor() { this.c = new Map(); }
  take(res) {
    for (const sc of res.headers.getSetCookie()) {
      const [nv] = sc.split(';');
      const i = nv.indexOf('=');
      const name = nv.slice(0, i).trim();
      const value = nv.slice(i + 1).trim();
      if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(sc)) this.c.delete(name); else this.c.set(name, value);
    }
  }
  header() { return [...this.c].map(([k, v]) => `${k}=${v}`).join('; '); }
}

async function get(url, jar) {
  const r = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
  jar.take(r);
  await r.arrayBuffer();
  return r;
}

async function tessLogin(jar) {
  const r = await fetch(new URL('/login', args.issuer), {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: args.user, password: args.password }),
  });
  jar.take(r);
  if (r.status !== 200) throw new Error(`POST /login: ${r.status} ${await r.text()}`);
}

async function family(jar) {
  const verifier = b64url(randomBytes(32));
  const q = new URLSearchParams({
    response_type: 'code', client_id: args['client-id'], redirect_uri: args['redirect-uri'], scope: args.scope,
    code_challenge: b64url(createHash('sha256').update(verifier).digest()), code_challenge_method: 'S256',
    state: b64url(randomBytes(16)), nonce: b64url(randomBytes(16)),
  });
  if (args.kind !== 'tessera') q.set('prompt', 'consent');  // OIDC: offline_access needs prompt=consent
  let url = new URL(`${paths.authorize}?${q}`, args.issuer);
  for (let hop = 0; hop < 10; hop++) {
    const r = await get(url, jar);
    const loc = r.headers.get('location');
    if (!(r.status >= 300 && r.status < 400) || !loc) throw new Error(`GET ${url.pathname}: ${r.status}, no redirect`);
    url = new URL(loc, url);
    if (url.href.startsWith(args['redirect-uri'])) break;
  }
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`no code in the redirect: ${url.search}`);
  const r = await fetch(new URL(paths.token, args.issuer), {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: args['redirect-uri'],
      code_verifier: verifier, client_id: args['client-id'] }),
  });
  const j = await r.json();
  if (r.status !== 200 || !j.refresh_token) throw new Error(`code exchange: ${r.status} ${JSON.stringify(j)}`);
  return j.refresh_token;
}

// One refresh of a throwaway family: whether the server answers a refresh with an ID token
// (reported beside the numbers: it is one more signature per request).
async function idTokenOnRefresh(rt) {
  const r = await fetch(new URL(paths.token, args.issuer), {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rt, client_id: args['client-id'] }),
  });
  const j = await r.json();
  if (r.status !== 200) throw new Error(`refresh: ${r.status} ${JSON.stringify(j)}`);
  return typeof j.id_token === 'string';
}

const count = Number(args.count);
const shared = new Jar();
if (args.kind === 'tessera') await tessLogin(shared);
// count + 1 families (the last one probes the refresh answer), 8 flows at a time.
const tokens = new Array(count + 1);
let next = 0;
async function worker() {
  while (next <= count) {
    const i = next++;
    tokens[i] = await family(args.kind === 'tessera' ? shared : new Jar());
  }
}
await Promise.all(Array.from({ length: 8 }, worker));
const probe = await idTokenOnRefresh(tokens.pop());
writeFileSync(args.out, `${tokens.join('\n')}\n`, { mode: 0o600 });
process.stdout.write(`${JSON.stringify({ families: tokens.length, id_token_on_refresh: probe })}\n`);
