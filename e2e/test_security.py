# Session fixation, CSRF (synchronizer token + Origin / Sec-Fetch-Site), logout invalidation,
# cross-user isolation, security headers (docs/server.md "Cookie", "CSRF").
import json
import time

from harness import (COOKIE_NAME, DEVICE_COOKIE_NAME, E2ETest, parse_responses, raw_connect, read_until_close,
                     remember_secret)

NO_THROTTLE = ("--login-account-free-failures", "1000", "--login-ip-free-failures", "1000")


class Fixation(E2ETest):
    server_args = NO_THROTTLE
    user_pool = 6

    def test_login_with_valid_cookie_gets_new_one(self):
        u, p = self.env.add_user()
        a = self.login(u, p)
        a_id = self.assertAlive(a)["session"]["id"]
        b = self.login(u, p, cookie=a.cookie)
        self.assertNotEqual(b.cookie, a.cookie)
        self.assertNotEqual(b.csrf, a.csrf)
        b_id = self.assertAlive(b)["session"]["id"]
        self.assertNotEqual(a_id, b_id)
        # Login does not adopt the old session: it keeps its own state, still valid.
        self.assertEqual(self.assertAlive(a)["session"]["id"], a_id)
        self.assertEqual(len(self.assertJSON(self.req("GET", "/sessions", cookie=b.cookie), 200)["sessions"]), 2)

    def test_login_with_other_users_cookie(self):
        victim = self.new_login()
        u, p = self.env.add_user()
        s = self.login(u, p, cookie=victim.cookie)
        self.assertNotEqual(s.cookie, victim.cookie)
        self.assertEqual(self.assertAlive(s)["user"], u)
        self.assertEqual(self.assertAlive(victim)["user"], victim.user)

    def test_attacker_chosen_cookie_never_returned(self):
        planted = "Fix4tionAttackerChosenValue0123456789abcdef"[:43]
        remember_secret(planted)
        u, p = self.env.add_user()
        for _ in range(3):
            s = self.login(u, p, cookie=planted)
            self.assertNotEqual(s.cookie, planted)
            self.assertAlive(s)
        # The planted value still is no session.
        self.assertError(self.req("GET", "/session", cookie=planted), 401, "session_not_found")
        # Form login as well.
        r = self.req("POST", "/login", form={"username": u, "password": p}, cookie=planted)
        self.assertEqual(r.status, 303, r)
        self.assertNotEqual(r.session_cookie()["value"], planted)

    def test_every_login_is_a_new_id(self):
        u, p = self.env.add_user()
        cookies = {self.login(u, p).cookie for _ in range(5)}
        self.assertEqual(len(cookies), 5)


class CSRF(E2ETest):
    server_args = NO_THROTTLE
    user_pool = 10

    def same_origin(self):
        return {"Origin": self.srv.origin, "Sec-Fetch-Site": "same-origin"}

    def test_logout_csrf(self):
        u, p = self.env.add_user()
        s = self.login(u, p)
        sibling = self.login(u, p)
        stranger = self.new_login()
        bad = [
            ("no token", None, {}),
            ("empty token", "", {}),
            ("wrong token", "A" * len(s.csrf), {}),
            ("token with a char changed", s.csrf[:-1] + ("A" if s.csrf[-1] != "A" else "B"), {}),
            ("same user's other session token", sibling.csrf, {}),
            ("another user's token", stranger.csrf, {}),
            ("evil Origin", s.csrf, {"Origin": "https://evil.example"}),
            ("Origin null", s.csrf, {"Origin": "null"}),
            ("Origin other port", s.csrf, {"Origin": f"http://127.0.0.1:{self.srv.port + 1}"}),
            ("Sec-Fetch-Site cross-site", s.csrf, {"Sec-Fetch-Site": "cross-site"}),
            ("Sec-Fetch-Site same-site", s.csrf, {"Sec-Fetch-Site": "same-site"}),
            ("cross-site despite good Origin", s.csrf, {"Sec-Fetch-Site": "cross-site", "Origin": self.srv.origin}),
        ]
        for name, token, hdrs in bad:
            with self.subTest(name):
                r = self.req("POST", "/logout", cookie=s.cookie, csrf=token, headers=hdrs)
                self.assertError(r, 403, "csrf_failed")
                self.assertIsNone(r.session_cookie(), "a refused logout must not clear the cookie")
        self.assertAlive(s)
        self.assertAlive(sibling)
        self.assertAlive(stranger)
        # Right token + same-origin browser headers: accepted.
        r = self.req("POST", "/logout", cookie=s.cookie, csrf=s.csrf, headers=self.same_origin())
        self.assertEqual(r.status, 204, r)
        self.assertDead(s)
        self.assertAlive(sibling)

    def test_token_without_browser_headers_ok(self):
        s = self.new_login()
        self.assertEqual(self.req("POST", "/logout", cookie=s.cookie, csrf=s.csrf).status, 204)

    def test_sec_fetch_site_none_ok(self):
        s = self.new_login()
        r = self.req("POST", "/logout", cookie=s.cookie, csrf=s.csrf, headers={"Sec-Fetch-Site": "none"})
        self.assertEqual(r.status, 204, r)

    def test_token_from_session_endpoint(self):
        s = self.new_login()
        tok = self.assertAlive(s)["csrf_token"]
        r = self.req("POST", "/sessions/revoke-others", cookie=s.cookie, csrf=tok, headers=self.same_origin())
        self.assertEqual(self.assertJSON(r, 200), {"revoked": 0})

    def test_all_state_changing_routes_need_token(self):
        u, p = self.env.add_user()
        s = self.login(u, p)
        victim = self.login(u, p)
        vid = self.assertAlive(victim)["session"]["id"]
        calls = [
            ("DELETE", f"/sessions/{vid}", {}),
            ("POST", "/sessions/revoke-others", {}),
            ("POST", "/logout-everywhere", {}),
            ("POST", "/password", {"json_body": {"current_password": p, "new_password": "attacker-chosen-pw"}}),
            ("POST", "/logout", {}),
        ]
        for method, path, kw in calls:
            for token, hdrs in ((None, {}), (victim.csrf, {}), (s.csrf, {"Origin": "https://evil.example"})):
                with self.subTest(method=method, path=path, token=bool(token), hdrs=hdrs):
                    r = self.req(method, path, cookie=s.cookie, csrf=token, headers=hdrs, **kw)
                    self.assertError(r, 403, "csrf_failed")
        self.assertAlive(s)
        self.assertAlive(victim)
        self.assertAlive(self.login(u, p))  # password unchanged

    def test_reads_need_no_token(self):
        s = self.new_login()
        self.assertJSON(self.req("GET", "/sessions", cookie=s.cookie, headers={"Sec-Fetch-Site": "cross-site"}), 200)

    def test_login_csrf(self):
        u, p = self.env.add_user()
        for hdrs in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://evil.example"},
                     {"Origin": "null"}, {"Sec-Fetch-Site": "same-site"}):
            with self.subTest(hdrs=hdrs):
                r = self.req("POST", "/login", json_body={"username": u, "password": p}, headers=hdrs)
                self.assertError(r, 403, "csrf_failed")
                self.assertIsNone(r.session_cookie())
                r = self.req("POST", "/login", form={"username": u, "password": p}, headers=hdrs)
                self.assertIn("csrf_failed", self.assertPage(r, 403))
                self.assertIsNone(r.session_cookie())
        r = self.req("POST", "/login", json_body={"username": u, "password": p}, headers=self.same_origin())
        self.assertJSON(r, 200)
        r = self.req("POST", "/login", form={"username": u, "password": p}, headers={"Sec-Fetch-Site": "none"})
        self.assertEqual(r.status, 303, r)
        # What Chromium sends for the login page's own form under Referrer-Policy: no-referrer.
        r = self.req("POST", "/login", form={"username": u, "password": p},
                     headers={"Sec-Fetch-Site": "same-origin", "Origin": "null"})
        self.assertEqual(r.status, 303, r)


class Invalidation(E2ETest):
    server_args = NO_THROTTLE
    user_pool = 12

    def test_replay_after_logout(self):
        s = self.new_login()
        self.assertEqual(self.req("POST", "/logout", cookie=s.cookie, csrf=s.csrf).status, 204)
        for method, path in (("GET", "/session"), ("GET", "/sessions")):
            self.assertError(self.req(method, path, cookie=s.cookie), 401,
                             {"session_revoked", "session_not_found"})
        r = self.req("POST", "/sessions/revoke-others", cookie=s.cookie, csrf=s.csrf)
        self.assertError(r, 401, {"session_revoked", "session_not_found"})

    def test_delete_other_users_session(self):
        attacker = self.new_login()
        victim = self.new_login()
        vid = self.assertAlive(victim)["session"]["id"]
        r = self.req("DELETE", f"/sessions/{vid}", cookie=attacker.cookie, csrf=attacker.csrf)
        self.assertError(r, 404, "session_not_found")
        self.assertAlive(victim)
        # Same answer as for an id that does not exist at all.
        r2 = self.req("DELETE", "/sessions/" + "B" * 43, cookie=attacker.cookie, csrf=attacker.csrf)
        self.assertError(r2, 404, "session_not_found")
        self.assertEqual(r.body, r2.body)
        # A cookie value in place of an id hash does not work either.
        r = self.req("DELETE", f"/sessions/{victim.cookie}", cookie=attacker.cookie, csrf=attacker.csrf)
        self.assertError(r, 404, "session_not_found")
        self.assertAlive(victim)

    def test_list_shows_only_own_sessions(self):
        a = self.new_login()
        b = self.new_login()
        bid = self.assertAlive(b)["session"]["id"]
        ids = [x["id"] for x in self.assertJSON(self.req("GET", "/sessions", cookie=a.cookie), 200)["sessions"]]
        self.assertNotIn(bid, ids)
        self.assertEqual(len(ids), 1)

    def test_revoke_others_scoped_to_user(self):
        u, p = self.env.add_user()
        a, b = self.login(u, p), self.login(u, p)
        other = self.new_login()
        r = self.req("POST", "/sessions/revoke-others", cookie=a.cookie, csrf=a.csrf)
        self.assertEqual(self.assertJSON(r, 200), {"revoked": 1})
        self.assertDead(b)
        self.assertAlive(a)
        self.assertAlive(other)

    def test_logout_everywhere_then_replay(self):
        u, p = self.env.add_user()
        a, b = self.login(u, p), self.login(u, p)
        self.assertEqual(self.assertJSON(self.req("POST", "/logout-everywhere", cookie=b.cookie, csrf=b.csrf), 200),
                         {"revoked": 2})
        for s in (a, b):
            self.assertDead(s)
            self.assertError(self.req("POST", "/logout-everywhere", cookie=s.cookie, csrf=s.csrf), 401,
                             {"session_revoked", "session_not_found"})

    def test_max_sessions_per_user(self):
        u, p = self.env.add_user()
        first = self.login(u, p)
        time.sleep(1.1)  # created_at is in whole seconds: make the first one strictly the oldest
        rest = [self.login(u, p) for _ in range(20)]
        self.assertDead(first)  # default bound 20: the oldest is revoked
        self.assertAlive(rest[0])
        self.assertEqual(len(self.assertJSON(self.req("GET", "/sessions", cookie=rest[-1].cookie), 200)["sessions"]),
                         20)


class Headers(E2ETest):
    """Security headers on every kind of response (req() checks them on each one)."""
    server_args = NO_THROTTLE
    user_pool = 3

    def test_headers_everywhere(self):
        s = self.new_login()
        self.req("GET", "/session", cookie=s.cookie)
        self.req("GET", "/sessions", cookie=s.cookie)
        self.req("GET", "/session")
        self.req("GET", "/session", cookie="garbage-cookie-value-xyz")
        self.req("POST", "/logout", cookie=s.cookie)
        self.req("GET", "/nope")
        self.req("PUT", "/login")
        self.req("POST", "/login", body="x", content_type="text/plain")
        self.req("POST", "/login", body="{", content_type="application/json")
        self.req("GET", "/healthz")
        self.req("GET", "/readyz")
        self.req("GET", "/metrics")
        self.req("GET", "/metrics", metrics=True)
        self.req("GET", "/healthz", metrics=True)
        self.req("GET", "/login", metrics=True)
        self.req("GET", "/.well-known/jwks.json", jwks=True)
        self.req("POST", "/logout", cookie=s.cookie, csrf=s.csrf)

    def test_no_cors(self):
        r = self.req("GET", "/session", headers={"Origin": "https://evil.example"})
        self.assertIsNone(r.header("Access-Control-Allow-Origin"))
        self.assertIsNone(r.header("Access-Control-Allow-Credentials"))

    def test_no_cookie_in_body_or_other_headers(self):
        u, p = self.env.add_user()
        r = self.req("POST", "/login", json_body={"username": u, "password": p})
        cookie = r.session_cookie()["value"]
        remember_secret(cookie)
        for k, v in r.headers.items():
            if k.lower() != "set-cookie":
                self.assertNotIn(cookie, v, k)
        self.assertNotIn(cookie, r.body.decode())
        self.assertNotIn(p, r.body.decode())
        # The session cookie and the device cookie (docs/server.md "Login throttling"), nothing else.
        self.assertEqual(sorted(c["name"] for c in r.set_cookies()), sorted([COOKIE_NAME, DEVICE_COOKIE_NAME]))
        self.assertTrue(r.headers.get_all("Set-Cookie")[0].startswith(COOKIE_NAME + "="))


class Trailers(E2ETest):
    """Chunked trailer fields are never merged into the header (docs/server.md "Details a client
    may meet"): a request that carries any, or announces them with `Trailer`, is 400 malformed
    and nothing it asked for happens."""
    server_args = NO_THROTTLE
    user_pool = 6

    def chunked(self, path, head_fields, trailer_fields, announce=False, body=b"{}"):
        """Sends POST path with a chunked body; returns the first response (status, headers, body)."""
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.srv.port}\r\n".encode()
        head += b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n"
        for k, v in head_fields:
            head += f"{k}: {v}\r\n".encode()
        if announce:
            head += ("Trailer: " + ", ".join(k for k, _ in trailer_fields) + "\r\n").encode()
        msg = head + b"\r\n" + b"%x\r\n" % len(body) + body + b"\r\n0\r\n"
        for k, v in trailer_fields:
            msg += f"{k}: {v}\r\n".encode()
        msg += b"\r\n"
        s = raw_connect(self.srv.port)
        try:
            s.sendall(msg)
            data, _, _ = read_until_close(s, timeout=5)
        finally:
            s.close()
        rs = parse_responses(data)
        self.assertTrue(rs, f"no response: {data[:300]!r}")
        return rs[0]

    def assertRefused(self, resp):
        status, hdrs, body = resp
        self.assertEqual(status, 400, (status, hdrs, body))
        self.assertEqual(json.loads(body)["error"], "malformed")

    def test_cookie_and_csrf_only_in_trailer(self):
        u, p = self.env.add_user()
        a, b = self.login(u, p), self.login(u, p)
        for announce in (False, True):
            with self.subTest(announce=announce):
                self.assertRefused(self.chunked("/sessions/revoke-others", [],
                                                [("Cookie", f"{COOKIE_NAME}={a.cookie}"), ("X-CSRF-Token", a.csrf)],
                                                announce=announce))
                self.assertRefused(self.chunked("/logout", [],
                                                [("Cookie", f"{COOKIE_NAME}={a.cookie}"), ("X-CSRF-Token", a.csrf)],
                                                announce=announce))
        self.assertAlive(a)
        self.assertAlive(b)

    def test_csrf_token_only_in_trailer(self):
        s = self.new_login()
        self.assertRefused(self.chunked("/logout", [("Cookie", f"{COOKIE_NAME}={s.cookie}")],
                                        [("X-CSRF-Token", s.csrf)]))
        self.assertAlive(s)

    def test_sec_fetch_site_in_trailer_does_not_override_evil_origin(self):
        u, p = self.env.add_user()
        a, b = self.login(u, p), self.login(u, p)
        head = [("Cookie", f"{COOKIE_NAME}={a.cookie}"), ("X-CSRF-Token", a.csrf), ("Origin", "https://evil.example")]
        self.assertRefused(self.chunked("/sessions/revoke-others", head, [("Sec-Fetch-Site", "same-origin")]))
        self.assertRefused(self.chunked("/logout", head, [("Sec-Fetch-Site", "same-origin")]))
        # Without the trailer, the evil Origin alone is what it always was: 403.
        status, _, body = self.chunked("/logout", head, [])
        self.assertEqual(status, 403, body)
        self.assertAlive(a)
        self.assertAlive(b)

    def test_harmless_trailer_field_and_announcement_refused(self):
        # A login that would succeed without them.
        u, p = self.env.add_user()
        body = json.dumps({"username": u, "password": p}).encode()
        self.assertRefused(self.chunked("/login", [], [("X-Anything", "1")], body=body))
        self.assertRefused(self.chunked("/login", [("Trailer", "X-Anything")], [], body=body))

    def test_chunked_without_trailer_still_works(self):
        u, p = self.env.add_user()
        body = json.dumps({"username": u, "password": p}).encode()
        status, hdrs, resp = self.chunked("/login", [], [], body=body)
        self.assertEqual(status, 200, resp)
        remember_secret(json.loads(resp)["csrf_token"])
        for c in hdrs.get("set-cookie", "").split(";")[:1]:
            remember_secret(c.partition("=")[2])
