# The BFF for single-page apps (docs/bff.md) end to end: one `tessera serve` is both the OIDC
# issuer and the BFF (--bff-client, a confidential first-party client with redirect URI
# <origin>/bff/callback and a 5 s access token, so every API call refreshes behind the scenes),
# in front of a loopback upstream (Python http.server) that records what it got.
# Covered: login -> issuer -> callback -> /bff/user; the cookies; the proxy's CSRF rule (X-CSRF,
# Sec-Fetch-Site); Cookie, Authorization and hop-by-hop headers not forwarded, Set-Cookie not
# passed back, upstream statuses passed through; refresh behind the scenes; concurrent calls
# around expiry keep the family alive; a failed refresh ends the session; logout revokes the
# grant upstream; upstream timeout 504 and connection failure 502; tokens sealed in the store
# (SQLite runs read the file); the routes 404 without --bff-client.
import base64
import http.server
import json
import os
import sqlite3
import threading
import time
import urllib.parse

import harness
from harness import E2ETest, Server, free_port, remember_secret

BFF_COOKIE = "__Host-tessera-bff"
LOGIN_COOKIE = "__Host-tessera-bff-login"


class Upstream:
    """A loopback API: answers JSON, records (method, path, headers, body) of every request.
    /slow answers after 3 s; /status/N answers N."""

    def __init__(self):
        self.seen = []
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def handle_any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                with outer.lock:
                    outer.seen.append((self.command, self.path, dict(self.headers.items()),
                                       self.headers.get_all("Cookie") or [], body))
                if self.path.startswith("/api/slow"):
                    time.sleep(3)
                status = 200
                if self.path.startswith("/api/status/"):
                    status = int(self.path.rsplit("/", 1)[1])
                out = json.dumps({"path": self.path, "method": self.command}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.send_header("X-Upstream", "yes")
                self.send_header("Set-Cookie", "upstream=1; Path=/")
                self.send_header("Connection", "x-hop-secret")
                self.send_header("X-Hop-Secret", "1")
                self.end_headers()
                self.wfile.write(out)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/api"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def last(self):
        with self.lock:
            return self.seen[-1]

    def count(self):
        with self.lock:
            return len(self.seen)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class FixedPortServer(Server):
    """A server on a port chosen before it starts (the BFF's redirect URI names it)."""

    def __init__(self, env, port, extra_args):
        super().__init__(env, extra_args)
        self.fixed_port = port

    def argv(self):
        a = super().argv()
        a[a.index("127.0.0.1:0")] = f"127.0.0.1:{self.fixed_port}"
        return a


def basic(client_id, secret):
    raw = urllib.parse.quote_plus(client_id) + ":" + urllib.parse.quote_plus(secret)
    return {"Authorization": "Basic " + base64.b64encode(raw.encode()).decode()}


class Bff(E2ETest):
    start_server = False
    user_pool = 10

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.upstream = Upstream()
            port = free_port()
            cls.origin = f"http://127.0.0.1:{port}"
            p = cls.env.cli("clients", "add", "bff spa", "--first-party", "--redirect-uri",
                            cls.origin + "/bff/callback", "--access-ttl", "5", "--json")
            cls.client = json.loads(p.stdout)
            remember_secret(cls.client["client_secret"])
            secret_file = os.path.join(cls.env.tmp, "bff-secret")
            with open(secret_file, "w") as f:
                f.write(cls.client["client_secret"] + "\n")
            cls.down_port = free_port()  # nothing listens there
            s = FixedPortServer(cls.env, port, ["--bff-client", cls.client["client_id"], "--bff-client-secret-file",
                                                secret_file, "--bff-upstream", "notes=" + cls.upstream.url,
                                                "--bff-upstream", f"down=http://127.0.0.1:{cls.down_port}",
                                                "--bff-timeout", "1"])
            cls.env.servers.append(s)
            cls.srv = s.start()
        except Exception:
            cls.env.close()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            cls.upstream.close()
        finally:
            super().tearDownClass()

    # -- helpers ---------------------------------------------------------------------------

    def local(self, location):
        self.assertTrue(location.startswith(self.origin + "/"), location)
        return location[len(self.origin):]

    def sign_in(self, return_to="/bff/app?tab=notes"):
        """The browser's sign-in: /bff/login -> the issuer (the user's Tessera session) ->
        /bff/callback. Returns (user, Tessera session, BFF cookie value, callback response)."""
        user, pw = self.env.add_user()
        sess = self.srv.login(user, pw)
        r = self.req("GET", "/bff/login?" + urllib.parse.urlencode({"return_to": return_to}))
        self.assertEqual(r.status, 302, r)
        login = {c["name"]: c for c in r.set_cookies()}[LOGIN_COOKIE]
        for flag in ("httponly", "secure"):
            self.assertIn(flag, login["attrs"], login)
        self.assertEqual(login["attrs"].get("samesite"), "Lax", login)
        authz = self.local(r.header("Location"))
        self.assertTrue(authz.startswith("/oauth2/authorize?"), authz)
        q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(authz).query))
        self.assertEqual(q["code_challenge_method"], "S256")
        self.assertIn("offline_access", q["scope"].split())
        r = self.srv.request("GET", authz, cookie=sess.cookie)
        self.assertEqual(r.status, 302, r)
        callback = self.local(r.header("Location"))
        self.assertTrue(callback.startswith("/bff/callback?"), callback)
        remember_secret(dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(callback).query)).get("code"))
        r = self.req("GET", callback, headers={"Cookie": f"{LOGIN_COOKIE}={login['value']}"})
        self.assertEqual(r.status, 302, r)
        cookies = {c["name"]: c for c in r.set_cookies()}
        self.assertEqual(cookies[LOGIN_COOKIE]["value"], "", cookies)  # used once
        return user, sess, cookies[BFF_COOKIE], r

    def api(self, cookie, path="/bff/api/notes/items?x=1", method="GET", headers=None, body=None):
        h = {"Cookie": f"{BFF_COOKIE}={cookie}", "X-CSRF": "1", "Sec-Fetch-Site": "same-origin"}
        h.update(headers or {})
        return self.req(method, path, headers={k: v for k, v in h.items() if v is not None}, body=body)

    def user(self, cookie):
        return self.req("GET", "/bff/user", headers={"Cookie": f"{BFF_COOKIE}={cookie}"})

    def bearer(self):
        auth = self.upstream.last()[2].get("Authorization", "")
        self.assertTrue(auth.startswith("Bearer "), auth)
        remember_secret(auth[7:])
        return auth[7:]

    def introspect(self, token):
        r = self.srv.request("POST", "/oauth2/introspect", form={"token": token},
                             headers=basic(self.client["client_id"], self.client["client_secret"]))
        return self.assertJSON(r, 200)

    # -- tests -----------------------------------------------------------------------------

    def test_login_callback_user(self):
        user, _, cookie, r = self.sign_in()
        self.assertEqual(r.header("Location"), "/bff/app?tab=notes")
        for flag in ("httponly", "secure"):
            self.assertIn(flag, cookie["attrs"], cookie)
        self.assertEqual(cookie["attrs"].get("samesite"), "Lax", cookie)
        self.assertEqual(cookie["attrs"].get("path"), "/", cookie)
        r = self.user(cookie["value"])
        body = self.assertJSON(r, 200)
        self.assertEqual(body["sub"], user, body)
        self.assertIsInstance(body["expires_at"], int, body)
        self.assertIsInstance(body.get("auth_time"), int, body)
        for k in body:
            self.assertIn(k, {"sub", "name", "preferred_username", "email", "email_verified", "auth_time",
                              "expires_at"}, body)
        self.assertEqual(r.header("Cache-Control"), "no-store")
        self.assertError(self.req("GET", "/bff/user"), 401, "login_required")
        self.assertError(self.user("not-a-session"), 401, "login_required")

    def test_return_to_only_same_origin(self):
        for bad in ("https://evil.example/x", "//evil.example/x", "/\\evil.example"):
            _, _, _, r = self.sign_in(return_to=bad)
            self.assertEqual(r.header("Location"), "/bff/app", bad)

    def test_callback_refuses_another_browsers_sign_in(self):
        r = self.req("GET", "/bff/callback?code=x&state=y")
        self.assertError(r, 400, "invalid_request")
        r = self.req("GET", "/bff/login")
        login = {c["name"]: c for c in r.set_cookies()}[LOGIN_COOKIE]["value"]
        r = self.req("GET", "/bff/callback?code=x&state=not-the-state", headers={"Cookie": f"{LOGIN_COOKIE}={login}"})
        self.assertError(r, 400, "invalid_request")
        r = self.req("GET", "/bff/callback?error=access_denied&state=y", headers={"Cookie": f"{LOGIN_COOKIE}={login}"})
        self.assertError(r, 400, "access_denied")

    def test_api_needs_x_csrf_and_same_origin(self):
        _, _, cookie, _ = self.sign_in()
        before = self.upstream.count()
        self.assertError(self.api(cookie["value"], headers={"X-CSRF": None}), 403, "csrf_failed")
        self.assertError(self.api(cookie["value"], headers={"X-CSRF": "0"}), 403, "csrf_failed")
        for site in ("cross-site", "same-site", "none"):
            self.assertError(self.api(cookie["value"], headers={"Sec-Fetch-Site": site}), 403, "csrf_failed")
        self.assertError(self.req("POST", "/bff/logout", headers={"Cookie": f"{BFF_COOKIE}={cookie['value']}"}),
                         403, "csrf_failed")
        self.assertEqual(self.upstream.count(), before)  # nothing reached the upstream
        r = self.api(cookie["value"])
        self.assertEqual(self.assertJSON(r, 200)["path"], "/api/items?x=1")
        # Without Sec-Fetch-Site (older browsers, other clients) X-CSRF alone is enough.
        self.assertEqual(self.api(cookie["value"], headers={"Sec-Fetch-Site": None}).status, 200)
        self.assertError(self.api("", headers={"Cookie": None}), 401, "login_required")
        self.assertError(self.api(cookie["value"], path="/bff/api/nope/x"), 404, "not_found")
        self.assertError(self.api(cookie["value"], path="/bff/api/notes/a/%2e%2e/b"), 400, "invalid_request")

    def test_cookie_and_hop_by_hop_headers_stay_here(self):
        _, sess, cookie, _ = self.sign_in()
        r = self.api(cookie["value"], method="POST", path="/bff/api/notes/items",
                     headers={"Cookie": f"{BFF_COOKIE}={cookie['value']}; __Host-tessera={sess.cookie}",
                              "Connection": "keep-alive, X-Private", "X-Private": "p", "Keep-Alive": "timeout=5",
                              "Authorization": "Bearer made-by-the-browser", "Content-Type": "application/json",
                              "Upgrade": "websocket"},
                     body=b'{"text":"hi"}')
        self.assertEqual(r.status, 200, r)
        method, path, headers, cookies, body = self.upstream.last()
        self.assertEqual((method, path, body), ("POST", "/api/items", b'{"text":"hi"}'))
        lower = {k.lower(): v for k, v in headers.items()}
        self.assertEqual(cookies, [])
        for h in ("x-private", "keep-alive", "upgrade", "cookie"):
            self.assertNotIn(h, lower, headers)
        self.assertNotEqual(lower.get("authorization"), "Bearer made-by-the-browser")
        self.assertEqual(lower.get("content-type"), "application/json")
        self.assertEqual(r.header("X-Upstream"), "yes")
        self.assertIsNone(r.header("Set-Cookie"))
        self.assertIsNone(r.header("X-Hop-Secret"))
        # Upstream statuses and bodies pass through.
        r = self.api(cookie["value"], path="/bff/api/notes/status/418")
        self.assertEqual(r.status, 418, r)
        self.assertEqual(r.json()["path"], "/api/status/418")

    def test_refresh_behind_the_scenes(self):
        _, _, cookie, _ = self.sign_in()
        self.assertEqual(self.api(cookie["value"]).status, 200)
        first = self.bearer()
        self.assertEqual(self.api(cookie["value"]).status, 200)
        second = self.bearer()
        self.assertNotEqual(first, second)  # 5 s tokens: each call refreshed server-side
        self.assertTrue(self.introspect(second)["active"])

    def test_concurrent_calls_around_expiry_keep_the_family(self):
        _, _, cookie, _ = self.sign_in()
        reuse_before = harness.metric(self.srv.scrape(), "tessera_oauth_refresh_reuse_total")
        self.assertIsNotNone(reuse_before)
        results = []

        def call():
            results.append(self.srv.request("GET", "/bff/api/notes/items", headers={
                "Cookie": f"{BFF_COOKIE}={cookie['value']}", "X-CSRF": "1", "Sec-Fetch-Site": "same-origin"}).status)

        threads = [threading.Thread(target=call) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(results, [200] * 6)
        self.assertEqual(harness.metric(self.srv.scrape(), "tessera_oauth_refresh_reuse_total"), reuse_before)
        self.assertEqual(self.api(cookie["value"]).status, 200)  # the family is alive
        self.assertEqual(self.user(cookie["value"]).status, 200)

    def test_failed_refresh_ends_the_session(self):
        _, sess, cookie, _ = self.sign_in()
        self.assertEqual(self.api(cookie["value"]).status, 200)
        # Logging out everywhere at the issuer revokes the BFF's grant too.
        r = self.srv.request("POST", "/logout-everywhere", cookie=sess.cookie, csrf=sess.csrf)
        self.assertEqual(r.status, 200, r)
        r = self.api(cookie["value"])
        self.assertError(r, 401, "login_required")
        cleared = {c["name"]: c for c in r.set_cookies()}[BFF_COOKIE]
        self.assertEqual(cleared["value"], "")
        self.assertError(self.user(cookie["value"]), 401, "login_required")

    def test_logout_revokes_the_grant_upstream(self):
        user, sess, cookie, _ = self.sign_in()
        self.assertEqual(self.api(cookie["value"]).status, 200)
        at = self.bearer()
        self.assertTrue(self.introspect(at)["active"])
        apps = [d for d in self.assertJSON(self.req("GET", "/sessions", cookie=sess.cookie), 200)["sessions"]
                if d["kind"] == "app"]
        self.assertEqual([d["client_id"] for d in apps], [self.client["client_id"]])
        r = self.req("POST", "/bff/logout", headers={"Cookie": f"{BFF_COOKIE}={cookie['value']}", "X-CSRF": "1",
                                                     "Sec-Fetch-Site": "same-origin"})
        self.assertEqual(r.status, 204, r)
        self.assertEqual({c["name"]: c for c in r.set_cookies()}[BFF_COOKIE]["value"], "")
        self.assertError(self.user(cookie["value"]), 401, "login_required")
        # The refresh token was revoked at the issuer: its grant (family) is gone, and with it
        # the access token's activity.
        self.assertFalse(self.introspect(at)["active"])
        apps = [d for d in self.assertJSON(self.req("GET", "/sessions", cookie=sess.cookie), 200)["sessions"]
                if d["kind"] == "app"]
        self.assertEqual(apps, [])

    def test_upstream_timeout_and_connection_failure(self):
        _, _, cookie, _ = self.sign_in()
        self.assertError(self.api(cookie["value"], path="/bff/api/notes/slow"), 504, "gateway_timeout")
        self.assertError(self.api(cookie["value"], path="/bff/api/down/x"), 502, "bad_gateway")
        self.assertEqual(self.user(cookie["value"]).status, 200)  # the session lives on

    def test_tokens_sealed_in_the_store(self):
        if harness.STORE != "sqlite":
            self.skipTest("reads the SQLite file")
        _, _, cookie, _ = self.sign_in()
        self.assertEqual(self.api(cookie["value"]).status, 200)
        at = self.bearer()
        db = os.path.join(self.env.data, "tessera.db")
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT attributes_json FROM sessions WHERE user LIKE 'bff:%'").fetchall()
        finally:
            con.close()
        self.assertTrue(rows)
        for (attrs,) in rows:
            self.assertIn("v4.local.", attrs)
            self.assertNotIn(at, attrs)
            self.assertNotIn("eyJ", attrs)  # no JWT (access or ID token) in clear
        for name in ("tessera.db", "tessera.db-wal"):
            path = os.path.join(self.env.data, name)
            if os.path.exists(path):
                with open(path, "rb") as f:
                    self.assertNotIn(at.encode(), f.read(), name)

    def test_routes_absent_without_bff_client(self):
        plain = self.env.server()
        try:
            for path in ("/bff/login", "/bff/user", "/bff/api/notes/x"):
                self.assertError(plain.request("GET", path), 404, "not_found")
        finally:
            plain.stop()
