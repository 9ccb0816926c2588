// The token debugger (/debugger): decodes and verifies a token of this server offline, signs a
// test token in the page, and makes no request after load (every request the page makes is
// recorded through page.on('request')); picking "this server's JWKS" makes exactly that request.
import { expect } from '../../interop/oauth/report.mjs';

const S = 'debugger';

// An access token (JWT) of `tessera` for a client_credentials client, and the JWKS, over plain
// HTTP from Node (not through the page).
async function serverToken(tessera) {
  const c = tessera.addClient('debugger-check', ['--grant', 'client_credentials', '--scope', 'openid']);
  const r = await fetch(`${tessera.origin}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${c.client_id}:${c.client_secret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'client_credentials' }),
  });
  const j = await r.json();
  expect(r.status === 200 && j.access_token, `token endpoint: ${r.status} ${JSON.stringify(j).slice(0, 200)}`);
  const jwks = await (await fetch(`${tessera.origin}/.well-known/jwks.json`)).text();
  return { token: j.access_token, jwks };
}

export async function debuggerPage({ report, browser, tessera }) {
  const { token, jwks } = await report.check(S, 'a server JWT to paste (client_credentials)', () => serverToken(tessera));
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const requests = [];
    const resp = await page.goto(`${tessera.origin}/debugger`);
    await page.waitForSelector('body[data-ready=true]');
    await page.waitForLoadState('networkidle');
    page.on('request', (r) => requests.push(`${r.method()} ${r.url()}`));
    await report.check(S, 'GET /debugger loads (200) and its script runs', async () => {
      expect(resp.status() === 200, `GET /debugger answered ${resp.status()}`);
    });
    await report.check(S, 'decodes a server JWT: kind, header kid, claims', async () => {
      await page.fill('#token', token);
      await page.click('#decode');
      expect((await page.locator('#kind').innerText()) === 'JWT', `kind: ${await page.locator('#kind').innerText()}`);
      const claims = JSON.parse(await page.locator('#claims').innerText());
      expect(claims.iss === tessera.origin, `claims.iss: ${claims.iss}`);
      const header = JSON.parse(await page.locator('#header').innerText());
      expect(header.kid && JSON.parse(jwks).keys.some((k) => k.kid === header.kid), `header kid ${header.kid} not in the JWKS`);
    });
    await report.check(S, 'verifies it against the pasted JWKS: Valid', async () => {
      await page.fill('#key', jwks);
      await page.click('#verify');
      await page.waitForFunction(() => document.getElementById('result').className !== '');
      const r = await page.locator('#result').innerText();
      expect(r.startsWith('Valid'), `result: ${r}`);
    });
    await report.check(S, 'a token with one signature character changed: Not verified', async () => {
      const [h, p, sig] = token.split('.');
      const flipped = `${h}.${p}.${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
      await page.fill('#token', flipped);
      await page.click('#verify');
      await page.waitForFunction(() => document.getElementById('result').textContent.startsWith('Not verified'));
    });
    await report.check(S, 'signs a test token in the page, and it decodes and verifies', async () => {
      await page.click('#sign');
      await page.waitForFunction(() => document.getElementById('signed-token').value.split('.').length === 3);
      await page.click('#use-signed');
      await page.click('#verify');
      await page.waitForFunction(() => document.getElementById('result').className !== '' && !document.getElementById('result').textContent.startsWith('Verifying'));
      const r = await page.locator('#result').innerText();
      expect(r.startsWith('Valid'), `result: ${r}`);
    });
    await report.check(S, 'no request after load while decoding, verifying and signing', async () => {
      expect(requests.length === 0, `requests: ${requests.join(', ')}`);
    });
    await report.check(S, "picking this server's JWKS makes that one request and verifies", async () => {
      await page.fill('#token', token);
      await page.selectOption('#key-source', 'server');
      await page.click('#verify');
      await page.waitForFunction(() => document.getElementById('result').className !== '');
      const r = await page.locator('#result').innerText();
      expect(r.startsWith('Valid'), `result: ${r}`);
      expect(requests.length === 1 && requests[0] === `GET ${tessera.origin}/.well-known/jwks.json`, `requests: ${requests.join(', ')}`);
    });
  } finally {
    await context.close();
  }
}
