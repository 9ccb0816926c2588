// Cross-origin form posts: a page on the attacker origin (another loopback port: same site,
// another origin, so SameSite cookies go along) posts a form to each state-changing route of a
// signed-in victim. Each must be refused (403, the server's answer as the browser got it) and
// change nothing (checked through the victim's own session afterwards).
import { USER, PASSWORD, SESSION_COOKIE, loginThroughPage, sessionOf } from '../harness.mjs';
import { expect } from '../../interop/oauth/report.mjs';

const S = 'csrf';

// Submits the attacker's form (fields: [[name, value]...]) to `action` in `page`; returns the
// main-frame response of the navigation it causes.
export async function attackerPost(page, attacker, action, fields) {
  const q = new URLSearchParams({ action });
  for (const [k, v] of fields) q.append('f', `${k}=${v}`);
  await page.goto(`${attacker.origin}/form?${q}`);
  const [resp] = await Promise.all([page.waitForNavigation(), page.click('#go')]);
  return resp;
}

// Login CSRF: a fresh browser posted into the attacker's chosen account must stay signed out.
export async function loginCsrf({ report, browser, tessera, attacker }) {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await report.check(S, 'POST /login from another origin: 403, no session cookie set', async () => {
      const resp = await attackerPost(page, attacker, `${tessera.origin}/login`, [['username', USER], ['password', PASSWORD]]);
      expect(resp.status() === 403, `answered ${resp.status()} (${page.url()})`);
      const jar = await context.cookies(tessera.origin);
      expect(!jar.some((c) => c.name === SESSION_COOKIE), 'a session cookie was set');
    });
  } finally {
    await context.close();
  }
}

// targets: [{name, action (path), fields or fieldsFor(world), unchanged(world) -> throws}]. A victim signs
// in once; each target is posted from the attacker page, then checked.
export async function stateChangingPosts({ report, browser, tessera, attacker }, targets) {
  const context = await browser.newContext();
  const other = await browser.newContext();  // a second device: revoke-others must not end it
  try {
    const page = await context.newPage();
    const otherPage = await other.newPage();
    await loginThroughPage(page, tessera.origin, '/session');
    await loginThroughPage(otherPage, tessera.origin, '/session');
    const before = (await sessionOf(page, tessera.origin)).body;
    const world = { page, otherPage, before, tessera };
    for (const t of targets) {
      try {
        await report.check(S, `${t.name} from another origin: 403, nothing changed`, async () => {
          const fields = t.fieldsFor ? await t.fieldsFor(world) : t.fields;
          const resp = await attackerPost(page, attacker, `${tessera.origin}${t.action}`, fields);
          expect(resp.status() === 403, `answered ${resp.status()}: ${(await resp.text()).slice(0, 200)}`);
          await stillSignedIn(world);
          if (t.unchanged) await t.unchanged(world);
        });
      } catch { /* reported; go on with the next route */ }
    }
  } finally {
    await context.close();
    await other.close();
  }
}

// Both devices keep the same live sessions, and the password is unchanged.
export async function stillSignedIn({ page, otherPage, before, tessera }) {
  const s = await sessionOf(page, tessera.origin);
  expect(s.status === 200 && s.body.session.id === before.session.id, `victim's session after the post: ${s.status} ${JSON.stringify(s.body).slice(0, 200)}`);
  const o = await sessionOf(otherPage, tessera.origin);
  expect(o.status === 200, `the victim's other device after the post: ${o.status}`);
  const r = await fetch(`${tessera.origin}/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: USER, password: PASSWORD }) });
  expect(r.status === 200, `the old password no longer signs in: ${r.status}`);
}

// The routes of the JSON API and the consent form (the account page's forms are added by run.mjs).
export function baseTargets(client) {
  const consentFields = () => [...Object.entries(client.params('csrf')), ['csrf_token', 'guessed'], ['decision', 'approve']];
  return [
    { name: 'POST /logout', action: '/logout', fields: [] },
    { name: 'POST /logout-everywhere', action: '/logout-everywhere', fields: [] },
    { name: 'POST /sessions/revoke-others', action: '/sessions/revoke-others', fields: [] },
    { name: 'POST /password', action: '/password', fields: [['current_password', PASSWORD], ['new_password', 'pwned pwned pwned']] },
    {
      name: 'POST /oauth2/authorize (consent, Allow)', action: '/oauth2/authorize', fields: consentFields(),
      unchanged: async ({ page }) => {
        // No consent was recorded: the authorization request still shows the consent page.
        await page.goto(client.authorizeUrl('after-csrf'));
        expect(new URL(page.url()).pathname === '/oauth2/authorize' && await page.locator('button[value=approve]').count() === 1,
          `after the cross-origin Allow, authorize went to ${page.url()} instead of the consent page`);
      },
    },
  ];
}
