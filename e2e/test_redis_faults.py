# Redis runs only (--store redis; not the cluster run): redis-server killed, restarted empty, frozen (SIGSTOP) while tessera keeps
# running. The server must fail closed with 503 store_unavailable, quickly, and recover by
# itself (docs/server.md: /healthz vs /readyz); a Redis that comes back empty needs the
# operator's `tessera store confirm-reset` (test_store_epoch.py).
import os
import signal
import time
import unittest

import harness
from harness import E2ETest, metric, parse_metrics


class RedisFaults(E2ETest):
    start_server = False

    @classmethod
    def setUpClass(cls):
        if harness.STORE == "redis-cluster":
            raise unittest.SkipTest("kills, freezes and restarts one redis-server: runs with --store redis, "
                                    "not on the run's shared 3-node cluster")
        if harness.STORE != "redis":
            raise unittest.SkipTest("Redis store only (--store redis)")
        super().setUpClass()

    def setUp(self):
        # A fresh redis-server (same port) and tessera per test.
        if self.env.redis.proc.poll() is not None or not self.env.redis.ping():
            self.env.redis.kill()
            self.env.redis.start()
            if os.path.exists(os.path.join(self.env.data, "store-epoch")):
                self.env.cli("store", "confirm-reset")  # it came back empty: accept it
        self.srv = self.env.server()

    def tearDown(self):
        self.env.redis.signal(signal.SIGCONT)

    def wait_status(self, path, status, timeout=5.0):
        deadline = time.time() + timeout
        while True:
            r = self.req("GET", path)
            if r.status == status or time.time() > deadline:
                return r
            time.sleep(0.1)

    def test_redis_killed_then_restarted(self):
        u, p = self.env.add_user()
        s = self.login(u, p)
        self.assertEqual(self.assertJSON(self.req("GET", "/readyz"), 200), {"status": "ok"})
        self.env.redis.signal(signal.SIGKILL)
        self.env.redis.proc.wait(5)
        t0 = time.time()
        r = self.req("GET", "/session", cookie=s.cookie)
        self.assertError(r, 503, "store_unavailable")
        self.assertIsNone(r.session_cookie(), "a store outage must not clear the cookie")
        r = self.req("POST", "/login", json_body={"username": u, "password": p})
        self.assertError(r, 503, "store_unavailable")
        self.assertIsNone(r.session_cookie())
        r = self.req("POST", "/logout", cookie=s.cookie, csrf=s.csrf)
        self.assertError(r, 503, "store_unavailable")
        self.assertError(self.req("GET", "/sessions", cookie=s.cookie), 503, "store_unavailable")
        self.assertLess(time.time() - t0, 3.0, "503s were slow")
        self.assertEqual(self.assertJSON(self.req("GET", "/healthz"), 200), {"status": "ok"})
        self.assertError(self.req("GET", "/readyz"), 503, "store_unavailable")
        self.assertEqual(self.req("GET", "/.well-known/jwks.json", jwks=True).status, 200)
        r = self.req("GET", "/metrics", metrics=True)
        self.assertEqual(r.status, 200)
        self.assertGreaterEqual(metric(parse_metrics(r.body.decode()), "tessera_store_errors_total") or 0, 1)
        # A fresh, empty redis-server on the same port: tessera reconnects by itself, sees that
        # the store lost its data (no epoch marker) and stays unready until an operator confirms.
        self.env.redis.start()
        self.assertError(self.req("GET", "/readyz"), 503, "store_epoch_mismatch")
        self.env.cli("store", "confirm-reset")
        r = self.wait_status("/readyz", 200)
        self.assertEqual(self.assertJSON(r, 200), {"status": "ok"})
        self.assertError(self.req("GET", "/session", cookie=s.cookie), 401, "session_not_found")
        self.env.add_user(u, p)
        s2 = self.login(u, p)
        self.assertAlive(s2)

    def test_redis_frozen(self):
        u, p = self.env.add_user()
        s = self.login(u, p)
        self.env.redis.signal(signal.SIGSTOP)
        try:
            for method, path, kw in (("GET", "/session", {"cookie": s.cookie}),
                                     ("POST", "/login", {"json_body": {"username": u, "password": p}}),
                                     ("GET", "/readyz", {})):
                with self.subTest(path=path):
                    t0 = time.time()
                    r = self.req(method, path, timeout=10, **kw)
                    took = time.time() - t0
                    self.assertError(r, 503, "store_unavailable")
                    self.assertLess(took, 2.5, f"{path} took {took:.2f} s with redis frozen")
            self.assertEqual(self.req("GET", "/healthz", timeout=3).status, 200)
        finally:
            self.env.redis.signal(signal.SIGCONT)
        r = self.wait_status("/readyz", 200)
        self.assertEqual(r.status, 200, r)
        self.assertAlive(s)
        self.assertAlive(self.login(u, p))
