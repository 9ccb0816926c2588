// The BFF checks' upstream API: a plain HTTP server on loopback that answers every request with
// JSON about what it got: whether it carried an Authorization header and its scheme, a SHA-256
// of the bearer token (never the token), whether a Cookie or X-CSRF header came along, the
// method and path, and whether the issuer calls the token active (RFC 7662 introspection with
// the BFF client's own credentials, as a resource server would ask). No bearer token, or an
// inactive one: 401, like a real API. It keeps every request (with the full token, in this Node
// process only) for the checks to compare. Single-threaded (one Node event loop).
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';

export const sha256 = (s) => createHash('sha256').update(s).digest('hex');

// Resolves to {url, requests, setIssuer(origin, clientId, secret), introspect(token), close()}.
export function startUpstream() {
  const requests = [];
  let issuer = null;  // {origin, clientId, secret}
  async function introspect(token) {
    if (!issuer) return { active: false, error: 'no issuer set' };
    const r = await fetch(`${issuer.origin}/oauth2/introspect`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${encodeURIComponent(issuer.clientId)}:${encodeURIComponent(issuer.secret)}`).toString('base64')}` },
      body: new URLSearchParams({ token }),
    });
    return r.json();
  }
  const server = createServer(async (req, res) => {
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer (\S+)$/.exec(auth);
    const token = m ? m[1] : null;
    let active = false;
    try {
      if (token) active = (await introspect(token)).active === true;
    } catch { /* issuer unreachable: inactive */ }
    const seen = {
      method: req.method,
      path: req.url,
      authorization: auth ? auth.split(' ')[0] : null,
      token_sha256: token ? sha256(token) : null,
      active,
      cookie: req.headers.cookie !== undefined,
      x_csrf: req.headers['x-csrf'] !== undefined,
    };
    requests.push({ ...seen, token });
    res.writeHead(token && active ? 200 : 401, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(token && active ? seen : { error: 'invalid_token', ...seen }));
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        introspect,
        setIssuer: (origin, clientId, secret) => { issuer = { origin, clientId, secret }; },
        close: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
      });
    });
  });
}
