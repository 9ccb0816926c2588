#!/usr/bin/env node
// Revocation feed latency (run by scripts/bench_feed.sh): N times, a user logs in on instance A
// and calls POST /logout-everywhere there; a subscriber connected to instance B's
// GET /oauth2/revocations (Server-Sent Events, or long-poll) waits for the `subject` event of
// that user. Latency = from just before the logout request is sent to the moment the event's
// bytes arrive at the subscriber (one process, one monotonic clock). Revocations run one after
// the other; users are taken round-robin from a pool, and an event counts only for the user
// whose revocation is in flight. Prints p50 / p99 / max per mode and writes them as JSON.
//
// usage: node latency.mjs --a URL --b URL --client-id ID --secret S --users NAME,NAME,...
//                         --password P [--count N] [--warmup N] [--modes sse,longpoll] [--json FILE]
// No npm packages. Single-threaded.
import { writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const EVENT_TIMEOUT_MS = 10000;  // a revocation whose event does not arrive within this fails the run

function parseArgs(argv) {
  const o = { count: 1000, warmup: 20, modes: ['sse', 'longpoll'] };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (v === undefined) throw new Error(`${k} needs a value`);
    switch (k) {
      case '--a': o.a = v; break;
      case '--b': o.b = v; break;
      case '--client-id': o.clientId = v; break;
      case '--secret': o.secret = v; break;
      case '--users': o.users = v.split(','); break;
      case '--password': o.password = v; break;
      case '--count': o.count = Number(v); break;
      case '--warmup': o.warmup = Number(v); break;
      case '--modes': o.modes = v.split(','); break;
      case '--json': o.json = v; break;
      default: throw new Error(`unknown argument ${k}`);
    }
  }
  for (const k of ['a', 'b', 'clientId', 'secret', 'users', 'password']) if (!o[k]) throw new Error(`--${k} is required`);
  if (!(Number.isInteger(o.count) && o.count > 0)) throw new Error('--count must be a positive integer');
  for (const m of o.modes) if (m !== 'sse' && m !== 'longpoll') throw new Error(`unknown mode ${m}`);
  return o;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The subscriber side: events are handed to onEvent(event, arrivedAtMs) as their bytes arrive.
class Subscriber {
  constructor(origin, auth, onEvent) {
    Object.assign(this, { origin, auth, onEvent });
    this.stopped = false;
    this.abort = new AbortController();
    this.events = 0;
    this.resyncs = 0;
    this.readyOnce = new Promise((r) => { this.markReady = r; });
  }

  feedUrl(params) {
    const u = new URL('/oauth2/revocations', this.origin);
    for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) u.searchParams.set(k, v);
    return u;
  }

  async get(params, accept) {
    const r = await fetch(this.feedUrl(params), { headers: { authorization: this.auth, accept }, signal: this.abort.signal });
    if (r.status !== 200) throw new Error(`GET /oauth2/revocations answered ${r.status}: ${(await r.text()).slice(0, 300)}`);
    return r;
  }

  // The current cursor (the feed's position now): a first call without waiting.
  async cursorNow() {
    const j = await (await this.get({ wait: 0 }, 'application/json')).json();
    if (typeof j.cursor !== 'string') throw new Error(`the feed answered no cursor: ${JSON.stringify(j).slice(0, 200)}`);
    return j.cursor;
  }

  deliver(obj, at) {
    const list = Array.isArray(obj?.events) ? obj.events : [obj];
    for (const e of list) {
      this.events++;
      if (e?.type === 'resync') this.resyncs++;
      if (e?.type === 'ready') this.markReady();  // SSE: the stream is established
      else this.onEvent(e, at);
    }
  }

  stop() {
    this.stopped = true;
    this.abort.abort();
  }
}

// Server-Sent Events: one long response; each message's data is an event (or a batch).
class SseSubscriber extends Subscriber {
  async start() {
    const cursor = await this.cursorNow();
    const r = await this.get({ since: cursor }, 'text/event-stream');
    const ct = r.headers.get('content-type') ?? '';
    if (!ct.startsWith('text/event-stream')) throw new Error(`the feed answered ${ct} to Accept: text/event-stream`);
    this.done = this.read(r.body).catch((e) => { if (!this.stopped) this.error = e; });
  }

  async read(body) {
    const dec = new TextDecoder();
    let buf = '';
    for await (const chunk of body) {
      const at = performance.now();
      buf += dec.decode(chunk, { stream: true }).replace(/\r\n?/g, '\n');
      let end;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const msg = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const data = msg.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
        if (data) this.deliver(JSON.parse(data), at);
      }
    }
    if (!this.stopped) throw new Error('the event stream ended');
  }
}

// Long-poll: GET ?since=CURSOR&wait=S again as soon as each answer arrives.
class LongPollSubscriber extends Subscriber {
  async start() {
    let cursor = await this.cursorNow();
    this.done = (async () => {
      while (!this.stopped) {
        const j = await (await this.get({ since: cursor, wait: 25 }, 'application/json')).json();
        const at = performance.now();
        for (const e of j.events ?? []) this.deliver(e, at);
        cursor = j.cursor;
      }
    })().catch((e) => { if (!this.stopped) this.error = e; });
  }
}

async function login(origin, username, password) {
  const r = await fetch(new URL('/login', origin), {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  const text = await r.text();
  if (r.status !== 200) throw new Error(`POST /login (${username}) answered ${r.status}: ${text.slice(0, 200)}`);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('__Host-tessera='));
  if (!cookie) throw new Error('POST /login set no session cookie');
  return { cookie, csrf: JSON.parse(text).csrf_token };
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function runMode(o, mode) {
  const waiting = new Map();  // sub -> resolve(arrivedAtMs)
  let stray = 0;
  const onEvent = (e, at) => {
    if (e?.type === 'subject' && waiting.has(e.sub)) {
      waiting.get(e.sub)(at);
      waiting.delete(e.sub);
    } else stray++;
  };
  const auth = `Basic ${Buffer.from(`${encodeURIComponent(o.clientId)}:${encodeURIComponent(o.secret)}`).toString('base64')}`;
  const sub = mode === 'sse' ? new SseSubscriber(o.b, auth, onEvent) : new LongPollSubscriber(o.b, auth, onEvent);
  await sub.start();
  if (mode === 'sse') {
    await Promise.race([sub.readyOnce, sleep(5000).then(() => { throw new Error('the event stream sent no "ready" event within 5 s'); })]);
  }
  const lat = [];
  const logoutMs = [];
  try {
    for (let i = 0; i < o.warmup + o.count; i++) {
      if (sub.error) throw sub.error;
      const user = o.users[i % o.users.length];
      const s = await login(o.a, user, o.password);
      const arrived = new Promise((resolve, reject) => {
        waiting.set(user, resolve);
        setTimeout(() => reject(new Error(`${mode}: no subject event for ${user} within ${EVENT_TIMEOUT_MS / 1000} s${sub.error ? ` (${sub.error.message})` : ''}`)), EVENT_TIMEOUT_MS).unref();
      });
      const t0 = performance.now();
      const r = await fetch(new URL('/logout-everywhere', o.a), {
        method: 'POST', headers: { cookie: s.cookie, 'x-csrf-token': s.csrf, 'content-type': 'application/json' }, body: '{}',
      });
      const t1 = performance.now();
      if (r.status !== 200) throw new Error(`POST /logout-everywhere answered ${r.status}: ${(await r.text()).slice(0, 200)}`);
      await r.arrayBuffer();
      const at = await arrived;
      if (i >= o.warmup) {
        lat.push(at - t0);
        logoutMs.push(t1 - t0);
      }
    }
  } finally {
    sub.stop();
  }
  const sorted = [...lat].sort((x, y) => x - y);
  const lsorted = [...logoutMs].sort((x, y) => x - y);
  const res = {
    mode, count: lat.length, warmup: o.warmup,
    p50_ms: percentile(sorted, 50), p99_ms: percentile(sorted, 99), max_ms: sorted[sorted.length - 1],
    mean_ms: lat.reduce((a, b) => a + b, 0) / lat.length,
    logout_p50_ms: percentile(lsorted, 50), logout_p99_ms: percentile(lsorted, 99),
    stray_events: stray, resyncs: sub.resyncs,
  };
  const f = (x) => x.toFixed(1);
  console.log(`${mode.padEnd(8)} n=${res.count}  p50 ${f(res.p50_ms)} ms  p99 ${f(res.p99_ms)} ms  max ${f(res.max_ms)} ms  mean ${f(res.mean_ms)} ms` +
    `   (POST /logout-everywhere itself: p50 ${f(res.logout_p50_ms)} ms, p99 ${f(res.logout_p99_ms)} ms; other events ${stray}, resyncs ${sub.resyncs})`);
  return res;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const results = [];
  for (const m of o.modes) results.push(await runMode(o, m));
  if (o.json) writeFileSync(o.json, `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((e) => {
  process.stderr.write(`latency.mjs: ${e.message}\n`);
  process.exit(1);
});
