// The account page (/account): its forms driven by clicks (revoke a device from another browser
// context, sign out others, change password, a wrong current password shown in the page), and
// the forms' cross-origin targets for checks/csrf.mjs. Field and id names: docs/pages.md.
import { PASSWORD, USER, loginThroughPage, sessionOf } from '../harness.mjs';
import { expect } from '../../interop/oauth/report.mjs';

const S = 'account';

// Through the account page: B clicks A's revoke button; A's next navigation to /account ends on
// the login page. (The shape session.revokeDevice expects.)
export const revokeOnPage = (origin) => ({
  name: 'the account page\'s revoke button',
  revoke: async (pageB, idA) => {
    await pageB.goto(`${origin}/account`);
    await Promise.all([pageB.waitForNavigation(), pageB.click(`[id="revoke-${idA}"]`)]);
    const notice = await pageB.locator('#notice').innerText();
    expect(new URL(pageB.url()).pathname === '/account' && notice, `after revoke: ${pageB.url()}, notice ${notice}`);
    expect(await pageB.locator(`[id="device-${idA}"]`).count() === 0, 'the revoked device is still listed');
  },
  signedOut: async (pageA) => {
    await pageA.goto(`${origin}/account`);
    expect(new URL(pageA.url()).pathname === '/login', `context A's next /account landed on ${pageA.url()}`);
  },
});

// The account page's "Sign out everywhere" button: the logout of the back-button check.
export const accountPrivatePage = {
  name: 'the account page',
  path: '/account',
  backSteps: 2,  // the sign-out form's redirect to the login page is an entry of its own
  logout: async (page) => {
    await Promise.all([page.waitForNavigation(), page.click('#sign-out-everywhere')]);
    expect(new URL(page.url()).pathname === '/login', `after sign out everywhere: ${page.url()}`);
  },
};

export async function accountForms({ report, browser, tessera }) {
  const a = await browser.newContext();
  const b = await browser.newContext();
  try {
    const page = await a.newPage();
    const other = await b.newPage();
    await loginThroughPage(other, tessera.origin, '/account');
    await loginThroughPage(page, tessera.origin, '/account');
    await report.check(S, 'lists both devices, this one marked, with the username', async () => {
      expect((await page.locator('#signed-in-as').innerText()).includes(USER), 'no username in #signed-in-as');
      expect(await page.locator('li.device').count() >= 2, `${await page.locator('li.device').count()} devices listed`);
      expect(await page.locator('li.device.current').count() === 1, 'not exactly one device marked current');
    });
    await report.check(S, 'a wrong current password is refused in the page (401, #message), nothing changed', async () => {
      await page.fill('#current_password', `${PASSWORD}x`);
      await page.fill('#new_password', 'a brand new long password');
      const [resp] = await Promise.all([page.waitForNavigation(), page.click('#change-password')]);
      expect(resp.status() === 401, `answered ${resp.status()}`);
      expect(await page.locator('#message').count() === 1, 'no #message');
      expect((await sessionOf(other, tessera.origin)).status === 200, 'the other device was signed out');
    });
    await report.check(S, 'sign out other devices: this one stays, the other is signed out', async () => {
      await page.goto(`${tessera.origin}/account`);
      await Promise.all([page.waitForNavigation(), page.click('#sign-out-others')]);
      expect((await sessionOf(page, tessera.origin)).status === 200, 'this device was signed out');
      expect((await sessionOf(other, tessera.origin)).status === 401, 'the other device is still signed in');
    });
    await report.check(S, 'change password: notice, this device stays, the new password signs in, the old does not', async () => {
      await loginThroughPage(other, tessera.origin, '/account');
      await page.goto(`${tessera.origin}/account`);
      const next = 'a brand new long password';
      await page.fill('#current_password', PASSWORD);
      await page.fill('#new_password', next);
      await Promise.all([page.waitForNavigation(), page.click('#change-password')]);
      expect(await page.locator('#notice').count() === 1, `no #notice at ${page.url()}`);
      expect((await sessionOf(page, tessera.origin)).status === 200, 'this device was signed out');
      expect((await sessionOf(other, tessera.origin)).status === 401, 'the other device is still signed in');
      const login = (pw) => fetch(`${tessera.origin}/login`, { method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: USER, password: pw }) }).then((r) => r.status);
      expect(await login(next) === 200 && await login(PASSWORD) === 401, 'the passwords do not sign in as expected');
      // Back to the shared password for the checks that follow.
      await page.goto(`${tessera.origin}/account`);
      await page.fill('#current_password', next);
      await page.fill('#new_password', PASSWORD);
      await Promise.all([page.waitForNavigation(), page.click('#change-password')]);
      expect(await login(PASSWORD) === 200, 'could not change the password back');
    });
  } finally {
    await a.close();
    await b.close();
  }
}

// The account forms as cross-origin targets (checks/csrf.mjs stateChangingPosts).
export function accountTargets() {
  return [
    {
      name: 'POST /account/devices/revoke (the other device)', action: '/account/devices/revoke',
      fields: [['csrf_token', 'guessed']],
      fieldsFor: async ({ otherPage, tessera }) => [['device', (await sessionOf(otherPage, tessera.origin)).body.session.id], ['csrf_token', 'guessed']],
    },
    { name: 'POST /account/sign-out-others', action: '/account/sign-out-others', fields: [['csrf_token', 'guessed']] },
    { name: 'POST /account/sign-out-everywhere', action: '/account/sign-out-everywhere', fields: [['csrf_token', 'guessed']] },
    { name: 'POST /account/password', action: '/account/password',
      fields: [['csrf_token', 'guessed'], ['current_password', PASSWORD], ['new_password', 'pwned pwned pwned']] },
  ];
}
