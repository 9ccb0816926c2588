// The browser tests: every check in checks/*.mjs against one `tessera serve` (a second, with a
// short idle timeout, for that check), one attacker origin and one headless Chromium.
// usage: node browser/run.mjs --tessera PATH. One line per check; exit 1 if any failed.
import { Abort, Report, describe } from '../interop/oauth/report.mjs';
import { launchChromium, startAttacker, startTessera } from './harness.mjs';
import * as session from './checks/session.mjs';
import * as csrf from './checks/csrf.mjs';
import * as oauth from './checks/oauth.mjs';
import * as debuggerChecks from './checks/debugger.mjs';
import * as account from './checks/account.mjs';

const args = process.argv.slice(2);
const bin = args[args.indexOf('--tessera') + 1];
if (args.indexOf('--tessera') < 0 || !bin) {
  console.error('usage: node browser/run.mjs --tessera PATH_TO_TESSERA');
  process.exit(2);
}

const report = new Report();
let browser, tessera, attacker;
try {
  [browser, tessera, attacker] = await Promise.all([launchChromium(), startTessera(bin), startAttacker()]);
} catch (e) {
  console.error(`setup failed: ${describe(e)}`);
  process.exit(2);
}
const ctx = { report, browser, tessera, attacker, bin };

const scenarios = [
  ['login and cookie', () => session.loginAndCookie(ctx)],
  ['login csrf', () => csrf.loginCsrf(ctx)],
  ['cross-origin posts', () => csrf.stateChangingPosts(ctx, [...csrf.baseTargets(oauth.thirdPartyClient(tessera, attacker)), ...account.accountTargets()])],
  ['consent', () => oauth.consentFlow(ctx, oauth.thirdPartyClient(tessera, attacker))],
  ['logout then back', () => session.logoutThenBack(ctx, consentPage())],
  ['logout then back (account)', () => session.logoutThenBack(ctx, account.accountPrivatePage)],
  ['revoke device', () => session.revokeDevice(ctx, session.revokeJson(tessera.origin))],
  ['revoke device (account)', () => session.revokeDevice(ctx, account.revokeOnPage(tessera.origin))],
  ['account forms', () => account.accountForms(ctx)],
  ['idle timeout', () => session.idleTimeout(ctx)],
  ['debugger', () => debuggerChecks.debuggerPage(ctx)],
];

// The consent page shows the username: the private page of the back-button check.
function consentPage() {
  const client = oauth.thirdPartyClient(tessera, attacker);
  const u = new URL(client.authorizeUrl('back'));
  return { name: 'the consent page', path: u.pathname + u.search, logout: (page) => session.logoutJson(page, tessera.origin) };
}

for (const [name, run] of scenarios) {
  try {
    await run();
  } catch (e) {
    if (!(e instanceof Abort)) report.fail(name, 'scenario', describe(e));
  }
}
await browser.close();
await tessera.stop();
await attacker.close();
console.log(`${report.passed} passed, ${report.failed} failed`);
process.exit(report.failed ? 1 : 0);
