// The token debugger page's wiring (web/templates/debugger.mustache): reads the inputs, calls
// decode.js / verify.js / sign.js, writes the results as text (textContent only, never HTML).
// The only request it can make is GET /.well-known/jwks.json when the user picks "this server's
// JWKS" (the page's CSP allows nothing else).
import { decodeToken, timeInfo, warnings, formatDuration } from './decode.js';
import { verifyJwt, hasEd25519 } from './verify.js';
import { generateEs256, signEs256, exampleClaims } from './sign.js';

const $ = (id) => document.getElementById(id);
const subtle = globalThis.crypto?.subtle;
const pretty = (v) => JSON.stringify(v, null, 2);

function showList(el, items) {
  el.replaceChildren(...items.map((text) => {
    const li = document.createElement('li');
    li.textContent = text;
    return li;
  }));
}

function decode() {
  $('error').textContent = '';
  try {
    const d = decodeToken($('token').value);
    const now = Date.now() / 1000;
    $('kind').textContent = d.kind === 'paseto' ? `PASETO ${d.version}.${d.purpose}` : d.kind.toUpperCase();
    $('header').textContent = pretty(d.kind === 'paseto' ? { ...d.header, footer: d.footer } : d.header);
    $('claims').textContent = d.claims ? pretty(d.claims) : '(encrypted: the payload is not readable without the key)';
    const t = timeInfo(d.claims, now);
    const times = [];
    if (t.iat) times.push(`issued ${t.iat}`);
    if (t.nbf) times.push(`valid from ${t.nbf}${t.notYetValid ? ' (not yet valid)' : ''}`);
    if (t.exp) times.push(`expires ${t.exp}${t.expired ? ' (expired)' : ` (in ${formatDuration(Date.parse(t.exp) / 1000 - now)})`}`);
    if (t.lifetime !== null) times.push(`lifetime ${formatDuration(t.lifetime)}`);
    showList($('times'), times);
    showList($('warnings'), warnings(d, now).map((w) => `${w.code}: ${w.message}`));
  } catch (e) {
    for (const id of ['kind', 'header', 'claims']) $(id).textContent = '';
    showList($('times'), []);
    showList($('warnings'), []);
    $('error').textContent = e.message;
  }
}

async function verify() {
  const result = $('result');
  result.className = '';
  result.textContent = 'Verifying…';
  if (!subtle) {
    result.textContent = 'WebCrypto is not available (the page needs a secure context: https or localhost).';
    return;
  }
  let keyText = $('key').value;
  if ($('key-source').value === 'server') {
    try {
      const res = await fetch('/.well-known/jwks.json', { credentials: 'omit', cache: 'no-store' });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      keyText = await res.text();
    } catch (e) {
      result.textContent = `Could not fetch this server's JWKS: ${e.message}`;
      return;
    }
  }
  const r = await verifyJwt(subtle, $('token').value, keyText);
  result.className = r.ok ? 'valid' : 'invalid';
  result.textContent = `${r.ok ? 'Valid' : 'Not verified'}${r.alg ? ` (${r.alg}${r.kid ? `, kid ${r.kid}` : ''})` : ''}: ${r.reason}`;
}

let signer = null;

async function sign() {
  $('sign-error').textContent = '';
  try {
    if (!subtle) throw new Error('WebCrypto is not available');
    signer ??= await generateEs256(subtle);
    $('signed-token').value = await signEs256(subtle, $('sign-claims').value, signer.privateKey, signer.publicJwk.kid);
    $('public-jwk').value = pretty(signer.publicJwk);
  } catch (e) {
    $('sign-error').textContent = e.message;
  }
}

function useSigned() {
  $('token').value = $('signed-token').value;
  $('key').value = $('public-jwk').value;
  $('key-source').value = 'pasted';
  decode();
}

$('decode').addEventListener('click', decode);
$('token').addEventListener('input', decode);
$('verify').addEventListener('click', verify);
$('sign').addEventListener('click', sign);
$('use-signed').addEventListener('click', useSigned);
$('key-source').addEventListener('change', () => { $('key').disabled = $('key-source').value === 'server'; });
$('sign-claims').value = pretty(exampleClaims());
if (subtle) {
  hasEd25519(subtle).then((yes) => { $('eddsa').textContent = yes ? 'EdDSA (Ed25519): supported here.' : 'EdDSA (Ed25519): this browser has no Ed25519 in WebCrypto, so EdDSA tokens cannot be verified here.'; });
}
document.body.dataset.ready = 'true';
