"""`tessera gateway` end to end (docs/gateway.md): a real `tessera serve` issues the tokens, the
gateway stands in front of a trivial Python upstream that echoes the request it received
(method, path, headers, body), and every rule of the proxy is checked over HTTP:
  - Gateway: no token -> 401 with a Bearer challenge and an {"error"} body only; a valid JWT ->
    forwarded, the upstream sees X-Tessera-Subject/Client/Scope/Request-Id and
    X-Forwarded-For/-Proto but no Authorization, no client-sent X-Tessera-*, no hop-by-hop field;
    the upstream's status, headers and body come back; wrong audience -> 401; a required scope
    missing -> 403 insufficient_scope; revoked through /oauth2/revoke -> refused within about a
    second (polled, bounded generously); an opaque token through introspection; a DPoP-bound
    token with its proof accepted, as Bearer refused, its proof replayed refused; upstream down
    -> 502, too slow -> 504; metrics; settings from --config; no token in any log line.
  - GatewayKeyRotation: `tessera keys rotate` on the issuer -> tokens signed with the new key
    are accepted (the key set refetches on the unknown kid).
  - GatewayIssuerDown: the issuer stopped -> a gateway without a feed keeps accepting tokens
    with its cached keys; a gateway with the revocation feed answers 503 once the feed was
    unreachable longer than --feed-max-stale (fail closed).
The gateway's rules of its own (which fields it strips, the shape of its refusals) are here; the
Authenticator's rules are unit-tested with the library (tests/resource_*)."""
import base64
import hashlib
import http.client
import http.server
import json
import os
import re
import secrets
import socketserver
import subprocess
import threading
import time
import unittest
import urllib.parse

import harness
from harness import E2ETest, b64url_nopad, free_port, parse_metrics, metric, remember_secret

try:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
except ImportError:  # pragma: no cover
    ec = None

API = "https://api.example"
BOUND = 30  # seconds: a generous bound on each wait, never a timing assertion of its own
SCHEDULE = ("--jwks-max-age", "1", "--publish-ahead", "3", "--max-token-ttl", "30", "--key-retire-leeway", "1")


# -- the upstream ---------------------------------------------------------------------------------

class Upstream:
    """A threaded HTTP/1.1 server on 127.0.0.1:0 that answers every request with JSON of what it
    received; /status/N answers with status N, /slow?s=N waits N seconds first."""

    def __init__(self):
        self.seen = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def handle_any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                url = urllib.parse.urlsplit(self.path)
                q = dict(urllib.parse.parse_qsl(url.query))
                if url.path == "/slow":
                    time.sleep(float(q.get("s", "3")))
                seen = {"method": self.command, "path": self.path, "headers": [[k, v] for k, v in self.headers.items()],
                        "body": body.decode("utf-8", "replace")}
                outer.seen.append(seen)
                status = int(url.path.split("/")[2]) if url.path.startswith("/status/") else 200
                out = json.dumps(seen).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Upstream", "echo")
                self.send_header("Keep-Alive", "timeout=5")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                if self.command != "HEAD":
                    try:
                        self.wfile.write(out)
                    except (BrokenPipeError, ConnectionResetError):  # the gateway gave up (504)
                        self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any

        class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
            daemon_threads = True

            def handle_error(self, request, client_address):
                pass  # a client (the gateway) that went away: nothing to report

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# -- the gateway process ----------------------------------------------------------------------------

class GatewayProcess(harness.Server):
    """One `tessera gateway` on 127.0.0.1:0 with its metrics listener on another port."""

    LISTEN_RE = re.compile(r"tessera: gateway listening on http://127\.0\.0\.1:(\d+)")

    def argv(self):
        return [harness.TESSERA, "gateway", "--listen", "127.0.0.1:0", "--metrics-listen", "127.0.0.1:0",
                "--log-level", "debug"] + self.extra_args


def check_gateway_logs(tc, gw):
    """Every stdout line is JSON; request lines carry request_id, status, result, latency_us; no
    line holds a token, secret or password of the run."""
    with harness._SECRETS_LOCK:
        secrets_now = list(harness.SECRETS)
    for line in gw.stdout_lines:
        obj = json.loads(line)
        tc.assertIsInstance(obj, dict, line)
        if obj.get("msg") == "request" and obj.get("listener") != "metrics":
            for k in ("ts", "level", "method", "status", "result", "ip"):
                tc.assertIn(k, obj, line)
    for line in gw.stdout_lines + gw.stderr_lines:
        for s in secrets_now:
            tc.assertNotIn(s, line, "a secret in the gateway's log")


def b64json(obj):
    return b64url_nopad(json.dumps(obj, separators=(",", ":")).encode())


class DpopKey:
    """An ES256 key pair and the DPoP proofs it signs."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        n = self.key.public_key().public_numbers()
        self.jwk = {"kty": "EC", "crv": "P-256", "x": b64url_nopad(n.x.to_bytes(32, "big")),
                    "y": b64url_nopad(n.y.to_bytes(32, "big"))}

    def proof(self, method, url, access_token=None):
        claims = {"jti": secrets.token_urlsafe(16), "htm": method, "htu": url, "iat": int(time.time())}
        if access_token:
            claims["ath"] = b64url_nopad(hashlib.sha256(access_token.encode()).digest())
        signing_input = b64json({"typ": "dpop+jwt", "alg": "ES256", "jwk": self.jwk}) + "." + b64json(claims)
        r, s = decode_dss_signature(self.key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256())))
        return signing_input + "." + b64url_nopad(r.to_bytes(32, "big") + s.to_bytes(32, "big"))


class GatewayBase(E2ETest):
    server_args = ("--dpop-nonce=false",)

    @classmethod
    def setUpClass(cls):
        if harness.STORE != "sqlite":
            raise unittest.SkipTest("the gateway does not depend on the issuer's store: run with sqlite only")
        super().setUpClass()
        cls.gateways = []
        cls.upstream = Upstream()
        cls.svc = cls.add_client("svc", "--grant", "client_credentials", "--scope", "read", "--scope", "write",
                                 "--audience", API)
        cls.gw_client = cls.add_client("gateway", "--grant", "client_credentials", "--resource", API)
        cls.secret_file = os.path.join(cls.env.tmp, "gateway.secret")
        with open(cls.secret_file, "w") as f:
            f.write(cls.gw_client["client_secret"] + "\n")

    @classmethod
    def tearDownClass(cls):
        try:
            tc = unittest.TestCase()
            for g in cls.gateways:
                if g.alive():
                    g.stop()
            for g in cls.gateways:
                check_gateway_logs(tc, g)
        finally:
            for g in cls.gateways:
                g.kill()
            cls.upstream.close()
            super().tearDownClass()

    @classmethod
    def add_client(cls, name, *args):
        p = cls.env.cli("clients", "add", name, *args, "--json")
        c = json.loads(p.stdout)
        remember_secret(c.get("client_secret"))
        return c

    @classmethod
    def gateway(cls, *args, upstream=None, client=True, issuer=None):
        a = ["--upstream", upstream or cls.upstream.url, "--issuer", issuer or cls.srv.origin, "--audience", API]
        if client:
            a += ["--client-id", cls.gw_client["client_id"], "--client-secret-file", cls.secret_file]
        g = GatewayProcess(cls.env, a + list(args))
        cls.gateways.append(g)
        return g.start()

    def token(self, client=None, scope=None, dpop=None, srv=None):
        c = client or self.svc
        srv = srv or self.srv
        form = {"grant_type": "client_credentials"}
        if scope:
            form["scope"] = scope
        basic = base64.b64encode(f"{c['client_id']}:{c['client_secret']}".encode()).decode()
        headers = {"Authorization": "Basic " + basic}
        if dpop:
            headers["DPoP"] = dpop.proof("POST", srv.origin + "/oauth2/token")
        r = srv.request("POST", "/oauth2/token", form=form, headers=headers)
        body = self.assertJSON(r, 200)
        remember_secret(body["access_token"])
        return body["access_token"]

    def via(self, gw, path="/hello", token=None, scheme="Bearer", headers=None, method="GET", body=None):
        h = dict(headers or {})
        if token:
            h["Authorization"] = f"{scheme} {token}"
        return gw.request(method, path, headers=h, body=body)

    def assertRefused(self, r, status, code):
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.json(), {"error": code}, r)
        self.assertTrue((r.header("Content-Type") or "").startswith("application/json"), r)

    def seen_headers(self, r):
        self.assertEqual(r.status, 200, r)
        seen = r.json()
        return seen, {k.lower(): v for k, v in seen["headers"]}

    def wait_for(self, what, predicate, bound=BOUND):
        deadline = time.monotonic() + bound
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        self.fail(f"not within {bound} s: {what}")


class Gateway(GatewayBase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if ec is None:
            raise unittest.SkipTest("the python3 cryptography package is not installed")
        cls.other = cls.add_client("other", "--grant", "client_credentials", "--audience", "https://other.example")
        cls.opaque = cls.add_client("opaque", "--grant", "client_credentials", "--scope", "read", "--audience", API,
                                    "--token-format", "opaque")
        cls.gw = cls.gateway("--scope", "read")

    def test_no_token_is_401_with_a_challenge_and_never_reaches_the_upstream(self):
        before = len(self.upstream.seen)
        r = self.via(self.gw)
        self.assertRefused(r, 401, "unauthorized")
        self.assertTrue(r.header("WWW-Authenticate").startswith("Bearer"), r)
        r = self.via(self.gw, token="not-a-token.at.all")
        self.assertEqual(r.status, 401, r)
        self.assertIn('error="invalid_token"', r.header("WWW-Authenticate"))
        self.assertEqual(len(self.upstream.seen), before)

    def test_a_valid_jwt_is_forwarded_with_the_principal_and_without_credentials(self):
        token = self.token(scope="read")
        r = self.via(self.gw, "/things/1?q=a%20b", token=token, method="POST", body=b'{"x":1}',
                     headers={"X-Tessera-Subject": "forged", "x-tessera-client": "forged", "X-Tessera-Other": "x",
                              "Connection": "keep-alive, X-Drop-Me", "X-Drop-Me": "1", "Proxy-Authorization": "p",
                              "X-Forwarded-For": "203.0.113.7", "Content-Type": "application/json"})
        seen, h = self.seen_headers(r)
        self.assertEqual(seen["method"], "POST")
        self.assertEqual(seen["path"], "/things/1?q=a%20b")
        self.assertEqual(seen["body"], '{"x":1}')
        cid = self.svc["client_id"]
        self.assertEqual(h["x-tessera-subject"], cid)
        self.assertEqual(h["x-tessera-client"], cid)
        self.assertEqual(h["x-tessera-scope"].split(), ["read"])
        self.assertRegex(h["x-tessera-request-id"], r"^[0-9a-f]{20}$")
        self.assertNotIn("x-tessera-other", h)
        for gone in ("authorization", "dpop", "x-drop-me", "proxy-authorization"):
            self.assertNotIn(gone, h)
        self.assertEqual(h["x-forwarded-for"], "203.0.113.7, 127.0.0.1")
        self.assertEqual(h["x-forwarded-proto"], "http")
        self.assertEqual(h["host"], f"127.0.0.1:{self.gw.port}")
        # The upstream's answer comes back as it was, minus its hop-by-hop fields.
        self.assertEqual(r.header("X-Upstream"), "echo")
        self.assertIsNone(r.header("Keep-Alive"))
        r = self.via(self.gw, "/status/201", token=token)
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json()["path"], "/status/201")
        # The same token again, over kept-alive connections: still the client's identity.
        for _ in range(3):
            _, h = self.seen_headers(self.via(self.gw, token=token))
            self.assertEqual(h["x-tessera-subject"], cid)

    def test_wrong_audience_is_401(self):
        r = self.via(self.gw, token=self.token(client=self.other))
        self.assertRefused(r, 401, "invalid_token")
        self.assertIn('error="invalid_token"', r.header("WWW-Authenticate"))

    def test_a_missing_required_scope_is_403_insufficient_scope(self):
        before = len(self.upstream.seen)
        r = self.via(self.gw, token=self.token(scope="write"))
        self.assertRefused(r, 403, "insufficient_scope")
        self.assertIn('error="insufficient_scope"', r.header("WWW-Authenticate"))
        self.assertIn("read", r.header("WWW-Authenticate"))
        self.assertEqual(len(self.upstream.seen), before)

    def test_a_revoked_token_is_refused_within_about_a_second(self):
        token = self.token(scope="read")
        self.seen_headers(self.via(self.gw, token=token))
        basic = base64.b64encode(f"{self.svc['client_id']}:{self.svc['client_secret']}".encode()).decode()
        r = self.srv.request("POST", "/oauth2/revoke", form={"token": token}, headers={"Authorization": "Basic " + basic})
        self.assertEqual(r.status, 200, r)
        self.wait_for("the revoked token refused", lambda: self.via(self.gw, token=token).status == 401)
        self.assertRefused(self.via(self.gw, token=token), 401, "invalid_token")

    def test_an_opaque_token_is_checked_by_introspection(self):
        token = self.token(client=self.opaque, scope="read")
        self.assertNotEqual(token.count("."), 2)
        _, h = self.seen_headers(self.via(self.gw, token=token))
        self.assertEqual(h["x-tessera-subject"], self.opaque["client_id"])
        self.assertEqual(h["x-tessera-scope"].split(), ["read"])
        self.assertEqual(self.via(self.gw, token=token + "x").status, 401)

    def test_a_dpop_bound_token_needs_its_proof(self):
        key = DpopKey()
        token = self.token(scope="read", dpop=key)
        url = self.gw.origin + "/bound"
        proof = key.proof("GET", url, access_token=token)
        _, h = self.seen_headers(self.via(self.gw, "/bound", token=token, scheme="DPoP", headers={"DPoP": proof}))
        self.assertNotIn("dpop", h)
        self.assertNotIn("authorization", h)
        # The same proof again: a replay.
        r = self.via(self.gw, "/bound", token=token, scheme="DPoP", headers={"DPoP": proof})
        self.assertEqual(r.status, 401, r)
        # As a bearer token: refused, with a DPoP challenge among the answers.
        r = self.via(self.gw, "/bound", token=token)
        self.assertEqual(r.status, 401, r)
        self.assertIn("DPoP", r.header("WWW-Authenticate"))
        # A proof for another URL: refused.
        r = self.via(self.gw, "/bound", token=token, scheme="DPoP",
                     headers={"DPoP": key.proof("GET", self.gw.origin + "/elsewhere", access_token=token)})
        self.assertEqual(r.status, 401, r)

    def test_upstream_down_is_502_and_too_slow_is_504(self):
        token = self.token(scope="read")
        down = self.gateway(upstream=f"http://127.0.0.1:{free_port()}", client=False)
        self.assertRefused(self.via(down, token=token), 502, "bad_gateway")
        slow = self.gateway("--upstream-timeout", "1", client=False)
        self.assertRefused(self.via(slow, "/slow?s=3", token=token), 504, "upstream_timeout")
        # A refusal still comes first: no token, no upstream call.
        self.assertEqual(self.via(down).status, 401)
        samples = parse_metrics(down.request("GET", "/metrics", metrics=True).body.decode())
        self.assertEqual(metric(samples, "tessera_gateway_requests_total", result="bad_gateway"), 1)

    def test_metrics_count_results_and_upstream_latency(self):
        token = self.token(scope="read")
        self.seen_headers(self.via(self.gw, token=token))
        self.via(self.gw)
        samples = parse_metrics(self.gw.request("GET", "/metrics", metrics=True).body.decode())
        self.assertGreaterEqual(metric(samples, "tessera_gateway_requests_total", result="forwarded"), 1)
        self.assertGreaterEqual(metric(samples, "tessera_gateway_requests_total", result="unauthenticated"), 1)
        self.assertGreaterEqual(metric(samples, "tessera_gateway_upstream_duration_seconds_count"), 1)
        line = self.gw.wait_log(lambda o: o.get("msg") == "request" and o.get("result") == "forwarded")
        self.assertEqual(line["subject"], self.svc["client_id"])
        self.assertRegex(line["jti_hash"], r"^[A-Za-z0-9_-]{16}$")

    def test_settings_from_a_config_file(self):
        path = os.path.join(self.env.tmp, "gateway.toml")
        with open(path, "w") as f:
            f.write(f'upstream = "{self.upstream.url}"\nissuer = "{self.srv.origin}"\naudience = ["{API}"]\n'
                    f'scope = ["write"]\nleeway = 5\n')
        g = GatewayProcess(self.env, ["--config", path])
        self.gateways.append(g)
        g.start()
        self.assertEqual(self.via(g, token=self.token(scope="write")).status, 200)
        self.assertRefused(self.via(g, token=self.token(scope="read")), 403, "insufficient_scope")
        # An unknown key is a usage error (exit 2), named.
        with open(path, "a") as f:
            f.write("no_such_setting = 1\n")
        p = subprocess.run([harness.TESSERA, "gateway", "--config", path], capture_output=True, timeout=30)
        self.assertEqual(p.returncode, 2, p)
        self.assertIn(b"no_such_setting", p.stderr)


    def test_an_unreachable_issuer_fails_the_start(self):
        p = subprocess.run([harness.TESSERA, "gateway", "--listen", "127.0.0.1:0", "--metrics-listen", "off",
                            "--upstream", self.upstream.url, "--issuer", f"http://127.0.0.1:{free_port()}",
                            "--audience", API], capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 1, p)
        self.assertIn(b"tessera gateway: issuer:", p.stderr)


class GatewayKeyRotation(GatewayBase):
    server_args = ("--dpop-nonce=false",) + SCHEDULE

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gw = cls.gateway(client=False)

    def test_tokens_signed_with_a_rotated_key_are_accepted(self):
        def kid_of(token):
            part = token.split(".")[0]
            return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))["kid"]

        old = self.token()
        self.seen_headers(self.via(self.gw, token=old))
        rotated = json.loads(self.env.cli("keys", "rotate", "--alg", "ES256", "--json", *SCHEDULE).stdout)
        new_kid = rotated[0]["kid"]
        new = self.wait_for("a token signed with the new key",
                            lambda: (lambda t: t if kid_of(t) == new_kid else None)(self.token()))
        # The unknown kid makes the key set refetch, at most once per 30 s (the RemoteKeySet's
        # rate limit, counted from the gateway's start): accepted within that, polled.
        r = self.wait_for("the new key's token accepted", lambda: (lambda r: r if r.status == 200 else None)(
            self.via(self.gw, token=new)), bound=2 * BOUND + 10)
        _, h = self.seen_headers(r)
        self.assertEqual(h["x-tessera-subject"], self.svc["client_id"])
        self.seen_headers(self.via(self.gw, token=old))  # the old key is still published


class GatewayIssuerDown(GatewayBase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.keys_only = cls.gateway(client=False)
        cls.with_feed = cls.gateway("--feed-max-stale", "2")

    def test_cached_keys_work_without_the_issuer_and_a_stale_feed_fails_closed(self):
        token = self.token()
        self.seen_headers(self.via(self.keys_only, token=token))
        self.seen_headers(self.via(self.with_feed, token=token))
        self.srv.stop()
        # Keys only: the cached key set still verifies the token.
        for _ in range(3):
            self.seen_headers(self.via(self.keys_only, token=token))
            time.sleep(0.5)
        # With the feed: 503 once it has been unreachable longer than --feed-max-stale.
        self.wait_for("503 from the gateway whose feed is down",
                      lambda: self.via(self.with_feed, token=token).status == 503)
        r = self.via(self.with_feed, token=token)
        self.assertEqual(r.status, 503, r)
        self.assertEqual(r.json(), {"error": "temporarily_unavailable"}, r)
        self.seen_headers(self.via(self.keys_only, token=token))


if __name__ == "__main__":
    unittest.main()
