# Every endpoint's success path and every documented error (docs/server.md, "HTTP API").
import hashlib
import json
import os
import re
import time

import harness

from harness import (COOKIE_NAME, DEAD_COOKIE_CODES, LOGIN_PAGE_CSP, E2ETest, b64url_nopad, metric, parse_metrics)

NO_THROTTLE = ("--login-account-free-failures", "1000", "--login-ip-free-failures", "1000")
COOKIE_VALUE_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")


def jwk_thumbprint(k):
    if k["kty"] == "OKP":
        members = {"crv": k["crv"], "kty": k["kty"], "x": k["x"]}
    elif k["kty"] == "EC":
        members = {"crv": k["crv"], "kty": k["kty"], "x": k["x"], "y": k["y"]}
    elif k["kty"] == "RSA":
        members = {"e": k["e"], "kty": k["kty"], "n": k["n"]}
    else:
        raise AssertionError(k)
    canon = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return b64url_nopad(hashlib.sha256(canon).digest())


def paserk_pid_k4(x):
    """PASERK k4.pid of an Ed25519 public key (JWK x): "k4.pid." + b64url(BLAKE2b-264(h || k4.public.X))."""
    h = "k4.pid."
    digest = hashlib.blake2b((h + "k4.public." + x).encode(), digest_size=33).digest()
    return h + b64url_nopad(digest)


FORM_PASSWORD = "p@ss w+rd&x=1%;Zq9"
UNICODE_PASSWORD = "mot-de-passe-\u00e9t\u00e9-\u2603-ok"


class Endpoints(E2ETest):
    server_args = NO_THROTTLE
    user_pool = 25
    pool_passwords = (FORM_PASSWORD, UNICODE_PASSWORD)

    def check_login_response(self, r, user):
        body = self.assertJSON(r, 200)
        self.assertEqual(body["user"], user)
        self.assertIsInstance(body["csrf_token"], str)
        self.assertGreaterEqual(len(body["csrf_token"]), 32)
        self.assertIsInstance(body["expires_at"], int)
        now = time.time()
        # expires_at is the earlier of idle (1800 s) and absolute (43200 s) expiry.
        self.assertTrue(now + 1800 - 10 <= body["expires_at"] <= now + 1800 + 10, body)
        c = r.session_cookie()
        self.assertIsNotNone(c, r)
        self.assertRegex(c["value"], COOKIE_VALUE_RE)
        a = c["attrs"]
        self.assertEqual(a.get("path"), "/", c)
        self.assertIs(a.get("secure"), True, c)
        self.assertIs(a.get("httponly"), True, c)
        self.assertEqual(str(a.get("samesite")).lower(), "lax", c)
        self.assertIn(a.get("max-age"), ("43200", "43199"), c)  # absolute timeout, counted from now
        self.assertNotIn("domain", a, c)
        self.assertNotIn(c["value"], r.body.decode(), "cookie value in the body")
        return c["value"]

    def check_deletion_cookie(self, r):
        c = r.session_cookie()
        self.assertIsNotNone(c, f"no deletion cookie: {r!r}")
        a = c["attrs"]
        self.assertEqual(c["value"], "", c)
        expired = a.get("max-age") == "0" or ("expires" in a and "1970" in str(a["expires"]))
        self.assertTrue(expired, c)
        # A __Host- cookie is only replaced (deleted) by a browser if Secure, Path=/, no Domain.
        self.assertIs(a.get("secure"), True, c)
        self.assertEqual(a.get("path"), "/", c)
        self.assertNotIn("domain", a, c)

    def test_login_json(self):
        u, p = self.env.add_user()
        r = self.req("POST", "/login", json_body={"username": u, "password": p})
        cookie = self.check_login_response(r, u)
        r2 = self.req("GET", "/session", cookie=cookie)
        self.assertEqual(self.assertJSON(r2, 200)["user"], u)

    def test_login_json_with_charset(self):
        u, p = self.env.add_user()
        r = self.req("POST", "/login", body=json.dumps({"username": u, "password": p}),
                     content_type="application/json; charset=utf-8")
        self.check_login_response(r, u)

    def test_login_form(self):
        # A password that needs percent-encoding: the form decoder must get it right. The HTML
        # form is answered with a redirect to its return_to, and the session cookie.
        u, p = self.env.add_user(password=FORM_PASSWORD)
        r = self.req("POST", "/login", form={"username": u, "password": p, "return_to": "/session?x=1"})
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.header("Location"), "/session?x=1")
        c = r.session_cookie()
        self.assertIsNotNone(c, r)
        self.assertRegex(c["value"], COOKIE_VALUE_RE)
        cookie = c["value"]
        self.assertEqual(self.assertJSON(self.req("GET", "/session", cookie=cookie), 200)["user"], u)

    def test_login_page(self):
        # The plain HTML form (no JavaScript), its CSP, and the stylesheet it links.
        r = self.req("GET", "/login?return_to=%2Fsession")
        html = self.assertPage(r, 200)
        self.assertEqual(r.header("Content-Security-Policy"), LOGIN_PAGE_CSP)
        self.assertIn('<form method="post" action="/login">', html)
        self.assertIn('name="return_to" value="&#x2F;session"', html)
        self.assertNotIn("<script", html)
        href = re.search(r'<link rel="stylesheet" href="([^"]+)">', html).group(1).replace("&#x2F;", "/")
        self.assertTrue(href.startswith("/static/style.css?v="), href)
        css = self.req("GET", href)
        self.assertEqual(css.status, 200, css)
        self.assertEqual(css.header("Content-Type"), "text/css; charset=utf-8")
        # An off-site return_to is not carried into the form.
        self.assertNotIn("evil.example", self.assertPage(self.req("GET", "/login?return_to=//evil.example"), 200))

    def test_account_page_over_http(self):
        # / and /account by session; the page's headers; a form with the page's CSRF token signs
        # out everywhere, one from another site does not.
        r = self.req("GET", "/")
        self.assertEqual(r.status, 303, r)
        self.assertEqual(r.header("Location"), "/login?return_to=%2Faccount")
        s = self.new_login()
        r = self.req("GET", "/", cookie=s.cookie)
        self.assertEqual((r.status, r.header("Location")), (303, "/account"), r)
        r = self.req("GET", "/account", cookie=s.cookie)
        html = self.assertPage(r, 200)
        self.assertEqual(r.header("Cache-Control"), "no-store")
        csp = r.header("Content-Security-Policy")
        self.assertIn("frame-ancestors 'none'", csp)
        self.assertNotIn("unsafe-inline", csp)
        self.assertIn("tessera-e2e&#x2F;1", html)  # this session's user agent
        token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
        same = {"Sec-Fetch-Site": "same-origin", "Origin": "null"}
        r = self.req("POST", "/account/sign-out-everywhere", cookie=s.cookie, form={"csrf_token": token},
                     headers={"Sec-Fetch-Site": "cross-site"})
        self.assertEqual(r.status, 403, r)
        self.assertEqual(self.req("GET", "/session", cookie=s.cookie).status, 200)
        r = self.req("POST", "/account/sign-out-everywhere", cookie=s.cookie, form={"csrf_token": token}, headers=same)
        self.assertEqual((r.status, r.header("Location")), (303, "/login?return_to=%2Faccount"), r)
        self.assertEqual(self.req("GET", "/session", cookie=s.cookie).status, 401)

    def test_login_unicode_password(self):
        u, p = self.env.add_user(password=UNICODE_PASSWORD)
        self.check_login_response(self.req("POST", "/login", json_body={"username": u, "password": p}), u)

    def test_session(self):
        s = self.new_login()
        t0 = int(time.time())
        r = self.req("GET", "/session", cookie=s.cookie)
        body = self.assertJSON(r, 200)
        self.assertEqual(body["user"], s.user)
        self.assertEqual(body["csrf_token"], s.csrf)
        sess = body["session"]
        for k in ("id", "created_at", "last_seen_at", "idle_expires_at", "absolute_expires_at"):
            self.assertIn(k, sess)
        for k in ("created_at", "last_seen_at", "idle_expires_at", "absolute_expires_at"):
            self.assertIsInstance(sess[k], int, k)
        self.assertNotEqual(sess["id"], s.cookie)
        self.assertRegex(sess["id"], COOKIE_VALUE_RE)  # base64url(SHA-256): 43 chars too
        self.assertTrue(abs(sess["created_at"] - t0) <= 5, sess)
        self.assertEqual(sess["absolute_expires_at"] - sess["created_at"], 43200, sess)
        self.assertTrue(abs(sess["idle_expires_at"] - (sess["last_seen_at"] + 1800)) <= 1, sess)
        self.assertLessEqual(abs(s.login_body["expires_at"] - min(sess["idle_expires_at"], sess["absolute_expires_at"])), 2)
        self.assertNotIn(s.cookie, r.body.decode())
        self.assertIsNone(r.session_cookie(), "GET /session must not set a cookie")

    def test_logout(self):
        s = self.new_login()
        r = self.req("POST", "/logout", cookie=s.cookie, csrf=s.csrf)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.body, b"")
        self.check_deletion_cookie(r)
        self.assertDead(s)
        # Replaying the old cookie on a state-changing route: still 401.
        r = self.req("POST", "/logout", cookie=s.cookie, csrf=s.csrf)
        self.assertError(r, 401, DEAD_COOKIE_CODES)

    def test_sessions_list(self):
        u, p = self.env.add_user()
        a = self.login(u, p, headers={"User-Agent": "browser-A/1.0"})
        b = self.login(u, p, headers={"User-Agent": "browser-B/2.0"})
        other = self.new_login()
        ida = self.assertAlive(a)["session"]["id"]
        idb = self.assertAlive(b)["session"]["id"]
        r = self.req("GET", "/sessions", cookie=a.cookie, headers={"User-Agent": "browser-A/1.0"})
        body = self.assertJSON(r, 200)
        lst = body["sessions"]
        self.assertEqual(len(lst), 2, body)
        by_id = {x["id"]: x for x in lst}
        self.assertEqual(set(by_id), {ida, idb})
        for x in lst:
            for k in ("id", "kind", "created_at", "last_seen_at", "ip", "user_agent", "current"):
                self.assertIn(k, x)
            self.assertEqual(x["ip"], "127.0.0.1")
            self.assertEqual(x["kind"], "browser")
        self.assertIs(by_id[ida]["current"], True)
        self.assertIs(by_id[idb]["current"], False)
        self.assertEqual(by_id[ida]["user_agent"], "browser-A/1.0")
        self.assertEqual(by_id[idb]["user_agent"], "browser-B/2.0")
        text = r.body.decode()
        for c in (a.cookie, b.cookie, other.cookie, a.csrf, b.csrf):
            self.assertNotIn(c, text)
        # Seen from b, b is the current one.
        lst_b = self.assertJSON(self.req("GET", "/sessions", cookie=b.cookie), 200)["sessions"]
        self.assertEqual({x["id"]: x["current"] for x in lst_b}, {ida: False, idb: True})

    def test_delete_session(self):
        u, p = self.env.add_user()
        a = self.login(u, p)
        b = self.login(u, p)
        idb = self.assertAlive(b)["session"]["id"]
        r = self.req("DELETE", f"/sessions/{idb}", cookie=a.cookie, csrf=a.csrf)
        self.assertEqual(r.status, 204, r)
        self.assertEqual(r.body, b"")
        self.assertDead(b)
        self.assertAlive(a)
        ids = [x["id"] for x in self.assertJSON(self.req("GET", "/sessions", cookie=a.cookie), 200)["sessions"]]
        self.assertNotIn(idb, ids)
        # Deleting it again: no longer one of my live sessions.
        r = self.req("DELETE", f"/sessions/{idb}", cookie=a.cookie, csrf=a.csrf)
        self.assertError(r, 404, "session_not_found")
        # Unknown id.
        r = self.req("DELETE", "/sessions/" + "A" * 43, cookie=a.cookie, csrf=a.csrf)
        self.assertError(r, 404, "session_not_found")

    def test_revoke_others(self):
        u, p = self.env.add_user()
        a, b, c = (self.login(u, p) for _ in range(3))
        r = self.req("POST", "/sessions/revoke-others", cookie=b.cookie, csrf=b.csrf)
        self.assertEqual(self.assertJSON(r, 200), {"revoked": 2})
        self.assertIsNone(r.session_cookie(), "revoke-others must not touch the cookie")
        self.assertAlive(b)
        self.assertDead(a)
        self.assertDead(c)
        lst = self.assertJSON(self.req("GET", "/sessions", cookie=b.cookie), 200)["sessions"]
        self.assertEqual(len(lst), 1)
        self.assertIs(lst[0]["current"], True)
        r = self.req("POST", "/sessions/revoke-others", cookie=b.cookie, csrf=b.csrf)
        self.assertEqual(self.assertJSON(r, 200), {"revoked": 0})

    def test_logout_everywhere(self):
        u, p = self.env.add_user()
        a, b = self.login(u, p), self.login(u, p)
        other = self.new_login()
        r = self.req("POST", "/logout-everywhere", cookie=a.cookie, csrf=a.csrf)
        self.assertEqual(self.assertJSON(r, 200), {"revoked": 2})
        self.check_deletion_cookie(r)
        self.assertDead(a)
        self.assertDead(b)
        self.assertAlive(other)
        # The user can log in again.
        self.assertAlive(self.login(u, p))

    def test_password_change(self):
        u, p = self.env.add_user()
        a, b = self.login(u, p), self.login(u, p)
        other = self.new_login()
        newp = "new-" + p[::-1]
        from harness import remember_secret
        remember_secret(newp)
        r = self.req("POST", "/password", cookie=a.cookie, csrf=a.csrf,
                     json_body={"current_password": p, "new_password": newp})
        body = self.assertJSON(r, 200)
        self.assertEqual(body["user"], u)
        self.assertIsInstance(body["expires_at"], int)
        c = r.session_cookie()
        self.assertIsNotNone(c, r)
        self.assertRegex(c["value"], COOKIE_VALUE_RE)
        self.assertNotEqual(c["value"], a.cookie)
        self.assertIs(c["attrs"].get("httponly"), True)
        self.assertIs(c["attrs"].get("secure"), True)
        from harness import Session
        rotated = Session(u, newp, c["value"], body["csrf_token"])
        self.assertDead(a)           # old cookie value dead
        self.assertDead(b)           # other session dead
        got = self.assertAlive(rotated)
        self.assertEqual(got["csrf_token"], body["csrf_token"])
        self.assertAlive(other)      # other users untouched
        r = self.req("POST", "/login", json_body={"username": u, "password": p})
        self.assertError(r, 401, "invalid_credentials")
        self.assertAlive(self.login(u, newp))
        # The rotated session's CSRF token works for a state change.
        r = self.req("POST", "/logout", cookie=rotated.cookie, csrf=rotated.csrf)
        self.assertEqual(r.status, 204, r)

    def test_password_form_body_is_415(self):
        s = self.new_login()
        r = self.req("POST", "/password", cookie=s.cookie, csrf=s.csrf,
                     form={"current_password": s.password, "new_password": "whatever-long-enough"})
        self.assertError(r, 415, "unsupported_media_type")
        self.assertAlive(s)

    def test_password_wrong_current(self):
        s = self.new_login()
        r = self.req("POST", "/password", cookie=s.cookie, csrf=s.csrf,
                     json_body={"current_password": "not-" + s.password, "new_password": "a-new-password-123"})
        self.assertError(r, 401, "invalid_credentials")
        self.assertIsNone(r.session_cookie())
        self.assertAlive(s)
        self.assertAlive(self.login(s.user, s.password))

    def test_password_weak(self):
        s = self.new_login()
        for newp in ("short7!", "x" * 1025, ""):
            r = self.req("POST", "/password", cookie=s.cookie, csrf=s.csrf,
                         json_body={"current_password": s.password, "new_password": newp})
            self.assertError(r, 400, "weak_password")
        self.assertAlive(s)
        self.assertAlive(self.login(s.user, s.password))
        # Bounds are inclusive: 8 and 1024 bytes are fine.
        r = self.req("POST", "/password", cookie=s.cookie, csrf=s.csrf,
                     json_body={"current_password": s.password, "new_password": "8bytes!!"})
        self.assertJSON(r, 200)

    def test_password_malformed(self):
        s = self.new_login()
        for body in ({"current_password": s.password}, {"new_password": "long-enough-pw"},
                     {"current_password": s.password, "new_password": 12345678},
                     {"current_password": None, "new_password": "long-enough-pw"}):
            r = self.req("POST", "/password", cookie=s.cookie, csrf=s.csrf, json_body=body)
            self.assertError(r, 400, "malformed")
        r = self.req("POST", "/password", cookie=s.cookie, csrf=s.csrf, body="{nope", content_type="application/json")
        self.assertError(r, 400, "malformed")
        self.assertAlive(s)

    def test_invalid_credentials_same_body(self):
        u, p = self.env.add_user()
        r1 = self.req("POST", "/login", json_body={"username": u, "password": p + "x"})
        r2 = self.req("POST", "/login", json_body={"username": "nobody-" + u, "password": p})
        r3 = self.req("POST", "/login", form={"username": "nobody-" + u, "password": p})
        for r in (r1, r2):
            self.assertError(r, 401, "invalid_credentials")
            self.assertIsNone(r.session_cookie(), r)
        self.assertEqual(r1.body, r2.body)
        # The HTML form gets the login page again, with the same status.
        self.assertIn("Wrong username or password.", self.assertPage(r3, 401))
        self.assertIsNone(r3.session_cookie(), r3)

    def test_login_malformed(self):
        cases = [
            ("{not json", "application/json"),
            ("", "application/json"),
            ("[]", "application/json"),
            ('"alice"', "application/json"),
            ("null", "application/json"),
            ('{"username":"alice"}', "application/json"),
            ('{"password":"secret-pw"}', "application/json"),
            ('{"username":1,"password":"secret-pw"}', "application/json"),
            ('{"username":"alice","password":null}', "application/json"),
            ('{"username":"alice","password":["x"]}', "application/json"),
            ('{"username":"alice","password":"x"', "application/json"),
        ]
        for body, ct in cases:
            with self.subTest(body=body, ct=ct):
                r = self.req("POST", "/login", body=body, content_type=ct)
                self.assertError(r, 400, "malformed")
                self.assertIsNone(r.session_cookie())
        # An HTML form without one of its fields: the login page again, 400.
        for body in ("username=alice", "password=secret-pw", "username=a&username=b&password=secret-pw"):
            with self.subTest(body=body):
                r = self.req("POST", "/login", body=body, content_type="application/x-www-form-urlencoded")
                self.assertIn("<form", self.assertPage(r, 400))
                self.assertIsNone(r.session_cookie())

    def test_login_wrong_content_type(self):
        for ct in ("text/plain", "application/xml", "multipart/form-data; boundary=x"):
            with self.subTest(ct=ct):
                r = self.req("POST", "/login", body='{"username":"a","password":"bbbbbbbb"}', content_type=ct)
                self.assertError(r, 415, "unsupported_media_type")

    def test_no_cookie(self):
        for method, path in (("GET", "/session"), ("GET", "/sessions"), ("POST", "/logout"),
                             ("POST", "/sessions/revoke-others"), ("POST", "/logout-everywhere"),
                             ("DELETE", "/sessions/" + "A" * 43)):
            with self.subTest(path=path):
                r = self.req(method, path)
                self.assertError(r, 401, "unauthenticated")
        r = self.req("POST", "/password", json_body={"current_password": "aaaaaaaa", "new_password": "bbbbbbbbb"})
        self.assertError(r, 401, "unauthenticated")
        # Another cookie, but not ours.
        r = self.req("GET", "/session", headers={"Cookie": "other=1; tessera=2"})
        self.assertError(r, 401, "unauthenticated")

    def test_garbage_cookie(self):
        from harness import remember_secret
        for v in ("garbage-cookie-value-xyz", "A" * 43, "%00%ff-not-base64-!!!!", "x" * 2000):
            remember_secret(v)
            with self.subTest(v=v[:20]):
                r = self.req("GET", "/session", cookie=v)
                self.assertError(r, 401, "session_not_found")
                r = self.req("GET", "/sessions", cookie=v)
                self.assertError(r, 401, "session_not_found")

    def test_session_id_in_query_is_not_a_cookie(self):
        s = self.new_login()
        r = self.req("GET", f"/session?{COOKIE_NAME}={s.cookie}")
        self.assertEqual(r.status, 401, r)

    def test_unknown_route(self):
        for method, path in (("GET", "/nope"), ("POST", "/nope"), ("GET", "/account/extra"), ("GET", "/login/extra"),
                             ("GET", "/sessions/a/b"), ("GET", "/.well-known/other")):
            with self.subTest(method=method, path=path):
                r = self.req(method, path)
                self.assertError(r, 404, "not_found")

    def test_wrong_method(self):
        cases = [("PUT", "/login", {"GET", "POST"}), ("PUT", "/session", {"GET"}), ("POST", "/session", {"GET"}),
                 ("GET", "/logout", {"POST"}), ("DELETE", "/sessions", {"GET"}),
                 ("GET", "/sessions/" + "A" * 43, {"DELETE"}), ("GET", "/password", {"POST"}),
                 ("POST", "/healthz", {"GET"}), ("DELETE", "/.well-known/jwks.json", {"GET"}),
                 ("GET", "/sessions/revoke-others", {"POST"}),
                 ("GET", "/logout-everywhere", {"POST"})]
        for method, path, allow in cases:
            with self.subTest(method=method, path=path):
                r = self.req(method, path)
                self.assertError(r, 405, "method_not_allowed")
                got = {m.strip() for m in (r.header("Allow") or "").split(",") if m.strip()}
                self.assertTrue(allow <= got, f"Allow {r.header('Allow')!r}, want {allow}")
                self.assertNotIn(method, got)

    def test_jwks(self):
        r = self.req("GET", "/.well-known/jwks.json", jwks=True)
        body = self.assertJSON(r, 200)
        keys = body["keys"]
        self.assertEqual(len(keys), 3, body)
        kinds = {(k["kty"], k.get("crv")) for k in keys}
        self.assertEqual(kinds, {("OKP", "Ed25519"), ("EC", "P-256"), ("RSA", None)})
        algs = {"OKP": "EdDSA", "EC": "ES256", "RSA": "RS256"}
        for k in keys:
            for private in ("d", "p", "q", "dp", "dq", "qi", "k"):
                self.assertNotIn(private, k)
            if k["kty"] == "OKP":
                # One key for JWT EdDSA and PASETO v4.public: named by its PASERK id.
                self.assertEqual(k["kid"], paserk_pid_k4(k["x"]), k)
            else:
                self.assertEqual(k["kid"], jwk_thumbprint(k), k)
            self.assertEqual(k["alg"], algs[k["kty"]], k)
            if "use" in k:
                self.assertEqual(k["use"], "sig")

    def test_healthz_readyz(self):
        self.assertEqual(self.assertJSON(self.req("GET", "/healthz"), 200), {"status": "ok"})
        self.assertEqual(self.assertJSON(self.req("GET", "/readyz"), 200), {"status": "ok"})

    def test_metrics(self):
        def scrape():
            r = self.req("GET", "/metrics", metrics=True)
            self.assertEqual(r.status, 200, r)
            ct = r.header("Content-Type") or ""
            self.assertTrue(ct.startswith("text/plain"), ct)
            self.assertIn("version=0.0.4", ct)
            return r.body.decode(), parse_metrics(r.body.decode())

        text0, m0 = scrape()
        for _ in range(3):
            self.req("GET", "/healthz")
        s = self.new_login()
        self.req("GET", "/session", cookie=s.cookie)
        self.req("POST", "/login", json_body={"username": s.user, "password": "wrong-pw-123"})
        self.req("GET", "/no-such-route-e2e-xyz")
        self.req("POST", "/logout", cookie=s.cookie, csrf=s.csrf)
        text1, m1 = scrape()

        def val(m, name, **labels):
            return metric(m, name, **labels) or 0.0

        self.assertGreaterEqual(val(m1, "tessera_http_requests_total", route="/healthz", method="GET", status="200")
                                - val(m0, "tessera_http_requests_total", route="/healthz", method="GET", status="200"),
                                3, text1)
        self.assertGreaterEqual(val(m1, "tessera_http_requests_total", route="/login", method="POST", status="200")
                                - val(m0, "tessera_http_requests_total", route="/login", method="POST", status="200"),
                                1, text1)
        self.assertGreaterEqual(val(m1, "tessera_http_requests_total", route="/login", status="401")
                                - val(m0, "tessera_http_requests_total", route="/login", status="401"), 1, text1)
        self.assertGreaterEqual(val(m1, "tessera_http_requests_total", route="other", status="404")
                                - val(m0, "tessera_http_requests_total", route="other", status="404"), 1, text1)
        self.assertNotIn("no-such-route-e2e-xyz", text1)
        for name in ("tessera_sessions_created_total", "tessera_sessions_validated_total",
                     "tessera_sessions_revoked_total", "tessera_logins_failed_total"):
            with self.subTest(name=name):
                self.assertIsNotNone(metric(m1, name), f"{name} missing:\n{text1}")
                self.assertGreaterEqual(val(m1, name) - val(m0, name), 1, name)
        for name in ("tessera_logins_throttled_total", "tessera_store_errors_total", "tessera_http_connections"):
            self.assertIsNotNone(metric(m1, name), f"{name} missing:\n{text1}")
        self.assertIsNotNone(metric(m1, "tessera_http_request_duration_seconds_bucket", route="/healthz"), text1)
        self.assertIsNotNone(metric(m1, "tessera_http_request_duration_seconds_count", route="/healthz"), text1)
        self.assertIn("# TYPE tessera_http_requests_total counter", text1)
        self.assertIn("# TYPE tessera_http_request_duration_seconds histogram", text1)
        # Label values stay bounded: no raw session ids in route labels.
        for n, labels, _ in m1:
            if "route" in labels:
                self.assertIn(labels["route"], {"/login", "/session", "/logout", "/sessions", "/sessions/{id}",
                                                "/sessions/revoke-others", "/logout-everywhere", "/password",
                                                "/.well-known/jwks.json", "/healthz", "/readyz",
                                                "/static/style.css", "/", "/account", "/account/devices/revoke",
                                                "/account/sign-out-others", "/account/sign-out-everywhere",
                                                "/account/password", "/debugger", "/static/debugger/{file}", "other"},
                              (n, labels))


class CliWhileServing(E2ETest):
    """`tessera users` acting on the store of a running server (users created while it runs)."""
    server_args = NO_THROTTLE

    def fresh_name(self):
        import secrets
        return "cli-" + secrets.token_hex(4)

    def new_login(self, srv=None, **kw):
        u, p = self.env.add_user(name=self.fresh_name())
        return self.login(u, p, srv=srv, **kw)

    def test_cli_add_while_serving(self):
        s = self.new_login()
        u, p = self.env.add_user(name=self.fresh_name())
        self.assertAlive(self.login(u, p))
        self.assertAlive(s)
        out = self.env.cli("users", "list").stdout.decode()
        self.assertIn(u, out)
        self.assertIn(s.user, out)
        if harness.STORE == "sqlite":
            # The server's WAL must still be the file on disk: a CLI process must never delete
            # it from under the running server (its later writes would go to an unlinked file).
            pid = self.srv.proc.pid
            fds = []
            for fd in os.listdir(f"/proc/{pid}/fd"):
                try:
                    fds.append(os.readlink(f"/proc/{pid}/fd/{fd}"))
                except OSError:
                    pass
            deleted = [f for f in fds if "tessera.db" in f and f.endswith("(deleted)")]
            self.assertEqual(deleted, [], "the server's SQLite files were unlinked by the CLI")
            self.assertTrue(os.path.exists(os.path.join(self.env.data, "tessera.db-wal")))

    def test_cli_passwd_kills_all_sessions(self):
        u, p = self.env.add_user(name=self.fresh_name())
        a, b = self.login(u, p), self.login(u, p)
        other = self.new_login()
        newp = "cli-new-" + p
        from harness import remember_secret
        remember_secret(newp)
        self.env.cli("users", "passwd", u, "--password-stdin", "--argon2-ops", "1", "--argon2-mem-kib", "8192",
                     stdin=newp + "\n")
        self.assertDead(a)
        self.assertDead(b)
        self.assertAlive(other)
        self.assertError(self.req("POST", "/login", json_body={"username": u, "password": p}), 401,
                         "invalid_credentials")
        self.assertAlive(self.login(u, newp))

    def test_cli_disable(self):
        u, p = self.env.add_user(name=self.fresh_name())
        a = self.login(u, p)
        other = self.new_login()
        self.env.cli("users", "disable", u)
        self.assertDead(a)
        self.assertAlive(other)
        r_disabled = self.req("POST", "/login", json_body={"username": u, "password": p})
        r_wrong = self.req("POST", "/login", json_body={"username": other.user, "password": "wrong-password-x"})
        self.assertError(r_disabled, 401, "invalid_credentials")
        self.assertEqual(r_disabled.json(), r_wrong.json())
        self.assertIsNone(r_disabled.session_cookie())



class MetricsListener(E2ETest):
    """/metrics lives on its own listener (--metrics-listen); the public one never serves it."""

    def test_public_listener_never_serves_metrics(self):
        for method, path in (("GET", "/metrics"), ("POST", "/metrics"), ("GET", "/metrics?format=text"),
                             ("HEAD", "/metrics"), ("GET", "/metrics/")):
            with self.subTest(method=method, path=path):
                r = self.req(method, path)
                self.assertEqual(r.status, 404, r)
                if method != "HEAD":
                    self.assertError(r, 404, "not_found")
                self.assertNotIn(b"tessera_http_requests_total", r.body)

    def test_metrics_listener_serves_metrics_and_healthz_only(self):
        r = self.req("GET", "/metrics", metrics=True)
        self.assertEqual(r.status, 200, r)
        self.assertTrue((r.header("Content-Type") or "").startswith("text/plain"), r)
        self.assertIn("tessera_http_connections", r.body.decode())
        self.assertEqual(self.assertJSON(self.req("GET", "/healthz", metrics=True), 200), {"status": "ok"})
        for method, path in (("GET", "/session"), ("GET", "/sessions"), ("GET", "/readyz"),
                             ("GET", "/.well-known/jwks.json"), ("POST", "/logout"), ("GET", "/")):
            with self.subTest(method=method, path=path):
                self.assertError(self.req(method, path, metrics=True), 404, "not_found")
        u, p = self.env.add_user()
        r = self.req("POST", "/login", metrics=True, json_body={"username": u, "password": p})
        self.assertError(r, 404, "not_found")
        self.assertIsNone(r.session_cookie())
        r = self.req("POST", "/metrics", metrics=True)
        self.assertError(r, 405, "method_not_allowed")
        self.assertEqual(r.header("Allow"), "GET")

    def test_metrics_listener_off(self):
        srv = self.env.server("--metrics-listen", "off")
        try:
            self.assertIsNone(srv.metrics_port)
            line = srv.wait_log(lambda o: o.get("msg") == "listening")
            self.assertIsNotNone(line)
            self.assertIsNone(line.get("metrics_url"), line)
            self.assertError(self.req("GET", "/metrics", srv=srv), 404, "not_found")
        finally:
            srv.stop()

    def test_listening_line_names_the_metrics_url(self):
        line = self.srv.wait_log(lambda o: o.get("msg") == "listening")
        self.assertEqual(line.get("metrics_url"), f"http://127.0.0.1:{self.srv.metrics_port}/metrics", line)
