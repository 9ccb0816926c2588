// The interop run's report: one line per check (`ok   SCOPE CHECK`, `FAIL SCOPE CHECK: why`,
// `skip SCOPE CHECK (why)`), the totals, and the expectations the checks are written with.
// Single-threaded (one Node event loop); checks run one after the other.

export class Abort extends Error {}  // a check failed (already reported): end the scenario

export class Report {
  constructor() {
    this.passed = 0;
    this.failed = 0;
    this.skipped = 0;
  }

  ok(scope, name) {
    console.log(`ok   ${scope} ${name}`);
    this.passed++;
  }

  fail(scope, name, why) {
    console.log(`FAIL ${scope} ${name}: ${why}`);
    this.failed++;
  }

  skip(scope, name, why) {
    console.log(`skip ${scope} ${name} (${why})`);
    this.skipped++;
  }

  // Runs fn as the check SCOPE NAME: returns its value, or reports the failure and throws Abort
  // (the following checks of a scenario depend on this one).
  async check(scope, name, fn) {
    try {
      const v = await fn();
      this.ok(scope, name);
      return v;
    } catch (e) {
      this.fail(scope, name, describe(e));
      throw new Abort();
    }
  }

  // Runs a scenario (a sequence of checks); a failed check ends it, an unexpected error is
  // reported as a failure of the scenario itself.
  async scenario(scope, fn) {
    try {
      await fn();
    } catch (e) {
      if (!(e instanceof Abort)) this.fail(scope, 'scenario', describe(e));
    }
  }

  summary() {
    if (this.skipped > 0) console.log(`${this.skipped} skipped`);
    console.log(`${this.passed} passed, ${this.failed} failed`);
    return this.failed === 0;
  }
}

// A one-line description of an error, with what the server said when it said something.
export function describe(e) {
  if (e == null) return String(e);
  const parts = [e.message ?? String(e)];
  if (e.error) parts.push(`error=${e.error}`);
  if (e.status) parts.push(`HTTP ${e.status}`);
  if (e.error_description) parts.push(`"${e.error_description}"`);
  if (e.code && !parts[0].includes(e.code)) parts.push(`(${e.code})`);
  const c = e.cause;
  if (c instanceof Response) parts.push(`HTTP ${c.status}`);
  else if (c && typeof c === 'object' && !Array.isArray(c) && !(c instanceof Error)) {
    try { parts.push(`cause: ${JSON.stringify(c).slice(0, 300)}`); } catch { /* not JSON */ }
  } else if (c instanceof Error) parts.push(`cause: ${c.message}`);
  return parts.join(' ').replace(/\s+/g, ' ');
}

export function expect(cond, msg) {
  if (!cond) throw new Error(msg);
}

export function expectEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}

// The OAuth error code an openid-client / oauth4webapi error carries: a token-endpoint style
// error body (ResponseBodyError), an authorization response error, or an RFC 6750
// WWW-Authenticate challenge (WWWAuthenticateChallengeError). A challenge without an `error`
// parameter (a 401 with `WWW-Authenticate: Basic realm=...`, RFC 6749 §5.2) leaves the body
// unread: its JSON `error` is the code.
export async function oauthErrorCode(e) {
  if (typeof e?.error === 'string') return e.error;
  if (Array.isArray(e?.cause)) {
    for (const ch of e.cause) if (ch?.parameters?.error) return ch.parameters.error;
    if (e.response instanceof Response && !e.response.bodyUsed) {
      try { return (await e.response.json()).error; } catch { return undefined; }
    }
  }
  return undefined;
}

// Awaits p, which must fail with the OAuth error `code` (and, if given, HTTP `status`).
export async function expectOAuthError(p, code, status) {
  let v;
  try {
    v = await p;
  } catch (e) {
    const got = await oauthErrorCode(e);
    if (got !== code) throw new Error(`expected error ${code}, got ${got ? `error ${got}` : describe(e)}`);
    if (status !== undefined && e.status !== status) throw new Error(`expected ${code} with HTTP ${status}, got HTTP ${e.status}`);
    return e;
  }
  throw new Error(`expected error ${code}, but the request succeeded: ${JSON.stringify(v)?.slice(0, 200)}`);
}
