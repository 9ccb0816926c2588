// The BFF end to end (docs/bff.md, docs/pages.md "Browser tests"): the sample app /bff/app signs
// in through the login page and shows the user; its cookie is HttpOnly and no token reaches the
// page's script; its API call through /bff/api carries a bearer token to the upstream and no
// Cookie; a fetch without X-CSRF is refused, and so is every call from another origin; after
// the short access TTL the call still works with a new token (refreshed behind the scenes);
// signing out ends the session, revokes the grant at the issuer, and Back shows no user data.
// The world: harness.mjs startTessera(..., {upstream}) and upstream.mjs.
import { BFF_ACCESS_TTL, BFF_UPSTREAM, PASSWORD, SESSION_COOKIE, USER } from '../harness.mjs';
import { attackerPost } from './csrf.mjs';
import { expect } from '../../interop/oauth/report.mjs';

const S = 'bff';
const API = `/bff/api/${BFF_UPSTREAM}/whoami`;
const JWT_SHAPE = /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// /bff/app, "Sign in", the login page (unless the issuer still has a session: then straight
// through), back on /bff/app signed in.
export async function signInThroughApp(page, origin, { issuerSession = false } = {}) {
  await page.goto(`${origin}/bff/app`);
  await page.waitForSelector('body[data-state=signed-out]');
  if (issuerSession) {
    await Promise.all([page.waitForResponse((r) => new URL(r.url()).pathname === '/bff/callback'), page.click('#sign-in')]);
  } else {
    await Promise.all([page.waitForURL((u) => u.pathname === '/login'), page.click('#sign-in')]);
    await page.fill('#username', USER);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname === '/bff/app'), page.click('button[type=submit]')]);
  }
  await page.waitForSelector('body[data-state=signed-in]');
}

// Clicks "Call the API" for `path`; resolves to {status, body (parsed JSON or null)} once the
// page has shown the answer.
export async function callThroughApp(page, path) {
  const before = await page.evaluate(() => Number(document.body.dataset.calls || 0));
  await page.fill('#api-path', path);
  await page.click('#call-api');
  await page.waitForFunction((n) => Number(document.body.dataset.calls || 0) > n, before);
  const status = Number(await page.getAttribute('#api-result', 'data-status'));
  let body = null;
  try { body = JSON.parse(await page.locator('#api-result').innerText()); } catch { /* not JSON */ }
  return { status, body };
}

// GET /bff/user with the page's cookies, outside the page (the context's request API).
async function bffUser(context, origin) {
  const r = await context.request.get(`${origin}/bff/user`, { headers: { 'x-csrf': '1' } });
  let body = null;
  try { body = await r.json(); } catch { /* not JSON */ }
  return { status: r.status(), body };
}

// The BFF client's app grants among the user's devices (GET /sessions with the issuer's session
// cookie, which the sign-in at the issuer left in the context).
async function bffGrants(context, origin, clientId) {
  const r = await context.request.get(`${origin}/sessions`);
  expect(r.status() === 200, `GET /sessions answered ${r.status()}`);
  return (await r.json()).sessions.filter((s) => s.kind === 'app' && s.client_id === clientId);
}

// Everything the page's script can read: cookies, storage, the DOM, its own globals.
function jsVisibleState(page) {
  return page.evaluate(() => {
    const globals = {};
    for (const k of Object.keys(window)) {
      try { globals[k] = JSON.stringify(window[k]); } catch { /* cyclic or host object */ }
    }
    return {
      cookie: document.cookie,
      localStorage: JSON.stringify({ ...localStorage }),
      sessionStorage: JSON.stringify({ ...sessionStorage }),
      dom: document.documentElement.outerHTML,
      globals: JSON.stringify(globals),
    };
  });
}

// Throws when `text` (named `where`) holds one of `tokens` or anything shaped like a JWT.
function noToken(where, text, tokens) {
  for (const t of tokens) expect(!text.includes(t), `${where} holds an access token the upstream saw`);
  const m = JWT_SHAPE.exec(text);
  expect(!m, `${where} holds a JWT: ${m?.[0].slice(0, 40)}…`);
}

export async function bffFlow({ report, browser, tessera, attacker }) {
  const { upstream, clientId } = tessera.bff;
  const origin = tessera.origin;
  await report.check(S, 'on a phone (390x844) /bff/app fits the width: no sideways scrolling', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
    try {
      const p = await phone.newPage();
      await p.goto(`${origin}/bff/app`);
      await p.waitForSelector('body[data-state=signed-out]');
      const { scroll, client } = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      expect(scroll <= client, `the page is ${scroll} px wide in a ${client} px viewport`);
    } finally {
      await phone.close();
    }
  });
  const context = await browser.newContext();
  context.setDefaultTimeout(10000);
  const fetched = [];  // every answer to a fetch of the app's page: what its script could read
  try {
    const page = await context.newPage();
    page.on('response', async (r) => {
      if (r.request().resourceType() !== 'fetch') return;
      try { fetched.push({ url: r.url(), text: await r.text() }); } catch { /* no body */ }
    });

    await report.check(S, 'signed out, /bff/app offers "Sign in" (GET /bff/user: 401)', async () => {
      const resp = await page.goto(`${origin}/bff/app`);
      expect(resp.status() === 200, `GET /bff/app answered ${resp.status()}`);
      expect(resp.headers()['cache-control'] === 'no-store', `Cache-Control: ${resp.headers()['cache-control']}`);
      await page.waitForSelector('body[data-state=signed-out]');
      expect(await page.locator('#sign-in').isVisible(), '#sign-in is not visible');
      expect((await bffUser(context, origin)).status === 401, 'GET /bff/user is not 401');
    });
    const user = await report.check(S, 'sign in through the page: back on /bff/app, which shows the user', async () => {
      await signInThroughApp(page, origin);
      const u = await bffUser(context, origin);
      expect(u.status === 200 && u.body?.sub, `GET /bff/user: ${u.status} ${JSON.stringify(u.body)}`);
      const shown = await page.locator('#user-name').innerText();
      expect(shown && [u.body.preferred_username, u.body.name, u.body.sub].includes(shown), `#user-name shows "${shown}"`);
      expect(await page.locator('#sign-out').isVisible(), '#sign-out is not visible');
      return u.body;
    });
    await report.check(S, 'every cookie of the origin is HttpOnly (the BFF\'s too): document.cookie is empty', async () => {
      const jar = await context.cookies(origin);
      const bff = jar.filter((c) => c.name !== SESSION_COOKIE);
      expect(bff.length >= 1, `no cookie besides the issuer's session (have: ${jar.map((c) => c.name).join(', ')})`);
      const readable = jar.filter((c) => !c.httpOnly).map((c) => c.name);
      expect(readable.length === 0, `not HttpOnly: ${readable.join(', ')}`);
      const visible = await page.evaluate(() => document.cookie);
      expect(visible === '', `document.cookie: ${visible}`);
    });
    const first = await report.check(S, 'the page\'s API call: 200, the upstream saw an active bearer token and no Cookie', async () => {
      const n = upstream.requests.length;
      const r = await callThroughApp(page, '/whoami');
      expect(r.status === 200, `the call answered ${r.status}: ${JSON.stringify(r.body)}`);
      expect(upstream.requests.length === n + 1, `the upstream got ${upstream.requests.length - n} requests`);
      const seen = upstream.requests.at(-1);
      expect(seen.path === '/api/whoami' && seen.method === 'GET', `the upstream got ${seen.method} ${seen.path}`);
      expect(seen.authorization === 'Bearer' && seen.active, `upstream: authorization ${seen.authorization}, active ${seen.active}`);
      expect(!seen.cookie, 'the upstream got a Cookie header');
      expect(r.body.token_sha256 === seen.token_sha256 && r.body.cookie === false, `the page shows ${JSON.stringify(r.body)}`);
      return seen;
    });
    await report.check(S, 'no token where the page\'s script can look: cookies, storage, DOM, globals, fetch answers', async () => {
      const tokens = upstream.requests.map((q) => q.token).filter(Boolean);
      expect(tokens.length > 0, 'the upstream saw no token to look for');
      const state = await jsVisibleState(page);
      for (const [where, text] of Object.entries(state)) noToken(where, text, tokens);
      const urls = fetched.map((f) => new URL(f.url).pathname);
      expect(urls.includes('/bff/user') && urls.includes(API), `fetches seen: ${urls.join(', ')}`);
      for (const f of fetched) noToken(`the answer to ${new URL(f.url).pathname}`, f.text, tokens);
      const keys = Object.keys(user).filter((k) => /token|secret|code/i.test(k));
      expect(keys.length === 0, `GET /bff/user names ${keys.join(', ')}`);
    });
    await report.check(S, 'keyboard: Tab goes Sign out, API, Path, Call the API; each control has its label', async () => {
      await page.goto(`${origin}/bff/app`);  // focus from the top of a fresh page
      await page.waitForSelector('body[data-state=signed-in]');
      const order = [];
      for (let i = 0; i < 4; i++) {
        await page.keyboard.press('Tab');
        order.push(await page.evaluate(() => document.activeElement?.id));
      }
      expect(order.join(',') === 'sign-out,upstream,api-path,call-api', `Tab order: ${order.join(', ')}`);
      for (const id of ['upstream', 'api-path']) {
        const label = await page.evaluate((i) => document.getElementById(i).labels?.[0]?.textContent ?? '', id);
        expect(label.trim(), `#${id} has no label`);
      }
    });
    await report.check(S, 'a fetch without X-CSRF from the page: 403, nothing reaches the upstream, still signed in', async () => {
      const n = upstream.requests.length;
      const statuses = await page.evaluate(async (api) => [
        (await fetch(api)).status,
        (await fetch(api, { method: 'POST', body: '{}' })).status,
        (await fetch(api, { headers: { 'X-CSRF': '0' } })).status,
        (await fetch('/bff/logout', { method: 'POST' })).status,
      ], API);
      expect(statuses.every((s) => s === 403), `answered ${statuses.join(', ')} (GET, POST, X-CSRF: 0, logout)`);
      expect(upstream.requests.length === n, `the upstream got ${upstream.requests.length - n} requests`);
      expect((await bffUser(context, origin)).status === 200, 'signed out');
    });
    await report.check(S, 'another origin cannot call /bff/api or /bff/logout (forms, fetch with credentials)', async () => {
      const n = upstream.requests.length;
      for (const action of [API, '/bff/logout']) {
        const resp = await attackerPost(page, attacker, `${origin}${action}`, [['x', '1']]);
        expect(resp.status() === 403, `a cross-origin form POST ${action} answered ${resp.status()}`);
      }
      await page.goto(`${attacker.origin}/cb`);
      const outcomes = await page.evaluate(async ([o, api]) => {
        const attempt = async (url, init) => {
          try {
            const r = await fetch(url, { credentials: 'include', ...init });
            return `read ${r.status}`;
          } catch { return 'blocked'; }
        };
        return [
          await attempt(`${o}${api}`, { headers: { 'X-CSRF': '1' } }),
          await attempt(`${o}/bff/logout`, { method: 'POST', headers: { 'X-CSRF': '1' } }),
          await attempt(`${o}/bff/user`, { headers: { 'X-CSRF': '1' } }),
          await attempt(`${o}/bff/user`, {}),
          await attempt(`${o}${api}`, { mode: 'no-cors' }),
          await attempt(`${o}/bff/logout`, { method: 'POST', mode: 'no-cors' }),
        ];
      }, [origin, API]);
      // no-cors answers are opaque (status 0): the server's refusal shows in what did not happen.
      expect(outcomes.slice(0, 4).every((o) => o === 'blocked'), `cross-origin fetches: ${outcomes.join(', ')}`);
      expect(upstream.requests.length === n, `the upstream got ${upstream.requests.length - n} requests`);
      expect((await bffUser(context, origin)).status === 200, 'the victim was signed out');
    });
    await report.check(S, `after the access token expired (TTL ${BFF_ACCESS_TTL} s) the call works with a new token (refreshed)`, async () => {
      await page.goto(`${origin}/bff/app`);
      await page.waitForSelector('body[data-state=signed-in]');
      await sleep((BFF_ACCESS_TTL + 1) * 1000);  // outwaits the lifetime; asserts on state, not time
      expect(!(await upstream.introspect(first.token)).active, 'the first access token is still active');
      const r = await callThroughApp(page, '/whoami');
      expect(r.status === 200, `the call after expiry answered ${r.status}: ${JSON.stringify(r.body)}`);
      const seen = upstream.requests.at(-1);
      expect(seen.active && seen.token_sha256 !== first.token_sha256, `the upstream saw ${seen.token_sha256 === first.token_sha256 ? 'the same' : 'an inactive'} token`);
    });
    await report.check(S, 'sign out: /bff/user 401, the API 401, the grant revoked at the issuer', async () => {
      const last = upstream.requests.at(-1).token;
      expect((await upstream.introspect(last)).active, 'before sign out the last access token is already inactive');
      expect((await bffGrants(context, origin, clientId)).length >= 1, 'before sign out the BFF has no grant in GET /sessions');
      await page.click('#sign-out');
      await page.waitForSelector('body[data-state=signed-out]');
      expect(await page.locator('#user-name').innerText() === '', '#user-name still shows a name');
      expect((await bffUser(context, origin)).status === 401, 'GET /bff/user is not 401');
      const api = await context.request.get(`${origin}${API}`, { headers: { 'x-csrf': '1' } });
      expect(api.status() === 401, `the API after sign out answered ${api.status()}`);
      expect(!(await upstream.introspect(last)).active, 'the issuer still calls the last access token active');
      const grants = await bffGrants(context, origin, clientId);
      expect(grants.length === 0, `GET /sessions still lists the BFF's grant ${grants.map((g) => g.id).join(', ')}`);
    });
    await report.check(S, 'after sign out, Back shows no user data', async () => {
      await page.goto(`${origin}/login`);
      await page.goBack();
      await page.waitForFunction(() => ['signed-out', 'signed-in', 'error'].includes(document.body.dataset.state));
      const html = await page.content();
      expect(new URL(page.url()).pathname === '/bff/app', `Back went to ${page.url()}`);
      expect(!html.includes(user.sub), `the page shows the user's sub ${user.sub}`);
      expect(await page.evaluate(() => document.body.dataset.state) === 'signed-out', 'the page is not signed out');
    });
    await report.check(S, 'signed out in another tab, Back to a page that showed the user shows no user data', async () => {
      await signInThroughApp(page, origin, { issuerSession: true });
      expect((await page.content()).includes(user.sub), 'signed in again, the page does not show the sub');
      await page.goto(`${origin}/login`);
      const tab = await context.newPage();
      await tab.goto(`${origin}/bff/app`);
      await tab.waitForSelector('body[data-state=signed-in]');
      await tab.click('#sign-out');
      await tab.waitForSelector('body[data-state=signed-out]');
      await tab.close();
      await page.goBack();
      await page.waitForFunction(() => ['signed-out', 'signed-in', 'error'].includes(document.body.dataset.state));
      expect(!(await page.content()).includes(user.sub), 'Back shows the user\'s sub');
    });
  } finally {
    await context.close();
  }
}
