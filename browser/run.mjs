// The browser tests: every check in checks/*.mjs against one `tessera serve` with the BFF on (a
// second, with a short idle timeout, for that check), one attacker origin, the BFF's upstream API
// (upstream.mjs) and one headless Chromium.
// usage: node browser/run.mjs --tessera PATH [--only NAME,...]. One line per check; exit 1 if
// any failed. --only runs just the named scenarios (the names below, e.g. "bff,debugger").
import { Abort, Report, describe } from '../interop/oauth/report.mjs';
import { launchChromium, startAttacker, startTessera } from './harness.mjs';
import * as session from './checks/session.mjs';
import * as csrf from './checks/csrf.mjs';
import * as oauth from './checks/oauth.mjs';
import * as debuggerChecks from './checks/debugger.mjs';
import * as account from './checks/account.mjs';
import * as bff from './checks/bff.mjs';
import { startUpstream } from './upstream.mjs';

const args = process.argv.slice(2);
const bin = args[args.indexOf('--tessera') + 1];
if (args.indexOf('--tessera') < 0 || !bin) {
  console.error('usage: node browser/run.mjs --tessera PATH_TO_TESSERA');
  process.exit(2);
}

const only = args.indexOf('--only') >= 0 ? args[args.indexOf('--only') + 1].split(',') : null;

const report = new Report();
let browser, tessera, attacker, upstream;
try {
  upstream = await startUpstream();
  [browser, tessera, attacker] = await Promise.all([launchChromium(), startTessera(bin, [], { upstream }), startAttacker()]);
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
  ['bff', () => bff.bffFlow(ctx)],
];

// The consent page shows the username: the private page of the back-button check.
function consentPage() {
  const client = oauth.thirdPartyClient(tessera, attacker);
  const u = new URL(client.authorizeUrl('back'));
  return { name: 'the consent page', path: u.pathname + u.search, logout: (page) => session.logoutJson(page, tessera.origin) };
}

for (const [name, run] of scenarios) {
  if (only && !only.includes(name)) continue;
  try {
    await run();
  } catch (e) {
    if (!(e instanceof Abort)) report.fail(name, 'scenario', describe(e));
  }
}
await browser.close();
await tessera.stop();
await attacker.close();
await upstream.close();
console.log(`${report.passed} passed, ${report.failed} failed`);
process.exit(report.failed ? 1 : 0);
