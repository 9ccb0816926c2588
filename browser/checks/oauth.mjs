// A third-party client's consent page: a client registered without --first-party (redirect URI
// on the attacker server's /cb), the authorization request signed in through the login page's
// return_to, the consent page, Allow, the code back at the client, and its exchange.
import { createHash, randomBytes } from 'node:crypto';

import { USER, loginThroughPage } from '../harness.mjs';
import { expect } from '../../interop/oauth/report.mjs';

const S = 'consent';
const b64u = (b) => Buffer.from(b).toString('base64url');

// Registers the client once per server; returns {clientId, redirectUri, authorizeUrl(), verifier}.
export function thirdPartyClient(tessera, attacker) {
  const redirectUri = `${attacker.origin}/cb`;
  const { client_id: clientId } = tessera.addClient('Photo Printer', ['--redirect-uri', redirectUri, '--public']);
  const verifier = b64u(randomBytes(32));
  const challenge = b64u(createHash('sha256').update(verifier).digest());
  const params = (state) => ({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'openid profile',
    state, nonce: b64u(randomBytes(12)), code_challenge: challenge, code_challenge_method: 'S256',
  });
  const authorizeUrl = (state) => `${tessera.origin}/oauth2/authorize?${new URLSearchParams(params(state))}`;
  return { clientId, redirectUri, verifier, params, authorizeUrl };
}

export async function consentFlow({ report, browser, tessera }, client) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const state = b64u(randomBytes(9));
    const url = new URL(client.authorizeUrl(state));
    await report.check(S, 'signed out: authorize sends the browser to the login page, which returns to the request', async () => {
      await page.goto(url.href);
      expect(new URL(page.url()).pathname === '/login', `authorize without a session landed on ${page.url()}`);
      await loginThroughPage(page, tessera.origin, url.pathname + url.search);
      expect(new URL(page.url()).pathname === '/oauth2/authorize', `after login the page is ${page.url()}`);
    });
    await report.check(S, 'the consent page names the client, the user and the scopes', async () => {
      const h1 = await page.locator('h1').innerText();
      expect(h1.includes('Photo Printer'), `h1: ${h1}`);
      const body = await page.locator('main').innerText();
      expect(body.includes(USER) && body.includes('openid') && body.includes('profile'), `consent page text: ${body.slice(0, 300)}`);
    });
    const back = await report.check(S, 'Allow sends the browser to the client with a code, the state and iss', async () => {
      await Promise.all([page.waitForURL(`${client.redirectUri}**`), page.click('button[value=approve]')]);
      const u = new URL(page.url());
      expect(u.searchParams.get('code'), `no code in ${u.search}`);
      expect(u.searchParams.get('state') === state, `state ${u.searchParams.get('state')} != ${state}`);
      expect(u.searchParams.get('iss') === tessera.origin, `iss ${u.searchParams.get('iss')}`);
      return u;
    });
    await report.check(S, 'the code exchanges for tokens (PKCE verifier)', async () => {
      const r = await fetch(`${tessera.origin}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: back.searchParams.get('code'),
          redirect_uri: client.redirectUri, client_id: client.clientId, code_verifier: client.verifier }),
      });
      const j = await r.json();
      expect(r.status === 200 && j.access_token && j.id_token, `token endpoint: ${r.status} ${JSON.stringify(j).slice(0, 200)}`);
    });
    await report.check(S, 'the consent is remembered: a second authorize goes straight back to the client', async () => {
      await page.goto(client.authorizeUrl('again'));
      expect(page.url().startsWith(client.redirectUri), `second authorize landed on ${page.url()}`);
    });
  } finally {
    await context.close();
  }
}
