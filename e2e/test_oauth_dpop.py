# DPoP (RFC 9449) over HTTP against the real `tessera serve` (docs/dpop.md): proofs made here with
# the `cryptography` package (ES256), a public first-party client doing code + PKCE with DPoP.
#  - OAuthDpop: one server, nonces on (the default): use_dpop_nonce with DPoP-Nonce, token_type
#    DPoP with cnf.jkt, the refresh token bound to the key, /userinfo with the DPoP scheme, the
#    bound token refused as Bearer (401, Bearer and DPoP challenges), a replayed proof refused.
#  - OAuthDpopNoNonce: --dpop-nonce=false: the first proof is accepted without a nonce.
#  - OAuthDpopTwoInstances: two servers on one store (the same data directory, or the same
#    Redis / Cluster) and one --issuer: a nonce from instance 1 is accepted by instance 2, a
#    proof used at instance 1 is refused as a replay at instance 2.
import base64
import hashlib
import json
import secrets
import time
import unittest
import urllib.parse

from harness import E2ETest, b64url_nopad, remember_secret

try:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
except ImportError:  # pragma: no cover
    ec = None

REDIRECT = "https://app.example/cb"


def b64json(obj):
    return b64url_nopad(json.dumps(obj, separators=(",", ":")).encode())


class DpopKey:
    """An ES256 key pair and the DPoP proofs it signs."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        n = self.key.public_key().public_numbers()
        self.jwk = {"kty": "EC", "crv": "P-256", "x": b64url_nopad(n.x.to_bytes(32, "big")),
                    "y": b64url_nopad(n.y.to_bytes(32, "big"))}

    def thumbprint(self):  # RFC 7638
        canon = json.dumps({k: self.jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"))
        return b64url_nopad(hashlib.sha256(canon.encode()).digest())

    def proof(self, method, url, nonce=None, access_token=None):
        claims = {"jti": secrets.token_urlsafe(16), "htm": method, "htu": url, "iat": int(time.time())}
        if nonce:
            claims["nonce"] = nonce
        if access_token:
            claims["ath"] = b64url_nopad(hashlib.sha256(access_token.encode()).digest())
        signing_input = b64json({"typ": "dpop+jwt", "alg": "ES256", "jwk": self.jwk}) + "." + b64json(claims)
        r, s = decode_dss_signature(self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        return signing_input + "." + b64url_nopad(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


def pkce():
    verifier = secrets.token_urlsafe(48)
    return verifier, b64url_nopad(hashlib.sha256(verifier.encode()).digest())


def jwt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class DpopBase(E2ETest):
    user_pool = 4
    issuer = None  # the default: the server's own origin

    @classmethod
    def setUpClass(cls):
        if ec is None:
            raise unittest.SkipTest("the python3 cryptography package is not installed")
        super().setUpClass()
        p = cls.env.cli("clients", "add", "dpop app", "--public", "--first-party", "--redirect-uri", REDIRECT,
                        "--json")
        cls.client = json.loads(p.stdout)

    def assertOAuthError(self, r, status, code):
        body = self.assertJSON(r, status)
        self.assertEqual(body.get("error"), code, r)
        self.assertIsInstance(body.get("error_description"), str, r)
        return body

    def url(self, srv, path):
        return (self.issuer or srv.origin) + path

    def code(self, srv):
        """A code + verifier from a first-party authorization (login on srv)."""
        name, pw = self.env.add_user()
        sess = srv.login(name, pw)
        verifier, challenge = pkce()
        params = {"response_type": "code", "client_id": self.client["client_id"], "redirect_uri": REDIRECT,
                  "scope": "openid profile offline_access", "state": "s", "code_challenge": challenge,
                  "code_challenge_method": "S256"}
        r = srv.request("GET", "/oauth2/authorize?" + urllib.parse.urlencode(params), cookie=sess.cookie)
        self.assertEqual(r.status, 302, r)
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(r.header("Location")).query))
        remember_secret(q["code"])
        return q["code"], verifier

    def token(self, srv, form, proof=None):
        r = srv.request("POST", "/oauth2/token", form=form, headers={"DPoP": proof} if proof else None)
        if r.status == 200:
            for k in ("access_token", "refresh_token", "id_token"):
                remember_secret(r.json().get(k))
        return r

    def exchange_form(self, code, verifier):
        return {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT,
                "code_verifier": verifier, "client_id": self.client["client_id"]}

    def nonce_of(self, srv, key):
        """The server's nonce, as a first proof without one learns it (400 use_dpop_nonce)."""
        r = self.token(srv, {"grant_type": "refresh_token", "refresh_token": "x",
                             "client_id": self.client["client_id"]}, key.proof("POST", self.url(srv, "/oauth2/token")))
        self.assertOAuthError(r, 400, "use_dpop_nonce")
        nonce = r.header("DPoP-Nonce")
        self.assertTrue(nonce, r)
        return nonce

    def userinfo(self, srv, scheme, token, proof=None):
        h = {"Authorization": f"{scheme} {token}"}
        if proof:
            h["DPoP"] = proof
        return srv.request("GET", "/userinfo", headers=h)


class OAuthDpop(DpopBase):
    def test_metadata_advertises_dpop(self):
        m = self.assertJSON(self.srv.request("GET", "/.well-known/openid-configuration"), 200)
        self.assertIn("ES256", m["dpop_signing_alg_values_supported"])

    def test_flow_nonce_bind_refresh_userinfo(self):
        key = DpopKey()
        code, verifier = self.code(self.srv)
        token_url = self.url(self.srv, "/oauth2/token")
        # No nonce yet: 400 use_dpop_nonce with the nonce to use.
        r = self.token(self.srv, self.exchange_form(code, verifier), key.proof("POST", token_url))
        self.assertOAuthError(r, 400, "use_dpop_nonce")
        nonce = r.header("DPoP-Nonce")
        self.assertTrue(nonce)
        r = self.token(self.srv, self.exchange_form(code, verifier), key.proof("POST", token_url, nonce))
        t = self.assertJSON(r, 200)
        self.assertEqual(t["token_type"], "DPoP")
        self.assertTrue(r.header("DPoP-Nonce"))
        self.assertEqual(jwt_claims(t["access_token"])["cnf"], {"jkt": key.thumbprint()})
        # The refresh token is bound: another key's proof, and no proof, are refused.
        other = DpopKey()
        refresh = {"grant_type": "refresh_token", "refresh_token": t["refresh_token"],
                   "client_id": self.client["client_id"]}
        self.assertOAuthError(self.token(self.srv, refresh, other.proof("POST", token_url, nonce)), 400, "invalid_grant")
        self.assertOAuthError(self.token(self.srv, refresh), 400, "invalid_grant")
        t2 = self.assertJSON(self.token(self.srv, refresh, key.proof("POST", token_url, nonce)), 200)
        self.assertEqual(t2["token_type"], "DPoP")
        at = t2["access_token"]
        # /userinfo with the DPoP scheme and a proof with ath.
        ui_url = self.url(self.srv, "/userinfo")
        r = self.userinfo(self.srv, "DPoP", at, key.proof("GET", ui_url, nonce, at))
        self.assertJSON(r, 200)
        # Without the nonce: 401 with the DPoP challenge and the nonce.
        r = self.userinfo(self.srv, "DPoP", at, key.proof("GET", ui_url, None, at))
        self.assertEqual(r.status, 401, r)
        self.assertIn('error="use_dpop_nonce"', r.header("WWW-Authenticate"))
        self.assertTrue(r.header("DPoP-Nonce"))
        # As Bearer: refused (RFC 9449 §7.2), with a DPoP challenge beside the Bearer one.
        r = self.userinfo(self.srv, "Bearer", at)
        self.assertEqual(r.status, 401, r)
        challenges = r.headers.get_all("WWW-Authenticate")
        self.assertIn('Bearer realm="tessera", error="invalid_token"', challenges)
        self.assertTrue(any(c.startswith('DPoP algs="') for c in challenges), challenges)

    def test_replayed_proof_refused(self):
        key = DpopKey()
        nonce = self.nonce_of(self.srv, key)
        code, verifier = self.code(self.srv)
        proof = key.proof("POST", self.url(self.srv, "/oauth2/token"), nonce)
        self.assertJSON(self.token(self.srv, self.exchange_form(code, verifier), proof), 200)
        code, verifier = self.code(self.srv)
        self.assertOAuthError(self.token(self.srv, self.exchange_form(code, verifier), proof), 400, "invalid_dpop_proof")

    def test_two_proofs_and_a_bad_one_refused(self):
        key = DpopKey()
        nonce = self.nonce_of(self.srv, key)
        url = self.url(self.srv, "/oauth2/token")
        code, verifier = self.code(self.srv)
        # Two DPoP header fields (http.client's request() sends one per name: put them by hand).
        body = urllib.parse.urlencode(self.exchange_form(code, verifier)).encode()
        conn = self.srv.connect()
        try:
            conn.putrequest("POST", "/oauth2/token")
            conn.putheader("Content-Type", "application/x-www-form-urlencoded")
            conn.putheader("Content-Length", str(len(body)))
            conn.putheader("DPoP", key.proof("POST", url, nonce))
            conn.putheader("DPoP", key.proof("POST", url, nonce))
            conn.endheaders(body)
            resp = conn.getresponse()
            self.assertEqual(resp.status, 400)
            self.assertEqual(json.loads(resp.read())["error"], "invalid_dpop_proof")
        finally:
            conn.close()
        # A proof for another URL.
        r = self.token(self.srv, self.exchange_form(code, verifier), key.proof("POST", url + "x", nonce))
        self.assertOAuthError(r, 400, "invalid_dpop_proof")


class OAuthDpopNoNonce(DpopBase):
    server_args = ("--dpop-nonce=false",)

    def test_first_proof_accepted_without_nonce(self):
        key = DpopKey()
        code, verifier = self.code(self.srv)
        r = self.token(self.srv, self.exchange_form(code, verifier), key.proof("POST", self.url(self.srv, "/oauth2/token")))
        self.assertEqual(self.assertJSON(r, 200)["token_type"], "DPoP")
        self.assertIsNone(r.header("DPoP-Nonce"))


class OAuthDpopTwoInstances(DpopBase):
    issuer = "http://localhost:9"
    server_args = ("--issuer", "http://localhost:9")

    def test_nonce_shared_and_replay_refused_across_instances(self):
        srv2 = self.env.server(*self.server_args)
        key = DpopKey()
        nonce = self.nonce_of(self.srv, key)  # learnt from instance 1
        url = self.url(self.srv, "/oauth2/token")
        code, verifier = self.code(self.srv)
        proof = key.proof("POST", url, nonce)
        t = self.assertJSON(self.token(srv2, self.exchange_form(code, verifier), proof), 200)  # used at instance 2
        self.assertEqual(t["token_type"], "DPoP")
        # The same proof at instance 1: a replay (one replay cache in the shared store).
        code, verifier = self.code(self.srv)
        self.assertOAuthError(self.token(self.srv, self.exchange_form(code, verifier), proof), 400, "invalid_dpop_proof")
        # The token bound at instance 2 works at instance 1's /userinfo with a fresh proof.
        at = t["access_token"]
        r = self.userinfo(self.srv, "DPoP", at, key.proof("GET", self.url(self.srv, "/userinfo"), nonce, at))
        self.assertJSON(r, 200)
