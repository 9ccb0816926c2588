// One run of the key rotation interop (key_rotation.mjs): sources issue tokens on a fixed
// cadence, every token is verified by every verifier twice — as soon as it is issued (a key
// must be published before it signs) and again one second before it expires (a superseded key
// must stay published while its tokens live) — and the kid of each stream is followed to see
// the rotations. Counts everything; asserts nothing (the scenarios do).
// Single-threaded (one Node event loop).
import * as jose from 'jose';

import { describe } from '../oauth/report.mjs';
import { tokenKid } from './verifiers.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// iat and exp of a token, read without verifying it (to schedule the second verification).
function times(token) {
  if (!token.startsWith('v4.public.')) {
    const { iat, exp } = jose.decodeJwt(token);
    return { iat, exp };
  }
  const body = Buffer.from(token.split('.')[2], 'base64url');
  const c = JSON.parse(body.subarray(0, body.length - 64).toString('utf8'));
  return { iat: Date.parse(c.iat) / 1000, exp: Date.parse(c.exp) / 1000 };
}

export class Run {
  constructor({ verifiers, sources, maxTokenTtl, periodMs }) {
    this.verifiers = verifiers;
    this.sources = sources;
    this.maxTokenTtl = maxTokenTtl;
    this.periodMs = periodMs;
    this.stats = new Map(verifiers.map((v) => [v.name, { verified: 0, failed: 0, reasons: new Map(), examples: [] }]));
    this.streams = new Map();  // stream -> {issued, kids: [kid in issue order, deduplicated runs], firstSigned: Map kid -> ms}
    this.issueErrors = [];
    this.lifetimeErrors = [];
    this.pending = new Set();
    this.timer = null;
    this.busy = new Set();
  }

  start() {
    this.timer = setInterval(() => { for (const s of this.sources) this.pull(s); }, this.periodMs);
  }

  stop() { clearInterval(this.timer); this.timer = null; }

  // Waits for the sources still answering and every scheduled second verification.
  async drain() {
    while (this.pending.size > 0 || this.busy.size > 0) await Promise.allSettled([...this.pending, sleep(50)]);
  }

  track(p) {
    this.pending.add(p);
    p.finally(() => this.pending.delete(p));
  }

  pull(source) {
    if (this.busy.has(source)) return;  // the previous call is still out (refresh tokens rotate: one at a time)
    this.busy.add(source);
    this.take(source.next()).finally(() => this.busy.delete(source));
  }

  // Records and verifies the tokens of one answer (also used for a source's first answer).
  async take(promise) {
    let tokens;
    try {
      tokens = await promise;
    } catch (e) {
      this.issueErrors.push(describe(e));
      return;
    }
    const now = Date.now();
    for (const t of tokens) {
      const s = this.streams.get(t.stream) ?? { issued: 0, kids: [], firstSigned: new Map() };
      this.streams.set(t.stream, s);
      s.issued++;
      let kid;
      try { kid = tokenKid(t.token); } catch (e) { this.issueErrors.push(`${t.stream}: no readable kid: ${describe(e)}`); continue; }
      if (s.kids[s.kids.length - 1] !== kid) s.kids.push(kid);
      if (!s.firstSigned.has(kid)) s.firstSigned.set(kid, now);
      const { iat, exp } = times(t.token);
      if (!(exp - iat <= this.maxTokenTtl)) this.lifetimeErrors.push(`${t.stream}: exp - iat = ${exp - iat} s > --max-token-ttl ${this.maxTokenTtl}`);
      this.track(this.verifyAll(t, 'at issue'));
      const later = Math.max(0, exp * 1000 - 1000 - Date.now());
      this.track(sleep(later).then(() => this.verifyAll(t, 'before expiry')));
    }
  }

  async verifyAll(t, when) {
    await Promise.all(this.verifiers.map(async (v) => {
      const st = this.stats.get(v.name);
      try {
        await v.verify(t.kind, t.token, t.audience);
        st.verified++;
      } catch (e) {
        st.failed++;
        const reason = e?.code ?? e?.name ?? 'error';
        st.reasons.set(reason, (st.reasons.get(reason) ?? 0) + 1);
        if (st.examples.length < 5) st.examples.push(`${t.stream} ${when}, kid ${tokenKid(t.token)}: ${describe(e)}`);
      }
    }));
  }

  // Rotations seen in a stream: how often its kid changed.
  changes(stream) { return Math.max(0, (this.streams.get(stream)?.kids.length ?? 0) - 1); }

  minChanges() { return Math.min(...[...this.streams.keys()].map((s) => this.changes(s))); }
}

// Polls the JWKS (every pollMs) to note when each kid was first and last published: printed
// beside the first token each kid signed (how far ahead keys are published), not asserted.
export class JwksWatch {
  constructor(jwksUri, pollMs = 100) {
    this.jwksUri = jwksUri;
    this.firstSeen = new Map();
    this.lastSeen = new Map();
    this.timer = setInterval(() => this.poll().catch(() => {}), pollMs);
  }

  async poll() {
    const j = await (await fetch(this.jwksUri)).json();
    const now = Date.now();
    for (const k of j.keys) {
      if (!this.firstSeen.has(k.kid)) this.firstSeen.set(k.kid, now);
      this.lastSeen.set(k.kid, now);
    }
  }

  stop() { clearInterval(this.timer); }
}
