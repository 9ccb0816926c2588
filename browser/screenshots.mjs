// Screenshots of each page at desktop (1280x800) and phone (390x844) size into docs/pages/
// (NAME-desktop.png, NAME-phone.png), against a `tessera serve` started here (SQLite, scratch
// data directory). Pages whose route this build does not have (404) are left out and named.
// usage: node browser/screenshots.mjs --tessera PATH [--out DIR]
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe } from '../interop/oauth/report.mjs';
import { launchChromium, loginThroughPage, startAttacker, startTessera } from './harness.mjs';
import { thirdPartyClient } from './checks/oauth.mjs';
import { callThroughApp, signInThroughApp } from './checks/bff.mjs';
import { startUpstream } from './upstream.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : dflt);
const bin = opt('--tessera');
if (!bin) {
  console.error('usage: node browser/screenshots.mjs --tessera PATH [--out DIR]');
  process.exit(2);
}
const out = resolve(opt('--out', join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'pages')));
mkdirSync(out, { recursive: true });

const SIZES = [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]];

// name, path (or a function of the world), signedIn, and an optional action on the loaded page
// (act(page, world)).
const PAGES = [
  { name: 'login', path: () => '/login' },
  {
    name: 'login-failed', path: () => '/login',
    act: async (page) => {
      await page.fill('#username', 'alice');
      await page.fill('#password', 'wrong password');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    },
  },
  { name: 'consent', signedIn: true, path: (w) => { const u = new URL(w.client.authorizeUrl('shot')); return u.pathname + u.search; } },
  { name: 'error', path: () => '/oauth2/authorize?response_type=code&client_id=unknown-client' },
  { name: 'account', signedIn: true, path: () => '/account' },
  { name: 'bff-app', signedIn: false, path: () => '/bff/app', act: (page) => page.waitForSelector('body[data-state=signed-out]') },
  {
    name: 'bff-app-signed-in', path: () => '/bff/app',
    act: async (page, w) => {
      await signInThroughApp(page, w.origin);
      await callThroughApp(page, '/whoami');
    },
  },
  { name: 'debugger', path: () => '/debugger' },
];

const browser = await launchChromium();
const upstream = await startUpstream();
const tessera = await startTessera(bin, [], { upstream });
const attacker = await startAttacker();
const world = { client: thirdPartyClient(tessera, attacker), origin: tessera.origin };
let failed = 0;
try {
  for (const p of PAGES) {
    const path = p.path(world);
    const probe = await fetch(`${tessera.origin}${path}`, { redirect: 'manual' });
    if (probe.status === 404) {
      console.log(`skip ${p.name} (${path.split('?')[0]}: 404 in this build)`);
      continue;
    }
    for (const [size, viewport] of SIZES) {
      const context = await browser.newContext({ viewport });
      try {
        const page = await context.newPage();
        if (p.signedIn) await loginThroughPage(page, tessera.origin, path);
        else await page.goto(`${tessera.origin}${path}`);
        if (p.act) await p.act(page, world);
        await page.waitForLoadState('networkidle');
        const file = join(out, `${p.name}-${size}.png`);
        await page.screenshot({ path: file, fullPage: true });
        console.log(`wrote ${file}`);
      } catch (e) {
        console.log(`FAIL ${p.name} ${size}: ${describe(e)}`);
        failed++;
      } finally {
        await context.close();
      }
    }
  }
} finally {
  await browser.close();
  await tessera.stop();
  await attacker.close();
  await upstream.close();
}
process.exit(failed ? 1 : 0);
