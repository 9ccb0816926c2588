// Processes for the OAuth interop run: `tessera serve` and redis-server on loopback, and the
// `tessera users|clients` CLI against the same data directory and store. Every process started
// here is killed when this Node process exits (and, through `setpriv --pdeathsig KILL` when it
// is installed, when it dies without running its exit handlers).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe } from './report.mjs';

// Fast password hashing for the test's own user (the server's defaults cost ~100 ms a login).
export const ARGON2 = ['--argon2-ops', '1', '--argon2-mem-kib', '8192'];

const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p));
const children = new Set();
const scratch = new Set();

function killAll() {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null) {
      try { c.kill('SIGKILL'); } catch { /* already gone */ }
    }
  }
  if (process.env.KEEP !== '1') for (const d of scratch) rmSync(d, { recursive: true, force: true });
}
process.on('exit', killAll);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => { killAll(); process.exit(130); });

export function scratchDir(prefix) {
  const d = mkdtempSync(join(tmpdir(), prefix));
  scratch.add(d);
  if (process.env.KEEP === '1') process.stderr.write(`scratch directory: ${d}\n`);
  return d;
}

function spawnTracked(argv, opts = {}) {
  const full = SETPRIV ? [SETPRIV, '--pdeathsig', 'KILL', '--', ...argv] : argv;
  // The server reads TESSERA_* settings from the environment: none may leak in from the caller.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TESSERA_')));
  const child = spawn(full[0], full.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Collects a stream's text (bounded) so that failures can show the server's last words.
function collect(stream, cap = 64 * 1024) {
  const buf = { text: '' };
  stream.setEncoding('utf8');
  stream.on('data', (d) => { buf.text = (buf.text + d).slice(-cap); });
  return buf;
}

export function redisInstalled() {
  return spawnSync('sh', ['-c', 'command -v redis-server'], { stdio: 'ignore' }).status === 0;
}

// redis-server on a free loopback port, no persistence; resolves to its redis:// URI once PING answers.
export async function startRedis() {
  const port = await freePort();
  const dir = scratchDir('tessera-oauth-redis-');
  const child = spawnTracked(['redis-server', '--port', String(port), '--bind', '127.0.0.1', '--save', '',
    '--appendonly', 'no', '--dir', dir], { cwd: dir });
  const out = collect(child.stdout);
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}: ${out.text.slice(-500)}`);
    if (await redisPing(port)) return { uri: `redis://127.0.0.1:${port}`, stop: () => child.kill('SIGKILL') };
    await sleep(50);
  }
  throw new Error('redis-server did not answer PING within 10 s');
}

function redisPing(port) {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.setTimeout(500, () => { s.destroy(); resolve(false); });
    s.on('error', () => resolve(false));
    s.on('connect', () => s.write('*1\r\n$4\r\nPING\r\n'));
    s.on('data', (d) => { s.destroy(); resolve(d.toString().startsWith('+PONG')); });
  });
}

// One Tessera instance: a data directory, a store, a port. cli() runs `tessera ARGS --data D
// --store S`; start() launches `tessera serve` and waits for its listening line.
export class Tessera {
  constructor(bin, store) {
    this.bin = bin;
    this.store = store;  // 'sqlite' or a redis:// URI
    this.data = join(scratchDir('tessera-oauth-'), 'data');
    this.child = null;
    this.port = null;
  }

  get origin() { return `http://127.0.0.1:${this.port}`; }

  storeArgs() { return ['--data', this.data, '--store', this.store]; }

  // Runs the CLI; returns stdout. Throws with the command line and its stderr on failure.
  cli(args, input) {
    const argv = [...args, ...this.storeArgs()];
    const r = spawnSync(this.bin, argv, { input, encoding: 'utf8', timeout: 60000,
      env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TESSERA_'))) });
    if (r.error) throw new Error(`tessera ${args.join(' ')}: ${r.error.message}`);
    if (r.status !== 0) {
      throw new Error(`tessera ${args.join(' ')} exited with ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
    }
    return r.stdout;
  }

  addUser(name, password) {
    this.cli(['users', 'add', name, '--password-stdin', ...ARGON2], `${password}\n`);
  }

  // `tessera clients add NAME ... --json` -> {client_id, client_secret?}
  addClient(name, flags) {
    const out = this.cli(['clients', 'add', name, ...flags, '--json']);
    let j;
    try { j = JSON.parse(out); } catch { throw new Error(`tessera clients add ${name} --json printed no JSON: ${out.slice(0, 200)}`); }
    if (typeof j.client_id !== 'string' || !j.client_id) throw new Error(`tessera clients add ${name} --json: no client_id in ${out.slice(0, 200)}`);
    return j;
  }

  // Listens on 127.0.0.1:0 (no port race): the port, and the default issuer, are the bound
  // ones, read from the "listening on" line. `extra`: more `tessera serve` flags.
  async start(extra = []) {
    const argv = [this.bin, 'serve', '--listen', '127.0.0.1:0', '--metrics-listen', 'off',
      ...this.storeArgs(), ...ARGON2, ...extra];
    this.child = spawnTracked(argv);
    this.stdout = collect(this.child.stdout);
    this.stderr = collect(this.child.stderr);
    const listening = 'listening on http://127.0.0.1:PORT';
    for (let i = 0; i < 400; i++) {
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(this.stderr.text);
      if (m) {
        this.port = Number(m[1]);
        return;
      }
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`tessera serve exited (${this.child.exitCode ?? this.child.signalCode}) before listening:\n${this.lastWords()}`);
      }
      await sleep(50);
    }
    throw new Error(`tessera serve did not print "${listening}" within 20 s:\n${this.lastWords()}`);
  }

  lastWords(lines = 15) {
    return (this.stderr?.text ?? '').trim().split('\n').slice(-lines).join('\n');
  }

  alive() { return this.child && this.child.exitCode === null && this.child.signalCode === null; }

  async stop() {
    if (!this.alive()) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10000);
    await gone;
    clearTimeout(t);
  }
}

// Runs run(storeName, storeSetting) on each of opts.stores: 'sqlite' as is, 'redis' on a
// redis-server started here on loopback (stopped after; skipped with a message when it is not
// installed). Failures to start go to report.
export async function forEachStore(stores, report, run) {
  for (const store of stores) {
    if (store === 'sqlite') {
      await run('sqlite', 'sqlite');
    } else if (!redisInstalled()) {
      report.skip('redis', 'all checks', 'redis-server is not installed; apt-get install redis-server (scripts/setup.sh does)');
    } else {
      let redis;
      try {
        redis = await startRedis();
      } catch (e) {
        report.fail('redis', 'start redis-server', describe(e));
        continue;
      }
      try {
        await run('redis', redis.uri);
      } finally {
        redis.stop();
      }
    }
  }
}

// The command line of an interop flow: --tessera BIN (required) and --store sqlite|redis
// (repeatable; none: both). A bad one exits 2 with the usage of script.
export function parseStoreArgs(argv, script) {
  const usage = (msg) => {
    process.stderr.write(`error: ${msg}\nusage: node ${script} --tessera BIN [--store sqlite|redis]...\n`);
    process.exit(2);
  };
  const o = { stores: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if ((a === '--tessera' || a === '--store') && i + 1 < argv.length) {
      const v = argv[++i];
      if (a === '--tessera') o.tessera = v;
      else if (v === 'sqlite' || v === 'redis') o.stores.push(v);
      else usage(`unknown store ${v}`);
    } else usage(`unexpected argument ${a}`);
  }
  if (!o.tessera) usage('--tessera BIN is required');
  if (o.stores.length === 0) o.stores = ['sqlite', 'redis'];
  return o;
}
