// The node equivalent of `tessera gateway` for scripts/bench_gateway.sh: http-proxy in front of
// the upstream, each request's bearer JWT verified with jose against the issuer's JWKS
// (createRemoteJWKSet: cached, refetched on an unknown kid), the same claim rules (typ at+jwt,
// exact iss, aud, 30 s leeway, required scopes), the same header changes (Authorization, DPoP and
// X-Tessera-* removed; X-Tessera-Subject/Client/Scope set; X-Forwarded-* added), keep-alive
// connections to the upstream. No revocation feed, no DPoP, no introspection: the gateway it is
// compared with runs without them too.
//   node gateway.mjs --listen PORT --upstream URL --issuer URL --audience AUD [--scope S]...
import http from 'node:http';
import httpProxy from 'http-proxy';
import { createRemoteJWKSet, jwtVerify } from 'jose';

const args = { scope: [] };
for (let i = 2; i < process.argv.length; i += 2) {
  const k = process.argv[i].replace(/^--/, '');
  if (k === 'scope') args.scope.push(process.argv[i + 1]);
  else args[k] = process.argv[i + 1];
}
for (const k of ['listen', 'upstream', 'issuer', 'audience'])
  if (!args[k]) { console.error(`gateway.mjs: --${k} is required`); process.exit(2); }

const meta = await (await fetch(`${args.issuer}/.well-known/oauth-authorization-server`)).json();
const jwks = createRemoteJWKSet(new URL(meta.jwks_uri));
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const proxy = httpProxy.createProxyServer({ target: args.upstream, agent, xfwd: true });
proxy.on('error', (err, req, res) => {
  if (res.headersSent) { res.destroy(); return; }
  res.writeHead(502, { 'content-type': 'application/json' }).end('{"error":"bad_gateway"}');
});

function refuse(res, status, code, challenge) {
  res.writeHead(status, { 'content-type': 'application/json', 'www-authenticate': challenge });
  res.end(JSON.stringify({ error: code }));
}

const server = http.createServer(async (req, res) => {
  const m = /^Bearer ([^ ]+)$/.exec(req.headers.authorization || '');
  if (!m) return refuse(res, 401, 'unauthorized', 'Bearer');
  let payload;
  try {
    ({ payload } = await jwtVerify(m[1], jwks, {
      issuer: args.issuer, audience: args.audience, typ: 'at+jwt', clockTolerance: 30,
      algorithms: ['ES256', 'EdDSA', 'RS256', 'PS256', 'ES384'],
    }));
  } catch {
    return refuse(res, 401, 'invalid_token', 'Bearer error="invalid_token"');
  }
  const scopes = typeof payload.scope === 'string' ? payload.scope.split(' ') : [];
  if (!args.scope.every((s) => scopes.includes(s)))
    return refuse(res, 403, 'insufficient_scope', `Bearer error="insufficient_scope", scope="${args.scope.join(' ')}"`);
  for (const h of Object.keys(req.headers))
    if (h === 'authorization' || h === 'dpop' || h.startsWith('x-tessera-')) delete req.headers[h];
  req.headers['x-tessera-subject'] = String(payload.sub ?? '');
  req.headers['x-tessera-client'] = String(payload.client_id ?? '');
  req.headers['x-tessera-scope'] = scopes.join(' ');
  proxy.web(req, res);
});
server.keepAliveTimeout = 65000;
server.listen(Number(args.listen), '127.0.0.1', () => console.error(`node gateway listening on ${args.listen}`));
