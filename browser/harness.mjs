// The browser tests' world: `tessera serve` on loopback (SQLite, a fresh data directory, fast
// Argon2; the Tessera class of interop/oauth/procs.mjs), a user, a second loopback HTTP server
// (the "attacker": another origin, same site), the BFF's client and upstream API when asked
// (upstream.mjs), and Debian's Chromium driven by playwright-core.
// Every process started here is killed when this Node process exits (procs.mjs's exit hook);
// stop() closes them in order. Single-threaded (one Node event loop).
import { createServer } from 'node:http';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { chromium } from 'playwright-core';

import { Tessera, scratchDir } from '../interop/oauth/procs.mjs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const USER = 'alice';
export const PASSWORD = 'correct horse battery staple';
export const SESSION_COOKIE = '__Host-tessera';

// Chromium's sandbox needs user namespaces that a root process in a container rarely has.
export async function launchChromium() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium (scripts/setup.sh does)`);
  const args = process.getuid && process.getuid() === 0 ? ['--no-sandbox'] : [];
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args });
}

// The BFF's settings in the tests: the upstream's name (/bff/api/echo/... goes to the upstream's
// /api/...) and its client's access token lifetime, short so that a check can outwait it.
export const BFF_UPSTREAM = 'echo';
export const BFF_ACCESS_TTL = 2;

// `tessera serve` with `extra` flags and the test user; resolves to the started Tessera. With
// `upstream` (upstream.mjs startUpstream()) the BFF is on: a confidential first-party client
// "Sample app" (redirect URI http://127.0.0.1/bff/callback, which matches any loopback port;
// access TTL BFF_ACCESS_TTL) is registered first, and t.bff = {clientId, secret, upstream}.
export async function startTessera(bin, extra = [], { upstream } = {}) {
  const t = new Tessera(bin, 'sqlite');
  t.addUser(USER, PASSWORD);
  const bff = upstream ? bffFlags(t, upstream) : [];
  await t.start([...bff, ...extra]);
  if (upstream) upstream.setIssuer(t.origin, t.bff.clientId, t.bff.secret);
  return t;
}

function bffFlags(t, upstream) {
  const c = t.addClient('Sample app', ['--redirect-uri', 'http://127.0.0.1/bff/callback', '--first-party',
    '--access-ttl', String(BFF_ACCESS_TTL)]);
  const file = join(scratchDir('tessera-bff-'), 'client-secret');
  writeFileSync(file, `${c.client_secret}\n`, { mode: 0o600 });
  t.bff = { clientId: c.client_id, secret: c.client_secret, upstream };
  return ['--bff-client', c.client_id, '--bff-client-secret-file', file, '--bff-upstream', `${BFF_UPSTREAM}=${upstream.url}/api`];
}

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

// The attacker: GET /form?action=URL&f=name=value&f=... answers a page whose form posts those
// fields to URL (button #go); GET /cb answers a plain page (an OAuth client's redirect URI).
// Its port differs from Tessera's, so it is another origin of the same site (127.0.0.1):
// SameSite cookies still go along, and only the server's own checks can refuse the post.
export function startAttacker() {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/form') {
      const fields = url.searchParams.getAll('f').map((kv) => {
        const i = kv.indexOf('=');
        return `<input type="hidden" name="${escapeHtml(kv.slice(0, i))}" value="${escapeHtml(kv.slice(i + 1))}">`;
      }).join('\n');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><title>attacker</title><form method="post" action="${escapeHtml(url.searchParams.get('action'))}">
${fields}<button id="go" type="submit">win a prize</button></form>`);
    } else if (url.pathname === '/cb') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>client callback</title><p id="cb">callback</p>');
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ origin: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

// Signs in through the login page in `page` (a fresh context); resolves once the post-login
// navigation has finished.
export async function loginThroughPage(page, origin, returnTo) {
  const q = returnTo ? `?return_to=${encodeURIComponent(returnTo)}` : '';
  await page.goto(`${origin}/login${q}`);
  await page.fill('#username', USER);
  await page.fill('#password', PASSWORD);
  const [resp] = await Promise.all([
    page.waitForNavigation(),
    page.click('button[type=submit]'),
  ]);
  return resp;
}

// GET /session with the page's cookies: {status, body}. Through the context's request API (same
// cookie jar as the page): the pages' CSP (connect-src 'none') forbids fetch from inside them.
export async function sessionOf(page, origin) {
  const r = await page.context().request.get(`${origin}/session`);
  let body = null;
  try { body = await r.json(); } catch { /* not JSON */ }
  return { status: r.status(), body };
}

// A JSON API call with the page's cookies and the session's CSRF token: {status, text}.
export async function callWithCsrf(page, origin, method, path, body) {
  const s = await sessionOf(page, origin);
  if (s.status !== 200) return { status: s.status, text: `GET /session: ${JSON.stringify(s.body)}` };
  const r = await page.context().request.fetch(`${origin}${path}`, {
    method,
    headers: { 'x-csrf-token': s.body.csrf_token, ...(body ? { 'content-type': 'application/json' } : {}) },
    data: body ? JSON.stringify(body) : undefined,
  });
  return { status: r.status(), text: await r.text() };
}
