// The BFF's sample single-page app (web/templates/bff_app.mustache; docs/bff.md "The sample
// app"). It asks GET /bff/user who is signed in, calls GET /bff/api/{name}{path} and shows the
// answer, and signs out with POST /bff/logout; every call is a same-origin fetch with X-CSRF: 1.
// It never holds a token: the BFF's cookie is HttpOnly, and the BFF answers with claims and API
// bodies only. It writes text only (textContent), keeps nothing in storage, and clears what it
// showed when the user is signed out (also when the page comes back from the back/forward cache).
// For tests: document.body.dataset.state is "loading", "signed-in", "signed-out" or "error";
// dataset.calls counts the API calls that have finished.

const $ = (id) => document.getElementById(id);
const CSRF = { 'X-CSRF': '1' };

function showMessage(text) {
  $('message').textContent = text;
}

function showUser(user) {
  $('user-name').textContent = user.preferred_username || user.name || user.sub || '';
  $('claims').replaceChildren(...Object.entries(user).flatMap(([name, value]) => {
    const dt = document.createElement('dt');
    dt.textContent = name;
    const dd = document.createElement('dd');
    dd.textContent = typeof value === 'string' ? value : JSON.stringify(value);
    return [dt, dd];
  }));
}

function clearUser() {
  $('user-name').textContent = '';
  $('claims').replaceChildren();
  if ($('api-result')) {
    $('api-result').textContent = '';
    delete $('api-result').dataset.status;
    $('api-status').textContent = '';
  }
}

// state: loading | signed-in (with user) | signed-out | error.
function show(state, user) {
  document.body.dataset.state = state;
  const signedIn = state === 'signed-in';
  $('signed-in').hidden = !signedIn;
  $('signed-out').hidden = state !== 'signed-out';
  if ($('call-api')) $('call-api').disabled = !signedIn;
  if (signedIn) showUser(user);
  else clearUser();
  $('user-status').textContent = {
    'loading': 'Checking…', 'signed-in': '', 'signed-out': 'You are not signed in.', 'error': 'Could not ask who is signed in.',
  }[state];
}

async function loadUser() {
  try {
    const r = await fetch('/bff/user', { headers: CSRF, cache: 'no-store' });
    if (!r.ok) await r.text();  // read to the end, so the request completes
    if (r.status === 401) {
      show('signed-out');
    } else if (!r.ok) {
      showMessage(`GET /bff/user answered ${r.status}.`);
      show('error');
    } else {
      show('signed-in', await r.json());
    }
  } catch (e) {
    showMessage(`GET /bff/user failed: ${e.message}`);
    show('error');
  }
}

async function callApi() {
  let path = $('api-path').value.trim() || '/';
  if (!path.startsWith('/')) path = `/${path}`;
  const url = `/bff/api/${encodeURIComponent($('upstream').value)}${path}`;
  $('api-status').textContent = 'Calling…';
  $('api-result').textContent = '';
  try {
    const r = await fetch(url, { headers: CSRF, cache: 'no-store' });
    const text = await r.text();
    if (r.status === 401) {
      show('signed-out');
      showMessage('Your session has ended: sign in again.');
    } else {
      let body = text;
      try { body = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON: as text */ }
      $('api-result').textContent = body;
    }
    $('api-result').dataset.status = String(r.status);
    $('api-status').textContent = `GET ${url}: ${r.status}`;
  } catch (e) {
    $('api-status').textContent = `GET ${url} failed: ${e.message}`;
  }
  document.body.dataset.calls = String(Number(document.body.dataset.calls || 0) + 1);
}

async function signOut() {
  try {
    const r = await fetch('/bff/logout', { method: 'POST', headers: CSRF, cache: 'no-store' });
    await r.text();
    if (r.status !== 204 && r.status !== 401) {
      showMessage(`Sign out failed: POST /bff/logout answered ${r.status}.`);
      return;
    }
    showMessage('');
    show('signed-out');
    $('user-status').textContent = 'You have signed out.';
    $('sign-in').focus();
  } catch (e) {
    showMessage(`Sign out failed: ${e.message}`);
  }
}

$('sign-out').addEventListener('click', signOut);
if ($('call-api')) $('call-api').addEventListener('click', callApi);
// A page restored from the back/forward cache shows nothing of before until /bff/user answers.
window.addEventListener('pageshow', (e) => {
  if (e.persisted) {
    show('loading');
    loadUser();
  }
});
loadUser();
