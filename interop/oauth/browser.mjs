// The user-agent half of the authorization code flow without a browser: log in with
// POST /login (JSON) to get the session cookie, then GET the authorization URL with that
// cookie and take the redirect's Location. Stateless helpers over fetch.
import { expect } from './report.mjs';

export const SESSION_COOKIE = '__Host-tessera';

// POST /login {"username","password"} -> "name=value" of the session cookie.
export async function login(origin, username, password) {
  const r = await fetch(new URL('/login', origin), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    redirect: 'manual',
  });
  const body = await r.text();
  expect(r.status === 200, `POST /login answered ${r.status}: ${body.slice(0, 200)}`);
  const cookie = r.headers.getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  expect(cookie, `POST /login set no ${SESSION_COOKIE} cookie`);
  return cookie;
}

// GET url (an authorization request) with the session cookie; the answer must be a redirect
// to the client's redirect URI. Returns the Location as a URL.
export async function authorize(url, cookie, redirectUri) {
  const r = await fetch(url, { headers: cookie ? { cookie } : {}, redirect: 'manual' });
  const body = await r.text();
  const loc = r.headers.get('location');
  expect(r.status === 302 || r.status === 303, `GET /oauth2/authorize answered ${r.status} (Location ${loc}): ${body.slice(0, 200)}`);
  expect(loc, `GET /oauth2/authorize answered ${r.status} without a Location`);
  const to = new URL(loc, url);
  if (to.pathname === '/login' || to.pathname.startsWith('/consent')) {
    throw new Error(`GET /oauth2/authorize with a live session sent the user agent to ${to.pathname}, not back to the client`);
  }
  expect(to.href.startsWith(redirectUri), `GET /oauth2/authorize redirected to ${to.origin}${to.pathname}, not to ${redirectUri}`);
  return to;
}
