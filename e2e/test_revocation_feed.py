# The revocation feed (docs/revocation-feed.md) across two `tessera serve` instances on one store
# (SQLite file, Redis, or Redis Cluster, as the run's --store says): a resource server subscribed
# to instance B hears what instance A revoked: a logout everywhere (subject event), a refresh
# token revoked (grant event), a JWT access token revoked (jti event); by long-poll and by
# Server-Sent Events. Also: who may subscribe, bad parameters, a cursor the log cannot place
# (resync).
import json
import threading
import time
import urllib.parse

from harness import E2ETest, remember_secret
from test_oauth import REDIRECT, basic, jwt_claims, pkce

FEED = "/oauth2/revocations"


class RevocationFeed(E2ETest):
    user_pool = 6

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.b = cls.env.server()  # a second instance on the same store
        cls.app = cls.add_client("first-party app", "--first-party", "--redirect-uri", REDIRECT,
                                 "--audience", "https://api.example")
        cls.api = cls.add_client("api", "--grant", "client_credentials", "--resource", "https://api.example")
        cls.batch = cls.add_client("batch", "--grant", "client_credentials", "--scope", "reports")

    @classmethod
    def add_client(cls, name, *args):
        c = json.loads(cls.env.cli("clients", "add", name, *args, "--json").stdout)
        remember_secret(c.get("client_secret"))
        return c

    # -- helpers ---------------------------------------------------------------------------

    def creds(self, client=None):
        c = client or self.api
        return basic(c["client_id"], c["client_secret"])

    def feed(self, srv, since=None, wait=None, client=None, timeout=15):
        q = {}
        if since is not None:
            q["since"] = since
        if wait is not None:
            q["wait"] = str(wait)
        path = FEED + ("?" + urllib.parse.urlencode(q) if q else "")
        return self.req("GET", path, srv=srv, headers=self.creds(client), timeout=timeout)

    def cursor_now(self, srv):
        body = self.assertJSON(self.feed(srv), 200)
        self.assertEqual(body["events"], [])
        return body["cursor"]

    def events_after(self, srv, cursor, want, wait=10):
        """Long-polls srv from cursor until an event matching want (a dict subset) arrives."""
        deadline = time.time() + 20
        seen = []
        while time.time() < deadline:
            body = self.assertJSON(self.feed(srv, since=cursor, wait=wait, timeout=wait + 10), 200)
            self.assertNotIn("resync", body)
            seen += body["events"]
            cursor = body["cursor"]
            for e in seen:
                if all(e.get(k) == v for k, v in want.items()):
                    return seen, cursor
        self.fail(f"no event {want} after {cursor}: saw {seen}")

    def logout_everywhere(self, srv):
        u, p = self.env.add_user()
        s = self.login(u, p, srv=srv)
        r = self.req("POST", "/logout-everywhere", srv=srv, cookie=s.cookie, csrf=s.csrf)
        self.assertEqual(r.status, 200, r)
        return u

    def tokens(self, srv):
        u, p = self.env.add_user()
        sess = self.login(u, p, srv=srv)
        verifier, challenge = pkce()
        params = {"response_type": "code", "client_id": self.app["client_id"], "redirect_uri": REDIRECT,
                  "scope": "openid offline_access", "state": "s", "nonce": "n", "code_challenge": challenge,
                  "code_challenge_method": "S256"}
        r = srv.request("GET", "/oauth2/authorize?" + urllib.parse.urlencode(params), cookie=sess.cookie)
        self.assertEqual(r.status, 302, r)
        code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(r.header("Location")).query))["code"]
        remember_secret(code)
        r = srv.request("POST", "/oauth2/token", form={"grant_type": "authorization_code", "code": code,
                                                       "redirect_uri": REDIRECT, "code_verifier": verifier},
                        headers=self.creds(self.app))
        body = self.assertJSON(r, 200)
        for k in ("access_token", "refresh_token", "id_token"):
            remember_secret(body.get(k))
        return u, body

    def revoke(self, srv, token):
        r = srv.request("POST", "/oauth2/revoke", form={"token": token}, headers=self.creds(self.app))
        self.assertEqual(r.status, 200, r)

    # -- tests -----------------------------------------------------------------------------

    def test_only_resource_servers_subscribe(self):
        r = self.req("GET", FEED)
        self.assertEqual(r.status, 401, r)
        self.assertEqual(r.json()["error"], "invalid_client")
        r = self.feed(self.srv, client=self.batch)
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.json()["error"], "access_denied")
        wrong = dict(self.api, client_secret="not-the-secret")
        self.assertEqual(self.feed(self.srv, client=wrong).status, 401)
        # Credentials never in a URL; a POSTed form is fine.
        q = urllib.parse.urlencode({"client_id": self.api["client_id"], "client_secret": self.api["client_secret"]})
        r = self.req("GET", FEED + "?" + q)
        self.assertEqual(r.status, 400, r)
        self.assertEqual(r.json()["error"], "invalid_request")
        r = self.req("POST", FEED, form={"client_id": self.api["client_id"],
                                         "client_secret": self.api["client_secret"]})
        body = self.assertJSON(r, 200)
        self.assertEqual(r.header("Cache-Control"), "no-store", r)
        self.assertEqual(set(body), {"events", "cursor"})

    def test_bad_parameters(self):
        for since, wait in (("garbage", None), (None, "soon"), (None, "-1")):
            r = self.feed(self.srv, since=since, wait=wait)
            self.assertEqual(r.status, 400, r)
            self.assertEqual(r.json()["error"], "invalid_request")

    def test_a_cursor_the_log_cannot_place_resyncs(self):
        now = self.cursor_now(self.srv)
        ahead = "99999999999999-0" if "-" in now else "999999999999"
        body = self.assertJSON(self.feed(self.srv, since=ahead), 200)
        self.assertIs(body.get("resync"), True, body)
        self.assertEqual(body["events"], [])
        self.assertIsInstance(body["cursor"], str)

    def test_long_poll_on_b_hears_a_logout_everywhere_on_a(self):
        cursor = self.cursor_now(self.b)
        result = {}

        def poll():
            t0 = time.time()
            result["r"] = self.b.request("GET", FEED + "?" + urllib.parse.urlencode({"since": cursor, "wait": 30}),
                                         headers=self.creds(), timeout=40)
            result["took"] = time.time() - t0

        t = threading.Thread(target=poll)
        t.start()
        time.sleep(0.5)  # the poll is waiting on B
        user = self.logout_everywhere(self.srv)
        t.join(40)
        r = result["r"]
        body = self.assertJSON(r, 200)
        self.assertLess(result["took"], 20, "the long-poll must answer on the event, not at its wait")
        subjects = [e for e in body["events"] if e["type"] == "subject"]
        self.assertTrue(any(e["sub"] == user for e in subjects), body)
        for e in subjects:
            self.assertEqual(set(e), {"type", "sub", "not_before"})
            self.assertIsInstance(e["not_before"], int)
        self.assertNotEqual(body["cursor"], cursor)

    def test_sse_on_b_streams_a_logout_everywhere_on_a(self):
        conn = self.b.connect(timeout=20)
        h = dict(self.creds(), Accept="text/event-stream")
        conn.request("GET", FEED, headers=h)
        r = conn.getresponse()
        self.assertEqual(r.status, 200)
        self.assertEqual(r.getheader("Content-Type"), "text/event-stream")
        self.assertIsNone(r.getheader("Content-Length"))

        def message():
            fields = {}
            while True:
                line = r.fp.readline().decode().rstrip("\n")
                if line == "":
                    if fields:
                        return fields
                    continue
                if line.startswith(":"):
                    continue
                k, _, v = line.partition(": ")
                fields[k] = v

        ready = message()
        self.assertEqual(ready.get("event"), "ready", ready)
        self.assertEqual(json.loads(ready["data"]), {"type": "ready", "cursor": ready["id"]})
        user = self.logout_everywhere(self.srv)
        deadline = time.time() + 15
        while time.time() < deadline:
            m = message()
            self.assertNotIn("event", m, m)  # revocations are plain messages
            e = json.loads(m["data"])
            self.assertTrue(m["id"])
            if e == {"type": "subject", "sub": user, "not_before": e.get("not_before")}:
                break
        else:
            self.fail("no subject event on the stream")
        conn.close()

    def test_revoking_a_refresh_token_announces_the_grant(self):
        cursor = self.cursor_now(self.b)
        user, t = self.tokens(self.srv)
        jti = jwt_claims(t["access_token"])["jti"]
        self.revoke(self.srv, t["refresh_token"])
        seen, _ = self.events_after(self.b, cursor, {"type": "grant", "sub": user})
        grant = [e for e in seen if e["type"] == "grant" and e["sub"] == user][0]
        self.assertEqual(set(grant), {"type", "grant", "sub"})
        self.assertTrue(any(e.get("jti") == jti for e in seen), seen)  # its live access token too

    def test_revoking_a_jwt_access_token_announces_its_jti(self):
        cursor = self.cursor_now(self.b)
        _, t = self.tokens(self.srv)
        claims = jwt_claims(t["access_token"])
        self.revoke(self.srv, t["access_token"])
        seen, _ = self.events_after(self.b, cursor, {"type": "jti", "jti": claims["jti"]})
        e = [e for e in seen if e.get("jti") == claims["jti"]][0]
        self.assertEqual(e, {"type": "jti", "jti": claims["jti"], "exp": claims["exp"]})

    def test_shutdown_ends_streams_and_long_polls(self):
        c = self.env.server()
        conn = c.connect(timeout=20)
        conn.request("GET", FEED, headers=dict(self.creds(), Accept="text/event-stream"))
        stream = conn.getresponse()
        self.assertEqual(stream.status, 200)
        self.assertTrue(stream.fp.readline().startswith(b"event: ready"))
        result = {}

        def poll():
            result["r"] = c.request("GET", FEED + "?wait=60", headers=self.creds(), timeout=70)

        t = threading.Thread(target=poll)
        t.start()
        time.sleep(0.5)
        rc, took = c.stop()
        t.join(20)
        self.assertEqual(rc, 0)
        self.assertLess(took, 8, "subscribers must not hold up a shutdown")
        self.assertEqual(result["r"].status, 200, result)
        rest = stream.read()  # the stream ends (EOF), it is not cut by a kill
        self.assertNotIn(b"event: resync", rest)
        conn.close()

    def test_the_cli_announces_too(self):
        cursor = self.cursor_now(self.b)
        u, _ = self.env.add_user()
        self.env.cli("users", "disable", u)
        self.events_after(self.b, cursor, {"type": "subject", "sub": u})
