#!/usr/bin/env node
// Key rotation interop: the real `tessera serve` (SQLite, loopback) issues tokens continuously —
// ES256 JWT and PASETO v4.public access tokens (client_credentials), and refreshes of two
// logged-in apps (PASETO + RS256 ID tokens, JWT + EdDSA ID tokens) — while its signing keys
// rotate; every token is verified, as soon as it is issued and again just before it expires, by
// npm jose createRemoteJWKSet and by verifiers that cache the JWKS for its full Cache-Control
// max-age, four of them whose cache periods start at different moments, as resource servers'
// do (rotation/verifiers.mjs). CLI rotations run in the last tenth of a wall-clock second (key
// files carry whole seconds: the worst moment). Scenarios:
//   cli       two rotations by `tessera keys rotate`: zero failures for both verifiers
//   interval  two rotations by `--key-rotation-interval`: zero failures for both verifiers
//   tight     as cli with --publish-ahead 3 = --jwks-max-age + 1, the least the server accepts:
//             zero failures for both verifiers
//   control   the negative control: one `tessera keys rotate` whose new key files are then
//             rewritten to sign at once (`tessera_activates_at` = `tessera_created_at`), as
//             most servers do when they rotate: the max-age verifier must fail (the server
//             itself refuses a --publish-ahead below --jwks-max-age + 1)
// The clock is scaled down: --jwks-max-age 2 instead of 300, and jose's own durations are scaled
// by the same factor (its defaults, cacheMaxAge 10 min and cooldown 30 s, become 4 s and
// 0.2 s), so the run is the one a real deployment would see, 150 times faster.
//
// usage: node key_rotation.mjs --tessera BIN [--scenario cli|interval|control]...  (default: all)
// Prints `ok`/`FAIL` lines, the counts per verifier and per token stream, and
// `N passed, M failed`; exits 1 if a check failed, 2 on usage or setup errors. KEEP=1 keeps the
// scratch directories.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { Tessera } from './oauth/procs.mjs';
import { Abort, describe, Report } from './oauth/report.mjs';
import { JwksWatch, Run, sleep } from './rotation/run.mjs';
import { ClientCredentials, RefreshingApp } from './rotation/sources.mjs';
import { JoseRemote, MaxAgeFleet } from './rotation/verifiers.mjs';

const AUD = 'https://api.rotation.test';
const REDIRECT = 'http://127.0.0.1:53682/cb';  // never listened on: the code is read from the 302
const MAX_AGE = 2;         // --jwks-max-age (the default is 300: 150 times faster)
const PUBLISH_AHEAD = 5;   // --publish-ahead (the default would be 2 x max-age = 4)
const TTL = 6;             // --max-token-ttl, and every client's --access-ttl
const PERIOD_MS = 150;     // each source asks for tokens this often
const PHASES = 4;          // max-age caches, each starting its period at another moment
const BASE = ['--jwks-max-age', String(MAX_AGE), '--max-token-ttl', String(TTL)];
const SCENARIOS = {
  cli: { flags: [...BASE, '--publish-ahead', String(PUBLISH_AHEAD)], rotations: 2, byCli: true, control: false },
  interval: { flags: [...BASE, '--publish-ahead', String(PUBLISH_AHEAD), '--key-rotation-interval', '8'], rotations: 2, byCli: false, control: false },
  tight: { flags: [...BASE, '--publish-ahead', String(MAX_AGE + 1)], rotations: 2, byCli: true, control: false },
  control: { flags: [...BASE, '--publish-ahead', String(PUBLISH_AHEAD)], rotations: 1, byCli: true, control: true },
};
const ROTATION_TIMEOUT_MS = 30000;  // a rotation must show in every stream within this

function usage(msg) {
  process.stderr.write(`error: ${msg}\nusage: node key_rotation.mjs --tessera BIN [--scenario ${Object.keys(SCENARIOS).join('|')}]...\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const o = { scenarios: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--tessera' && i + 1 < argv.length) o.tessera = argv[++i];
    else if (a === '--scenario' && i + 1 < argv.length && SCENARIOS[argv[i + 1]]) o.scenarios.push(argv[++i]);
    else usage(`unexpected argument ${a}`);
  }
  if (!o.tessera) usage('--tessera BIN is required');
  if (o.scenarios.length === 0) o.scenarios = Object.keys(SCENARIOS);
  return o;
}

// `tessera keys ARGS` with the server's schedule flags (the key states depend on them).
function keysCli(t, args, flags) {
  const r = spawnSync(t.bin, ['keys', ...args, '--data', t.data, ...flags], { encoding: 'utf8', timeout: 30000 });
  if (r.status !== 0) throw new Error(`tessera keys ${args.join(' ')} exited with ${r.status ?? r.error?.message}: ${(r.stderr || r.stdout).trim().slice(-300)}`);
  return r.stdout;
}

const T0 = Date.now();
function log(msg) { console.log(`  [${((Date.now() - T0) / 1000).toFixed(1)} s] ${msg}`); }

// The negative control's server fault: the key files `tessera keys rotate` just wrote (those
// not in `before`) rewritten to start signing when they were created, not publish_ahead later.
// Written whole and renamed into place, as the server's own writers do.
function signAtOnce(t, before) {
  const dir = join(t.data, 'keys');
  const added = readdirSync(dir).filter((f) => f.endsWith('.jwk') && !before.has(f));
  if (added.length === 0) throw new Error('tessera keys rotate wrote no new key file');
  for (const f of added) {
    const jwk = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    if (!Number.isInteger(jwk.tessera_created_at)) throw new Error(`${f} has no tessera_created_at`);
    jwk.tessera_activates_at = jwk.tessera_created_at;
    writeFileSync(join(dir, `.${f}.tmp`), JSON.stringify(jwk), { mode: 0o600 });
    renameSync(join(dir, `.${f}.tmp`), join(dir, f));
  }
}

async function waitFor(cond, ms, what) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms / 1000} s`);
    await sleep(50);
  }
}

// Server, user, clients, and the token sources (the apps log in once here).
async function setup(t, flags) {
  await t.start(flags);
  const user = { name: 'alice', password: `rotation-${randomBytes(12).toString('base64url')}` };
  t.addUser(user.name, user.password);
  const ttl = ['--access-ttl', String(TTL)];
  const svc = (name, format) => {
    const c = t.addClient(name, ['--grant', 'client_credentials', '--audience', AUD, '--token-format', format, ...ttl]);
    return new ClientCredentials(t.origin, { clientId: c.client_id, secret: c.client_secret, format, audience: AUD });
  };
  const app = (name, format, idTokenAlg) => {
    const c = t.addClient(name, ['--redirect-uri', REDIRECT, '--first-party', '--public', '--token-format', format,
      '--audience', AUD, '--id-token-alg', idTokenAlg, ...ttl]);
    return new RefreshingApp(t.origin, { clientId: c.client_id, format, idTokenAlg, audience: AUD, redirectUri: REDIRECT });
  };
  const sources = [svc('svc-jwt', 'jwt'), svc('svc-paseto', 'paseto'), app('app-paseto', 'paseto', 'RS256'), app('app-jwt', 'jwt', 'EdDSA')];
  const meta = await (await fetch(new URL('/.well-known/openid-configuration', t.origin))).json();
  return { user, sources, meta };
}

function printRun(name, run, watch, maxAge, joseOpts) {
  console.log(`--- ${name}: jose createRemoteJWKSet {cacheMaxAge: ${joseOpts.cacheMaxAge} ms, cooldownDuration: ${joseOpts.cooldownDuration} ms}; max-age caches: ${maxAge.fetches} JWKS fetches`);
  for (const [v, st] of run.stats) {
    const reasons = [...st.reasons].map(([r, n]) => `${r} x${n}`).join(', ');
    console.log(`    ${v}: ${st.verified} verifications passed, ${st.failed} failed${reasons ? ` (${reasons})` : ''}`);
    for (const ex of st.examples) console.log(`      e.g. ${ex}`);
  }
  for (const [stream, s] of run.streams) {
    const leads = s.kids.slice(1).map((kid) => {
      const seen = watch.firstSeen.get(kid);
      return seen === undefined ? 'never seen in the JWKS' : `${((s.firstSigned.get(kid) - seen) / 1000).toFixed(1)} s`;
    });
    console.log(`    ${stream}: ${s.issued} tokens, ${s.kids.length} kids, ${run.changes(stream)} rotations; published before first use: ${leads.join(', ') || '-'}`);
  }
}

async function runScenario(bin, name, report) {
  const sc = SCENARIOS[name];
  const t = new Tessera(bin, 'sqlite');
  let ctx;
  try {
    ctx = await setup(t, sc.flags);
    report.ok(name, `setup (serve ${sc.flags.join(' ')}, users add, clients add, two logins)`);
  } catch (e) {
    report.fail(name, 'setup', describe(e));
    if (t.child) console.log(`--- tessera serve stderr (last lines) ---\n${t.lastWords()}\n---`);
    await t.stop();
    return;
  }
  const scale = MAX_AGE / 300;
  const joseOpts = { cacheMaxAge: Math.round(600000 * scale), cooldownDuration: Math.round(30000 * scale) };
  const maxAge = new MaxAgeFleet(ctx.meta.jwks_uri, ctx.meta.issuer, PHASES);
  const verifiers = [new JoseRemote(ctx.meta.jwks_uri, ctx.meta.issuer, joseOpts), maxAge];
  const run = new Run({ verifiers, sources: ctx.sources, maxTokenTtl: TTL, periodMs: PERIOD_MS });
  const watch = new JwksWatch(ctx.meta.jwks_uri);
  try {
    await maxAge.prime(MAX_AGE);
    for (const s of ctx.sources.filter((x) => x instanceof RefreshingApp)) await run.take(s.start(ctx.user));
    run.start();
    log(`${name}: issuing tokens every ${PERIOD_MS} ms from ${ctx.sources.length} clients`);
    await sleep(MAX_AGE * 1000);
    for (let i = 1; i <= sc.rotations; i++) {
      if (sc.byCli) {
        // Right after the first max-age cache fetched (so its period is the advertised max-age),
        await report.check(name, `rotation ${i}: the max-age verifier's JWKS cache expires after max-age ${MAX_AGE} s`, async () => {
          const next = maxAge.first.nextFetch();
          const timeout = sleep(3 * MAX_AGE * 1000).then(() => { throw new Error(`no refetch within ${3 * MAX_AGE} s; the last JWKS said max-age=${maxAge.first.cache?.maxAge}`); });
          await Promise.race([next, timeout]);
        });
        // in the last tenth of a wall-clock second: key files carry whole seconds, so
        // the new key's schedule starts up to a second before the command ran.
        while (Date.now() % 1000 < 900) await sleep(Math.max(1, 900 - (Date.now() % 1000)));
        const before = new Set(readdirSync(join(t.data, 'keys')));
        keysCli(t, ['rotate'], sc.flags);
        if (sc.control) signAtOnce(t, before);
        log(`${name}: tessera keys rotate (${i})`);
      }
      await report.check(name, `rotation ${i} seen in every token stream (kid changed)`,
        () => waitFor(() => run.minChanges() >= i, ROTATION_TIMEOUT_MS, `rotation ${i}`));
      log(`${name}: rotation ${i} seen in every stream`);
      await sleep(MAX_AGE * 1000);
    }
    await sleep(MAX_AGE * 1000);
  } catch (e) {
    if (!(e instanceof Abort)) report.fail(name, 'scenario', describe(e));
  }
  run.stop();
  log(`${name}: stopped issuing; verifying the last tokens before they expire`);
  await run.drain();
  watch.stop();
  printRun(name, run, watch, maxAge, joseOpts);
  try { console.log(`--- tessera keys list\n${keysCli(t, ['list'], sc.flags).trimEnd()}`); } catch (e) { console.log(`--- tessera keys list failed: ${describe(e)}`); }
  const check = (what, cond, why) => (cond ? report.ok(name, what) : report.fail(name, what, why));
  check('every token request answered', run.issueErrors.length === 0, `${run.issueErrors.length} errors, e.g. ${run.issueErrors[0]}`);
  check(`every token lives at most --max-token-ttl ${TTL} s`, run.lifetimeErrors.length === 0, run.lifetimeErrors[0]);
  for (const [stream, s] of run.streams) {
    check(`${stream}: a kid never comes back`, new Set(s.kids).size === s.kids.length, `kids in issue order: ${s.kids.join(' -> ')}`);
  }
  const [joseSt, maxSt] = verifiers.map((v) => run.stats.get(v.name));
  if (!sc.control) {
    for (const [v, st] of run.stats) check(`${v}: every token verified, at issue and before expiry (${st.verified})`, st.failed === 0 && st.verified > 0, `${st.failed} failed, e.g. ${st.examples[0]}`);
  } else {
    const unknown = maxSt.reasons.get('ERR_JWKS_NO_MATCHING_KEY') ?? 0;
    check(`the test bites: max-age cache fails on a key that signs as soon as it is published (${unknown} unknown-kid failures)`,
      unknown > 0, `no failure: ${maxSt.verified} verified — this test could not tell a key published too late`);
    console.log(`    (jose createRemoteJWKSet, which refetches on an unknown kid: ${joseSt.failed} failures, not asserted)`);
  }
  if (!t.alive()) report.fail(name, 'server still running at the end', `tessera serve exited:\n${t.lastWords()}`);
  else if (report.failed > 0) console.log(`--- tessera serve stderr (last lines) ---\n${t.lastWords()}\n---`);
  await t.stop();
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const report = new Report();
  for (const s of opts.scenarios) await runScenario(opts.tessera, s, report);
  process.exitCode = report.summary() ? 0 : 1;
}

main().catch((e) => {
  process.stderr.write(`error: ${describe(e)}\n${e.stack ?? ''}\n`);
  process.exit(2);
});
